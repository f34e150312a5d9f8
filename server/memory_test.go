package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/store"
)

// TestSQLMemoryLimit (F5): the instance `effekt serve` opens (StoreOptions)
// has serve.memory_limit and serve.max_temp_directory_size, and an
// evaluator's query needing more memory fails through the real handler
// with a clear 400 naming the limit, DuckDB's text (its SET advice, spill
// paths) left out; the server answers afterwards. Without the limit the
// same query took 3 GB RSS and 20 s and answered 200.
func TestSQLMemoryLimit(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	const evalToken = "evaluator-token-0123456789"
	cfg := config.Default()
	cfg.Paths.Database = filepath.Join(dir, "e.duckdb")
	cfg.Paths.Audit = filepath.Join(dir, "audit.jsonl")
	cfg.Schedules = config.Schedules{Ingest: "off", Compute: "off", Export: "off", StopGrace: time.Second}
	cfg.API.Tokens = []config.Token{{Name: "anna", Role: config.RoleEvaluator, SHA256: config.HashToken(evalToken)}}
	cfg.Serve.MemoryLimit, cfg.Serve.MaxTempDirectorySize = "256MB", "1GB"
	db, err := store.Open(ctx, cfg.Paths.Database, StoreOptions(cfg))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var mem, tmp, access string
	if err := db.QueryRow(`SELECT current_setting('memory_limit'), current_setting('max_temp_directory_size'), current_setting('enable_external_access')::VARCHAR`).Scan(&mem, &tmp, &access); err != nil {
		t.Fatal(err)
	}
	if mem != "244.1 MiB" || tmp != "953.6 MiB" || access != "false" { // 256 MB, 1 GB
		t.Fatalf("memory_limit %s, max_temp_directory_size %s, enable_external_access %s", mem, tmp, access)
	}
	s, err := New(ctx, cfg, db, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler)
	defer ts.Close()
	post := func(query string) (int, string) {
		t.Helper()
		body, _ := json.Marshal(map[string]string{"sql": query})
		req, _ := http.NewRequest("POST", ts.URL+"/api/v1/sql", strings.NewReader(string(body)))
		req.Header.Set("Authorization", "Bearer "+evalToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, body := post(`SELECT length(string_agg(repeat('x', 1000000), '')) AS n FROM range(1000)`)
	var e struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("%d %s: %v", status, body, err)
	}
	want := "out of memory: the query needed more than the memory limit of 256MB and was stopped; aggregate or filter in the query, or select fewer or shorter values"
	if status != http.StatusBadRequest || e.Error != want {
		t.Fatalf("memory-hungry query: %d %q, want 400 %q", status, e.Error, want)
	}
	for _, leak := range []string{"SET ", "Possible solutions", dir, "memory_limit='"} {
		if strings.Contains(body, leak) {
			t.Errorf("answer holds %q: %s", leak, body)
		}
	}
	if status, body := post(`SELECT 41 + 1 AS n`); status != 200 || !strings.Contains(body, `"n":42`) {
		t.Errorf("after the out-of-memory query: %d %s", status, body)
	}
	resp, err := http.Get(ts.URL + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz after the out-of-memory query: %v %v", resp, err)
	}
	resp.Body.Close()
}
