package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/effekt/effekt/access"
	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/server/serveinfo"
	"github.com/effekt/effekt/store"
)

// holdEnv makes the test binary a child process that holds a database open
// until its stdin closes, the way a running `effekt serve` does.
const holdEnv = "EFFEKT_TEST_HOLD_DB"

// TestHoldDBChild is the child process of holdDB; run directly it does nothing.
func TestHoldDBChild(t *testing.T) {
	path := os.Getenv(holdEnv)
	if path == "" {
		t.Skip("child process of TestOpenOrDelegate")
	}
	db, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		os.Stdout.WriteString("error " + err.Error() + "\n")
		os.Exit(1)
	}
	os.Stdout.WriteString("held\n")
	bufio.NewReader(os.Stdin).ReadString('\n') // wait for the parent to close stdin
	db.Close()
	os.Exit(0)
}

// holdDB starts a child process holding path and returns when it holds it.
func holdDB(t *testing.T, path string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHoldDBChild$")
	cmd.Env = append(os.Environ(), holdEnv+"="+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasSuffix(line, "held\n") {
		t.Fatalf("child did not hold the database: %q %v", line, err)
	}
}

func TestOpenOrDelegate(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	path := filepath.Join(t.TempDir(), "held.duckdb")
	holdDB(t, path)
	const token = "local-token-0123456789abcdef"

	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.Header.Get("Authorization") != "Bearer "+token || r.Header.Get(access.LocalUserHeader) == "" {
			http.Error(w, `{"error":"a valid bearer token is required"}`, http.StatusUnauthorized)
			return
		}
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/api/v1/jobs/ingest/run":
			w.WriteHeader(http.StatusAccepted)
			w.Write([]byte(`{"job":"ingest","run_id":7}`))
		case r.Method == http.MethodGet && r.URL.Path == "/api/v1/jobs":
			w.Write([]byte(`{"values":[{"name":"ingest","last_runs":[{"run_id":7,"job":"ingest","outcome":"ok","finished_at":"2026-11-30T12:00:00Z","rows":42}]}],"count":1}`))
		default:
			http.Error(w, `{"error":"not found"}`, http.StatusNotFound)
		}
	}))
	defer srv.Close()

	cfg := config.Default()
	cfg.Paths.Database = path
	cfg.Listen = "127.0.0.1:1" // never asked: the serve file says where the server is

	// No serve file: the database is held by some other process.
	if _, err := openOrDelegate(ctx, cfg, "ingest", true, io.Discard); err == nil || !strings.Contains(err.Error(), "no running effekt serve is recorded") {
		t.Fatalf("without a serve file: %v", err)
	}
	remove, err := serveinfo.Write(path, serveinfo.Info{PID: os.Getpid(), Listen: strings.TrimPrefix(srv.URL, "http://"), URL: srv.URL, Token: token})
	if err != nil {
		t.Fatal(err)
	}
	defer remove()

	tests := []struct {
		name      string
		delegate  bool
		wantErr   string // substring; "" = delegated without error
		wantCalls int32
	}{
		{"locked, not delegated", false, "held by the running effekt serve (pid", 0},
		{"delegated, waits for the run", true, "", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls.Store(0)
			var out strings.Builder
			db, err := openOrDelegate(ctx, cfg, "ingest", tt.delegate, &out)
			if db != nil {
				db.Close()
				t.Fatal("got a database although another process holds it")
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("err = %v, want delegated", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
			}
			if got := calls.Load(); got != tt.wantCalls {
				t.Fatalf("server called %d times, want %d", got, tt.wantCalls)
			}
			if tt.wantErr == "" && !strings.Contains(out.String(), "run 7 ended ok (42 rows)") {
				t.Fatalf("output %q does not report the finished run", out.String())
			}
		})
	}

	// The plain open says plainly what holds the database.
	_, err = store.Open(ctx, path, store.Options{})
	if !errors.Is(err, store.ErrLocked) {
		t.Fatalf("store.Open on a held database: %v, want ErrLocked", err)
	}
}

func TestComputeOptions(t *testing.T) {
	cfg := config.Default()
	tests := []struct {
		cfgAsOf, flag string
		want          string // YYYY-MM-DD, "" for the zero date (latest event), "error"
	}{
		{"", "", ""},
		{"2024-12-31", "", "2024-12-31"},
		{"2024-12-31", "2025-06-30", "2025-06-30"},
		{"", "2025-13-01", "error"},
	}
	for _, tt := range tests {
		cfg.Indicators.AsOf = tt.cfgAsOf
		opt, err := computeOptions(cfg, tt.flag)
		got := ""
		switch {
		case err != nil:
			got = "error"
		case !opt.AsOf.IsZero():
			got = opt.AsOf.Format(time.DateOnly)
		}
		if got != tt.want || (err == nil && (opt.SOFee != 5500 || len(opt.Groups) != 2)) {
			t.Errorf("computeOptions(as_of %q, --as-of %q) = %q, fee %v, %d groups; want %q, 5500, 2", tt.cfgAsOf, tt.flag, got, opt.SOFee, len(opt.Groups), tt.want)
		}
	}
}
