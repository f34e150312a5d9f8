package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/store"
)

// TestPseudonymKeyChecks (F6): the first ingest records the key; ingest,
// compute and serve refuse another key with nothing written; ingest and
// serve refuse the public demo key on a database effekt demo did not make
// unless --insecure-demo-key is given, and accept it on a demo's database.
func TestPseudonymKeyChecks(t *testing.T) {
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	if err := os.MkdirAll(inbox, 0o755); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "e.duckdb")
	fresh := filepath.Join(dir, "fresh.duckdb")
	demoDB := filepath.Join(dir, "demo.duckdb")
	const otherKey = "another-key-0123456789abcdef"
	// a database made by effekt demo (the record demo writes)
	{
		d, err := store.Open(context.Background(), demoDB, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := store.RecordKey(context.Background(), d, []byte(config.DemoKey), store.MadeByDemo); err != nil {
			t.Fatal(err)
		}
		d.Close()
	}
	steps := []struct {
		name     string
		key      string // "": the demo key
		args     []string
		code     int
		contains string
	}{
		{"first ingest records the key", testKey, []string{"ingest", "--db", db, "--inbox", inbox, "-q"}, 0, ""},
		{"ingest with another key refused", otherKey, []string{"ingest", "--db", db, "--inbox", inbox, "-q"}, 1, "made with another pseudonym key"},
		{"compute with another key refused", otherKey, []string{"compute", "--db", db, "-q"}, 1, "made with another pseudonym key"},
		{"serve with another key refused", otherKey, []string{"serve", "--db", db, "--listen", "127.0.0.1:0"}, 1, "made with another pseudonym key"},
		{"same key accepted", testKey, []string{"ingest", "--db", db, "--inbox", inbox, "-q"}, 0, ""},
		{"demo key refused for ingest on a new database", "", []string{"ingest", "--db", fresh, "--inbox", inbox, "-q"}, 1, "--insecure-demo-key"},
		{"demo key refused for serve on a new database", "", []string{"serve", "--db", fresh, "--listen", "127.0.0.1:0"}, 1, "--insecure-demo-key"},
		{"demo key on a database made with a real key", "", []string{"ingest", "--db", db, "--inbox", inbox, "-q", "--insecure-demo-key"}, 1, "made with another pseudonym key"},
		{"demo key accepted for ingest on a demo's database", "", []string{"ingest", "--db", demoDB, "--inbox", inbox, "-q"}, 0, ""},
		{"demo key accepted with the flag", "", []string{"ingest", "--db", fresh, "--inbox", inbox, "-q", "--insecure-demo-key"}, 0, ""},
	}
	for _, st := range steps {
		var before []byte
		if st.code != 0 {
			before, _ = os.ReadFile(db)
		}
		out, errOut, code := cliWithKey(t, dir, st.key, st.args...)
		if code != st.code || !strings.Contains(out+errOut, st.contains) {
			t.Fatalf("%s: exit %d, want %d with %q\nstdout: %s\nstderr: %s", st.name, code, st.code, st.contains, out, errOut)
		}
		if st.code != 0 {
			if after, _ := os.ReadFile(db); string(after) != string(before) {
				t.Errorf("%s: %s changed", st.name, db)
			}
		}
		if st.name == "demo key refused for ingest on a new database" || st.name == "demo key refused for serve on a new database" {
			if _, err := os.Stat(fresh); err == nil {
				t.Errorf("%s: %s was created", st.name, fresh)
			}
		}
	}
	d, err := store.Open(context.Background(), db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	rec, ok, err := store.RecordedKey(context.Background(), d)
	if err != nil || !ok || rec.Fingerprint != store.KeyFingerprint([]byte(testKey)) || rec.MadeBy != "ingest" {
		t.Fatalf("recorded %+v %v %v", rec, ok, err)
	}
}
