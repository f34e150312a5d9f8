package snapshot

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/effekt/effekt/disclosure"
	"github.com/effekt/effekt/models"
)

// querier is what readBefore and ReleaseStep read through: a *sql.DB or
// *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Before is the release published before the values in db
// (published_before), nil when there is none: what Build protects
// against, and what an audit of the current values checks with them.
func Before(ctx context.Context, db *sql.DB) (*disclosure.Release, error) {
	return readBefore(ctx, db)
}

// readBefore reads published_before: the release before the current
// values (nil when there is none).
func readBefore(ctx context.Context, q querier) (*disclosure.Release, error) {
	cells, sup, err := readCells(ctx, q, `SELECT kpi, municipality, period, gender, denominator, numerator, suppressed
		FROM published_before ORDER BY kpi, municipality, period, gender`)
	if err != nil {
		return nil, fmt.Errorf("snapshot: read the release before: %w", err)
	}
	if len(cells) == 0 {
		return nil, nil
	}
	return &disclosure.Release{Cells: cells, Suppressed: sup}, nil
}

// readCells reads cells from query, whose columns are kpi, municipality,
// period, gender, denominator, numerator (NULL: none) and, when it has a
// seventh, whether the cell was suppressed (else sup is nil).
func readCells(ctx context.Context, q querier, query string) (cells []disclosure.Cell, sup []bool, err error) {
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var c disclosure.Cell
		var k sql.NullInt64
		var hidden bool
		dest := []any{&c.KPI, &c.Area, &c.Period, &c.Gender, &c.N, &k}
		if len(cols) > 6 {
			dest = append(dest, &hidden)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, nil, err
		}
		c.K, c.HasK = k.Int64, k.Valid
		cells = append(cells, c)
		if len(cols) > 6 {
			sup = append(sup, hidden)
		}
	}
	return cells, sup, rows.Err()
}

// ReleaseStep is the compute step that keeps the release the new values
// replace (models.Step, run inside the compute's transaction after every
// indicator is written): when a base indicator's cell changed, appeared
// or went, it writes the values before (effekt_prev, the compute's copy)
// with the pattern they were published with, that is Build's (which took
// the release before them into account), into published_before. A
// compute that changes nothing keeps the release before as it was.
func ReleaseStep(opt Options) models.Step {
	return models.Step{Name: "release before", Run: func(ctx context.Context, tx *sql.Tx, _, _ time.Time) (map[string]int, error) {
		ids := make([]string, 0, 16)
		for _, ind := range models.Catalogue() {
			ids = append(ids, "'"+ind.ID+"'")
		}
		in := "kpi IN (" + strings.Join(ids, ", ") + ")"
		cols := "kpi, municipality, period, gender, denominator, numerator"
		var changed bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (
			(SELECT `+cols+` FROM effekt_prev WHERE `+in+` EXCEPT SELECT `+cols+` FROM indicator_values WHERE `+in+`)
			UNION ALL
			(SELECT `+cols+` FROM indicator_values WHERE `+in+` EXCEPT SELECT `+cols+` FROM effekt_prev WHERE `+in+`))`).Scan(&changed); err != nil {
			return nil, fmt.Errorf("release before: compare: %w", err)
		}
		if !changed {
			return nil, nil
		}
		start := time.Now()
		before, err := readBefore(ctx, tx)
		if err != nil {
			return nil, err
		}
		cells, _, err := readCells(ctx, tx, `SELECT `+cols+` FROM effekt_prev WHERE `+in+` ORDER BY kpi, municipality, period, gender`)
		if err != nil {
			return nil, fmt.Errorf("release before: read: %w", err)
		}
		areas := Areas(opt.Groups)
		areas.Before = before
		slog.Debug("release before", "step", "read", "duration", time.Since(start))
		start = time.Now()
		hidden, _, _ := disclosure.Suppress(cells, opt.MinN, areas)
		nBefore := 0
		if before != nil {
			nBefore = len(before.Cells)
		}
		slog.Debug("release before", "step", "suppress", "cells", len(cells), "before", nBefore, "duration", time.Since(start))
		start = time.Now()
		// the cells as they are in effekt_prev, and the hidden ones' keys
		// (a few per cent) as values
		stmts := []string{`DELETE FROM published_before`,
			`CREATE OR REPLACE TEMP TABLE effekt_hidden_before (kpi VARCHAR, municipality VARCHAR, period INTEGER, gender VARCHAR)`}
		var b strings.Builder
		n := 0
		for i, c := range cells {
			if !hidden[i] {
				continue
			}
			if n%5000 == 0 {
				if b.Len() > 0 {
					stmts = append(stmts, b.String())
				}
				b.Reset()
				b.WriteString("INSERT INTO effekt_hidden_before VALUES ")
			} else {
				b.WriteString(", ")
			}
			n++
			fmt.Fprintf(&b, "(%s, %s, %d, %s)", quote(c.KPI), quote(c.Area), c.Period, quote(c.Gender))
		}
		if b.Len() > 0 {
			stmts = append(stmts, b.String())
		}
		stmts = append(stmts, `INSERT INTO published_before
			SELECT p.kpi, p.municipality, p.period, p.gender, p.denominator, p.numerator, h.kpi IS NOT NULL
			FROM effekt_prev p LEFT JOIN effekt_hidden_before h USING (kpi, municipality, period, gender)
			WHERE p.`+in, `DROP TABLE effekt_hidden_before`)
		for _, q := range stmts {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return nil, fmt.Errorf("release before: write: %w", err)
			}
		}
		slog.Debug("release before", "step", "write", "duration", time.Since(start))
		return nil, nil
	}}
}

// quote is s as an SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// TrueCells is Cells with every cell's true count and numerator from
// indicator_values, the hidden ones' too: what an audit of the two
// releases needs to link a cell to the release before only where a
// reader's assumption (the cohort did not shrink) holds.
func TrueCells(ctx context.Context, db *sql.DB, s *Snapshot) ([]disclosure.Cell, []bool, error) {
	cells, sup := Cells(s)
	at := make(map[disclosure.Key]int, len(cells))
	for i, c := range cells {
		at[c.Key] = i
	}
	truth, _, err := readCells(ctx, db, `SELECT kpi, municipality, period, gender, denominator, numerator FROM indicator_values`)
	if err != nil {
		return nil, nil, fmt.Errorf("snapshot: read indicator values: %w", err)
	}
	for _, t := range truth {
		if i, ok := at[t.Key]; ok {
			cells[i] = t
		}
	}
	return cells, sup, nil
}
