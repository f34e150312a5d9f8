package export

import (
	"context"
	"os"
	"path/filepath"
	"testing"
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

// BenchmarkWriteNational measures a whole export of national-scale data;
// it reports cells per second.
func BenchmarkWriteNational(b *testing.B) {
	ctx := context.Background()
	db := openFixtureTB(b, "")
	if _, err := db.ExecContext(ctx, nationalSQL(b)); err != nil {
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
