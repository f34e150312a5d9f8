// Package store opens effekt's DuckDB database and keeps its schema current.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/effekt/effekt/geo"
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrLocked is returned when another process holds the database for writing.
var ErrLocked = errors.New("database is in use by another effekt process (is `effekt serve` running? trigger the job through its API: POST /api/v1/jobs/{name}/run)")

// ErrOutdated is returned by a read-only open of a database whose schema
// an older version of effekt wrote: a reader must not see it as this
// version's (a read-only open cannot migrate it).
var ErrOutdated = errors.New("the database was last written by an older version of effekt: open it for writing once (effekt ingest, effekt compute or effekt serve bring it up to date), then read it")

// Options tune how the database is opened.
type Options struct {
	ReadOnly bool
	// Threads limits DuckDB's worker threads; 0 leaves DuckDB's default.
	Threads int
	// NoExternalAccess turns off every file and network function of SQL
	// (read_csv, COPY, ATTACH, INSTALL, http) on the instance, for good,
	// without locking the configuration (the jobs still set their
	// sessions): for `effekt serve`, whose instance also runs evaluators'
	// SQL. Its own files (database, log, spill) are still written; work
	// that needs DuckDB to read or write other files uses OpenScratch.
	NoExternalAccess bool
	// Sandboxed turns off every file and network function (read_csv, COPY,
	// ATTACH, INSTALL, http) and locks the configuration so SQL cannot turn
	// them back on: for running SQL that people type. It is instance-wide and
	// irreversible, so a sandboxed handle cannot load files.
	Sandboxed bool
	// MemoryLimit is DuckDB's memory_limit for the instance (e.g. "1GB");
	// empty leaves DuckDB's default (80 % of RAM). Like the sandbox it is
	// instance-wide, and with Sandboxed the query cannot raise it.
	MemoryLimit string
	// MaxTempDirectorySize is DuckDB's max_temp_directory_size (e.g.
	// "10GB"): what the instance may spill beside the database; empty
	// leaves DuckDB's default (90 % of the free disk space).
	MaxTempDirectorySize string
}

// Open opens (creating when needed) the DuckDB file at path, with extension
// autoloading and autoinstalling off, and migrates it to the current schema
// unless it is opened read-only.
func Open(ctx context.Context, path string, opt Options) (*sql.DB, error) {
	if path != "" && path != ":memory:" && !opt.ReadOnly {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("create database folder: %w", err)
		}
	}
	dsn := path
	if path == ":memory:" {
		dsn = ""
	}
	params := []string{"autoinstall_known_extensions=false", "autoload_known_extensions=false"}
	if opt.ReadOnly {
		params = append(params, "access_mode=READ_ONLY")
	} else {
		params = append(params, "checkpoint_threshold="+CheckpointThreshold)
	}
	if opt.MemoryLimit != "" {
		if strings.ContainsAny(opt.MemoryLimit, "&?=") {
			return nil, fmt.Errorf("open database %s: memory limit %q is not a size", path, opt.MemoryLimit)
		}
		params = append(params, "memory_limit="+opt.MemoryLimit)
	}
	if opt.MaxTempDirectorySize != "" {
		if strings.ContainsAny(opt.MaxTempDirectorySize, "&?=") {
			return nil, fmt.Errorf("open database %s: temp directory size %q is not a size", path, opt.MaxTempDirectorySize)
		}
		params = append(params, "max_temp_directory_size="+opt.MaxTempDirectorySize)
	}
	switch {
	case opt.Sandboxed:
		params = append(params, "enable_external_access=false", "lock_configuration=true")
	case opt.NoExternalAccess:
		params = append(params, "enable_external_access=false")
	}
	if opt.Threads > 0 {
		params = append(params, "threads="+strconv.Itoa(opt.Threads))
	}
	dsn += "?" + strings.Join(params, "&")
	connector, err := duckdb.NewConnector(dsn, nil)
	if err != nil {
		if strings.Contains(err.Error(), "lock") {
			return nil, fmt.Errorf("open database %s: %w", path, ErrLocked)
		}
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db := sql.OpenDB(connector)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if !opt.ReadOnly {
		if err := Migrate(ctx, db); err != nil {
			db.Close()
			return nil, err
		}
	} else if err := checkSchema(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return db, nil
}

// checkSchema returns ErrOutdated unless every embedded migration is
// recorded in db's schema_migrations.
func checkSchema(ctx context.Context, db *sql.DB) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	var tables int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = 'schema_migrations'`).Scan(&tables); err != nil {
		return fmt.Errorf("read schema: %w", err)
	}
	if tables == 0 {
		return ErrOutdated
	}
	var applied int
	if err := db.QueryRowContext(ctx, `SELECT count(DISTINCT version) FROM schema_migrations`).Scan(&applied); err != nil {
		return fmt.Errorf("read schema_migrations: %w", err)
	}
	if applied < len(names) {
		return ErrOutdated
	}
	return nil
}

// OpenScratch opens a private in-memory DuckDB instance without effekt's
// schema, extension autoloading and autoinstalling off, for work that needs
// DuckDB's file functions (the exports' Parquet file) on an instance no
// evaluator's SQL reaches.
func OpenScratch(ctx context.Context) (*sql.DB, error) {
	connector, err := duckdb.NewConnector("?autoinstall_known_extensions=false&autoload_known_extensions=false", nil)
	if err != nil {
		return nil, fmt.Errorf("open scratch database: %w", err)
	}
	db := sql.OpenDB(connector)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open scratch database: %w", err)
	}
	return db, nil
}

// CheckpointThreshold is the size of the write-ahead log past which a
// commit also checkpoints (folds the log into the database file). DuckDB's
// default, 16 MB, made a compute that updates the cohort tables for a
// year's persons checkpoint in its commit: about 1 s of its 3.5 s, before
// its values could be published. With the threshold this high a job's
// commits only write and sync the log, which is as durable (a crash
// replays it on the next open), and the job checkpoints once it has
// published (Checkpoint); closing the database checkpoints too. An ingest
// run sets DuckDB's default for its own commits and restores this after
// (ingest.Run): its checkpoints cost the same whenever they run, and
// un-checkpointed rows are held in memory.
const CheckpointThreshold = "1GB"

// Checkpoint folds the write-ahead log into the database file. Jobs call it
// after their results are committed and published. It is not an error for
// correctness when it fails (the log stays, and is folded at the next
// checkpoint or when the database closes), so callers log it.
func Checkpoint(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, "CHECKPOINT"); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

// Literal quotes s as a SQL string literal, doubling every single quote
// in it, for the few statements whose text is built rather than bound
// (VALUES lists, file paths in COPY). DuckDB reads it back as s whatever
// s holds.
func Literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// ExecUnordered runs one statement on ex (a connection or a transaction)
// with preserve_insertion_order off for it, then sets the session back.
// With it on, DuckDB inserts the rows of a parallel source, or of a UNION
// ALL, on one thread; with it off the rows land in no particular order,
// so only tables that no reader reads by position may be filled this way.
// A failure to set the session back is the statement's error when the
// statement itself succeeded.
func ExecUnordered(ctx context.Context, ex interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}, query string, args ...any) (sql.Result, error) {
	if _, err := ex.ExecContext(ctx, "SET SESSION preserve_insertion_order = false"); err != nil {
		return nil, err
	}
	res, err := ex.ExecContext(ctx, query, args...)
	if _, rerr := ex.ExecContext(context.WithoutCancel(ctx), "RESET SESSION preserve_insertion_order"); err == nil && rerr != nil {
		return nil, rerr
	}
	return res, err
}

// Migrate applies every embedded migration not yet recorded in
// schema_migrations, each in its own transaction, then makes sure the
// municipality dimension is complete.
func Migrate(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		base := filepath.Base(name)
		version, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: name must start with a number: %w", base, err)
		}
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
			return fmt.Errorf("read schema_migrations: %w", err)
		}
		if n > 0 {
			continue
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return fmt.Errorf("read migration %s: %w", base, err)
		}
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("begin migration %s: %w", base, err)
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("apply migration %s: %w", base, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations VALUES (?, ?, ?)`, version, base, time.Now().UTC()); err != nil {
			tx.Rollback()
			return fmt.Errorf("record migration %s: %w", base, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("commit migration %s: %w", base, err)
		}
	}
	return seedMunicipalities(ctx, db)
}

func seedMunicipalities(ctx context.Context, db *sql.DB) error {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM municipalities`).Scan(&n); err != nil {
		return fmt.Errorf("count municipalities: %w", err)
	}
	all := geo.All()
	if n == len(all) {
		return nil
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("seed municipalities: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM municipalities`); err != nil {
		return fmt.Errorf("seed municipalities: %w", err)
	}
	var sb strings.Builder
	args := make([]any, 0, 3*len(all))
	sb.WriteString(`INSERT INTO municipalities VALUES `)
	for i, a := range all {
		if i > 0 {
			sb.WriteString(",")
		}
		sb.WriteString("(?,?,?)")
		args = append(args, a.ID, a.Title, a.Type)
	}
	if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
		return fmt.Errorf("seed municipalities: %w", err)
	}
	return tx.Commit()
}

// PersonKey is the SQL expression of person_key, the key of the person
// whose pseudonym is in column col, as migration 0006 computes it for the
// rows loaded before it: the pseudonym's first 16 hex digits as a UBIGINT,
// the first 64 bits of the HMAC, which the loader writes from the HMAC
// itself. A text that is not 64 characters long, which no loader writes
// (tests' hand-made pseudonyms such as 'p1'), gets DuckDB's hash() of it.
func PersonKey(col string) string {
	return "CASE WHEN length(" + col + ") = 64 THEN ('0x' || left(" + col + ", 16))::UBIGINT ELSE hash(" + col + ") END"
}
