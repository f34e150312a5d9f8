package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/server"
)

// TestDemoCompanionsInEveryChannel: the case-mix companions of a proportion
// (EF401F expected, EF401A deviation, EF401K O/E) reach every channel EF401
// has: Kolada-shaped kpi.json and data.json, values.csv and values.parquet,
// /v3/kpi, /v3/data, /api/v1/values and /metrics. In values.csv every
// companion cell has its indicator's denominator and is suppressed exactly
// where its indicator is, and expected + deviation = observed.
func TestDemoCompanionsInEveryChannel(t *testing.T) {
	d := demoFixture(t)
	exports := filepath.Join(d.dir, "exports")

	// kpi.json: the companions, their units and the covariates in the text
	var kpis struct {
		Values []struct {
			ID, Title, Description, Unit string
		} `json:"values"`
	}
	readJSON(t, filepath.Join(exports, "kpi.json"), &kpis)
	units := map[string]string{}
	for _, k := range kpis.Values {
		units[k.ID] = k.Unit
		if strings.HasSuffix(k.ID, "F") && !strings.Contains(k.Description, "utbildningsnivå") {
			t.Errorf("%s: description does not name the covariates: %q", k.ID, k.Description)
		}
	}
	for id, want := range map[string]string{"EF401": "percent", "EF401F": "percent", "EF401A": "percentage_points", "EF401K": "ratio", "EF101K": "ratio"} {
		if units[id] != want {
			t.Errorf("kpi.json: %s unit %q, want %q", id, units[id], want)
		}
	}
	if _, ok := units["EF102F"]; ok {
		t.Error("kpi.json lists EF102F: a median has no expected value")
	}

	// values.csv: pairing, suppression and F + A = observed
	f, err := os.Open(filepath.Join(exports, "values.csv"))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, c := range recs[0] {
		col[c] = i
	}
	type key struct{ kpi, area, period, gender string }
	cells := map[key][]string{}
	for _, r := range recs[1:] {
		cells[key{r[col["kpi"]], r[col["municipality"]], r[col["period"]], r[col["gender"]]}] = r
	}
	num := func(s string) float64 {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		return v
	}
	var companions, shown, csvRatio int
	for k, r := range cells {
		base, kind := k.kpi[:5], k.kpi[5:]
		if kind == "" {
			continue
		}
		companions++
		if kind == "K" {
			csvRatio++
		}
		b, ok := cells[key{base, k.area, k.period, k.gender}]
		if !ok {
			t.Errorf("%v: no cell of %s", k, base)
			continue
		}
		if r[col["status"]] != b[col["status"]] || r[col["denominator"]] != b[col["denominator"]] {
			t.Errorf("%v: status %q denominator %q, %s has %q %q", k, r[col["status"]], r[col["denominator"]], base, b[col["status"]], b[col["denominator"]])
		}
		if kind != "F" || r[col["value"]] == "" {
			continue
		}
		shown++
		a := cells[key{base + "A", k.area, k.period, k.gender}]
		if got, want := num(r[col["value"]])+num(a[col["value"]]), num(b[col["value"]]); math.Abs(got-want) > 1e-9 {
			t.Errorf("%v: expected %s + deviation %s = %.12g, observed %.12g", k, r[col["value"]], a[col["value"]], got, want)
		}
	}
	if companions == 0 || shown < 20 {
		t.Errorf("values.csv: %d companion cells, %d expected values shown; want some of each (≥ 20 shown)", companions, shown)
	}

	// values.parquet and data.json carry them too
	var pq int
	if err := d.db.QueryRowContext(context.Background(), `SELECT count(*) FROM read_parquet(?) WHERE kpi LIKE 'EF___K'`,
		filepath.Join(exports, "values.parquet")).Scan(&pq); err != nil {
		t.Fatal(err)
	}
	if pq != csvRatio {
		t.Errorf("values.parquet: %d ratio cells, values.csv %d", pq, csvRatio)
	}
	var data struct {
		Values []struct {
			KPI    string `json:"kpi"`
			Values []struct {
				Value *float64 `json:"value"`
			} `json:"values"`
		} `json:"values"`
	}
	readJSON(t, filepath.Join(exports, "data.json"), &data)
	var dataRatio, twoDecimals int
	for _, r := range data.Values {
		if strings.HasSuffix(r.KPI, "K") {
			dataRatio++
			for _, v := range r.Values {
				if v.Value != nil && math.Abs(*v.Value*100-math.Round(*v.Value*100)) < 1e-9 && math.Abs(*v.Value*10-math.Round(*v.Value*10)) > 1e-9 {
					twoDecimals++
				}
			}
		}
	}
	if dataRatio == 0 || twoDecimals == 0 {
		t.Errorf("data.json: %d ratio rows, %d values with two decimals; want both > 0", dataRatio, twoDecimals)
	}

	// the server's channels
	cfg := config.Default()
	cfg.Paths.Database = filepath.Join(d.dir, "effekt.duckdb")
	cfg.Paths.Audit = filepath.Join(t.TempDir(), "audit.jsonl")
	cfg.Pseudonym.Key = testKey
	srv, err := server.New(context.Background(), cfg, d.db, server.Options{Version: "test", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	year := strconv.Itoa(d.today.Year() - 1)
	for path, want := range map[string]string{
		"/v3/kpi/EF401F,EF401A,EF401K":                   `"id":"EF401K"`,
		"/v3/data/kpi/EF401F,EF401A,EF401K/year/" + year: `"kpi":"EF401A"`,
		"/api/v1/values?kpi=EF401K":                      `"kpi":"EF401K"`,
		"/metrics":                                       `effekt_indicator_value{area_type=`,
	} {
		rec := httptest.NewRecorder()
		srv.Handler.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		body := rec.Body.Bytes()
		if rec.Code != 200 || !bytes.Contains(body, []byte(want)) {
			t.Errorf("GET %s: %d, want 200 containing %s:\n%.600s", path, rec.Code, want, body)
		}
		if path == "/metrics" && (!bytes.Contains(body, []byte(`kpi="EF401F"`)) || !bytes.Contains(body, []byte(`kpi="EF101A"`))) {
			t.Errorf("/metrics has no series of EF401F or EF101A")
		}
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
