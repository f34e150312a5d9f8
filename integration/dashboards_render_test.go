//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/effekt/effekt/dashboards"
	"github.com/effekt/effekt/models"
)

// TestDashboardRender runs every panel of the generated dashboards the way
// Grafana does, with Grafana's own code (integration/grafana/render.cjs:
// @grafana/prometheus's result transformer, @grafana/data's transformations,
// field config and display names), on the answers of the real Prometheus
// scraping effekt on demo data, for every indicator of Indikatorer, a few
// municipalities of Kommun and Dataflöde as loaded, and asserts what a
// project owner sees (see checkRendered and checkBoardOverrides).
func TestDashboardRender(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	st := StartStack(ctx, t)
	tools, why := grafanaNode(ctx)
	if tools == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal(why)
		}
		t.Skip(why)
	}
	boards, err := dashboards.All(dashboards.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var places []dashboards.Place
	if err := json.Unmarshal(dashboards.Gazetteer(), &places); err != nil {
		t.Fatal(err)
	}
	gaz := map[string]bool{}
	for _, p := range places {
		gaz[p.Key] = true
	}
	limits := map[string]int{dashboards.UIDIndicators: 20, dashboards.UIDMunicipal: 3, dashboards.UIDDataflow: 1}
	for _, b := range boards {
		t.Run(b.UID, func(t *testing.T) {
			start := time.Now()
			vars, err := b.Variables()
			if err != nil {
				t.Fatal(err)
			}
			// Counters need two scrapes before increase() answers: poll.
			deadline := time.Now().Add(60 * time.Second)
			var problems []string
			var panels int
			for {
				problems, panels = nil, 0
				scs, err := scopes(ctx, st, vars, limits[b.UID])
				if err != nil {
					problems = []string{err.Error()}
				} else {
					panels, problems = renderBoard(ctx, st, tools, b, scs, gaz)
				}
				if len(problems) == 0 || time.Now().After(deadline) || ctx.Err() != nil {
					break
				}
				time.Sleep(3 * time.Second)
			}
			for _, p := range problems {
				t.Error(p)
			}
			t.Logf("%s: %d panel renders checked in %s", b.UID, panels, time.Since(start).Round(time.Millisecond))
		})
	}
}

// renderBoard renders every panel with queries in every scope and returns
// how many renders it checked and what is wrong.
func renderBoard(ctx context.Context, st *Stack, tools string, b dashboards.Board, scs []scope, gaz map[string]bool) (int, []string) {
	var board struct {
		Panels []map[string]any `json:"panels"`
	}
	if err := json.Unmarshal(b.JSON, &board); err != nil {
		return 0, []string{err.Error()}
	}
	var reqs []RenderRequest
	var where []renderCtx
	for _, sc := range scs {
		for _, p := range board.Panels {
			targets, _ := p["targets"].([]any)
			if p["type"] == "row" || len(targets) == 0 {
				continue
			}
			panel := substituteAll(p, sc).(map[string]any)
			resp := map[string]json.RawMessage{}
			end := time.Now()
			for _, tg := range panel["targets"].([]any) {
				tm := tg.(map[string]any)
				instant, _ := tm["instant"].(bool)
				data, err := st.QueryData(ctx, tm["expr"].(string), instant, end)
				if err != nil {
					return 0, []string{fmt.Sprintf("%s %q: %v", b.UID, panel["title"], err)}
				}
				resp[tm["refId"].(string)] = data
			}
			key := fmt.Sprintf("%s panel %v %q (%s)", b.UID, p["id"], panel["title"], describeScope(sc))
			reqs = append(reqs, RenderRequest{Key: key, Panel: panel, Responses: resp})
			where = append(where, renderCtx{board: b.UID, panel: panel, scope: sc})
		}
	}
	res, err := Render(ctx, tools, reqs)
	if err != nil {
		return 0, []string{err.Error()}
	}
	var problems []string
	matched := map[string]bool{} // panel id + override index → matched in some scope
	for i, r := range res {
		problems = append(problems, checkRendered(where[i], r, gaz)...)
		for j, o := range r.Overrides {
			k := fmt.Sprintf("%v/%d", where[i].panel["id"], j)
			matched[k] = matched[k] || o.Matched
		}
	}
	// Every override matches a field for some scope (a per-unit override
	// matches only when $kpi has that unit).
	seen := map[string]bool{}
	for i, r := range res {
		for j, o := range r.Overrides {
			k := fmt.Sprintf("%v/%d", where[i].panel["id"], j)
			if !matched[k] && !seen[k] {
				seen[k] = true
				problems = append(problems, fmt.Sprintf("%s panel %v %q: override %s %s matches no field in any scope",
					b.UID, where[i].panel["id"], where[i].panel["title"], o.Matcher, o.Options))
			}
		}
	}
	return len(res), problems
}

type renderCtx struct {
	board string
	panel map[string]any
	scope scope
}

// substituteAll replaces variables in every string of a panel model.
func substituteAll(v any, sc scope) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = substituteAll(x, sc)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = substituteAll(x, sc)
		}
		return out
	case string:
		return substitute(t, sc)
	}
	return v
}

// rawColumn is a column Grafana shows under a Prometheus name: a label the
// query should have aggregated away or a value column without a display name.
var rawColumn = regexp.MustCompile(`^(__name__|instance|job|Time|Value( #.+)?)$`)

// checkRendered is what a project owner should see in one panel render: no
// harness or Grafana error (an unknown transformation id throws), no field
// whose every value is null, tables without raw Prometheus columns, one row
// per area (Indikatorer) or per year and gender (Kommun) with the expected
// columns, two bar series (women, men) in the gender chart, the target's
// thresholds on the target indicator's bars, and map markers that all find
// their municipality in the gazetteer.
func checkRendered(rc renderCtx, r Rendered, gaz map[string]bool) []string {
	var out []string
	bad := func(format string, a ...any) { out = append(out, r.Key+": "+fmt.Sprintf(format, a...)) }
	for _, e := range r.Errors {
		bad("%s", e)
	}
	typ, _ := rc.panel["type"].(string)
	title, _ := rc.panel["title"].(string)
	for _, f := range r.Frames {
		for _, fd := range f.Fields {
			if f.Length > 0 && fd.Type != "time" && allNull(fd.Values) {
				bad("field %q (%s) is null in all %d rows", fd.DisplayName, fd.Name, f.Length)
			}
		}
	}
	rows := nonEmpty(r.Frames)
	switch {
	case typ == "table" && rc.board != dashboards.UIDDataflow:
		if len(rows) > 1 {
			bad("%d frames; a table shows one", len(rows))
		}
		for _, f := range rows {
			var cols []string
			for _, fd := range f.Fields {
				cols = append(cols, fd.DisplayName)
				if rawColumn.MatchString(fd.DisplayName) {
					bad("column %q is a raw Prometheus column", fd.DisplayName)
				}
			}
			kpi := rc.scope["kpi"].value
			key := []string{"Kod"}
			if rc.board == dashboards.UIDMunicipal {
				kpi, _, _ = strings.Cut(title, ":")
				key = []string{"År", "Kön"}
			}
			if want := tableColumns(rc.board, kpi); !slices.Equal(cols, want) {
				bad("columns %q, want %q", cols, want)
			}
			if dup := duplicateRows(f, key); dup != "" {
				bad("more than one row for %s %s", strings.Join(key, "+"), dup)
			}
		}
	case typ == "barchart" && strings.HasPrefix(title, "Kvinnor och män"):
		for _, f := range rows {
			var series []string
			for _, fd := range f.Fields {
				if fd.Type == "number" {
					series = append(series, fd.DisplayName)
				}
			}
			if !slices.Equal(series, []string{"Kvinnor", "Män"}) {
				bad("bar series %q, want [Kvinnor Män]", series)
			}
		}
	case typ == "bargauge" && rc.board == dashboards.UIDIndicators:
		in, ok := indicator(rc.scope["kpi"].value)
		if ok && in.Target != nil {
			for _, f := range rows {
				for _, fd := range f.Fields {
					if fd.Type == "number" && !hasStep(fd.Config, *in.Target) {
						bad("bar %q: thresholds %v, want a step at the target %g", fd.DisplayName, fd.Config["thresholds"], *in.Target)
					}
				}
			}
		}
	case typ == "geomap":
		n := 0
		for _, f := range rows {
			code, value := field(f, "municipality"), field(f, "Value")
			if code == nil || value == nil {
				bad("map frame without municipality and Value fields")
				continue
			}
			for i, v := range value.Values {
				if v == nil {
					continue
				}
				n++
				if c, _ := code.Values[i].(string); !gaz[c] {
					bad("municipality %v with value %v has no place in the gazetteer", code.Values[i], v)
				}
			}
		}
		if n == 0 {
			bad("no municipality on the map")
		}
	}
	return out
}

// tableColumns are the columns of Indikatorer's area table and Kommun's
// year tables for indicator kpi: the interval only for percentages.
func tableColumns(board, kpi string) []string {
	in, _ := indicator(kpi)
	ci := in.Unit == models.Percent
	var cols []string
	if board == dashboards.UIDMunicipal {
		cols = []string{"År", "Kön", "Värde"}
	} else {
		cols = []string{"Område", "Kod", "Typ (K kommun, L län/riket, G grupp)", "Län", "Värde"}
	}
	if ci {
		cols = append(cols, "95 % KI, nedre", "95 % KI, övre")
	}
	return append(cols, "Kohort (nämnare)")
}

func indicator(id string) (models.Indicator, bool) {
	for _, in := range models.Catalogue() {
		if in.ID == id {
			return in, true
		}
	}
	return models.Indicator{}, false
}

func nonEmpty(frames []RenderedFrame) []RenderedFrame {
	var out []RenderedFrame
	for _, f := range frames {
		if f.Length > 0 && len(f.Fields) > 0 {
			out = append(out, f)
		}
	}
	return out
}

func field(f RenderedFrame, name string) *RenderedField {
	for i := range f.Fields {
		if f.Fields[i].Name == name {
			return &f.Fields[i]
		}
	}
	return nil
}

func allNull(vs []any) bool {
	for _, v := range vs {
		if v != nil {
			return false
		}
	}
	return true
}

// duplicateRows names a key that occurs on two rows ("" when none does).
func duplicateRows(f RenderedFrame, key []string) string {
	var cols []*RenderedField
	for _, k := range key {
		for i := range f.Fields {
			if f.Fields[i].DisplayName == k {
				cols = append(cols, &f.Fields[i])
			}
		}
	}
	if len(cols) != len(key) {
		return "(key columns missing)"
	}
	seen := map[string]bool{}
	for i := 0; i < f.Length; i++ {
		var parts []string
		for _, c := range cols {
			parts = append(parts, fmt.Sprint(c.Values[i]))
		}
		k := strings.Join(parts, "/")
		if seen[k] {
			return k
		}
		seen[k] = true
	}
	return ""
}

// hasStep: the field's thresholds have a step at value.
func hasStep(cfg map[string]any, value float64) bool {
	th, _ := cfg["thresholds"].(map[string]any)
	steps, _ := th["steps"].([]any)
	for _, s := range steps {
		if m, ok := s.(map[string]any); ok && m["value"] == value {
			return true
		}
	}
	return false
}
