package server

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/schedules"
	"github.com/effekt/effekt/store"
)

const token = "test-token-0123456789"

// TestServe runs the server with a job that blocks, triggers it over HTTP,
// checks 409 and 404, scrapes /metrics, then cancels the context while the
// job runs: Serve waits for the job and returns nil.
func TestServe(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, ":memory:", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cfg := config.Default()
	cfg.Paths.Audit = filepath.Join(t.TempDir(), "audit.jsonl")
	cfg.API.Tokens = []config.Token{{Name: "op", Role: config.RoleOperator, SHA256: config.HashToken(token)}}
	cfg.Schedules.StopGrace = time.Hour

	started, release := make(chan struct{}), make(chan struct{})
	jobs := []schedules.Job{
		{Name: JobIngest, Run: func(context.Context) (int64, error) { close(started); <-release; return 5, nil }},
		{Name: JobCompute, Run: func(context.Context) (int64, error) { return 0, nil }},
	}
	s, err := New(ctx, cfg, db, Options{Jobs: jobs, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	sctx, stop := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- s.Serve(sctx, ln) }()

	client := &http.Client{Timeout: 10 * time.Second}
	do := func(method, path string, auth bool) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, nil)
		if auth {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	steps := []struct {
		method, path string
		auth         bool
		wantCode     int
		wantBody     string
	}{
		{"GET", "/healthz", false, 200, "ok"},
		{"POST", "/api/v1/jobs/ingest/run", false, 401, ""},
		{"POST", "/api/v1/jobs/ingest/run", true, 202, `"run_id":1`},
		{"POST", "/api/v1/jobs/ingest/run", true, 409, ""},
		{"POST", "/api/v1/jobs/nope/run", true, 404, ""},
		{"GET", "/metrics", false, 200, `effekt_job_running{pipeline_job="ingest"} 1`},
		{"GET", "/api/v1/jobs", false, 200, `"running":true`},
	}
	for i, st := range steps {
		code, body := do(st.method, st.path, st.auth)
		if code != st.wantCode || !strings.Contains(body, st.wantBody) {
			t.Errorf("step %d %s %s: %d %q, want %d containing %q", i, st.method, st.path, code, body, st.wantCode, st.wantBody)
		}
		if i == 2 {
			<-started
		}
	}

	stop() // SIGTERM while ingest runs
	select {
	case err := <-served:
		t.Fatalf("Serve returned %v while a job was running", err)
	case <-time.After(50 * time.Millisecond): // not a correctness wait: the job cannot end before release
	}
	close(release)
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	// No chained compute once stopping: only the ingest is recorded.
	assertRuns(t, db, []string{"ingest api ok 5"})
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Error("listener still accepts connections after Serve returned")
	}
}

func assertRuns(t *testing.T, db *sql.DB, want []string) {
	t.Helper()
	rows, err := db.Query(`SELECT job || ' ' || trigger || ' ' || outcome || ' ' || rows FROM job_runs ORDER BY run_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("job_runs:\n got %q\nwant %q", got, want)
	}
}
