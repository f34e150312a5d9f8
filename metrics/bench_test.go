package metrics

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/snapshot"
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

func nationalDB(b *testing.B) *sql.DB {
	ctx := context.Background()
	db, err := store.Open(ctx, ":memory:", store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err = db.ExecContext(ctx, nationalSQL(b)); err != nil {
		b.Fatal(err)
	}
	return db
}

// BenchmarkScrapeNational serves /metrics over a national-sized
// indicator_values (every area of the dimension and the two default groups ×
// 11 kpis × 10 periods × 3 genders, one cell in ten suppressed) from a
// published snapshot whose series are rendered: the cost of every scrape
// between two computes. It reports the bytes served.
func BenchmarkScrapeNational(b *testing.B) {
	ctx := context.Background()
	db := nationalDB(b)
	var st snapshot.Store
	opt := Options{MinN: 5, Groups: config.DefaultGroups(), Periods: 3, Timeout: time.Minute,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Snapshots: &st}
	if _, err := st.Refresh(ctx, db, snapshot.Options{MinN: 5, Groups: config.DefaultGroups()}); err != nil {
		b.Fatal(err)
	}
	m := New(db, opt)
	if err := m.Prime(ctx); err != nil {
		b.Fatal(err)
	}
	h := m.Handler()
	var size int
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		size = rec.Body.Len()
	}
	b.ReportMetric(float64(size), "bytes")
}

// BenchmarkRenderNational renders the indicator series of a national
// snapshot: the cost paid once per compute.
func BenchmarkRenderNational(b *testing.B) {
	ctx := context.Background()
	db := nationalDB(b)
	snapOpt := snapshot.Options{MinN: 5, Groups: config.DefaultGroups()}
	m := New(db, Options{MinN: 5, Groups: config.DefaultGroups(), Periods: 3, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	for b.Loop() {
		snap, err := snapshot.Build(ctx, db, snapOpt)
		if err != nil {
			b.Fatal(err)
		}
		if e := m.rendered(snap); e.err != nil {
			b.Fatal(e.err)
		}
	}
}
