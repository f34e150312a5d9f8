package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/store"
)

// TestOpenDBRemasks: a writing open (serve, compute, ingest …) masks text
// stored under an older masking before anything reads it.
func TestOpenDBRemasks(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "e.duckdb")
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO rejected_rows VALUES (1, 'so_registrations', 2, 'datum', 'nr:811218-987', 'invalid_date', 'x')`,
		`DELETE FROM mask_state`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	var cfg config.Config
	cfg.Paths.Database = path
	db, err = openDB(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v string
	if err := db.QueryRowContext(ctx, `SELECT value FROM rejected_rows`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	if v != "nr:19811218-****" {
		t.Errorf("stored value after openDB %q, want nr:19811218-****", v)
	}
}

// TestReadOnlyOpenRefusesOlder: a read-only open (effekt sql, the read
// commands) of a database an older effekt wrote — its schema before
// migration 0008, or its text masked by an older masking — refuses with
// what to do rather than show the old text; once a writing open brought
// it up to date, it reads the text masked.
func TestReadOnlyOpenRefusesOlder(t *testing.T) {
	for _, tc := range []struct {
		name  string
		stale []string
		want  string
	}{
		{"older masking", []string{`DELETE FROM mask_state`}, "masked by an older version of effekt"},
		{"older schema", []string{`DROP TABLE mask_state`, `DELETE FROM schema_migrations WHERE version = 8`}, "last written by an older version of effekt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			path := emptyDB(t, dir)
			db, err := store.Open(ctx, path, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range append([]string{`INSERT INTO rejected_rows VALUES (1, 'so_registrations', 2, 'datum', 'nr:811218-987', 'invalid_date', 'x')`,
				`INSERT INTO files (file_id, path, name, kind, sha256, size_bytes, status, started_at, finished_at, duration_ms, error, rows_read, rows_loaded, rows_rejected, rows_replaced)
				 VALUES (1, 'so_registrations/a.csv', 'a.csv', 'so_registrations', 'y', 1, 'loaded', now(), now(), 1, NULL, 2, 1, 1, 0)`}, tc.stale...) {
				if _, err := db.ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			db.Close()
			for _, args := range [][]string{
				{"sql", "--db", path, "SELECT value FROM rejected_rows"},
				{"indicators", "--db", path},
			} {
				out, errs, code := cli(t, dir, args...)
				if code == 0 || !strings.Contains(errs, tc.want) || strings.Contains(out+errs, "811218-987") {
					t.Errorf("effekt %s on the stale database: exit %d\nstdout %s\nstderr %s\nwant a failure saying %q", args[0], code, out, errs, tc.want)
				}
			}
			var cfg config.Config
			cfg.Paths.Database = path
			db, err = openDB(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			db.Close()
			out, errs, code := cli(t, dir, "sql", "--db", path, "--format", "csv", "SELECT value FROM rejected_rows")
			if code != 0 || out != "value\nnr:19811218-****\n" {
				t.Errorf("effekt sql after a writing open: exit %d\nstdout %q\nstderr %s", code, out, errs)
			}
		})
	}
}
