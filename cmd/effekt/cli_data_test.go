package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestCLINumbersPeopleRead runs sample → ingest → compute → indicators on
// data ending 2026-06-30: an as_of after the data is refused without
// --force, every output names the as_of used, tables fit 100 columns with
// one decimal, and the ingest summary says what it did with every entry.
func TestCLINumbersPeopleRead(t *testing.T) {
	dir := t.TempDir()
	if _, errOut, code := cli(t, dir, "sample", "--out", "inbox", "--today", "2026-06-30", "--quiet"); code != 0 {
		t.Fatalf("sample: %s", errOut)
	}
	// a header-only export and a file that is no export
	reg, _ := filepath.Glob(filepath.Join(dir, "inbox", "so_registrations", "*.csv"))
	b, err := os.ReadFile(reg[0])
	if err != nil {
		t.Fatal(err)
	}
	header, _, _ := strings.Cut(string(b), "\n")
	os.WriteFile(filepath.Join(dir, "inbox", "so_registrations", "so_registrations_2026-07-01.csv"), []byte(header+"\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "inbox", "notes.txt"), []byte("not an export\n"), 0o644)
	// the SFI correction comes later: a compute after it updates the
	// cohort tables for the persons of the rows it replaces
	corr, _ := filepath.Glob(filepath.Join(dir, "inbox", "sfi_courses", "*_korrigerad.csv"))
	if len(corr) != 1 {
		t.Fatalf("sample wrote %d SFI corrections, want one", len(corr))
	}
	later := filepath.Join(dir, filepath.Base(corr[0]))
	if err := os.Rename(corr[0], later); err != nil {
		t.Fatal(err)
	}

	out, errOut, code := cli(t, dir, "ingest", "--inbox", "inbox", "--db", "e.duckdb")
	if code != 0 {
		t.Fatalf("ingest: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"so_registrations_2026-07-01.csv: warning:", "notes.txt: left in the inbox:", "loaded files moved to archive"} {
		if !strings.Contains(out, want) {
			t.Errorf("ingest summary lacks %q:\n%s", want, out)
		}
	}
	checkWidth(t, "ingest", out)
	if _, err := os.Stat(filepath.Join(dir, "inbox", "notes.txt")); err != nil {
		t.Errorf("notes.txt was moved: %v", err)
	}

	_, errOut, code = cli(t, dir, "compute", "--db", "e.duckdb", "--as-of", "2026-08-01")
	if code != 2 || !strings.Contains(errOut, "after the latest event date in the data (2026-06-30)") {
		t.Fatalf("compute --as-of after the data: exit %d, want 2 naming the latest event date\n%s", code, errOut)
	}
	out, errOut, code = cli(t, dir, "compute", "--db", "e.duckdb", "--as-of", "2026-06-30")
	if code != 0 || !strings.Contains(out, "as_of 2026-06-30") || !strings.Contains(out, "(cohort tables rebuilt: never built)") {
		t.Fatalf("compute: exit %d\n%s\n%s", code, out, errOut)
	}
	// nothing loaded since: the cohort tables are kept, unless --rebuild;
	// after a file loaded they are updated for its persons
	for _, c := range []struct {
		args   []string
		before func()
		want   *regexp.Regexp
	}{
		{nil, nil, regexp.MustCompile(`\(cohort tables kept: nothing loaded since they were built\)`)},
		{[]string{"--rebuild"}, nil, regexp.MustCompile(`\(cohort tables rebuilt: asked for\)`)},
		{nil, func() {
			if err := os.Rename(later, filepath.Join(dir, "inbox", "sfi_courses", filepath.Base(later))); err != nil {
				t.Fatal(err)
			}
			if out, errOut, code := cli(t, dir, "ingest", "--inbox", "inbox", "--db", "e.duckdb"); code != 0 {
				t.Fatalf("ingest: exit %d\n%s\n%s", code, out, errOut)
			}
		}, regexp.MustCompile(`\(cohort tables updated for the [1-9]\d* persons loaded since they were built\)`)},
	} {
		if c.before != nil {
			c.before()
		}
		out, errOut, code = cli(t, dir, append([]string{"compute", "--db", "e.duckdb", "--as-of", "2026-06-30"}, c.args...)...)
		if code != 0 || !c.want.MatchString(out) {
			t.Fatalf("compute %v: exit %d, want %s\n%s\n%s", c.args, code, c.want, out, errOut)
		}
	}

	out, _, code = cli(t, dir, "indicators", "--db", "e.duckdb", "--kpi", "EF101", "Stockholms län", "--period", "2025")
	if code != 0 || !strings.Contains(out, "as_of 2026-06-30") || !strings.Contains(out, "0001  Region Stockholm") {
		t.Fatalf("indicators: exit %d\n%s", code, out)
	}
	if m := regexp.MustCompile(`\d+\.\d{1}–\d+\.\d{1}`).FindString(out); m == "" {
		t.Errorf("no interval with one decimal at both ends:\n%s", out)
	}
	checkWidth(t, "indicators", out)

	out, _, code = cli(t, dir, "indicators", "--db", "e.duckdb", "--headline")
	if code != 0 || !strings.Contains(out, "EF101  Samhällsorientering") || !strings.Contains(out, "as_of 2026-06-30") {
		t.Fatalf("headline: exit %d\n%s", code, out)
	}
	if strings.Contains(out, "n = 5 )") || regexp.MustCompile(`\d\.\d\d`).MatchString(out) {
		t.Errorf("headline has a stray parenthesis or more than one decimal:\n%s", out)
	}
	checkWidth(t, "headline", out)

	out, _, code = cli(t, dir, "indicators", "--db", "e.duckdb", "--kpi", "EF101", "--format", "json", "Riket")
	if code != 0 || !strings.Contains(out, `"as_of": "2026-06-30"`) {
		t.Fatalf("indicators json: exit %d\n%s", code, out)
	}
}

func checkWidth(t *testing.T, what, out string) {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if n := utf8.RuneCountInString(l); n > 100 {
			t.Errorf("%s: line of %d columns: %q", what, n, l)
		}
	}
}
