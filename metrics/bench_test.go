package metrics

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/models"
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

// BenchmarkGatherNational gathers /metrics over a national-sized
// indicator_values: every area of the dimension (290 municipalities, 21
// counties, Riket) and the two default groups × 11 kpis × 10 periods × 3
// genders, one cell in ten suppressed. It reports the exposed series.
func BenchmarkGatherNational(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(ctx, ":memory:", store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, nationalSQL(b))
	if err != nil {
		b.Fatal(err)
	}
	m := New(db, Options{MinN: 5, Groups: config.DefaultGroups(), Periods: 3, Timeout: time.Minute,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	var series int
	b.ResetTimer()
	for b.Loop() {
		mfs, err := m.Registry().Gather()
		if err != nil {
			b.Fatal(err)
		}
		series = 0
		for _, mf := range mfs {
			series += len(mf.GetMetric())
		}
	}
	b.ReportMetric(float64(series), "series")
}

func BenchmarkQueryNational(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(ctx, ":memory:", store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err = db.ExecContext(ctx, nationalSQL(b)); err != nil {
		b.Fatal(err)
	}
	s := &indicatorSource{db: db, opt: Options{MinN: 5, Groups: config.DefaultGroups(), Periods: 3}}
	for b.Loop() {
		_, periods, err := s.latestPeriods(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := models.Query(ctx, db, models.Filter{Periods: periods}, 5, config.DefaultGroups()); err != nil {
			b.Fatal(err)
		}
	}
}
