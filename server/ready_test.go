package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/schedules"
	"github.com/effekt/effekt/store"
)

// TestReadyz: ready with no runs; not ready after a failed run; ready again
// once the same job has succeeded.
func TestReadyz(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, ":memory:", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fail := true
	jobs := []schedules.Job{{Name: JobIngest, Run: func(context.Context) (int64, error) {
		if fail {
			return 0, errors.New("inbox unreadable")
		}
		return 3, nil
	}}}
	cfg := config.Default()
	cfg.Paths.Audit = filepath.Join(t.TempDir(), "audit.jsonl")
	s, err := New(ctx, cfg, db, Options{Jobs: jobs, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	readyz := func() int {
		rec := httptest.NewRecorder()
		s.Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		return rec.Code
	}
	steps := []struct {
		name string
		run  bool
		fail bool
		want int
	}{
		{"no runs yet", false, false, http.StatusOK},
		{"after a failed run", true, true, http.StatusServiceUnavailable},
		{"after a good run", true, false, http.StatusOK},
	}
	for _, st := range steps {
		if st.run {
			fail = st.fail
			if _, err := s.Scheduler.RunNow(ctx, JobIngest, schedules.TriggerCLI); err != nil && !st.fail {
				t.Fatalf("%s: %v", st.name, err)
			}
		}
		if got := readyz(); got != st.want {
			t.Fatalf("%s: /readyz = %d, want %d", st.name, got, st.want)
		}
	}
}
