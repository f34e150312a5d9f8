package metrics

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/models"
	"github.com/effekt/effekt/store"
)

// nationalSQL fills indicator_values like a national deployment.
const nationalSQL = `
INSERT INTO indicator_values
SELECT k.kpi, a.id, p.period, g.gender,
       (h % 50)::BIGINT, CASE WHEN h % 10 = 0 THEN 3 ELSE 50 + h % 100 END,
       (h % 1000) / 10.0, (h % 1000) / 10.0 - 5, (h % 1000) / 10.0 + 5, '', DATE '2025-06-30', now()
FROM (SELECT id FROM municipalities UNION ALL SELECT 'G0001' UNION ALL SELECT 'G0002') a(id),
     (SELECT 'EF' || x FROM (VALUES ('101'),('102'),('103'),('104'),('105'),('201'),('301'),('302'),('303'),('401'),('402')) v(x)) k(kpi),
     (SELECT range::INTEGER FROM range(2015, 2025)) p(period),
     (VALUES ('T'),('K'),('M')) g(gender),
     LATERAL (SELECT hash(k.kpi, a.id, p.period, g.gender) AS h)`

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
	_, err = db.ExecContext(ctx, nationalSQL)
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
	if _, err = db.ExecContext(ctx, nationalSQL); err != nil {
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
