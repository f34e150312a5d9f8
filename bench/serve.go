package bench

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// ServeOptions configure Serve.
type ServeOptions struct {
	// Handler serves the API (api.New, or whatever serves /v3 in effekt serve).
	Handler http.Handler
	// Path is the request every client sends, e.g. one cell of /v3/data.
	Path string
	// Concurrency levels: the number of loopback connections kept busy;
	// nil: 50 and 200.
	Concurrency []int
	// Requests and Duration bound each measurement (whichever comes first);
	// 0: 20 000 requests, 10 s.
	Requests int
	Duration time.Duration
	Runs     int // 0: 3
}

// Serve measures the API handler over loopback HTTP at each concurrency
// against the limit: a handler in the same process writing the same
// response bytes, pre-rendered. Every client keeps one keep-alive
// connection and sends Path in a loop, reading each response whole.
func Serve(ctx context.Context, opt ServeOptions) (*Report, error) {
	if opt.Handler == nil || opt.Path == "" {
		return nil, errors.New("bench serve: a handler and a path are needed")
	}
	if opt.Runs <= 0 {
		opt.Runs = 3
	}
	if len(opt.Concurrency) == 0 {
		opt.Concurrency = []int{50, 200}
	}
	if opt.Requests <= 0 {
		opt.Requests = 20000
	}
	if opt.Duration <= 0 {
		opt.Duration = 10 * time.Second
	}
	rep := newReport("serve", opt.Runs)

	// the response, rendered once by the API itself
	rec := httptest.NewRecorder()
	opt.Handler.ServeHTTP(rec, httptest.NewRequestWithContext(ctx, http.MethodGet, opt.Path, nil))
	if rec.Code != http.StatusOK {
		return nil, fmt.Errorf("bench serve: GET %s: status %d: %s", opt.Path, rec.Code, bytes.TrimSpace(rec.Body.Bytes()))
	}
	body, ctype := rec.Body.Bytes(), rec.Header().Get("Content-Type")
	static := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ctype)
		w.Write(body)
	})
	rep.Setup = append(rep.Setup, fmt.Sprintf("GET %s (%d bytes), at most %d requests or %s per measurement, loopback keep-alive connections",
		opt.Path, len(body), opt.Requests, opt.Duration))

	api, err := listen(opt.Handler)
	if err != nil {
		return nil, err
	}
	defer api.Close()
	lim, err := listen(static)
	if err != nil {
		return nil, err
	}
	defer lim.Close()

	for _, c := range opt.Concurrency {
		var effThr, limThr, effP50, limP50, effP99, limP99 []float64
		var failures int64
		for i := 0; i < opt.Runs; i++ {
			for _, side := range []struct {
				url      string
				thr, p50 *[]float64
				p99      *[]float64
			}{{api.url, &effThr, &effP50, &effP99}, {lim.url, &limThr, &limP50, &limP99}} {
				res, err := load(ctx, side.url+opt.Path, c, opt.Requests, opt.Duration)
				if err != nil {
					return nil, err
				}
				*side.thr = append(*side.thr, res.throughput)
				*side.p50 = append(*side.p50, res.p50)
				*side.p99 = append(*side.p99, res.p99)
				failures += res.failures
			}
		}
		thr := Row{Name: fmt.Sprintf("throughput, %d connections", c), Unit: "req/s", Better: Higher, Effekt: NewStat(effThr)}
		thr.withLimit("a handler writing the same pre-rendered bytes", NewStat(limThr), 0.5)
		p50 := Row{Name: fmt.Sprintf("p50 latency, %d connections", c), Unit: "ms", Better: Lower, Effekt: NewStat(effP50)}
		p50.withLimit("a handler writing the same pre-rendered bytes", NewStat(limP50), 0)
		p99 := Row{Name: fmt.Sprintf("p99 latency, %d connections", c), Unit: "ms", Better: Lower, Effekt: NewStat(effP99)}
		p99.withLimit("a handler writing the same pre-rendered bytes", NewStat(limP99), 0)
		p99.withBound(50)
		if failures > 0 {
			thr.Note = fmt.Sprintf("%d requests failed or were not 200", failures)
		}
		rep.Rows = append(rep.Rows, thr, p50, p99)
	}
	rep.finish()
	return rep, nil
}

// server is a loopback HTTP server.
type server struct {
	url string
	srv *http.Server
}

func listen(h http.Handler) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("bench serve: %w", err)
	}
	s := &server{url: "http://" + ln.Addr().String(), srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}}
	go s.srv.Serve(ln)
	return s, nil
}

func (s *server) Close() { s.srv.Close() }

type loadResult struct {
	throughput float64 // requests/s
	p50, p99   float64 // ms
	failures   int64
}

// load keeps c connections busy with GET url until n requests are done or
// d has passed, after one warm-up request per connection.
func load(ctx context.Context, url string, c, n int, d time.Duration) (loadResult, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: c, MaxConnsPerHost: c, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	get := func() (bool, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return false, err
		}
		resp, err := client.Do(req)
		if err != nil {
			return false, nil
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return err == nil && resp.StatusCode == http.StatusOK, nil
	}
	var wg sync.WaitGroup
	for range c { // warm up: open the connections
		wg.Go(func() { get() })
	}
	wg.Wait()

	var issued, failures atomic.Int64
	lat := make([][]float64, c)
	deadline := time.Now().Add(d)
	start := time.Now()
	var firstErr error
	var once sync.Once
	for i := range c {
		wg.Go(func() {
			for issued.Add(1) <= int64(n) && time.Now().Before(deadline) && ctx.Err() == nil {
				t0 := time.Now()
				ok, err := get()
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				if !ok {
					failures.Add(1)
				}
				lat[i] = append(lat[i], float64(time.Since(t0).Microseconds())/1000)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		return loadResult{}, fmt.Errorf("bench serve: %w", firstErr)
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	res := loadResult{throughput: float64(len(all)) / elapsed.Seconds(), failures: failures.Load()}
	if len(all) > 0 {
		res.p50 = all[len(all)*50/100]
		res.p99 = all[min(len(all)-1, len(all)*99/100)]
	}
	return res, nil
}

// DefaultServePath is one cell of /v3/data: EF101 for Botkyrka (0127) in
// the latest period that has it (2019 when there is none).
func DefaultServePath(ctx context.Context, db *sql.DB) (string, error) {
	var p sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT max(period) FROM indicator_values WHERE kpi = 'EF101' AND municipality = '0127'`).Scan(&p); err != nil {
		return "", fmt.Errorf("bench serve: %w", err)
	}
	year := int64(2019)
	if p.Valid {
		year = p.Int64
	}
	return fmt.Sprintf("/v3/data/kpi/EF101/municipality/0127/year/%d", year), nil
}
