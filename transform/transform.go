// Package transform turns the loaded source tables into the canonical tables
// the indicators read: persons and one cohort table per indicator family.
// Each model is one embedded .sql file (a CREATE OR REPLACE TABLE
// statement, with any temporary tables it shares with a later model, which
// drops them); they run in file-name order, which is their dependency order,
// inside one transaction.
package transform

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"sort"
	"strings"
	"time"
)

//go:embed sql/*.sql
var files embed.FS

// Model is one SQL model.
type Model struct {
	Name string // table it creates: "so_cohort"
	File string // embedded file: "02_so_cohort.sql"
	SQL  string
}

// Models returns the models in the order they run.
func Models() []Model {
	names, err := fs.Glob(files, "sql/*.sql")
	if err != nil {
		panic(fmt.Sprintf("transform: embedded models: %v", err)) // the pattern is constant
	}
	sort.Strings(names)
	out := make([]Model, 0, len(names))
	for _, n := range names {
		body, err := files.ReadFile(n)
		if err != nil {
			panic(fmt.Sprintf("transform: read %s: %v", n, err))
		}
		file := strings.TrimPrefix(n, "sql/")
		name := strings.TrimSuffix(file, ".sql")
		if i := strings.IndexByte(name, '_'); i >= 0 {
			name = name[i+1:]
		}
		out = append(out, Model{Name: name, File: file, SQL: string(body)})
	}
	return out
}

// Execer is what Apply needs: a *sql.DB, *sql.Conn or *sql.Tx.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Run rebuilds every model in one transaction: readers see either the old
// tables or the new ones. It records the source state they were built
// from in transform_state.
func Run(ctx context.Context, db *sql.DB) error {
	_, err := run(ctx, db, true)
	return err
}

// Refresh is Run, except that it keeps the tables as they are when they
// were built from the sources as they are now (no file loaded, replaced or
// removed since, same models): it reports whether it rebuilt them.
func Refresh(ctx context.Context, db *sql.DB) (rebuilt bool, err error) {
	return run(ctx, db, false)
}

func run(ctx context.Context, db *sql.DB, force bool) (bool, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("transform: begin: %w", err)
	}
	defer tx.Rollback()
	fp, err := Fingerprint(ctx, tx)
	if err != nil {
		return false, err
	}
	if !force {
		current, err := isCurrent(ctx, tx, fp)
		if err != nil {
			return false, err
		}
		if current {
			slog.Debug("transform tables current", "fingerprint", fp[:12])
			return false, nil
		}
	}
	if err := Apply(ctx, tx); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM transform_state`); err != nil {
		return false, fmt.Errorf("transform: record state: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO transform_state VALUES (?, ?)`, fp, time.Now().UTC()); err != nil {
		return false, fmt.Errorf("transform: record state: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("transform: commit: %w", err)
	}
	return true, nil
}

// Queryer is what Fingerprint needs: a *sql.DB, *sql.Conn or *sql.Tx.
type Queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Sources are the tables the models read. Every row of them was written by
// the load of one file (file_id, line), and a load only appends rows and
// deletes rows of earlier files.
var Sources = []string{"so_registrations", "so_attendance", "so_certificates", "settlements",
	"sfi_courses", "af_plans", "intervention_participations", "interventions"}

// Fingerprint describes the sources as they are now, and the models that
// read them: the SHA-256 of the models' SQL and, per source table, its
// row count and the sums of file_id and line. A load changes the count or
// the file_id sum of its kind's table (its rows carry a new file id), so
// any load, replacement or removal of rows changes the fingerprint; an
// edit of a value in place, which no part of effekt makes, would not. It
// reads a few numbers per table (at national scale ~20 ms, ~0.2 s when the
// database was just opened).
func Fingerprint(ctx context.Context, q Queryer) (string, error) {
	parts := make([]string, len(Sources))
	for i, t := range Sources {
		parts[i] = fmt.Sprintf(`(SELECT '%s:' || count(*) || ',' || coalesce(sum(file_id), 0) || ',' || coalesce(sum(line), 0) FROM %s)`, t, t)
	}
	var state string
	if err := q.QueryRowContext(ctx, "SELECT concat_ws(' ', "+strings.Join(parts, ", ")+")").Scan(&state); err != nil {
		return "", fmt.Errorf("transform: read the source state: %w", err)
	}
	h := sha256.New()
	for _, m := range Models() {
		fmt.Fprintf(h, "%s\x00%s\x00", m.File, m.SQL)
	}
	fmt.Fprintf(h, "%s", state)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// isCurrent reports whether transform_state holds fingerprint fp and every
// model's table exists.
func isCurrent(ctx context.Context, q Queryer, fp string) (bool, error) {
	names := make([]string, 0, len(Models()))
	for _, m := range Models() {
		names = append(names, "'"+m.Name+"'")
	}
	var same, tables int
	err := q.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM transform_state WHERE fingerprint = ?),
		(SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND NOT temporary
		   AND table_name IN (`+strings.Join(names, ", ")+`))`, fp).Scan(&same, &tables)
	if err != nil {
		return false, fmt.Errorf("transform: read transform_state: %w", err)
	}
	return same == 1 && tables == len(names), nil
}

// Apply runs every model on ex, in order, without a transaction of its own.
func Apply(ctx context.Context, ex Execer) error {
	for _, m := range Models() {
		start := time.Now()
		if _, err := ex.ExecContext(ctx, m.SQL); err != nil {
			return fmt.Errorf("transform model %s (%s): %w", m.Name, m.File, err)
		}
		slog.Debug("transform model", "model", m.Name, "duration", time.Since(start))
	}
	return nil
}
