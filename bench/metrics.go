package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"
)

// MetricsOptions configure Metrics.
type MetricsOptions struct {
	Handler http.Handler // serves /metrics (metrics.New(…).Handler())
	Runs    int          // 0: 3
}

// Metrics measures /metrics scrapes in the same process: the first one (a
// fresh registry) apart, then Runs more, with the exposition's size and
// number of series. The target is 0.2 s per scrape at national scale.
func Metrics(ctx context.Context, opt MetricsOptions) (*Report, error) {
	if opt.Handler == nil {
		return nil, errors.New("bench metrics: a handler is needed")
	}
	if opt.Runs <= 0 {
		opt.Runs = 3
	}
	rep := newReport("metrics", opt.Runs)
	scrape := func() (float64, *httptest.ResponseRecorder) {
		req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/metrics", nil)
		req.Header.Set("Accept", "text/plain") // Prometheus text format, as promtool reads it
		rec := httptest.NewRecorder()
		t0 := time.Now()
		opt.Handler.ServeHTTP(rec, req)
		return time.Since(t0).Seconds(), rec
	}
	first, rec := scrape()
	if rec.Code != http.StatusOK {
		return nil, fmt.Errorf("bench metrics: status %d: %s", rec.Code, bytes.TrimSpace(rec.Body.Bytes()))
	}
	var times, sizes []float64
	var series int
	for i := 0; i < opt.Runs; i++ {
		d, rec := scrape()
		if rec.Code != http.StatusOK {
			return nil, fmt.Errorf("bench metrics: status %d", rec.Code)
		}
		times = append(times, d)
		sizes = append(sizes, float64(rec.Body.Len())/1e6)
		series = countSeries(rec.Body.Bytes())
	}
	scr := Row{Name: "/metrics scrape", Unit: "s", Better: Lower, Effekt: NewStat(times)}
	scr.withBound(0.2)
	scr.Note = fmt.Sprintf("%d series; the first scrape after start took %s s", series, fmtNum(first))
	size := Row{Name: "/metrics size", Unit: "MB", Better: Lower, Effekt: NewStat(sizes)}
	rep.Rows = []Row{scr, size}
	rep.finish()
	return rep, nil
}

// countSeries counts the sample lines of a text exposition.
func countSeries(b []byte) int {
	n := 0
	for _, line := range bytes.Split(b, []byte("\n")) {
		if len(line) > 0 && line[0] != '#' {
			n++
		}
	}
	return n
}
