package dashboards

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden dashboard files under testdata/")

func boards(t *testing.T) []Board {
	t.Helper()
	bs, err := All(Options{})
	if err != nil {
		t.Fatalf("All: %v", err)
	}
	return bs
}

// TestGolden compares each generated dashboard with testdata/<uid>.json
// (regenerate with go test ./dashboards -update and review the diff).
func TestGolden(t *testing.T) {
	for _, b := range boards(t) {
		t.Run(b.UID, func(t *testing.T) {
			path := filepath.Join("testdata", b.File())
			if *update {
				if err := os.WriteFile(path, b.JSON, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden (run with -update to create it): %v", err)
			}
			if !bytes.Equal(b.JSON, want) {
				t.Errorf("%s differs from the generated dashboard; run go test ./dashboards -update and review the diff", path)
			}
		})
	}
}

// TestDeterministic: generating twice gives identical bytes (no global
// counters, no map order).
func TestDeterministic(t *testing.T) {
	a, b := boards(t), boards(t)
	for i := range a {
		if !bytes.Equal(a[i].JSON, b[i].JSON) {
			t.Errorf("%s: two generations differ", a[i].UID)
		}
	}
}

func TestBoardsIdentity(t *testing.T) {
	want := []struct{ uid, title string }{
		{"effekt-indikatorer", "Indikatorer per kommun"},
		{"effekt-kommun", "Kommun"},
		{"effekt-dataflode", "Dataflöde"},
	}
	bs := boards(t)
	if len(bs) != len(want) {
		t.Fatalf("got %d dashboards, want %d", len(bs), len(want))
	}
	for i, w := range want {
		m := decode(t, bs[i])
		if bs[i].UID != w.uid || m["uid"] != w.uid || bs[i].Title != w.title || m["title"] != w.title {
			t.Errorf("dashboard %d: uid %q/%v title %q/%v, want %q %q", i, bs[i].UID, m["uid"], bs[i].Title, m["title"], w.uid, w.title)
		}
		if _, ok := m["id"]; ok {
			t.Errorf("%s: top-level id present: Grafana assigns it", w.uid)
		}
		if m["schemaVersion"] != float64(SchemaVersion) {
			t.Errorf("%s: schemaVersion %v, want %d", w.uid, m["schemaVersion"], SchemaVersion)
		}
		for _, k := range legacyBoardKeys {
			if _, ok := m[k]; ok {
				t.Errorf("%s: legacy key %q present", w.uid, k)
			}
		}
	}
}

func decode(t *testing.T, b Board) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b.JSON, &m); err != nil {
		t.Fatalf("%s: %v", b.UID, err)
	}
	return m
}

// allPanels flattens the panels, rows' nested ones included.
func allPanels(m map[string]any) []map[string]any {
	var out []map[string]any
	var walk func([]any)
	walk = func(ps []any) {
		for _, p := range ps {
			pm := p.(map[string]any)
			out = append(out, pm)
			if sub, ok := pm["panels"].([]any); ok {
				walk(sub)
			}
		}
	}
	walk(m["panels"].([]any))
	return out
}

// TestNoNullsNoEmptyStrings walks every value: no null except a threshold
// base step's value (which Grafana's schema requires), no empty string.
func TestNoNullsNoEmptyStrings(t *testing.T) {
	for _, b := range boards(t) {
		var walk func(path string, v any)
		walk = func(path string, v any) {
			switch x := v.(type) {
			case nil:
				if !regexp.MustCompile(`\.steps\[0\]\.value$`).MatchString(path) {
					t.Errorf("%s: null at %s", b.UID, path)
				}
			case string:
				if x == "" {
					t.Errorf("%s: empty string at %s", b.UID, path)
				}
			case map[string]any:
				for k, y := range x {
					walk(path+"."+k, y)
				}
			case []any:
				for i, y := range x {
					walk(fmt.Sprintf("%s[%d]", path, i), y)
				}
			}
		}
		walk("$", decode(t, b))
	}
}

type rect struct{ x, y, w, h int }

func gridPos(t *testing.T, uid string, p map[string]any) rect {
	g, ok := p["gridPos"].(map[string]any)
	if !ok {
		t.Fatalf("%s panel %v: no gridPos", uid, p["title"])
	}
	get := func(k string) int {
		v, ok := g[k].(float64)
		if !ok {
			t.Fatalf("%s panel %v: gridPos.%s missing", uid, p["title"], k)
		}
		return int(v)
	}
	return rect{get("x"), get("y"), get("w"), get("h")}
}

// TestGrid: unique panel ids, every panel inside the 24 columns, none
// overlapping another.
func TestGrid(t *testing.T) {
	for _, b := range boards(t) {
		ids := map[float64]bool{}
		var rs []rect
		var titles []string
		for _, p := range allPanels(decode(t, b)) {
			id, _ := p["id"].(float64)
			if id < 1 || ids[id] {
				t.Errorf("%s: panel %q id %v missing or duplicate", b.UID, p["title"], p["id"])
			}
			ids[id] = true
			r := gridPos(t, b.UID, p)
			if r.x < 0 || r.y < 0 || r.w < 1 || r.h < 1 || r.x+r.w > 24 {
				t.Errorf("%s: panel %q gridPos %+v outside the 24-column grid", b.UID, p["title"], r)
			}
			for i, o := range rs {
				if r.x < o.x+o.w && o.x < r.x+r.w && r.y < o.y+o.h && o.y < r.y+r.h {
					t.Errorf("%s: panel %q %+v overlaps %q %+v", b.UID, p["title"], r, titles[i], o)
				}
			}
			rs, titles = append(rs, r), append(titles, fmt.Sprint(p["title"]))
		}
	}
}

func isOurDatasource(v any) bool {
	m, ok := v.(map[string]any)
	return ok && m["type"] == "prometheus" && m["uid"] == DatasourceUID && len(m) == 2
}

// TestDatasourceEverywhere: every panel, target and variable names the
// Prometheus data source by uid.
func TestDatasourceEverywhere(t *testing.T) {
	for _, b := range boards(t) {
		m := decode(t, b)
		for _, p := range allPanels(m) {
			if !isOurDatasource(p["datasource"]) {
				t.Errorf("%s: panel %q datasource %v", b.UID, p["title"], p["datasource"])
			}
			ts, _ := p["targets"].([]any)
			for _, tg := range ts {
				if !isOurDatasource(tg.(map[string]any)["datasource"]) {
					t.Errorf("%s: panel %q target %v has no datasource uid", b.UID, p["title"], tg.(map[string]any)["refId"])
				}
			}
		}
		for _, v := range m["templating"].(map[string]any)["list"].([]any) {
			if v.(map[string]any)["type"] == "custom" {
				continue // a fixed list: no data source
			}
			if !isOurDatasource(v.(map[string]any)["datasource"]) {
				t.Errorf("%s: variable %v datasource %v", b.UID, v.(map[string]any)["name"], v.(map[string]any)["datasource"])
			}
		}
	}
}

// allowedUnits are the Grafana unit ids effekt uses.
var allowedUnits = []string{"percent", "d", "s", "currencySEK", "short", "none", "dateTimeAsIso", "dateTimeFromNow"}

var panelTypes = []string{"row", "stat", "bargauge", "barchart", "table", "timeseries", "gauge", "text", "geomap"}

// TestPanels: allowed types and units, a description, targets with unique
// refIds and an expression, thresholds as Grafana's schema wants them.
func TestPanels(t *testing.T) {
	for _, b := range boards(t) {
		for _, p := range allPanels(decode(t, b)) {
			name := fmt.Sprintf("%s panel %q", b.UID, p["title"])
			typ, _ := p["type"].(string)
			if !slices.Contains(panelTypes, typ) {
				t.Errorf("%s: type %q", name, typ)
			}
			if typ == "row" {
				continue
			}
			if d, _ := p["description"].(string); len(d) < 40 {
				t.Errorf("%s: description %q too short to say what the number means", name, d)
			}
			ts, _ := p["targets"].([]any)
			if typ != "text" && len(ts) == 0 {
				t.Errorf("%s: no targets", name)
			}
			refs := map[string]bool{}
			for _, tg := range ts {
				tm := tg.(map[string]any)
				ref, _ := tm["refId"].(string)
				if ref == "" || refs[ref] {
					t.Errorf("%s: refId %q missing or duplicate", name, ref)
				}
				refs[ref] = true
				if e, _ := tm["expr"].(string); strings.TrimSpace(e) == "" {
					t.Errorf("%s: target %s has no expr", name, ref)
				}
				if f := tm["format"]; f != "table" && f != "time_series" {
					t.Errorf("%s: target %s format %v", name, ref, f)
				}
			}
			checkFieldConfig(t, name, p["fieldConfig"])
		}
	}
}

func checkFieldConfig(t *testing.T, name string, fc any) {
	t.Helper()
	m, _ := fc.(map[string]any)
	if m == nil {
		return
	}
	def, _ := m["defaults"].(map[string]any)
	if u, ok := def["unit"]; ok && !slices.Contains(allowedUnits, u.(string)) {
		t.Errorf("%s: unit %v not allowed", name, u)
	}
	if th, ok := def["thresholds"]; ok {
		checkThresholds(t, name, th)
	}
	ovs, ok := m["overrides"].([]any)
	if !ok {
		t.Errorf("%s: fieldConfig.overrides missing", name)
	}
	for _, o := range ovs {
		om := o.(map[string]any)
		matcher := om["matcher"].(map[string]any)
		if id := matcher["id"]; id != "byName" && id != "byFrameRefID" && id != "byRegexp" {
			t.Errorf("%s: override matcher %v", name, id)
		}
		for _, pr := range om["properties"].([]any) {
			pm := pr.(map[string]any)
			switch pm["id"] {
			case "unit":
				if !slices.Contains(allowedUnits, pm["value"].(string)) {
					t.Errorf("%s: override unit %v not allowed", name, pm["value"])
				}
			case "thresholds":
				checkThresholds(t, name, pm["value"])
			}
		}
	}
}

// checkThresholds: mode absolute or percentage, steps sorted, the first
// with a null value (-Infinity), every step with a colour.
func checkThresholds(t *testing.T, name string, v any) {
	t.Helper()
	m := v.(map[string]any)
	if m["mode"] != "absolute" && m["mode"] != "percentage" {
		t.Errorf("%s: thresholds mode %v", name, m["mode"])
	}
	steps := m["steps"].([]any)
	prev := -1e300
	for i, s := range steps {
		sm := s.(map[string]any)
		if c, _ := sm["color"].(string); c == "" {
			t.Errorf("%s: threshold step %d without colour", name, i)
		}
		val, present := sm["value"]
		if i == 0 {
			if !present || val != nil {
				t.Errorf("%s: first threshold step value %v, want null", name, val)
			}
			continue
		}
		f, ok := val.(float64)
		if !ok || f <= prev {
			t.Errorf("%s: threshold step %d value %v not ascending", name, i, val)
		}
		prev = f
	}
}

var varRef = regexp.MustCompile(`\$(?:\{([A-Za-z0-9_]+)(?::[a-z]+)?\}|([A-Za-z_][A-Za-z0-9_]*))`)

// TestVariables: every variable has a query over an effekt metric, allowed
// refresh/sort values, and every $variable referenced in a title,
// description or query is defined (or one of Grafana's built-ins); every
// variable is used.
func TestVariables(t *testing.T) {
	builtins := map[string]bool{"__rate_interval": true, "__range": true, "__interval": true}
	for _, b := range boards(t) {
		m := decode(t, b)
		defined := map[string]bool{}
		for _, v := range m["templating"].(map[string]any)["list"].([]any) {
			vm := v.(map[string]any)
			name := vm["name"].(string)
			defined[name] = true
			q, _ := vm["query"].(string)
			if vm["type"] == "custom" {
				checkCustomVar(t, b.UID, name, q)
				continue
			}
			if !regexp.MustCompile(`^(label_values|query_result)\(.*effekt_[a-z_]+.*\)$`).MatchString(q) {
				t.Errorf("%s: variable %s query %q", b.UID, name, q)
			}
			if r := vm["refresh"]; r != float64(1) && r != float64(2) {
				t.Errorf("%s: variable %s refresh %v", b.UID, name, r)
			}
			if s := vm["sort"].(float64); s < 0 || s > 8 {
				t.Errorf("%s: variable %s sort %v", b.UID, name, s)
			}
		}
		used := map[string]bool{}
		check := func(where, s string) {
			for _, mm := range varRef.FindAllStringSubmatch(s, -1) {
				n := mm[1] + mm[2]
				used[n] = true
				if !defined[n] && !builtins[n] {
					t.Errorf("%s: %s references undefined variable $%s", b.UID, where, n)
				}
			}
		}
		for _, v := range m["templating"].(map[string]any)["list"].([]any) {
			check("variable "+v.(map[string]any)["name"].(string), v.(map[string]any)["query"].(string))
		}
		for _, p := range allPanels(m) {
			title, _ := p["title"].(string)
			check("title of "+title, title)
			d, _ := p["description"].(string)
			check("description of "+title, d)
			ts, _ := p["targets"].([]any)
			for _, tg := range ts {
				check("query of "+title, tg.(map[string]any)["expr"].(string))
			}
		}
		for n := range defined {
			if !used[n] {
				t.Errorf("%s: variable %s is never used", b.UID, n)
			}
		}
	}
}

// knownMetrics are the names in docs/ARCHITECTURE.md ("Prometheus metric names").
var knownMetrics = []string{
	"effekt_indicator_value", "effekt_indicator_ci_low", "effekt_indicator_ci_high", "effekt_indicator_denominator",
	"effekt_indicator_target", "effekt_indicator_cells", "effekt_files_total", "effekt_rows_total",
	"effekt_rejected_rows_total", "effekt_last_successful_load_timestamp_seconds", "effekt_data_newest_event_timestamp_seconds",
	"effekt_data_freshness_seconds", "effekt_job_runs_total", "effekt_job_duration_seconds_bucket",
	"effekt_job_last_success_timestamp_seconds", "effekt_job_running", "effekt_scrape_collector_success",
	"effekt_scrape_collector_duration_seconds",
}

// TestQueries: the exported query list matches the JSON, only documented
// metrics are queried, and the parentheses and braces balance.
func TestQueries(t *testing.T) {
	metric := regexp.MustCompile(`effekt_[a-z_]+`)
	counts := map[string]int{}
	for _, b := range boards(t) {
		qs, err := b.Queries()
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, p := range allPanels(decode(t, b)) {
			ts, _ := p["targets"].([]any)
			n += len(ts)
		}
		if len(qs) != n {
			t.Errorf("%s: Queries() lists %d, the JSON has %d targets", b.UID, len(qs), n)
		}
		counts[b.UID] = len(qs)
		for _, q := range qs {
			for _, name := range metric.FindAllString(q.Expr, -1) {
				if !slices.Contains(knownMetrics, name) {
					t.Errorf("%s %q: unknown metric %s", b.UID, q.Panel, name)
				}
			}
			if strings.Count(q.Expr, "(") != strings.Count(q.Expr, ")") || strings.Count(q.Expr, "{") != strings.Count(q.Expr, "}") {
				t.Errorf("%s %q %s: unbalanced %s", b.UID, q.Panel, q.RefID, q.Expr)
			}
		}
	}
	// Hand count: indikatorer 1+1+1+1 stats (target: percent only) + 2 × 4
	// bar gauges (3 units + EF201, which has a target) + 6 bar chart + 6 table
	// + 1 map = 4+8+6+6+1 = 25; kommun 3 + per
	// indicator 1 + (4 for percent, 2 otherwise): 8 percent × 5 + 3 × 3 = 49,
	// +3 = 52; dataflöde 1+2+1+1+4+1+1+2+1+1+1+1+1+1 = 19.
	want := map[string]int{UIDIndicators: 25, UIDMunicipal: 52, UIDDataflow: 19}
	for uid, w := range want {
		if counts[uid] != w {
			t.Errorf("%s: %d queries, want %d", uid, counts[uid], w)
		}
	}
}
