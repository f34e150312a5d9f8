// Package transform turns the loaded source tables into the canonical tables
// the indicators read: persons and one cohort table per indicator family.
// Each model is one embedded .sql file (a CREATE OR REPLACE TABLE
// statement, with any temporary tables it shares with a later model, which
// drops them); they run in file-name order, which is their dependency order,
// inside one transaction.
package transform

import (
	"context"
	"database/sql"
	"embed"
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
// tables or the new ones.
func Run(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("transform: begin: %w", err)
	}
	defer tx.Rollback()
	if err := Apply(ctx, tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("transform: commit: %w", err)
	}
	return nil
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
