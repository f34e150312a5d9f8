package server

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/effekt/effekt/access"
	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/server/serveinfo"
	"github.com/effekt/effekt/store"
)

// TestServeFile: while Serve runs, <database>.serve.json names its URL and
// a local token that POST /api/v1/sql accepts, audited as local:<user>;
// the file is gone after Serve returns. Security headers are on every
// answer, /metrics too, and /metrics answers only GET and HEAD.
func TestServeFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := config.Default()
	cfg.Paths.Database = filepath.Join(dir, "e.duckdb")
	cfg.Paths.Audit = filepath.Join(dir, "audit.jsonl")
	cfg.Listen = "127.0.0.1:0"
	cfg.Schedules = config.Schedules{Ingest: "off", Compute: "off", Export: "off", StopGrace: time.Second}
	db, err := store.Open(ctx, cfg.Paths.Database, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sctx, stop := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() {
		served <- Serve(sctx, cfg, db, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	}()
	var info serveinfo.Info
	for deadline := time.Now().Add(20 * time.Second); ; {
		if info, err = serveinfo.Discover(cfg.Paths.Database); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no serve file: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if st, err := os.Stat(serveinfo.Path(cfg.Paths.Database)); err != nil || st.Mode().Perm() != 0o600 || info.PID != os.Getpid() {
		t.Fatalf("serve file %+v mode %v: %v", info, st.Mode().Perm(), err)
	}
	do := func(method, path, body string, h http.Header) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, info.URL+path, strings.NewReader(body))
		for k, v := range h {
			req.Header[k] = v
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	local := http.Header{"Authorization": {"Bearer " + info.Token}, access.LocalUserHeader: {"kim"}}
	if resp := do("POST", "/api/v1/sql", `{"sql": "SELECT count(*) FROM indicator_values"}`, local); resp.StatusCode != 200 {
		t.Fatalf("sql with the local token: %s", resp.Status)
	}
	if resp := do("POST", "/api/v1/sql", `{"sql": "SELECT 1"}`, http.Header{"Authorization": {"Bearer " + info.Token + "x"}}); resp.StatusCode != 401 {
		t.Fatalf("sql with a wrong token: %s", resp.Status)
	}
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/metrics", 200}, {"HEAD", "/metrics", 200}, {"POST", "/metrics", 405}, {"PATCH", "/metrics", 405},
		{"DELETE", "/metrics", 405}, {"GET", "/v3/kpi", 200}, {"GET", "/nothing", 404},
	} {
		resp := do(tc.method, tc.path, "", nil)
		if resp.StatusCode != tc.status {
			t.Errorf("%s %s: %s, want %d", tc.method, tc.path, resp.Status, tc.status)
		}
		if tc.status == 405 && resp.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("%s %s: Allow %q", tc.method, tc.path, resp.Header.Get("Allow"))
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Referrer-Policy") != "no-referrer" ||
			resp.Header.Get("Content-Security-Policy") != "default-src 'none'; frame-ancestors 'none'" {
			t.Errorf("%s %s: security headers missing: %v", tc.method, tc.path, resp.Header)
		}
	}
	stop()
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	if _, err := serveinfo.Discover(cfg.Paths.Database); !errors.Is(err, serveinfo.ErrNotRunning) {
		t.Fatalf("serve file after stop: %v", err)
	}
	f, err := os.Open(cfg.Paths.Audit)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var recs []access.Record
	for sc.Scan() {
		var r access.Record
		json.Unmarshal(sc.Bytes(), &r)
		recs = append(recs, r)
	}
	if len(recs) != 1 || recs[0].Who != "local:kim" || recs[0].Via != "api" || recs[0].Rows != 1 || recs[0].Outcome != "ok" {
		t.Fatalf("audit records %+v, want one by local:kim", recs)
	}
}

func TestPublicURL(t *testing.T) {
	tests := []struct{ public, listen, want string }{
		{"https://effekt.example.se", "0.0.0.0:8080", "https://effekt.example.se"},
		{"", "127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"", "effekt.lan:9000", "http://effekt.lan:9000"},
		{"", "0.0.0.0:8080", ""},
		{"", "[::]:8080", ""},
		{"", ":8080", ""},
	}
	for _, tc := range tests {
		cfg := config.Default()
		cfg.API.PublicURL, cfg.Listen = tc.public, tc.listen
		if got := publicURL(cfg); got != tc.want {
			t.Errorf("public %q listen %q: %q, want %q", tc.public, tc.listen, got, tc.want)
		}
	}
}
