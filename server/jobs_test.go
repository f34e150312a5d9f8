package server

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/store"
)

// TestJobsCheckpointAfter: the ingest and compute jobs leave the
// write-ahead log folded into the database file once they are done (their
// commits do not, store.CheckpointThreshold), and the compute job only
// after it published.
func TestJobsCheckpointAfter(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := config.Default()
	cfg.Paths.Inbox, cfg.Paths.Archive, cfg.Paths.Failed = filepath.Join(dir, "inbox"), filepath.Join(dir, "archive"), filepath.Join(dir, "failed")
	cfg.Paths.Database, cfg.Paths.Temp = filepath.Join(dir, "effekt.duckdb"), filepath.Join(dir, "tmp")
	cfg.Pseudonym.Key = config.DemoKey
	if err := os.MkdirAll(cfg.Paths.Inbox, 0o755); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, cfg.Paths.Database, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	walSize := func() int64 {
		fi, err := os.Stat(cfg.Paths.Database + ".wal")
		if os.IsNotExist(err) {
			return 0
		}
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	var walAtPublish int64 = -1
	pub := Publisher{Publish: func(context.Context) error { walAtPublish = walSize(); return nil }}
	jobs, err := Jobs(cfg, db, "test", slog.New(slog.NewTextHandler(io.Discard, nil)), pub)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs {
		if j.Name != JobIngest && j.Name != JobCompute {
			continue
		}
		// something committed and not yet folded in
		if _, err := db.Exec(`CREATE OR REPLACE TABLE jobs_test AS SELECT range AS i FROM range(1000)`); err != nil {
			t.Fatal(err)
		}
		if n := walSize(); n == 0 {
			t.Fatalf("%s: the write-ahead log is empty before the job: the test proves nothing", j.Name)
		}
		if _, err := j.Run(ctx); err != nil {
			t.Fatalf("%s: %v", j.Name, err)
		}
		if n := walSize(); n != 0 {
			t.Errorf("%s: write-ahead log %d bytes after the job, want 0 (checkpointed)", j.Name, n)
		}
	}
	if walAtPublish <= 0 {
		t.Errorf("write-ahead log %d bytes when the compute published, want its commits still in it (checkpointed after publishing)", walAtPublish)
	}
}
