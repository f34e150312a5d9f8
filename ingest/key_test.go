package ingest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/effekt/effekt/store"
)

// TestRunRefusesOtherKey (F6): the first run records the key's
// fingerprint; a run with another key is refused before anything is read,
// moved or written; the same key loads.
func TestRunRefusesOtherKey(t *testing.T) {
	e := newEnv(t)
	copyTree(t, filepath.Join("testdata", "catalogue"), filepath.Join(e.inbox, "interventions"))
	first := e.run()
	if first.RowsLoaded == 0 {
		t.Fatalf("first run loaded nothing: %+v", first)
	}
	rec, ok, err := store.RecordedKey(context.Background(), e.db)
	if err != nil || !ok || rec.Fingerprint != store.KeyFingerprint(testKey) || rec.MadeBy != "ingest" {
		t.Fatalf("recorded key %+v %v %v", rec, ok, err)
	}
	copyTree(t, filepath.Join("testdata", "catalogue"), filepath.Join(e.inbox, "interventions"))
	before := e.strings(`SELECT format('{}|{}|{}', (SELECT count(*) FROM files), (SELECT count(*) FROM rejected_rows), (SELECT count(*) FROM pseudonym_key))`)
	inbox, _ := filepath.Glob(filepath.Join(e.inbox, "interventions", "*"))
	opt := e.options()
	opt.Key = []byte("another-key-0123456789")
	_, err = Run(context.Background(), e.db, opt)
	if !errors.Is(err, store.ErrKeyMismatch) {
		t.Fatalf("Run with another key: %v, want ErrKeyMismatch", err)
	}
	if after := e.strings(`SELECT format('{}|{}|{}', (SELECT count(*) FROM files), (SELECT count(*) FROM rejected_rows), (SELECT count(*) FROM pseudonym_key))`); after[0] != before[0] {
		t.Errorf("files|rejected|keys %s after the refused run, %s before", after[0], before[0])
	}
	if got, _ := filepath.Glob(filepath.Join(e.inbox, "interventions", "*")); len(got) != len(inbox) || len(got) == 0 {
		t.Errorf("inbox files %v after the refused run, %v before", got, inbox)
	}
	for _, d := range []string{e.fail} {
		if ents, _ := os.ReadDir(d); len(ents) > 0 {
			t.Errorf("%s holds %d entries after the refused run", d, len(ents))
		}
	}
	// the same key loads them
	if sum := e.run(); len(sum.Files) == 0 {
		t.Errorf("the same key loaded nothing: %+v", sum)
	}
}
