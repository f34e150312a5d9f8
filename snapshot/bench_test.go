package snapshot

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/disclosure"
	"github.com/effekt/effekt/models"
	"github.com/effekt/effekt/store"
)

// BenchmarkBuildNational builds the published snapshot of a national-sized
// indicator_values (../testdata/national_indicator_values.sql: 103 620
// cells, a tenth below min_n): one read, members, primary and
// complementary suppression, index. Paid once per compute. With EFFEKT_DB
// it builds that database's snapshot instead (read-only), protected
// against every release it keeps (releases; EFFEKT_NO_HISTORY=1: as if
// there were none):
//
//	EFFEKT_DB=nat.duckdb go test ./snapshot -run '^$' -bench BuildNational -benchtime 3x
func BenchmarkBuildNational(b *testing.B) {
	ctx := context.Background()
	path, opt := os.Getenv("EFFEKT_DB"), store.Options{ReadOnly: true}
	if path == "" {
		path, opt = ":memory:", store.Options{}
	}
	db, err := store.Open(ctx, path, opt)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if path == ":memory:" {
		q, err := os.ReadFile("../testdata/national_indicator_values.sql")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, string(q)); err != nil {
			b.Fatal(err)
		}
	}
	hist, err := readHistory(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	if os.Getenv("EFFEKT_NO_HISTORY") != "" {
		hist = []disclosure.Release{} // as if the values were the first release
	}
	b.ReportMetric(float64(len(hist)), "releases")
	var s *Snapshot
	for b.Loop() {
		if s, err = Build(ctx, db, Options{MinN: 5, Groups: config.DefaultGroups(), History: hist}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(s.Len()), "cells")
	b.ReportMetric(float64(s.Primary), "primary")
	b.ReportMetric(float64(s.Complementary), "complementary")
}

// BenchmarkQueryOneCell is the lookup behind a one-cell /v3/data request.
func BenchmarkQueryOneCell(b *testing.B) {
	vals := make([]models.Value, 0, 100_000)
	for _, kpi := range []string{"EF101", "EF102", "EF103"} {
		for a := 100; a < 400; a++ {
			for p := 2015; p < 2025; p++ {
				for _, g := range []string{"T", "K", "M"} {
					n := int64(50)
					vals = append(vals, models.Value{KPI: kpi, Municipality: "0" + itoa3(a), Period: p, Gender: g, Denominator: &n})
				}
			}
		}
	}
	s := FromValues(vals, Options{MinN: 5}, time.Time{})
	f := models.Filter{KPIs: []string{"EF102"}, Municipalities: []string{"0250"}, Periods: []int{2020}}
	for b.Loop() {
		if len(s.Query(f)) != 3 {
			b.Fatal("want 3 cells")
		}
	}
}

func itoa3(i int) string {
	return string(rune('0'+i/100)) + string(rune('0'+i/10%10)) + string(rune('0'+i%10))
}
