package sample

import (
	"context"
	"log/slog"
	"testing"
)

// benchWrite writes one sample per iteration and reports rows per second
// and the bytes written.
func benchWrite(b *testing.B, sc string) {
	var st Stats
	for b.Loop() {
		var err error
		st, err = Write(context.Background(), b.TempDir(), Options{Scale: sc, Seed: 1, Today: testToday,
			Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			b.Fatal(err)
		}
	}
	var bytes int64
	for _, f := range st.Files {
		bytes += f.Bytes
	}
	b.ReportMetric(float64(st.Rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(st.Rows), "rows")
	b.ReportMetric(float64(bytes)/1e6, "MB")
}

func BenchmarkWriteSmall(b *testing.B)  { benchWrite(b, "small") }
func BenchmarkWriteCounty(b *testing.B) { benchWrite(b, "county") }

// BenchmarkWriteNational100k is the national layout (290 municipalities,
// ten years, per-year files) with a tenth of a national scale's persons.
func BenchmarkWriteNational100k(b *testing.B) {
	sc := scales["national"]
	sc.persons = 100000
	scales["national100k"] = sc
	defer delete(scales, "national100k")
	benchWrite(b, "national100k")
}
