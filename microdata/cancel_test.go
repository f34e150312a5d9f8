package microdata_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/effekt/effekt/access"
	"github.com/effekt/effekt/microdata"
)

// TestCancelReturnsWhileDuckDBWorks (F5): DuckDB looks for an interrupt
// only between vectors of 2048 rows, and a query like string_agg over
// repeat('x', 1000000) does minutes of work in one vector (measured: 6–24 s
// after the cancel for 800 rows). The hook stands for such a vector. A
// query whose caller went returns all the same, at once, writes nothing,
// and keeps its slot until DuckDB is done.
func TestCancelReturnsWhileDuckDBWorks(t *testing.T) {
	db := open(t, fixture(t), "server")
	r, auditPath := runner(t, db, microdata.Limits{Rows: 10, Timeout: time.Minute, Concurrent: 1})
	r.SetLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	busy, release := make(chan struct{}), make(chan struct{})
	var hooked atomic.Int32
	defer microdata.SetBeforeExecuteHook(func() {
		if hooked.Add(1) == 1 {
			close(busy)
			<-release
		}
	})()

	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	w, _ := microdata.NewWriter("csv", &out, nil)
	returned := make(chan error, 1)
	go func() {
		_, err := r.Run(ctx, evaluator, `SELECT kpi FROM indicator_values`, 0, w)
		returned <- err
	}()
	<-busy
	cancel()
	select {
	case err := <-returned:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run: %v, want context.Canceled", err)
		}
	case <-time.After(20 * time.Second):
		close(release)
		t.Fatal("Run did not return after its context was cancelled while DuckDB was busy")
	}
	// DuckDB is still busy: the slot stays taken, a second query waits
	sctx, scancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer scancel()
	if _, err := r.Run(sctx, evaluator, `SELECT 1`, 0, discard()); !errors.Is(err, microdata.ErrTimeout) {
		t.Errorf("second query while the first is still in DuckDB: %v, want a timeout waiting for the slot", err)
	}
	close(release)
	// once DuckDB is done the slot is given back and the next query runs
	var buf bytes.Buffer
	for deadline := time.Now().Add(10 * time.Second); ; {
		buf.Reset()
		w3, _ := microdata.NewWriter("csv", &buf, nil)
		_, err := r.Run(context.Background(), evaluator, `SELECT 1 AS one`, 0, w3)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the slot was not given back: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if buf.String() != "one\n1\n" {
		t.Errorf("next query wrote %q", buf.String())
	}
	if out.Len() != 0 {
		t.Errorf("the abandoned query wrote %q after its caller went", out.String())
	}
	recs := readAudit(t, auditPath)
	if len(recs) == 0 || recs[0].Outcome != access.OutcomeError || recs[0].Error != "cancelled" {
		t.Errorf("audit of the cancelled query: %+v", recs)
	}
}

// TestCancelInterruptsDuckDB: a query DuckDB can interrupt (between
// vectors) is stopped by the cancel, and the connection serves again.
func TestCancelInterruptsDuckDB(t *testing.T) {
	db := open(t, fixture(t), "server")
	r, _ := runner(t, db, microdata.Limits{Rows: 10, Timeout: time.Minute, Concurrent: 1})
	ctx, cancel := context.WithCancel(context.Background())
	returned := make(chan error, 1)
	go func() {
		_, err := r.Run(ctx, evaluator, `SELECT count(*) FROM range(100000000000)`, 0, discard())
		returned <- err
	}()
	time.Sleep(200 * time.Millisecond)
	cancel()
	select {
	case err := <-returned:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run: %v, want context.Canceled", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not return after its context was cancelled")
	}
	// the one slot comes back once DuckDB has stopped
	wctx, wcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer wcancel()
	if _, err := r.Run(wctx, evaluator, `SELECT 1`, 0, discard()); err != nil {
		t.Errorf("after the cancel: %v", err)
	}
}

func discard() microdata.RowWriter {
	w, _ := microdata.NewWriter("csv", io.Discard, nil)
	return w
}

// readAudit reads the audit records at path.
func readAudit(t *testing.T, path string) []access.Record {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var recs []access.Record
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		var rec access.Record
		if err := json.Unmarshal(line, &rec); err != nil {
			t.Fatalf("audit line %q: %v", line, err)
		}
		recs = append(recs, rec)
	}
	return recs
}

// safeBuffer is a bytes.Buffer for a logger written from other goroutines.
type safeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *safeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *safeBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
