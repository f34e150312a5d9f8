//go:build integration

package integration

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/effekt/effekt/dashboards"
)

// TestDashboardQueries runs every template variable query and every panel
// query of the generated dashboards against the real Prometheus scraping
// effekt on demo data, with the variables substituted by the values their
// own queries return, and requires data back:
//   - every variable query returns at least one value;
//   - every panel query returns at least one sample for some value of the
//     board's first variable (kpi, municipality, kind): queries split by
//     unit or naming a target only answer for the indicators they cover.
func TestDashboardQueries(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	st := StartStack(ctx, t)
	boards, err := dashboards.All(dashboards.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range boards {
		t.Run(b.UID, func(t *testing.T) {
			vars, err := b.Variables()
			if err != nil {
				t.Fatal(err)
			}
			queries, err := b.Queries()
			if err != nil {
				t.Fatal(err)
			}
			// Counters need two scrapes before increase() answers: poll.
			deadline := time.Now().Add(90 * time.Second)
			var missing []string
			for {
				scopes, verr := scopes(ctx, st, vars, 12)
				missing = nil
				if verr != nil {
					missing = append(missing, verr.Error())
				} else {
					missing = emptyQueries(ctx, st, queries, scopes)
				}
				if len(missing) == 0 || time.Now().After(deadline) || ctx.Err() != nil {
					break
				}
				time.Sleep(3 * time.Second)
			}
			for _, m := range missing {
				t.Error(m)
			}
			if len(missing) > 0 {
				return
			}
			sc, err := scopes(ctx, st, vars, 1)
			if err != nil {
				t.Fatal(err)
			}
			checkDefaultScope(ctx, t, st, b, queries, sc[0])
		})
	}
}

// checkDefaultScope: with the values Grafana selects on load, every panel
// shows data (at least one of its queries answers) unless it names the
// empty state with a noValue text, the municipality
// variable shows names, and $county names a county series (area_type L),
// as the Kommun dashboard assumes.
func checkDefaultScope(ctx context.Context, t *testing.T, st *Stack, b dashboards.Board, queries []dashboards.Query, sc scope) {
	t.Helper()
	panels := map[int]string{}
	withData := map[int]bool{}
	for _, q := range queries {
		if q.NoValue != "" && q.NoValue != "0" {
			continue // no data is a state this panel names ("Inget mål")
		}
		panels[q.PanelID] = q.Panel
		samples, err := st.Query(ctx, substitute(q.Expr, sc))
		if err != nil {
			t.Errorf("panel %q %s: %v", q.Panel, q.RefID, err)
			continue
		}
		withData[q.PanelID] = withData[q.PanelID] || hasData(samples)
	}
	for id, title := range panels {
		if !withData[id] {
			t.Errorf("panel %d %q shows no data with the default selection %s", id, title, describeScope(sc))
		}
	}
	if m, ok := sc["municipality"]; ok {
		if m.text == m.value || m.text == "" {
			t.Errorf("municipality variable: text %q for value %q, want the municipality's name", m.text, m.value)
		}
		res, err := st.Query(ctx, `effekt_indicator_value{area_type="L",municipality="`+sc["county"].value+`"}`)
		if err != nil || len(res) == 0 {
			t.Errorf("county %q of municipality %s (%s) is no county series (area_type L): %v", sc["county"].value, m.value, m.text, err)
		}
	}
	t.Logf("%s: %d panels with queries all show data for %s (%d queries)", b.UID, len(panels), describeScope(sc), len(queries))
}

// scope is one assignment of values to a board's variables.
type scope map[string]varValue

type varValue struct{ value, text string }

// scopes resolves the variables in order: the first variable over up to
// limit of its values, each later one to its first value given the earlier
// ones (what Grafana selects on load). A variable query returning nothing
// is an error.
func scopes(ctx context.Context, st *Stack, vars []dashboards.Variable, limit int) ([]scope, error) {
	if len(vars) == 0 {
		return []scope{{}}, nil
	}
	first, err := resolve(ctx, st, vars[0], scope{})
	if err != nil {
		return nil, err
	}
	if len(first) > limit {
		first = first[:limit]
	}
	if vars[0].IncludeAll {
		first = []varValue{allValue(vars[0], first)}
	}
	var out []scope
	for _, v0 := range first {
		sc := scope{vars[0].Name: v0}
		for _, v := range vars[1:] {
			vals, err := resolve(ctx, st, v, sc)
			if err != nil {
				return nil, fmt.Errorf("%w (with %s)", err, describeScope(sc))
			}
			sc[v.Name] = vals[0]
			if v.IncludeAll {
				sc[v.Name] = allValue(v, vals)
			}
		}
		out = append(out, sc)
	}
	return out, nil
}

// allValue is what Grafana substitutes for "All": the custom all value, or
// the regex alternation of every value.
func allValue(v dashboards.Variable, vals []varValue) varValue {
	if v.AllValue != "" {
		return varValue{v.AllValue, "All"}
	}
	parts := make([]string, len(vals))
	for i, x := range vals {
		parts[i] = regexp.QuoteMeta(x.value)
	}
	return varValue{"(" + strings.Join(parts, "|") + ")", "All"}
}

func describeScope(sc scope) string {
	keys := make([]string, 0, len(sc))
	for k := range sc {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+"="+sc[k].value)
	}
	return strings.Join(parts, ",")
}

var (
	labelValuesRe = regexp.MustCompile(`^label_values\((.*),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$`)
	queryResultRe = regexp.MustCompile(`^query_result\((.*)\)$`)
)

// resolve runs a variable query as Grafana's Prometheus data source does:
// label_values(expr, label) collects the label over expr's series;
// query_result(expr) formats each sample as name{k="v",…} value ts; the
// variable's regex then filters, with named groups text and value.
func resolve(ctx context.Context, st *Stack, v dashboards.Variable, sc scope) ([]varValue, error) {
	if v.Type == "custom" { // a fixed list: Grafana keeps its order
		texts, values := v.CustomOptions()
		out := make([]varValue, len(values))
		for i := range values {
			out[i] = varValue{values[i], texts[i]}
		}
		return out, nil
	}
	q := substitute(v.Query, sc)
	var raw []string
	switch {
	case labelValuesRe.MatchString(q):
		m := labelValuesRe.FindStringSubmatch(q)
		samples, err := st.Query(ctx, m[1])
		if err != nil {
			return nil, fmt.Errorf("variable %s: %s: %w", v.Name, q, err)
		}
		for _, s := range samples {
			if x, ok := s.Labels[m[2]]; ok && !slices.Contains(raw, x) {
				raw = append(raw, x)
			}
		}
		sort.Strings(raw)
	case queryResultRe.MatchString(q):
		samples, err := st.Query(ctx, queryResultRe.FindStringSubmatch(q)[1])
		if err != nil {
			return nil, fmt.Errorf("variable %s: %s: %w", v.Name, q, err)
		}
		now := time.Now().UnixMilli()
		for _, s := range samples {
			raw = append(raw, formatResult(s, now))
		}
		sort.Strings(raw)
	default:
		return nil, fmt.Errorf("variable %s: query %q is neither label_values nor query_result", v.Name, q)
	}
	vals, err := applyRegex(v.Regex, raw)
	if err != nil {
		return nil, fmt.Errorf("variable %s: %w", v.Name, err)
	}
	sortValues(vals, v.Sort)
	if len(vals) == 0 {
		return nil, fmt.Errorf("variable %s: %s returned no values", v.Name, q)
	}
	return vals, nil
}

// sortValues orders values by text as Grafana's variable sort does, so
// that the first value is the one Grafana selects on load.
func sortValues(vals []varValue, order int) {
	num := func(s string) float64 {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return math.Inf(-1)
		}
		return f
	}
	less := map[int]func(a, b varValue) bool{
		1: func(a, b varValue) bool { return a.text < b.text },
		2: func(a, b varValue) bool { return a.text > b.text },
		3: func(a, b varValue) bool { return num(a.text) < num(b.text) },
		4: func(a, b varValue) bool { return num(a.text) > num(b.text) },
		5: func(a, b varValue) bool { return strings.ToLower(a.text) < strings.ToLower(b.text) },
		6: func(a, b varValue) bool { return strings.ToLower(a.text) > strings.ToLower(b.text) },
	}[order]
	if less != nil {
		sort.SliceStable(vals, func(i, j int) bool { return less(vals[i], vals[j]) })
	}
}

// formatResult is Grafana's query_result line for one sample.
func formatResult(s Sample, tsMillis int64) string {
	keys := make([]string, 0, len(s.Labels))
	for k := range s.Labels {
		if k != "__name__" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + `="` + s.Labels[k] + `"`
	}
	return fmt.Sprintf("%s{%s} %v %d", s.Labels["__name__"], strings.Join(parts, ","), s.Value, tsMillis)
}

// applyRegex applies a Grafana variable regex (/re/): without named groups
// the first group (or the whole match) is the value and text; with them,
// groups text and value.
func applyRegex(grafanaRe string, raw []string) ([]varValue, error) {
	if grafanaRe == "" {
		out := make([]varValue, len(raw))
		for i, r := range raw {
			out[i] = varValue{r, r}
		}
		return out, nil
	}
	re, err := regexp.Compile(strings.TrimPrefix(strings.TrimSuffix(grafanaRe, "/"), "/"))
	if err != nil {
		return nil, fmt.Errorf("regex %s: %w", grafanaRe, err)
	}
	var out []varValue
	for _, r := range raw {
		m := re.FindStringSubmatch(r)
		if m == nil {
			continue
		}
		val, text := m[0], ""
		if len(m) > 1 {
			val = m[1]
		}
		if i := re.SubexpIndex("value"); i > 0 {
			val = m[i]
		}
		if i := re.SubexpIndex("text"); i > 0 {
			text = m[i]
		}
		if text == "" {
			text = val
		}
		out = append(out, varValue{val, text})
	}
	return out, nil
}

var varRef = regexp.MustCompile(`\$(?:\{([A-Za-z0-9_]+)(?::([a-z]+))?\}|([A-Za-z_][A-Za-z0-9_]*))`)

// builtins are Grafana's interval variables, at values a short test range
// gives.
var builtins = map[string]string{"__rate_interval": "1m", "__interval": "15s", "__range": "1h"}

// substitute replaces $name, ${name} and ${name:text} as Grafana does.
func substitute(s string, sc scope) string {
	return varRef.ReplaceAllStringFunc(s, func(ref string) string {
		m := varRef.FindStringSubmatch(ref)
		name, format := m[1]+m[3], m[2]
		if v, ok := builtins[name]; ok {
			return v
		}
		v, ok := sc[name]
		if !ok {
			return ref
		}
		if format == "text" {
			return v.text
		}
		return v.value
	})
}

// emptyQueries lists the queries that return no sample in any scope.
func emptyQueries(ctx context.Context, st *Stack, queries []dashboards.Query, scs []scope) []string {
	var out []string
	for _, q := range queries {
		ok := false
		var tried []string
		for _, sc := range scs {
			expr := substitute(q.Expr, sc)
			if strings.Contains(expr, "$") {
				out = append(out, fmt.Sprintf("%s panel %d %q %s: unresolved variable in %s", q.Board, q.PanelID, q.Panel, q.RefID, expr))
				ok = true
				break
			}
			samples, err := st.Query(ctx, expr)
			if err != nil {
				out = append(out, fmt.Sprintf("%s panel %d %q %s: %s: %v", q.Board, q.PanelID, q.Panel, q.RefID, expr, err))
				ok = true
				break
			}
			if hasData(samples) {
				ok = true
				break
			}
			tried = append(tried, describeScope(sc))
		}
		if !ok {
			out = append(out, fmt.Sprintf("%s panel %d %q %s: no data for %s (tried %s)", q.Board, q.PanelID, q.Panel, q.RefID,
				q.Expr, strings.Join(tried, "; ")))
		}
	}
	return out
}

// hasData: at least one sample; a histogram quantile over an idle window is
// NaN, which Grafana shows as a gap but which proves the series exist.
func hasData(samples []Sample) bool {
	for _, s := range samples {
		if !math.IsInf(s.Value, 0) {
			return true
		}
	}
	return false
}
