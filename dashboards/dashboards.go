// Package dashboards generates effekt's Grafana dashboards in Go (with
// github.com/grafana-tools/sdk for the board, its variables and rows, and the
// modern panel types as custom panels carrying their full JSON), writes them
// with Grafana provisioning files, and publishes them through Grafana's HTTP
// API.
//
// Three dashboards are generated: "Indikatorer per kommun"
// (uid effekt-indikatorer), "Kommun" (uid effekt-kommun) and "Dataflöde"
// (uid effekt-dataflode). Every panel, target and variable queries the
// Prometheus data source with uid DatasourceUID.
package dashboards

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/grafana-tools/sdk"

	"github.com/effekt/effekt/models"
)

// DatasourceUID is the uid of the Prometheus data source every dashboard
// queries; the provisioning file and Publish create it under that uid.
const DatasourceUID = "effekt-prometheus"

// DatasourceName is the data source's name in Grafana.
const DatasourceName = "effekt Prometheus"

// SchemaVersion is the Grafana dashboard schema version the JSON follows:
// 39, the latest of Grafana 11.0–11.6. Grafana migrates a dashboard up from
// an older version (12.x and 13 to their 41/42) but its backend migrator
// refuses one newer than its own latest, so 39 loads in Grafana 11, 12 and
// 13 alike. Nothing in these dashboards needs a later version.
const SchemaVersion = 39

// DefaultPrometheusURL is the data source URL when none is given.
const DefaultPrometheusURL = "http://localhost:9090"

// DefaultProviderPath is the folder on the Grafana host the dashboard
// provider reads the JSON files from when none is given: copy
// DIR/dashboards/*.json there.
const DefaultProviderPath = "/var/lib/grafana/dashboards/effekt"

// DefaultGazetteerURL is where the Geomap panel loads the municipality
// locations from when none is given: a path under Grafana's own public
// folder, next to the gazetteers Grafana ships (copy
// DIR/gazetteer/effekt-kommuner.json to <grafana>/public/gazetteer/).
const DefaultGazetteerURL = "public/gazetteer/" + GazetteerFile

// GazetteerFile is the name of the municipality gazetteer Write puts
// under DIR/gazetteer/.
const GazetteerFile = "effekt-kommuner.json"

// Dashboard uids.
const (
	UIDIndicators = "effekt-indikatorer"
	UIDMunicipal  = "effekt-kommun"
	UIDDataflow   = "effekt-dataflode"
)

// Options configure generation.
type Options struct {
	// PrometheusURL is the data source URL in the provisioning file
	// (default DefaultPrometheusURL).
	PrometheusURL string
	// ProviderPath is the folder the dashboard provider reads from, as Grafana
	// sees it (default DefaultProviderPath).
	ProviderPath string
	// GazetteerURL is where Grafana's Geomap panel fetches the municipality
	// locations (Gazetteer()) from: a path relative to Grafana's root URL or
	// an absolute URL (default DefaultGazetteerURL).
	GazetteerURL string
	// Indicators is the catalogue the per-indicator panels and units come
	// from (default models.Catalogue()).
	Indicators []models.Indicator
}

func (o Options) withDefaults() Options {
	if o.PrometheusURL == "" {
		o.PrometheusURL = DefaultPrometheusURL
	}
	if o.ProviderPath == "" {
		o.ProviderPath = DefaultProviderPath
	}
	if o.GazetteerURL == "" {
		o.GazetteerURL = DefaultGazetteerURL
	}
	if o.Indicators == nil {
		o.Indicators = models.Catalogue()
	}
	return o
}

// Board is one generated dashboard.
type Board struct {
	UID   string
	Title string
	// JSON is the normalised dashboard model (indented, sorted keys, no top
	// level id, no null values, no empty strings), as provisioned and
	// published.
	JSON []byte
}

// File is the board's file name in the dashboards folder.
func (b Board) File() string { return b.UID + ".json" }

// All generates the three dashboards, in a fixed order.
func All(opt Options) ([]Board, error) {
	opt = opt.withDefaults()
	builders := []struct {
		uid   string
		build func(Options) *sdk.Board
	}{
		{UIDIndicators, func(o Options) *sdk.Board { return indicatorsBoard(o.Indicators, o.GazetteerURL) }},
		{UIDMunicipal, func(o Options) *sdk.Board { return municipalBoard(o.Indicators) }},
		{UIDDataflow, func(o Options) *sdk.Board { return dataflowBoard(o.Indicators) }},
	}
	out := make([]Board, 0, len(builders))
	for _, b := range builders {
		board := b.build(opt)
		board.ID = 0 // NewBoard counts ids globally; Grafana assigns its own
		board.UID = b.uid
		js, err := normalise(board)
		if err != nil {
			return nil, fmt.Errorf("dashboard %s: %w", b.uid, err)
		}
		out = append(out, Board{UID: b.uid, Title: board.Title, JSON: js})
	}
	return out, nil
}

// newBoard is sdk.NewBoard with effekt's common settings.
func newBoard(title string, tags ...string) *sdk.Board {
	b := sdk.NewBoard(title)
	b.ID = 0
	b.Timezone = "browser"
	b.Editable = true
	b.SchemaVersion = SchemaVersion
	b.Version = 1
	b.GraphTooltip = 1
	b.Tags = append([]string{"effekt"}, tags...)
	b.Time = sdk.Time{From: "now-24h", To: "now"}
	b.Timepicker = sdk.Timepicker{RefreshIntervals: []string{"1m", "5m", "15m", "1h"}}
	b.Refresh = &sdk.BoolString{Flag: true, Value: "5m"}
	b.Annotations.List = []sdk.Annotation{}
	b.Templating.List = []sdk.TemplateVar{}
	b.Links = []sdk.Link{{
		Title: "effekt", Type: "dashboards", Tags: []string{"effekt"}, Icon: ptr("external link"),
		Tooltip: ptr("Alla effekt-dashboards"), AsDropdown: ptr(true), IncludeVars: false, KeepTime: ptr(true), TargetBlank: ptr(false),
	}}
	return b
}

// legacyBoardKeys are fields the sdk writes that schema 39 no longer has.
var legacyBoardKeys = []string{"id", "slug", "originalTitle", "style", "hideControls", "sharedCrosshair", "rows"}

// legacyPanelKeys are panel fields of the old graph era the sdk writes.
var legacyPanelKeys = []string{"span", "isNew", "error", "renderer", "editable"}

// normalise marshals b and rewrites it into the shape Grafana writes itself:
// no top-level id, no legacy keys, no null values and no empty strings
// anywhere (the sdk marshals unset slices as null and unset enums as "").
func normalise(b *sdk.Board) ([]byte, error) {
	raw, err := json.Marshal(b)
	if err != nil {
		return nil, fmt.Errorf("marshal: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("unmarshal: %w", err)
	}
	for _, k := range legacyBoardKeys {
		delete(m, k)
	}
	if ps, ok := m["panels"].([]any); ok {
		for _, p := range ps {
			stripPanel(p)
		}
	}
	clean(m)
	// A variable without a saved selection has no "current" (Grafana picks
	// the first value by the variable's sort); an empty one is invalid.
	if tp, ok := m["templating"].(map[string]any); ok {
		vars, _ := tp["list"].([]any)
		for _, v := range vars {
			if vm, ok := v.(map[string]any); ok {
				if c, ok := vm["current"].(map[string]any); ok && len(c) == 0 {
					delete(vm, "current")
				}
			}
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	return buf.Bytes(), nil
}

func stripPanel(p any) {
	pm, ok := p.(map[string]any)
	if !ok {
		return
	}
	for _, k := range legacyPanelKeys {
		delete(pm, k)
	}
	if pm["type"] == "row" {
		delete(pm, "transparent") // not a row property
	}
	if sub, ok := pm["panels"].([]any); ok {
		for _, s := range sub {
			stripPanel(s)
		}
	}
}

// clean removes null values (except a threshold base step's "value": null,
// which Grafana requires) and empty strings from maps and null elements
// from arrays, recursively, and returns the cleaned value (an empty array
// stays an empty array).
func clean(v any) any {
	switch t := v.(type) {
	case map[string]any:
		_, step := t["color"] // a threshold step: the base step's value is null
		for k, x := range t {
			if (x == nil && !(step && k == "value")) || x == "" {
				delete(t, k)
				continue
			}
			t[k] = clean(x)
		}
	case []any:
		t = slices.DeleteFunc(t, func(x any) bool { return x == nil })
		for i, x := range t {
			t[i] = clean(x)
		}
		return t
	}
	return v
}

func ptr[T any](v T) *T { return &v }
