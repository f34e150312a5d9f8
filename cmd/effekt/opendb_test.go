package main

import (
	"context"
	"path/filepath"
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
