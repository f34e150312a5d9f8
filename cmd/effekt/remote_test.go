package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/export"
	"github.com/effekt/effekt/server/serveinfo"
)

// TestCLIWhileServeRuns: with `effekt serve` holding the database (on a
// port it picked), the read commands work through its API without a flag,
// found through the serve file, and the writing ones hand it their job
// with --via-server and wait for it.
func TestCLIWhileServeRuns(t *testing.T) {
	dir := t.TempDir()
	if _, errOut, code := cli(t, dir, "sample", "--out", "inbox", "--quiet"); code != 0 {
		t.Fatalf("sample: %s", errOut)
	}
	cfgPath := filepath.Join(dir, "effekt.yaml")
	cfgText := fmt.Sprintf("paths:\n  inbox: %[1]s/inbox\n  archive: %[1]s/archive\n  failed: %[1]s/failed\n  database: %[1]s/e.duckdb\n"+
		"  exports: %[1]s/exports\n  audit: %[1]s/audit.jsonl\n  temp: %[1]s/tmp\nlisten: 127.0.0.1:0\ningest:\n  settle: 0s\n"+
		"schedules:\n  ingest: \"off\"\n  compute: \"off\"\n  export: \"off\"\n", dir)
	if err := os.WriteFile(cfgPath, []byte(cfgText), 0o644); err != nil {
		t.Fatal(err)
	}
	serve := exec.Command(os.Args[0], "serve", "--config", cfgPath)
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "EFFEKT_") {
			serve.Env = append(serve.Env, e)
		}
	}
	serve.Env = append(serve.Env, envAsMain+"=1", config.EnvPseudonymKey+"="+testKey)
	var logs bytes.Buffer
	serve.Stdout, serve.Stderr = &logs, &logs
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		serve.Process.Signal(syscall.SIGTERM)
		serve.Wait()
	}()
	db := filepath.Join(dir, "e.duckdb")
	deadline := time.Now().Add(60 * time.Second)
	for {
		if _, err := serveinfo.Discover(db); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no serve file beside %s within 60 s:\n%s", db, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}

	steps := []struct {
		args     []string
		code     int
		contains string
	}{
		{[]string{"ingest", "--config", cfgPath}, 1, "held by the running effekt serve (pid"},
		{[]string{"serve", "--config", cfgPath, "--listen", "127.0.0.1:0"}, 1, "is already served by effekt serve (pid"},
		{[]string{"ingest", "--config", cfgPath, "--via-server"}, 0, "ended ok"},
		{[]string{"compute", "--config", cfgPath, "--via-server"}, 0, "ended ok"},
		{[]string{"indicators", "--config", cfgPath, "--kpi", "EF101", "Riket", "--gender", "T"}, 0, "as_of "},
		{[]string{"indicators", "--config", cfgPath, "--headline"}, 0, "EF101  Samhällsorientering"},
		{[]string{"sql", "--config", cfgPath, "SELECT count(*) AS n FROM files", "--format", "json"}, 0, `"n": 9`},
		{[]string{"export", "--config", cfgPath}, 0, "(as_of "},
		// the server's instance runs evaluators' SQL: SQL given as text is refused
		{[]string{"sql", "--config", cfgPath, "SELECT json_serialize_plan('SELECT * FROM read_csv(''" + cfgPath + "'')')"}, 1, "json_serialize_plan() is not allowed"},
	}
	for _, s := range steps {
		out, errOut, code := cli(t, dir, s.args...)
		if code != s.code || !strings.Contains(out+errOut, s.contains) {
			t.Fatalf("effekt %s: exit %d, want %d with %q\nstdout:\n%s\nstderr:\n%s\nserver:\n%s", strings.Join(s.args, " "), code, s.code, s.contains, out, errOut, logs.String())
		}
	}
	// the Parquet file too, which DuckDB writes on a scratch instance (the
	// server's own has file access off)
	if info, err := os.Stat(filepath.Join(dir, "exports", export.FileParquet)); err != nil || info.Size() == 0 {
		t.Errorf("the server's export job wrote no Parquet file: %v", err)
	}
}
