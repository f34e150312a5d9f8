package dashboards

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/effekt/effekt/models"
)

// checkCustomVar: the KPI picker offers every catalogue id, each shown as
// "EF101 <its Swedish title>".
func checkCustomVar(t *testing.T, board, name, q string) {
	t.Helper()
	texts, values := Variable{Query: q, Type: "custom"}.CustomOptions()
	var want []string
	for _, ind := range models.Catalogue() {
		want = append(want, ind.ID)
	}
	if name != "kpi" || !slices.Equal(values, want) {
		t.Errorf("%s: custom variable %s values %q, want the catalogue's ids %q", board, name, values, want)
		return
	}
	for i, ind := range models.Catalogue() {
		if texts[i] != ind.ID+" "+ind.TitleSV {
			t.Errorf("%s: %s option %d text %q, want %q", board, name, i, texts[i], ind.ID+" "+ind.TitleSV)
		}
	}
}

// TestSwedishNames: every reject reason ingest can record and every file
// kind has a Swedish name in the Dataflöde legends.
func TestSwedishNames(t *testing.T) {
	files, _ := filepath.Glob("../ingest/*.go")
	more, _ := filepath.Glob("../ingest/parse/*.go")
	reason := regexp.MustCompile(`(?m)^\s*Reason\w*\s*=\s*"([a-z_]+)"`)
	kind := regexp.MustCompile(`(?m)^\s*Name:\s*"([a-z_]+)"`)
	var reasons, kinds []string
	for _, f := range append(files, more...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range reason.FindAllStringSubmatch(string(b), -1) {
			reasons = append(reasons, m[1])
		}
		if filepath.Base(f) == "kinds.go" {
			for _, m := range kind.FindAllStringSubmatch(string(b), -1) {
				kinds = append(kinds, m[1])
			}
		}
	}
	if len(reasons) < 10 || len(kinds) != 8 {
		t.Fatalf("found %d reasons and %d kinds in ingest/: the patterns no longer match its declarations", len(reasons), len(kinds))
	}
	for _, r := range reasons {
		if reasonNames[r] == "" {
			t.Errorf("reject reason %q has no Swedish name in reasonNames", r)
		}
	}
	for _, k := range kinds {
		if kindNames[k] == "" {
			t.Errorf("kind %q has no Swedish name in kindNames", k)
		}
	}
	// A legend is renamed completely: "so_attendance loaded" → "Närvaro – inlästa rader".
	got := "so_attendance loaded"
	for _, tr := range append(rename(kindNames, "%s (.*)", "%s $1"), rename(rowOutcomes, "(.*) %s", "$1 – %s")...) {
		o := tr["options"].(obj)
		re := regexp.MustCompile("^" + o["regex"].(string) + "$") // Grafana anchors a regex given without slashes
		got = re.ReplaceAllString(got, strings.ReplaceAll(o["renamePattern"].(string), "$1", "${1}"))
	}
	if got != "Närvaro – inlästa rader" {
		t.Errorf("renamed legend %q, want %q", got, "Närvaro – inlästa rader")
	}
}
