// Package integration starts effekt together with a real Prometheus server
// for the integration tests (build tag integration): StartStack runs the
// demo pipeline (sample → ingest → compute → export) in a temporary folder,
// serves effekt on a random loopback port and lets Prometheus scrape it
// every second.
package integration

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/sample"
	"github.com/effekt/effekt/schedules"
	"github.com/effekt/effekt/server"
	"github.com/effekt/effekt/store"
)

// Bounds of the harness: how long Prometheus may take to report up == 1,
// how often it is asked, and the deadline of every HTTP request.
const (
	upTimeout      = 60 * time.Second
	pollEvery      = 250 * time.Millisecond
	requestTimeout = 10 * time.Second
)

// SampleToday is the last date of the demo data, fixed so runs agree.
var SampleToday = time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)

// Stack is effekt and Prometheus running for the tests.
type Stack struct {
	Dir     string        // temporary folder holding inbox, database, exports, Prometheus data
	Config  config.Config // effekt's configuration
	DB      *sql.DB       // effekt's database (shared with the running server)
	BaseURL string        // effekt, e.g. http://127.0.0.1:41234
	PromURL string        // Prometheus, e.g. http://127.0.0.1:41235
	Server  *server.Server

	client     *http.Client
	stopServer context.CancelFunc
	served     chan error
	prom       *exec.Cmd
	promExited chan error
}

// Sample is one element of an instant vector.
type Sample struct {
	Labels map[string]string
	Value  float64
}

var (
	once     sync.Once
	shared   *Stack
	startErr error
	skipMsg  string
)

// StartStack returns the stack shared by every test of the binary, starting
// it on the first call. Without a prometheus binary it skips the test,
// except in CI (CI=true), where it fails. Call StopStack from TestMain.
func StartStack(ctx context.Context, t testing.TB) *Stack {
	t.Helper()
	once.Do(func() {
		bin, msg := prometheusBinary()
		if bin == "" {
			skipMsg = msg
			return
		}
		shared, startErr = start(ctx, bin)
	})
	if skipMsg != "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s (in CI the Makefile runs scripts/prometheus.sh and sets EFFEKT_PROMETHEUS)", skipMsg)
		}
		t.Skip(skipMsg)
	}
	if startErr != nil {
		t.Fatalf("start stack: %v", startErr)
	}
	return shared
}

// StopStack stops Prometheus and effekt and removes the folder, if the
// stack was started.
func StopStack() {
	if shared != nil {
		shared.stop()
		shared = nil
	}
}

// prometheusBinary finds prometheus: $EFFEKT_PROMETHEUS, PATH, or the
// repository's .tools folder that scripts/prometheus.sh fills.
func prometheusBinary() (string, string) {
	if p := os.Getenv("EFFEKT_PROMETHEUS"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Sprintf("EFFEKT_PROMETHEUS=%s: %v", p, err)
		}
		return p, ""
	}
	if p, err := exec.LookPath("prometheus"); err == nil {
		return p, ""
	}
	_, file, _, _ := runtime.Caller(0)
	p := filepath.Join(filepath.Dir(file), "..", ".tools", "prometheus", "usr", "bin", "prometheus")
	if _, err := os.Stat(p); err == nil {
		return p, ""
	}
	return "", "prometheus not found (run scripts/prometheus.sh or set EFFEKT_PROMETHEUS)"
}

func start(ctx context.Context, promBin string) (_ *Stack, err error) {
	dir, err := os.MkdirTemp("", "effekt-integration-")
	if err != nil {
		return nil, err
	}
	s := &Stack{Dir: dir, client: &http.Client{Timeout: requestTimeout}}
	defer func() {
		if err != nil {
			s.stop()
		}
	}()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("EFFEKT_DEBUG") != "" {
		log = slog.Default()
	}

	cfg := config.Default()
	cfg.Paths = config.Paths{
		Inbox: filepath.Join(dir, "inbox"), Archive: filepath.Join(dir, "archive"), Failed: filepath.Join(dir, "failed"),
		Database: filepath.Join(dir, "effekt.duckdb"), Exports: filepath.Join(dir, "exports"), Dashboards: filepath.Join(dir, "dashboards"),
	}
	cfg.Pseudonym.Key, cfg.Pseudonym.Demo = config.DemoKey, true
	cfg.Schedules = config.Schedules{Ingest: config.Off, Compute: config.Off, Export: config.Off, StopGrace: 10 * time.Second}
	cfg.Ingest.Settle = 0 // the sample files are complete when written: ingest them at once
	s.Config = cfg

	if _, err := sample.Write(ctx, cfg.Paths.Inbox, sample.Options{Scale: "small", Seed: 1, Today: SampleToday, Logger: log}); err != nil {
		return s, fmt.Errorf("sample: %w", err)
	}
	if s.DB, err = store.Open(ctx, cfg.Paths.Database, store.Options{}); err != nil {
		return s, err
	}
	if s.Server, err = server.New(ctx, cfg, s.DB, server.Options{Version: "integration", Logger: log}); err != nil {
		return s, err
	}
	// The demo pipeline through the scheduler, so job runs are recorded and
	// counted: ingest chains compute; then export.
	for _, job := range []string{server.JobIngest, server.JobExport} {
		r, err := s.Server.Scheduler.RunNow(ctx, job, schedules.TriggerCLI)
		if err != nil {
			return s, err
		}
		if r.Outcome != schedules.OutcomeOK {
			return s, fmt.Errorf("job %s: %s: %s", job, r.Outcome, r.Error)
		}
		s.Server.Scheduler.Wait() // the chained compute
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return s, err
	}
	s.BaseURL = "http://" + ln.Addr().String()
	sctx, cancel := context.WithCancel(context.Background())
	s.stopServer, s.served = cancel, make(chan error, 1)
	go func() { s.served <- s.Server.Serve(sctx, ln) }()

	// The free port may be taken between probing and binding: try again
	// when Prometheus exits at start.
	for attempt := 1; ; attempt++ {
		if err := s.startPrometheus(promBin, ln.Addr().String()); err != nil {
			return s, err
		}
		err := s.waitUp(ctx)
		if err == nil || !errors.Is(err, errPromExited) || attempt == 3 {
			return s, err
		}
	}
}

var errPromExited = errors.New("prometheus exited")

func (s *Stack) startPrometheus(bin, target string) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	s.PromURL = "http://127.0.0.1:" + strconv.Itoa(port)
	conf := filepath.Join(s.Dir, "prometheus.yml")
	yml := fmt.Sprintf(`global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: effekt
    static_configs:
      - targets: ['%s']
`, target)
	if err := os.WriteFile(conf, []byte(yml), 0o644); err != nil {
		return err
	}
	logf, err := os.Create(filepath.Join(s.Dir, "prometheus.log"))
	if err != nil {
		return err
	}
	s.prom = exec.Command(bin,
		"--config.file="+conf,
		"--storage.tsdb.path="+filepath.Join(s.Dir, "prometheus-data"),
		"--web.listen-address=127.0.0.1:"+strconv.Itoa(port),
		"--log.level=warn",
	)
	s.prom.Stdout, s.prom.Stderr = logf, logf
	if err := s.prom.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("start prometheus: %w", err)
	}
	s.promExited = make(chan error, 1)
	go func() { s.promExited <- s.prom.Wait(); logf.Close() }()
	return nil
}

// waitUp polls Prometheus until it has scraped effekt successfully.
func (s *Stack) waitUp(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, upTimeout)
	defer cancel()
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	var last error
	for {
		res, err := s.Query(ctx, `up{job="effekt"}`)
		switch {
		case err != nil:
			last = err
		case len(res) == 1 && res[0].Value == 1:
			return nil
		default:
			last = fmt.Errorf("up = %v", res)
		}
		select {
		case <-ctx.Done():
			b, _ := os.ReadFile(filepath.Join(s.Dir, "prometheus.log"))
			return fmt.Errorf("prometheus did not scrape effekt within %s (last: %v)\nprometheus log:\n%s", upTimeout, last, b)
		case err := <-s.promExited:
			b, _ := os.ReadFile(filepath.Join(s.Dir, "prometheus.log"))
			s.prom = nil
			return fmt.Errorf("%w: %v\n%s", errPromExited, err, b)
		case <-tick.C:
		}
	}
}

// Query runs an instant PromQL query and returns the vector (a scalar comes
// back as one sample without labels).
func (s *Stack) Query(ctx context.Context, promql string) ([]Sample, error) {
	var body struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			ResultType string          `json:"resultType"`
			Result     json.RawMessage `json:"result"`
		} `json:"data"`
	}
	if err := s.getJSON(ctx, s.PromURL+"/api/v1/query?query="+url.QueryEscape(promql), &body); err != nil {
		return nil, err
	}
	if body.Status != "success" {
		return nil, fmt.Errorf("query %q: %s", promql, body.Error)
	}
	parse := func(pair []any) (float64, error) {
		if len(pair) != 2 {
			return 0, fmt.Errorf("query %q: bad sample %v", promql, pair)
		}
		str, _ := pair[1].(string)
		return strconv.ParseFloat(str, 64)
	}
	switch body.Data.ResultType {
	case "vector":
		var vec []struct {
			Metric map[string]string `json:"metric"`
			Value  []any             `json:"value"`
		}
		if err := json.Unmarshal(body.Data.Result, &vec); err != nil {
			return nil, fmt.Errorf("query %q: %w", promql, err)
		}
		out := make([]Sample, 0, len(vec))
		for _, v := range vec {
			f, err := parse(v.Value)
			if err != nil {
				return nil, err
			}
			out = append(out, Sample{Labels: v.Metric, Value: f})
		}
		return out, nil
	case "scalar":
		var pair []any
		if err := json.Unmarshal(body.Data.Result, &pair); err != nil {
			return nil, fmt.Errorf("query %q: %w", promql, err)
		}
		f, err := parse(pair)
		if err != nil {
			return nil, err
		}
		return []Sample{{Labels: map[string]string{}, Value: f}}, nil
	default:
		return nil, fmt.Errorf("query %q: result type %q not supported", promql, body.Data.ResultType)
	}
}

// Get fetches a path of effekt (BaseURL + path) and returns status and body.
func (s *Stack) Get(ctx context.Context, path string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.BaseURL+path, nil)
	if err != nil {
		return 0, nil, err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	return resp.StatusCode, b, err
}

func (s *Stack) getJSON(ctx context.Context, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 && resp.StatusCode != http.StatusBadRequest && resp.StatusCode != http.StatusUnprocessableEntity {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return json.Unmarshal(b, v)
}

func (s *Stack) stop() {
	if s.prom != nil && s.prom.Process != nil {
		s.prom.Process.Kill()
		select {
		case <-s.promExited:
		case <-time.After(10 * time.Second):
		}
	}
	if s.stopServer != nil {
		s.stopServer()
		select {
		case <-s.served:
		case <-time.After(30 * time.Second):
		}
	}
	if s.DB != nil {
		s.DB.Close()
	}
	if s.Dir != "" && os.Getenv("EFFEKT_KEEP") == "" {
		os.RemoveAll(s.Dir)
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
