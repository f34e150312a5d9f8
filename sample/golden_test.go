package sample

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// TestGoldenHeads keeps the first rows of every file of the small sample
// (seed 1, Today 2026-11-23) in testdata/heads.golden, decoded to UTF-8:
// a reviewable picture of what the sources deliver, and a guard against
// unintended changes. Run with -update after an intended change.
func TestGoldenHeads(t *testing.T) {
	dir, _, _ := small(t)
	var paths []string
	for _, ps := range walk(t, dir) {
		paths = append(paths, ps...)
	}
	sort.Strings(paths)
	var b strings.Builder
	for _, p := range paths {
		tb := readTable(t, p)
		rel, _ := filepath.Rel(dir, p)
		fmt.Fprintf(&b, "== %s (%d rows)\n%q\n", filepath.ToSlash(rel), len(tb.rows), tb.header)
		for _, r := range tb.rows[:min(5, len(tb.rows))] {
			fmt.Fprintf(&b, "%q\n", r)
		}
	}
	golden := filepath.Join("testdata", "heads.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./sample -run Golden -update)", err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("sample heads differ from %s; if intended, run with -update and review the diff\ngot:\n%s", golden, got)
	}
}
