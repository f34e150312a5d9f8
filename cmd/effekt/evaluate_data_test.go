package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEvaluateCommands runs sample → ingest → compute, then evaluate,
// expected, goals and report on a collaboration that joined inside the
// data: the JSON carries the fields other tools read, tables fit 100
// columns, and the report is one HTML file with its charts.
func TestEvaluateCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("sample, ingest and compute")
	}
	dir := t.TempDir()
	if _, errOut, code := cli(t, dir, "sample", "--out", "inbox", "--today", "2026-06-30", "--quiet"); code != 0 {
		t.Fatalf("sample: %s", errOut)
	}
	if _, errOut, code := cli(t, dir, "ingest", "--inbox", "inbox", "--db", "e.duckdb", "--quiet"); code != 0 {
		t.Fatalf("ingest: %s", errOut)
	}
	if _, errOut, code := cli(t, dir, "compute", "--db", "e.duckdb", "--quiet"); code != 0 {
		t.Fatalf("compute: %s", errOut)
	}
	cfg := "collaborations:\n  - id: T\n    title: Testsamverkan\n    members:\n" +
		"      - {municipality: Botkyrka, joined_on: 2024-01-01}\n      - {municipality: Huddinge, joined_on: 2024-01-01}\n" +
		"      - {municipality: Södertälje, joined_on: 2024-07-01}\n" +
		"goals:\n  - {id: M, text: Minst tre kommuner, measure: members, collaboration: T, target: 3, deadline: 2024-12-31}\n" +
		"  - {id: S, text: SFI, measure: indicator, kpi: EF201, area: Introduktion Södertörn, target: 30, deadline: 2025-12-31}\n"
	if err := os.WriteFile(filepath.Join(dir, "c.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	base := []string{"--db", "e.duckdb", "--config", "c.yaml"}

	out, errOut, code := cli(t, dir, append([]string{"evaluate", "--collaboration", "T", "--kpi", "EF401,EF101", "--format", "json", "--draws", "999"}, base...)...)
	if code != 0 {
		t.Fatalf("evaluate json: exit %d\n%s", code, errOut)
	}
	var rs []map[string]any
	if err := json.Unmarshal([]byte(out), &rs); err != nil || len(rs) != 2 {
		t.Fatalf("evaluate json: %v\n%s", err, out)
	}
	// the rows of municipality-years whose published cell is hidden are
	// left out of the estimate (members and controls alike: with the
	// published cells, the estimate would give the hidden ones away); the
	// caveat counts them, and a municipality with no row left is no cluster
	wantClusters := map[string]float64{"EF401": 19, "EF101": 24}
	for _, r := range rs {
		caveats, _ := json.Marshal(r["caveats"])
		if r["clusters"] != wantClusters[r["kpi"].(string)] || !strings.Contains(string(caveats), "kommunår vars publicerade cell är dold") {
			t.Errorf("%v: clusters %v (want %v), caveats %s; want the hidden municipality-years left out and counted", r["kpi"], r["clusters"], wantClusters[r["kpi"].(string)], caveats)
		}
	}
	for _, r := range rs {
		for _, k := range []string{"kpi", "att", "ci_low", "ci_high", "p_value", "clusters", "pretrend_p", "event_time", "caveats"} {
			if _, ok := r[k]; !ok {
				t.Errorf("%v: no %q", r["kpi"], k)
			}
		}
		if r["unit"] != "procentenheter" || r["error"] != nil {
			t.Errorf("%v: unit %v error %v, want procentenheter, no error", r["kpi"], r["unit"], r["error"])
		}
		if lo, hi, att := r["ci_low"].(float64), r["ci_high"].(float64), r["att"].(float64); !(lo < att && att < hi) {
			t.Errorf("%v: att %v outside [%v, %v]", r["kpi"], att, lo, hi)
		}
	}
	for _, args := range [][]string{
		{"evaluate", "--collaboration", "T", "--kpi", "EF401,EF303", "--draws", "999"},
		{"expected", "--kpi", "EF401", "Botkyrka", "Introduktion Södertörn", "0000"},
		{"goals"},
	} {
		out, errOut, code := cli(t, dir, append(args, base...)...)
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s", args[0], code, errOut)
		}
		checkWidth(t, args[0], out)
	}
	out, _, _ = cli(t, dir, append([]string{"goals", "--format", "json"}, base...)...)
	if !strings.Contains(out, `"status": "uppnått"`) || !strings.Contains(out, `"id": "S"`) {
		t.Errorf("goals json:\n%s", out)
	}
	out, errOut, code = cli(t, dir, append([]string{"expected", "--kpi", "EF401", "--format", "csv", "--period", "2025", "0001"}, base...)...)
	if code != 0 || !strings.HasPrefix(out, "kpi,municipality,period,gender,status,denominator") || strings.Count(out, "\n") != 2 {
		t.Errorf("expected csv: exit %d\n%s%s", code, out, errOut)
	}

	out, errOut, code = cli(t, dir, append([]string{"report", "--collaboration", "T", "--kpi", "EF401", "--draws", "999", "--out", "r/report.html"}, base...)...)
	if code != 0 || !strings.Contains(out, "r/report.html") {
		t.Fatalf("report: exit %d\n%s%s", code, out, errOut)
	}
	b, err := os.ReadFile(filepath.Join(dir, "r", "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	// map, members against others, event study, funnel; the estimate says
	// which rows it left out
	if html := string(b); strings.Count(html, "<svg ") != 4 || !strings.Contains(html, `lang="sv"`) || strings.Contains(html, "<script") ||
		!strings.Contains(html, "kommunår vars publicerade cell är dold") {
		t.Errorf("report: %d charts, want 4, in Swedish without scripts, the left-out rows said", strings.Count(html, "<svg "))
	}
}
