package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/sample"
	"github.com/effekt/effekt/store"
)

// TestServeSIGTERM starts `effekt serve` as a process, triggers an ingest of
// a sample inbox through the API, sends SIGTERM while it runs, and expects
// the process to let the job finish, record it, and exit 0.
func TestServeSIGTERM(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	if _, err := sample.Write(ctx, filepath.Join(dir, "inbox"), sample.Options{Scale: "small", Seed: 3}); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfgPath := filepath.Join(dir, "effekt.yaml")
	cfgText := fmt.Sprintf("paths:\n  inbox: %[1]s/inbox\n  archive: %[1]s/archive\n  failed: %[1]s/failed\n  database: %[1]s/e.duckdb\n  exports: %[1]s/exports\n  dashboards: %[1]s/dashboards\n  temp: %[1]s/tmp\n  audit: %[1]s/audit.jsonl\nlisten: %[2]s\ningest:\n  settle: 0s\nschedules:\n  ingest: \"off\"\n  compute: \"off\"\n  export: \"off\"\n", dir, addr)
	if err := os.WriteFile(cfgPath, []byte(cfgText), 0o644); err != nil {
		t.Fatal(err)
	}
	const token = "sigterm-token-0123456789"
	cmd := exec.Command(os.Args[0], "serve", "--config", cfgPath)
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "EFFEKT_") {
			cmd.Env = append(cmd.Env, e)
		}
	}
	cmd.Env = append(cmd.Env, envAsMain+"=1", config.EnvPseudonymKey+"="+testKey, config.EnvAPITokens+"="+token)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
		}
	}()

	client := &http.Client{Timeout: 5 * time.Second}
	base := "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := client.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("effekt serve did not answer /healthz within 60 s:\n%s", logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/jobs/ingest/run", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST /api/v1/jobs/ingest/run = %d, want 202", resp.StatusCode)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("effekt serve exited with %v after SIGTERM, want 0:\n%s", err, logs.String())
		}
	case <-time.After(90 * time.Second):
		t.Fatalf("effekt serve did not exit within 90 s of SIGTERM:\n%s", logs.String())
	}

	db, err := store.Open(ctx, filepath.Join(dir, "e.duckdb"), store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var outcome string
	var loadedFiles, running int
	if err := db.QueryRow(`SELECT outcome FROM job_runs WHERE job = 'ingest' ORDER BY run_id DESC LIMIT 1`).Scan(&outcome); err != nil {
		t.Fatalf("no ingest run recorded: %v\n%s", err, logs.String())
	}
	if err := db.QueryRow(`SELECT count(*) FROM job_runs WHERE outcome = 'running'`).Scan(&running); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM files WHERE status = 'loaded'`).Scan(&loadedFiles); err != nil {
		t.Fatal(err)
	}
	// The ingest either finished (ok, all 9 sample files loaded) or was
	// cancelled after the grace period and rolled back file by file; the
	// default grace of 30 s is far longer than a small ingest.
	if outcome != "ok" || loadedFiles != 9 || running != 0 {
		t.Fatalf("after SIGTERM: ingest outcome %q, %d files loaded, %d runs still 'running'; want ok, 9, 0\n%s", outcome, loadedFiles, running, logs.String())
	}
}
