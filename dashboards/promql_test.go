package dashboards

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// promtool finds promtool: $EFFEKT_PROMTOOL, PATH, or the repository's
// .tools folder that scripts/prometheus.sh fills. In CI (CI=true) a missing
// promtool fails the test; elsewhere it skips.
func promtool(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("EFFEKT_PROMTOOL"); p != "" {
		return p
	}
	if p, err := exec.LookPath("promtool"); err == nil {
		return p
	}
	if p, _ := filepath.Abs(filepath.Join("..", ".tools", "prometheus", "usr", "bin", "promtool")); fileExists(p) {
		return p
	}
	msg := "promtool not found (run scripts/prometheus.sh or set EFFEKT_PROMTOOL)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// sampleValues stand in for the template variables so promtool can parse
// the queries: values of the shapes Grafana substitutes.
var sampleValues = map[string]string{
	"kpi": "EF101", "period": "2024", "gender": "T", "municipality": "0127", "county": "0001", "kind": ".*",
	"__rate_interval": "1m", "__range": "1h", "__interval": "15s",
}

// TestPromQLSyntax parses every panel query and every variable's inner
// query with Prometheus's own parser (promtool check rules), without a
// running server.
func TestPromQLSyntax(t *testing.T) {
	tool := promtool(t)
	var exprs, where []string
	sub := func(s string) string {
		return varRef.ReplaceAllStringFunc(s, func(ref string) string {
			m := varRef.FindStringSubmatch(ref)
			v, ok := sampleValues[m[1]+m[2]]
			if !ok {
				t.Errorf("no sample value for %s", ref)
			}
			return v
		})
	}
	inner := regexp.MustCompile(`^(?:label_values|query_result)\((.*?)(?:,\s*[a-z_]+)?\)$`)
	for _, b := range boards(t) {
		qs, err := b.Queries()
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range qs {
			exprs, where = append(exprs, sub(q.Expr)), append(where, fmt.Sprintf("%s %q %s", b.UID, q.Panel, q.RefID))
		}
		vs, err := b.Variables()
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			if v.Type == "custom" {
				continue // a fixed list, no query
			}
			m := inner.FindStringSubmatch(v.Query)
			if m == nil {
				t.Errorf("%s variable %s: cannot take the query out of %q", b.UID, v.Name, v.Query)
				continue
			}
			exprs, where = append(exprs, sub(m[1])), append(where, b.UID+" variable "+v.Name)
		}
	}
	var sb strings.Builder
	sb.WriteString("groups:\n  - name: dashboards\n    rules:\n")
	for i, e := range exprs {
		fmt.Fprintf(&sb, "      - record: dashboard_query_%d\n        expr: %s\n", i, yamlString(e))
	}
	file := filepath.Join(t.TempDir(), "queries.rules.yml")
	if err := os.WriteFile(file, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "check", "rules", file).CombinedOutput()
	if err != nil {
		// promtool names the rule; map dashboard_query_N back to its panel.
		msg := regexp.MustCompile(`dashboard_query_(\d+)`).ReplaceAllStringFunc(string(out), func(s string) string {
			var i int
			fmt.Sscanf(s, "dashboard_query_%d", &i)
			return where[i]
		})
		t.Fatalf("promtool check rules: %v\n%s", err, msg)
	}
	if !strings.Contains(string(out), fmt.Sprintf("%d rules found", len(exprs))) {
		t.Errorf("promtool checked something else than the %d queries:\n%s", len(exprs), out)
	}
}
