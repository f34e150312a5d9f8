package store

import (
	"context"
	"path/filepath"
	"testing"
)

func TestOpenMigratesAndSeeds(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "e.duckdb")
	for i := 0; i < 2; i++ { // the second open must be a no-op migration
		db, err := Open(ctx, path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var k, l, v int
		if err := db.QueryRow(`SELECT count(*) FILTER (type='K'), count(*) FILTER (type='L'), (SELECT max(version) FROM schema_migrations) FROM municipalities`).Scan(&k, &l, &v); err != nil {
			t.Fatal(err)
		}
		if k != 290 || l != 22 || v != 1 {
			t.Fatalf("open %d: got %d municipalities, %d regions+Riket, version %d; want 290, 22, 1", i, k, l, v)
		}
		var autoload string
		if err := db.QueryRow(`SELECT current_setting('autoload_known_extensions')::VARCHAR`).Scan(&autoload); err != nil {
			t.Fatal(err)
		}
		if autoload != "false" {
			t.Fatalf("autoload_known_extensions = %s, want false", autoload)
		}
		db.Close()
	}
}
