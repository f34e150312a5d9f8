package ingest

import (
	"context"
	"path/filepath"
	"testing"
)

// TestProgressEvents: OnProgress hears every file with its number, the
// run's file count and bytes, rows as they are read, and the file's end.
func TestProgressEvents(t *testing.T) {
	e := newEnv(t)
	copyTree(t, filepath.Join("testdata", "encodings", "inbox"), e.inbox)
	opt := e.options()
	var evs []ProgressEvent
	opt.OnProgress = func(ev ProgressEvent) { evs = append(evs, ev) }
	if _, err := Run(context.Background(), e.db, opt); err != nil {
		t.Fatal(err)
	}
	var begun, done int
	var total int64
	for _, ev := range evs {
		if ev.Files != 2 || ev.Index < 1 || ev.Index > 2 || ev.TotalBytes <= 0 {
			t.Fatalf("event %+v", ev)
		}
		switch {
		case ev.Done:
			done++
			total += ev.Size
			if ev.Rows == 0 {
				t.Errorf("file %s done with no rows", ev.File)
			}
		case ev.Rows == 0:
			begun++
		case ev.Pos <= 0:
			t.Errorf("CSV %s: %d rows read at position %d", ev.File, ev.Rows, ev.Pos)
		}
	}
	if begun != 2 || done != 2 || total != evs[0].TotalBytes {
		t.Fatalf("%d files begun, %d done, %d of %d bytes: %+v", begun, done, total, evs[0].TotalBytes, evs)
	}
}
