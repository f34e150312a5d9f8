package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/effekt/effekt/ingest/parse"
)

// maskVersion is the version of personnummer masking (parse.FindPNRs,
// parse.Redact) that text is stored with: 1 masked whole personnummer
// shapes, 2 (2026-12-02) parts of one too (nine digits, a date and one to
// three more).
const maskVersion = 2

// remaskTarget is a stored text column and how a value of it is masked.
type remaskTarget struct {
	table, column string
	mask          func(string) string
}

// remaskTargets are every stored text column a load masks: the kinds' free
// text (not their natural keys: masking could merge two keys, so a key
// holding part of a personnummer is only counted and reported), the
// rejected values and their messages, and the files' names, paths and
// errors.
func remaskTargets() []remaskTarget {
	var out []remaskTarget
	for _, k := range Kinds {
		for _, c := range k.Columns {
			if (c.Type == TText || c.Type == TReferredBy || c.Type == TLanguages) && !slices.Contains(k.Key, c.Name) {
				out = append(out, remaskTarget{k.Name, c.Target, scrub})
			}
		}
	}
	redact := func(s string) string { return parse.EscapeText(scrub(parse.Redact(s))) }
	return append(out,
		remaskTarget{"rejected_rows", "value", redact},
		remaskTarget{"rejected_rows", "message", scrub},
		remaskTarget{"files", "path", scrub},
		remaskTarget{"files", "name", scrub},
		remaskTarget{"files", "error", scrub},
	)
}

// Remask masks the stored text again, in one transaction, when it was
// stored by an older masking version than maskVersion, and records the
// version (every writing open of the database and every ingest run call
// it; once done it costs one query); it returns the cells it changed. A natural key holding part of
// a personnummer is left (masking could merge two keys) and logged by
// kind and count, for the exporting system to fix.
func Remask(ctx context.Context, db *sql.DB, log *slog.Logger) (changed int64, err error) {
	var version int
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM mask_state`).Scan(&version); err != nil {
		return 0, fmt.Errorf("read mask_state: %w", err)
	}
	if version >= maskVersion {
		return 0, nil
	}
	start := time.Now()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("remask: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	for _, t := range remaskTargets() {
		n, err := remaskColumn(ctx, tx, t)
		if err != nil {
			return 0, fmt.Errorf("remask %s.%s: %w", t.table, t.column, err)
		}
		changed += n
	}
	for _, k := range Kinds {
		for _, key := range k.Key {
			_, c := k.Column(key)
			if c == nil || c.Type != TText {
				continue
			}
			n, err := countPNRs(ctx, tx, k.Name, c.Target)
			if err != nil {
				return 0, fmt.Errorf("remask %s.%s: %w", k.Name, c.Target, err)
			}
			if n > 0 {
				log.Warn("stored identifiers shaped like part of a personnummer: left as they are (masking could merge two); have the exporting system give them other ids", "kind", k.Name, "column", key, "rows", n)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO mask_state VALUES (?, ?, ?)`, maskVersion, time.Now(), changed); err != nil {
		return 0, fmt.Errorf("remask: record mask_state: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("remask: commit: %w", err)
	}
	level := slog.LevelDebug
	if changed > 0 {
		level = slog.LevelInfo
	}
	log.Log(ctx, level, "stored text masked again with the current masking", "version", maskVersion, "cells", changed, "seconds", time.Since(start).Seconds())
	return changed, nil
}

// withDigits calls fn with the rowid and value of every value of the
// column that holds a digit of any script (only they can be masked).
func withDigits(ctx context.Context, tx *sql.Tx, table, column string, fn func(rowid int64, v string)) error {
	rows, err := tx.QueryContext(ctx, fmt.Sprintf(`SELECT rowid, %q FROM %q WHERE regexp_matches(%q, '\pN')`, column, table, column))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var v string
		if err := rows.Scan(&id, &v); err != nil {
			return err
		}
		fn(id, v)
	}
	return rows.Err()
}

func remaskColumn(ctx context.Context, tx *sql.Tx, t remaskTarget) (int64, error) {
	type change struct {
		rowid int64
		value string
	}
	var todo []change
	if err := withDigits(ctx, tx, t.table, t.column, func(id int64, v string) {
		if m := t.mask(v); m != v {
			todo = append(todo, change{id, m})
		}
	}); err != nil {
		return 0, err
	}
	for _, c := range todo {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`UPDATE %q SET %q = ? WHERE rowid = ?`, t.table, t.column), c.value, c.rowid); err != nil {
			return 0, err
		}
	}
	return int64(len(todo)), nil
}

func countPNRs(ctx context.Context, tx *sql.Tx, table, column string) (int64, error) {
	var n int64
	err := withDigits(ctx, tx, table, column, func(_ int64, v string) {
		if parse.HasPNR(v) {
			n++
		}
	})
	return n, err
}
