package api_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/effekt/effekt/api"
	"github.com/effekt/effekt/store"
)

// nationalSQL fills indicator_values at national scale (the shared
// fixture ../testdata/national_indicator_values.sql).
func nationalSQL(tb testing.TB) string {
	b, err := os.ReadFile("../testdata/national_indicator_values.sql")
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// BenchmarkData measures Kolada data requests over national-scale data and
// reports cells served per second.
func BenchmarkData(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.duckdb"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, nationalSQL(b)); err != nil {
		b.Fatal(err)
	}
	h := api.New(db, testOptions(nil))
	for _, bc := range []struct {
		name, target string
		cells        int
	}{
		{"one_municipality_one_year", "/v3/data/kpi/EF101/municipality/0127/year/2019", 3},
		{"one_kpi_one_year", "/v3/data/kpi/EF101/year/2019", 312 * 3},
		{"all_kpis_one_year", "/v3/data/?kpi_id=EF101,EF102,EF103,EF104,EF105,EF201,EF301,EF302,EF303,EF401,EF402&year=2019", 11 * 312 * 3},
		{"one_kpi_all_years", "/v3/data/kpi/EF101/year/2016,2017,2018,2019,2020,2021,2022,2023,2024,2025", 10 * 312 * 3},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				req, _ := http.NewRequest(http.MethodGet, bc.target, nil)
				rec := &discardWriter{header: http.Header{}}
				h.ServeHTTP(rec, req)
				if rec.status != http.StatusOK {
					b.Fatalf("status %d", rec.status)
				}
			}
			b.ReportMetric(float64(bc.cells)*float64(b.N)/b.Elapsed().Seconds(), "cells/s")
		})
	}
}

type discardWriter struct {
	header http.Header
	status int
}

func (d *discardWriter) Header() http.Header { return d.header }
func (d *discardWriter) Write(p []byte) (int, error) {
	if d.status == 0 {
		d.status = 200
	}
	return len(p), nil
}
func (d *discardWriter) WriteHeader(s int) { d.status = s }
