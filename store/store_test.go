package store

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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
		names, _ := fs.Glob(migrations, "migrations/*.sql")
		if k != 290 || l != 22 || v != len(names) {
			t.Fatalf("open %d: got %d municipalities, %d regions+Riket, version %d; want 290, 22, %d", i, k, l, v, len(names))
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

// TestMunicipalitiesMatchKolada compares the dimension in a fresh database
// with Kolada's own list: the repository's copy (geo/), which must equal
// ../shared/data/kolada_municipalities.csv wherever shared/ is beside the
// repository.
func TestMunicipalitiesMatchKolada(t *testing.T) {
	copyPath := filepath.Join("..", "geo", "kolada_municipalities.csv")
	copied, err := os.ReadFile(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	if orig, err := os.ReadFile(filepath.Join("..", "..", "shared", "data", "kolada_municipalities.csv")); err == nil && string(orig) != string(copied) {
		t.Fatalf("%s differs from ../shared/data/kolada_municipalities.csv: copy it again", copyPath)
	}
	f, err := os.Open(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	wantK := 0
	for _, r := range recs[1:] {
		want[r[0]] = r[1] + "|" + r[2]
		if r[2] == "K" {
			wantK++
		}
	}
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "e.duckdb"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT id, title, type FROM municipalities`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]string{}
	for rows.Next() {
		var id, title, typ string
		if err := rows.Scan(&id, &title, &typ); err != nil {
			t.Fatal(err)
		}
		got[id] = title + "|" + typ
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if wantK != 290 || len(want) != 312 {
		t.Fatalf("Kolada's list has %d municipalities and %d areas, want 290 and 312", wantK, len(want))
	}
	if len(got) != len(want) {
		t.Errorf("dimension has %d areas, Kolada %d", len(got), len(want))
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("area %s: got %q, Kolada %q", id, got[id], w)
		}
	}
}

// TestCheckpointAfterCommit: a commit whose log is past DuckDB's default
// threshold (16 MB) but below CheckpointThreshold leaves the log in the
// write-ahead file, and Checkpoint folds it in (the file empties).
func TestCheckpointAfterCommit(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "e.duckdb")
	db, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var threshold string
	if err := db.QueryRow(`SELECT current_setting('checkpoint_threshold')::VARCHAR`).Scan(&threshold); err != nil {
		t.Fatal(err)
	}
	if threshold != "953.6 MiB" && threshold != "1000.0 MB" && threshold != "1.0 GB" {
		t.Errorf("checkpoint_threshold = %q, want 1GB", threshold)
	}
	walSize := func() int64 {
		fi, err := os.Stat(path + ".wal")
		if os.IsNotExist(err) {
			return 0
		}
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	// rows small enough to be logged, not written optimistically: ~20 MB
	if _, err := db.Exec(`CREATE TABLE t (s VARCHAR)`); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		if _, err := db.Exec(`INSERT INTO t SELECT repeat(md5(i::VARCHAR), 2) FROM range(80000) r(i)`); err != nil {
			t.Fatal(err)
		}
	}
	if n := walSize(); n < 16<<20 {
		t.Fatalf("write-ahead log %d bytes after the commits, want past 16 MB (the commits checkpointed)", n)
	}
	if err := Checkpoint(ctx, db); err != nil {
		t.Fatal(err)
	}
	if n := walSize(); n != 0 {
		t.Errorf("write-ahead log %d bytes after Checkpoint, want 0", n)
	}
	var rows int
	if err := db.QueryRow(`SELECT count(*) FROM t`).Scan(&rows); err != nil || rows != 320000 {
		t.Errorf("%d rows after the checkpoint (%v), want 320000", rows, err)
	}
}

// TestExecUnordered: the statement runs (with preserve_insertion_order off
// while it does), and the session's setting is back on after it, also
// after a statement that fails.
func TestExecUnordered(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "e.duckdb"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `CREATE TABLE u (during BOOLEAN)`); err != nil {
		t.Fatal(err)
	}
	res, err := ExecUnordered(ctx, conn, `INSERT INTO u SELECT current_setting('preserve_insertion_order')::BOOLEAN FROM range(3)`)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 3 {
		t.Errorf("%d rows inserted, want 3", n)
	}
	if _, err := ExecUnordered(ctx, conn, `INSERT INTO nowhere VALUES (1)`); err == nil {
		t.Error("a failing statement gave no error")
	}
	var during, after int
	var on bool
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE NOT during), count(*), current_setting('preserve_insertion_order')::BOOLEAN FROM u`).Scan(&during, &after, &on); err != nil {
		t.Fatal(err)
	}
	if during != 3 || after != 3 || !on {
		t.Errorf("%d of %d rows saw the setting off, and it is %v after; want 3 of 3 and true", during, after, on)
	}
}

// TestLiteral: DuckDB reads every literal back as the text quoted,
// whatever the text holds.
func TestLiteral(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, ":memory:", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, tc := range []struct{ in, want string }{
		{"Södertörn", "'Södertörn'"},
		{"it's", "'it''s'"},
		{"", "''"},
		{"'; DROP TABLE files; --", "'''; DROP TABLE files; --'"},
		{`a\'b''`, `'a\''b'''''`},
		{"rad1\nrad2\t\u202e", "'rad1\nrad2\t\u202e'"},
	} {
		got := Literal(tc.in)
		if got != tc.want {
			t.Errorf("Literal(%q) = %q, want %q", tc.in, got, tc.want)
		}
		var back string
		if err := db.QueryRowContext(ctx, "SELECT "+got).Scan(&back); err != nil || back != tc.in {
			t.Errorf("SELECT %s = %q (%v), want %q", got, back, err, tc.in)
		}
	}
	var files int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'files'").Scan(&files); err != nil || files != 1 {
		t.Errorf("files table: %d (%v)", files, err)
	}
}

// TestPersonKey checks person_key: every source table that names a person
// has it, NOT NULL; migration 0006 gives the rows loaded before it the key
// store.PersonKey describes, which is the HMAC's first 64 bits for a
// pseudonym (the loader's own, ingest's TestPersonKeyLoaded).
func TestPersonKey(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "e.duckdb")
	db, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM duckdb_columns() WHERE column_name = 'person' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	if len(tables) != 7 {
		t.Fatalf("source tables naming a person: %v, want 7", tables)
	}
	// back to the schema before 0006, with one row in each table
	pseudonym := "00000000000000ff" + strings.Repeat("ab", 24) // key 255
	for _, tb := range tables {
		var cols []string
		rs, err := db.QueryContext(ctx, `SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? AND column_name <> 'person_key' ORDER BY column_index`, tb)
		if err != nil {
			t.Fatal(err)
		}
		var vals []string
		for rs.Next() {
			var c, typ string
			if err := rs.Scan(&c, &typ); err != nil {
				t.Fatal(err)
			}
			cols = append(cols, c)
			switch {
			case c == "person":
				vals = append(vals, Literal(pseudonym))
			case typ == "DATE":
				vals = append(vals, "DATE '2020-01-01'")
			case typ == "BOOLEAN":
				vals = append(vals, "true")
			case typ == "VARCHAR":
				vals = append(vals, "'x'")
			default:
				vals = append(vals, "1")
			}
		}
		rs.Close()
		if _, err := db.ExecContext(ctx, "ALTER TABLE "+tb+" DROP COLUMN person_key; INSERT INTO "+tb+" ("+strings.Join(cols, ", ")+") VALUES ("+strings.Join(vals, ", ")+"), ("+
			strings.Replace(strings.Join(vals, ", "), Literal(pseudonym), "'p1'", 1)+")"); err != nil {
			t.Fatalf("%s: %v", tb, err)
		}
	}
	if _, err := db.ExecContext(ctx, "DELETE FROM schema_migrations WHERE version IN (6, 7)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err = Open(ctx, path, Options{}); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var p1 uint64
	if err := db.QueryRowContext(ctx, "SELECT hash('p1')").Scan(&p1); err != nil {
		t.Fatal(err)
	}
	for _, tb := range tables {
		var hexKey, p1Key uint64
		var nullable bool
		if err := db.QueryRowContext(ctx, `SELECT max(person_key) FILTER (WHERE person <> 'p1'), max(person_key) FILTER (WHERE person = 'p1'),
			(SELECT is_nullable FROM duckdb_columns() WHERE table_name = ? AND column_name = 'person_key') FROM `+tb, tb).Scan(&hexKey, &p1Key, &nullable); err != nil {
			t.Fatalf("%s: %v", tb, err)
		}
		if hexKey != 255 || p1Key != p1 || nullable {
			t.Errorf("%s: person_key %d and %d, nullable %v; want 255 (the pseudonym's first 16 hex digits), %d (hash('p1')), false", tb, hexKey, p1Key, nullable, p1)
		}
	}
	for _, tc := range []struct {
		in   string
		want uint64
	}{
		{strings.Repeat("f", 64), 1<<64 - 1},
		{"0123456789abcdef" + strings.Repeat("0", 48), 0x0123456789abcdef},
		{"p1", p1},
	} {
		var got uint64
		if err := db.QueryRowContext(ctx, "SELECT "+PersonKey("?::VARCHAR"), tc.in, tc.in, tc.in).Scan(&got); err != nil || got != tc.want {
			t.Errorf("PersonKey(%q) = %d (%v), want %d", tc.in, got, err, tc.want)
		}
	}
}

// TestReadOnlyOutdated: a read-only open, which cannot migrate, refuses a
// database short of any of this version's migrations (ErrOutdated) and
// opens a current one.
func TestReadOnlyOutdated(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		stale string
		want  error
	}{
		{"current", ``, nil},
		{"the latest migration missing", `DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)`, ErrOutdated},
		{"the first migration missing", `DELETE FROM schema_migrations WHERE version = 1`, ErrOutdated},
		{"no schema_migrations", `DROP TABLE schema_migrations`, ErrOutdated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "e.duckdb")
			db, err := Open(ctx, path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if tc.stale != "" {
				if _, err := db.ExecContext(ctx, tc.stale); err != nil {
					t.Fatal(err)
				}
			}
			db.Close()
			db, err = Open(ctx, path, Options{ReadOnly: true})
			if !errors.Is(err, tc.want) {
				t.Fatalf("read-only open: %v, want %v", err, tc.want)
			}
			if err == nil {
				db.Close()
			}
		})
	}
}

// TestNoExternalAccess: an instance opened with NoExternalAccess (effekt
// serve's, which runs evaluators' SQL) reads and writes no file through
// SQL, whatever a check above it misses, yet its jobs still set their
// sessions, write, checkpoint and spill to disk; OpenScratch's instance
// keeps file access for the exports.
func TestNoExternalAccess(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	secret := filepath.Join(dir, "key.txt")
	if err := os.WriteFile(secret, []byte("key\nDEMO-KEY\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := Open(ctx, filepath.Join(dir, "e.duckdb"), Options{NoExternalAccess: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`SELECT * FROM read_csv(` + Literal(secret) + `)`,
		`SELECT json_serialize_plan('SELECT zzz FROM read_csv(` + strings.ReplaceAll(Literal(secret), "'", "''") + `, header = true)')::VARCHAR`,
		`COPY (SELECT 1) TO ` + Literal(filepath.Join(dir, "out.csv")),
		`ATTACH ` + Literal(filepath.Join(dir, "other.duckdb")) + ` AS other`,
		`SET enable_external_access = true`,
	} {
		var s sql.NullString
		err := db.QueryRowContext(ctx, q).Scan(&s)
		if err == nil && strings.Contains(s.String, "DEMO-KEY") || err == nil && !strings.Contains(s.String, "disabled by configuration") {
			t.Errorf("%s: %q, %v; want it refused", q, s.String, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "out.csv")); err == nil {
		t.Error("COPY wrote a file")
	}
	for _, q := range []string{
		`SET SESSION preserve_insertion_order = false`,
		`RESET SESSION preserve_insertion_order`,
		`SET memory_limit = '64MB'`,
		`CREATE TABLE big AS SELECT i, md5(i::VARCHAR) AS h FROM range(3000000) t(i)`,
		`CREATE TABLE sorted AS SELECT * FROM big ORDER BY h`,
		`CHECKPOINT`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	scratch, err := OpenScratch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer scratch.Close()
	var n int
	if err := scratch.QueryRowContext(ctx, `SELECT count(*) FROM read_csv(`+Literal(secret)+`, header = true)`).Scan(&n); err != nil || n != 1 {
		t.Errorf("scratch instance read_csv: %d rows, %v; want 1", n, err)
	}
}

// TestMigrateReleases: a database of migration 0010 holding the release
// before in published_before is brought to 0011 with it as release 1 of
// releases (as_of unknown: NULL), its cells in release_cells as they were;
// one without a release before gets no release.
func TestMigrateReleases(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		rows     string
		releases int
		cells    string
	}{
		{"a release before", `INSERT INTO published_before VALUES ('EF101', '0184', 2026, 'K', 4, NULL, true), ('EF101', '0184', 2026, 'T', 8, 3, false)`, 1,
			"1 EF101 0184 2026 K 4 -1 true|1 EF101 0184 2026 T 8 3 false|"},
		{"none", ``, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "e.duckdb")
			db, err := Open(ctx, path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			stmts := []string{`DROP TABLE releases`, `DROP TABLE release_cells`, `DELETE FROM schema_migrations WHERE version = 11`,
				`CREATE TABLE published_before (kpi VARCHAR NOT NULL, municipality VARCHAR NOT NULL, period INTEGER NOT NULL, gender VARCHAR NOT NULL,
					denominator BIGINT NOT NULL, numerator BIGINT, suppressed BOOLEAN NOT NULL)`}
			if tc.rows != "" {
				stmts = append(stmts, tc.rows)
			}
			for _, q := range stmts {
				if _, err := db.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			db.Close()
			if db, err = Open(ctx, path, Options{}); err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var n, nulls int
			if err := db.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE as_of IS NULL) FROM releases`).Scan(&n, &nulls); err != nil {
				t.Fatal(err)
			}
			if n != tc.releases || nulls != tc.releases {
				t.Errorf("releases: %d (%d without as_of), want %d", n, nulls, tc.releases)
			}
			var cells string
			if err := db.QueryRowContext(ctx, `SELECT coalesce(string_agg(concat_ws(' ', release, kpi, municipality, period, gender, denominator, coalesce(numerator, -1), suppressed) || '|', '' ORDER BY gender), '') FROM release_cells`).Scan(&cells); err != nil {
				t.Fatal(err)
			}
			if cells != tc.cells {
				t.Errorf("release_cells: %q, want %q", cells, tc.cells)
			}
			var old int
			if err := db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE table_name = 'published_before'`).Scan(&old); err != nil || old != 0 {
				t.Errorf("published_before: %d tables (%v), want it dropped", old, err)
			}
		})
	}
}
