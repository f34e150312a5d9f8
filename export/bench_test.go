package export

import (
	"context"
	"path/filepath"
	"testing"
)

// nationalSQL fills indicator_values at national scale: 11 kpis × 312
// areas (municipalities, regions, Riket) × 10 periods × 3 genders = 102 960
// cells, about a tenth of them with a denominator below 5.
const nationalSQL = `
INSERT INTO indicator_values
SELECT k.kpi, m.id, p.period, g.gender, d // 2, d, 50.0 + (d % 7), 40.0, 60.0, '', DATE '2025-06-30', TIMESTAMPTZ '2025-07-01 02:30:00+00'
FROM (VALUES ('EF101'), ('EF102'), ('EF103'), ('EF104'), ('EF105'), ('EF201'), ('EF301'), ('EF302'), ('EF303'), ('EF401'), ('EF402')) k(kpi),
     municipalities m, range(2016, 2026) p(period), (VALUES ('T'), ('K'), ('M')) g(gender),
     LATERAL (SELECT (hash(k.kpi, m.id, p.period, g.gender) % 50)::BIGINT AS d)`

// BenchmarkWriteNational measures a whole export of national-scale data;
// it reports cells per second.
func BenchmarkWriteNational(b *testing.B) {
	ctx := context.Background()
	db := openFixtureTB(b, "")
	if _, err := db.ExecContext(ctx, nationalSQL); err != nil {
		b.Fatal(err)
	}
	dir := filepath.Join(b.TempDir(), "out")
	var cells int
	b.ResetTimer()
	for b.Loop() {
		m, err := Write(ctx, db, dir, testOptions())
		if err != nil {
			b.Fatal(err)
		}
		cells = m.Rows[FileCSV]
	}
	b.ReportMetric(float64(cells)*float64(b.N)/b.Elapsed().Seconds(), "cells/s")
	b.ReportMetric(float64(cells), "cells")
}
