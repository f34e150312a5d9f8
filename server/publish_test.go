package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/sample"
	"github.com/effekt/effekt/schedules"
	"github.com/effekt/effekt/store"
)

// TestPublishingIsAtomic is the trust issue's half-published numbers case:
// readers hammer /v3/data, /api/v1/values and /metrics while an ingest runs
// and a compute is asked for in the middle of it (over the API, as the
// operator did). Every answer must equal one of the two complete states:
// before the ingest, or after the ingest and its compute.
func TestPublishingIsAtomic(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and loads a small sample")
	}
	ctx := context.Background()
	dir := t.TempDir()
	all := filepath.Join(dir, "all")
	if _, err := sample.Write(ctx, all, sample.Options{Scale: "small", Seed: 3, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}); err != nil {
		t.Fatal(err)
	}
	inbox := filepath.Join(dir, "inbox")
	// State A: everything but the attendance and certificates, which decide
	// EF101 (completion) and EF102.
	late := map[string]bool{"so_attendance": true, "so_certificates": true}
	move := func(wantLate bool) {
		ents, err := os.ReadDir(all)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			if late[e.Name()] != wantLate {
				continue
			}
			if err := os.MkdirAll(inbox, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(filepath.Join(all, e.Name()), filepath.Join(inbox, e.Name())); err != nil {
				t.Fatal(err)
			}
		}
	}
	move(false)
	// The attendance in 8 files: 8 transactions, so a compute during the
	// ingest would see a partly loaded state, a third state.
	splitFile(t, filepath.Join(all, "so_attendance"), 8)

	cfg := config.Default()
	cfg.Paths.Inbox, cfg.Paths.Archive, cfg.Paths.Failed = inbox, filepath.Join(dir, "archive"), filepath.Join(dir, "failed")
	cfg.Paths.Database, cfg.Paths.Exports = filepath.Join(dir, "effekt.duckdb"), filepath.Join(dir, "exports")
	cfg.Paths.Temp, cfg.Paths.Audit = filepath.Join(dir, "tmp"), filepath.Join(dir, "audit.jsonl")
	cfg.Ingest.Settle = 0
	cfg.Pseudonym.Key = config.DemoKey
	cfg.Schedules.Ingest, cfg.Schedules.Compute, cfg.Schedules.Export = config.Off, config.Off, config.Off
	cfg.API.Tokens = []config.Token{{Name: "op", Role: config.RoleOperator, SHA256: config.HashToken(token)}}
	db, err := store.Open(ctx, cfg.Paths.Database, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, err := New(ctx, cfg, db, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler)
	defer hs.Close()
	client := &http.Client{Timeout: 20 * time.Second}
	paths := []string{
		"/v3/data/kpi/EF101,EF102,EF105/year/2022,2023,2024",
		"/v3/data/kpi/EF101/municipality/0000,0001,0127,G0001",
		"/api/v1/values?kpi=EF101&municipality=0127,0001,0000",
	}
	get := func(path string) string {
		resp, err := client.Get(hs.URL + path)
		if err != nil {
			t.Error(err)
			return ""
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d %v", path, resp.StatusCode, err)
		}
		return string(b)
	}
	state := func() []string {
		var out []string
		for _, p := range paths {
			out = append(out, get(p))
		}
		return out
	}
	if _, err := s.Scheduler.RunNow(ctx, JobIngest, schedules.TriggerCLI); err != nil {
		t.Fatal(err)
	}
	s.Scheduler.Wait() // the chained compute
	before := state()

	move(true)
	var stop atomic.Bool
	var answers [][]string
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				a := state()
				mu.Lock()
				answers = append(answers, a)
				mu.Unlock()
			}
		}()
	}
	if _, err := s.Scheduler.Trigger(ctx, JobIngest, schedules.TriggerAPI); err != nil {
		t.Fatal(err)
	}
	// The operator's compute, asked for while the ingest runs: accepted,
	// queued behind it.
	req, _ := http.NewRequest(http.MethodPost, hs.URL+"/api/v1/jobs/compute/run", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Errorf("compute during ingest: %d, want 202 (queued)", resp.StatusCode)
	}
	s.Scheduler.Wait()
	stop.Store(true)
	wg.Wait()
	after := state()

	rows, err := db.Query(`SELECT job, outcome, coalesce(error, '') FROM job_runs ORDER BY run_id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var j, o, e string
		if err := rows.Scan(&j, &o, &e); err != nil {
			t.Fatal(err)
		}
		if o != schedules.OutcomeOK && o != schedules.OutcomeSkipped {
			t.Errorf("run %s %s: %s", j, o, e)
		}
	}
	rows.Close()
	for j := range paths {
		if before[j] == after[j] {
			t.Fatalf("the ingest changed nothing at %s: the test proves nothing", paths[j])
		}
	}
	// Each answer is one request: it must be the whole state before or the
	// whole state after (a snapshot may be swapped between two requests).
	var nBefore, nAfter int
	for i, a := range answers {
		for j := range a {
			switch a[j] {
			case before[j]:
				nBefore++
			case after[j]:
				nAfter++
			default:
				t.Fatalf("answer %d of %d at %s is neither the state before nor after (a half-published state)", i, len(answers), paths[j])
			}
		}
	}
	t.Logf("%d answers during ingest + compute: %d before, %d after", len(answers)*len(paths), nBefore, nAfter)
	if nBefore == 0 || nAfter == 0 {
		t.Errorf("answers: %d before, %d after; want both states seen while the jobs ran", nBefore, nAfter)
	}
}

// splitFile splits the one CSV in dir into n files of about equal rows, each
// with the header, named in load order.
func splitFile(t *testing.T, dir string, n int) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil || len(ents) != 1 {
		t.Fatalf("want one file in %s: %v %v", dir, ents, err)
	}
	path := filepath.Join(dir, ents[0].Name())
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	head, body := lines[0], lines[1:]
	per := (len(body) + n - 1) / n
	for i := 0; i < n; i++ {
		part := body[min(i*per, len(body)):min((i+1)*per, len(body))]
		name := strings.TrimSuffix(path, ".csv") + fmt.Sprintf("_part%d.csv", i+1)
		if err := os.WriteFile(name, []byte(head+strings.Join(part, "")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
}
