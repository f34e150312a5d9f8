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

// querier is what readHistory and ReleaseStep read through: a *sql.DB or
// *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// History is every release published before the values in db
// (releases, release_cells), in the order they were published, empty when
// there is none: what Build protects against, and what an audit of the
// current values checks with them.
func History(ctx context.Context, db *sql.DB) ([]disclosure.Release, error) {
	return readHistory(ctx, db)
}

// readHistory reads the releases before the current values.
func readHistory(ctx context.Context, q querier) ([]disclosure.Release, error) {
	rows, err := q.QueryContext(ctx, `SELECT release, coalesce(strftime(as_of, '%Y-%m-%d'), '') FROM releases ORDER BY release`)
	if err != nil {
		return nil, fmt.Errorf("snapshot: read the releases before: %w", err)
	}
	var ids []int64
	hist := []disclosure.Release{}
	for rows.Next() {
		var id int64
		var r disclosure.Release
		if err := rows.Scan(&id, &r.AsOf); err != nil {
			rows.Close()
			return nil, fmt.Errorf("snapshot: read the releases before: %w", err)
		}
		r.Name = r.AsOf
		ids = append(ids, id)
		hist = append(hist, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("snapshot: read the releases before: %w", err)
	}
	if len(ids) == 0 {
		return hist, nil
	}
	at := make(map[int64]int, len(ids))
	for i, id := range ids {
		at[id] = i
	}
	rows, err = q.QueryContext(ctx, `SELECT release, kpi, municipality, period, gender, denominator, numerator, suppressed
		FROM release_cells ORDER BY release, kpi, municipality, period, gender`)
	if err != nil {
		return nil, fmt.Errorf("snapshot: read the releases before: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c disclosure.Cell
		var k sql.NullInt64
		var hidden bool
		if err := rows.Scan(&id, &c.KPI, &c.Area, &c.Period, &c.Gender, &c.N, &k, &hidden); err != nil {
			return nil, fmt.Errorf("snapshot: read the releases before: %w", err)
		}
		c.K, c.HasK = k.Int64, k.Valid
		r := &hist[at[id]]
		r.Cells = append(r.Cells, c)
		r.Suppressed = append(r.Suppressed, hidden)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("snapshot: read the releases before: %w", err)
	}
	return hist, nil
}

// readCells reads cells from query, whose columns are kpi, municipality,
// period, gender, denominator and numerator (NULL: none).
func readCells(ctx context.Context, q querier, query string) ([]disclosure.Cell, error) {
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cells []disclosure.Cell
	for rows.Next() {
		var c disclosure.Cell
		var k sql.NullInt64
		if err := rows.Scan(&c.KPI, &c.Area, &c.Period, &c.Gender, &c.N, &k); err != nil {
			return nil, err
		}
		c.K, c.HasK = k.Int64, k.Valid
		cells = append(cells, c)
	}
	return cells, rows.Err()
}

// ReleaseStep is the compute step that keeps the releases and the
// pattern of the new values (models.Step, run inside the compute's
// transaction after every indicator is written):
//   - when a base indicator's cell changed, appeared or went, it adds the
//     values before (effekt_prev, the compute's copy), with the pattern
//     they were published with (the stored one, else computed again as
//     Build did: against every release before them), to the releases as
//     the next one: the blocks (an indicator's cells of one period) that
//     differ from their latest version there. A compute that changes
//     nothing adds none;
//   - it computes the pattern of the new values against every release,
//     and stores it with its fingerprint (published_pattern), unless the
//     stored one is for the same values, options and releases: Build and
//     the next compute read it instead of computing it again.
func ReleaseStep(opt Options) models.Step {
	return models.Step{Name: "release before", Run: func(ctx context.Context, tx *sql.Tx, _, _ time.Time) (map[string]int, error) {
		ids := make([]string, 0, 16)
		for _, ind := range models.Catalogue() {
			ids = append(ids, "'"+ind.ID+"'")
		}
		in := "kpi IN (" + strings.Join(ids, ", ") + ")"
		cols := "kpi, municipality, period, gender, denominator, numerator"
		start := time.Now()
		var hist []disclosure.Release // read when needed: the sizes tell whether
		size, err := readSizes(ctx, tx)
		if err != nil {
			return nil, err
		}
		var changed bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (
			(SELECT `+cols+` FROM effekt_prev WHERE `+in+` EXCEPT SELECT `+cols+` FROM indicator_values WHERE `+in+`)
			UNION ALL
			(SELECT `+cols+` FROM indicator_values WHERE `+in+` EXCEPT SELECT `+cols+` FROM effekt_prev WHERE `+in+`))`).Scan(&changed); err != nil {
			return nil, fmt.Errorf("release before: compare: %w", err)
		}
		if changed {
			if hist, err = readHistory(ctx, tx); err != nil {
				return nil, err
			}
			if hist, err = addRelease(ctx, tx, opt, hist, in, cols); err != nil {
				return nil, err
			}
			size = sizes(hist)
		}
		// the new values' pattern
		asOf, err := maxAsOf(ctx, tx, "indicator_values", in)
		if err != nil {
			return nil, err
		}
		st, err := storedState(ctx, tx)
		if err != nil {
			return nil, err
		}
		if !changed && st.cells != "" {
			// no cell changed: when the stored pattern is the previous
			// compute's (so for these cells), and for their as_of and these
			// options, it is the new values' too
			var prevAt sql.NullTime
			if err := tx.QueryRowContext(ctx, `SELECT max(computed_at) FROM effekt_prev`).Scan(&prevAt); err != nil {
				return nil, fmt.Errorf("release before: read: %w", err)
			}
			if prevAt.Valid && st.computedAt.Valid && prevAt.Time.Equal(st.computedAt.Time) &&
				fingerprint(st.cells, asOf.String, opt.MinN, opt.Groups, size) == st.fp {
				return nil, markPattern(ctx, tx)
			}
		}
		cells, err := readCells(ctx, tx, `SELECT `+cols+` FROM indicator_values WHERE `+in+` ORDER BY kpi, municipality, period, gender`)
		if err != nil {
			return nil, fmt.Errorf("release before: read the values: %w", err)
		}
		cp := cellsPrint(cells)
		fp := fingerprint(cp, asOf.String, opt.MinN, opt.Groups, size)
		if fp == st.fp {
			// stored already (by a compute that wrote no pattern since?)
			return nil, markPattern(ctx, tx)
		}
		if hist == nil {
			if hist, err = readHistory(ctx, tx); err != nil {
				return nil, err
			}
		}
		areas := Areas(opt.Groups)
		areas.History, areas.AsOf = hist, asOf.String
		hidden, _, _, err := disclosure.SuppressContext(ctx, cells, opt.MinN, areas)
		if err != nil {
			return nil, err
		}
		if err := writePattern(ctx, tx, fp, cp, cells, hidden); err != nil {
			return nil, err
		}
		slog.Debug("release before", "step", "pattern", "cells", len(cells), "releases", len(hist), "duration", time.Since(start))
		return nil, nil
	}}
}

// maxAsOf is the latest as_of of table's rows where in holds.
func maxAsOf(ctx context.Context, tx *sql.Tx, table, in string) (sql.NullString, error) {
	var asOf sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT strftime(max(as_of), '%Y-%m-%d') FROM `+table+` WHERE `+in).Scan(&asOf); err != nil {
		return asOf, fmt.Errorf("release before: read %s: %w", table, err)
	}
	return asOf, nil
}

// addRelease adds the values before (effekt_prev) to the releases after
// hist, as the blocks that differ from their latest version there, and
// returns hist with it.
func addRelease(ctx context.Context, tx *sql.Tx, opt Options, hist []disclosure.Release, in, cols string) ([]disclosure.Release, error) {
	start := time.Now()
	cells, err := readCells(ctx, tx, `SELECT `+cols+` FROM effekt_prev WHERE `+in+` ORDER BY kpi, municipality, period, gender`)
	if err != nil {
		return nil, fmt.Errorf("release before: read: %w", err)
	}
	if len(cells) == 0 {
		return hist, nil // nothing was published before
	}
	asOf, err := maxAsOf(ctx, tx, "effekt_prev", in)
	if err != nil {
		return nil, err
	}
	// the pattern they were published with: the stored one, or Build's
	hidden := make([]bool, len(cells))
	stored, err := storedPattern(ctx, tx, fingerprint(cellsPrint(cells), asOf.String, opt.MinN, opt.Groups, sizes(hist)))
	if err != nil {
		return nil, err
	}
	if stored != nil {
		for i, c := range cells {
			hidden[i] = stored[c.Key]
		}
	} else {
		areas := Areas(opt.Groups)
		areas.History, areas.AsOf = hist, asOf.String
		if hidden, _, _, err = disclosure.SuppressContext(ctx, cells, opt.MinN, areas); err != nil {
			return nil, err
		}
	}
	slog.Debug("release before", "step", "pattern before", "stored", stored != nil, "cells", len(cells), "releases", len(hist), "duration", time.Since(start))
	blocks := disclosure.ChangedBlocks(hist, cells, hidden)
	if len(blocks) == 0 {
		return hist, nil
	}
	start = time.Now()
	// the changed blocks' cells as they are in effekt_prev, and the
	// hidden ones' keys (a few per cent) as values
	stmts := []string{
		`CREATE OR REPLACE TEMP TABLE effekt_release_blocks (kpi VARCHAR, period INTEGER)`,
		`CREATE OR REPLACE TEMP TABLE effekt_hidden_before (kpi VARCHAR, municipality VARCHAR, period INTEGER, gender VARCHAR)`}
	stmts = append(stmts, inserts("effekt_release_blocks", len(blocks), func(b *strings.Builder, i int) {
		fmt.Fprintf(b, "(%s, %d)", quote(blocks[i].KPI), blocks[i].Period)
	})...)
	var keys []disclosure.Key
	r := disclosure.Release{Name: asOf.String, AsOf: asOf.String}
	changed := map[disclosure.Block]bool{}
	for _, b := range blocks {
		changed[b] = true
	}
	for i, c := range cells {
		if hidden[i] {
			keys = append(keys, c.Key)
		}
		if changed[disclosure.Block{KPI: c.KPI, Period: c.Period}] {
			r.Cells = append(r.Cells, c)
			r.Suppressed = append(r.Suppressed, hidden[i])
		}
	}
	stmts = append(stmts, inserts("effekt_hidden_before", len(keys), func(b *strings.Builder, i int) {
		k := keys[i]
		fmt.Fprintf(b, "(%s, %s, %d, %s)", quote(k.KPI), quote(k.Area), k.Period, quote(k.Gender))
	})...)
	release := `(SELECT coalesce(max(release), 0) + 1 FROM releases)`
	stmts = append(stmts,
		`INSERT INTO release_cells
		SELECT `+release+`, p.kpi, p.municipality, p.period, p.gender, p.denominator, p.numerator, h.kpi IS NOT NULL
		FROM effekt_prev p SEMI JOIN effekt_release_blocks b USING (kpi, period)
		LEFT JOIN effekt_hidden_before h USING (kpi, municipality, period, gender)
		WHERE p.`+in,
		`INSERT INTO releases SELECT `+release+`, `+sqlDate(asOf)+`, now()`,
		`DROP TABLE effekt_hidden_before`, `DROP TABLE effekt_release_blocks`)
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("release before: write: %w", err)
		}
	}
	slog.Debug("release before", "step", "write", "blocks", len(blocks), "cells", len(r.Cells), "duration", time.Since(start))
	return append(hist, r), nil
}

// inserts is INSERT INTO table VALUES statements of 5 000 rows each, row
// writing the i-th of n.
func inserts(table string, n int, row func(b *strings.Builder, i int)) []string {
	var out []string
	var b strings.Builder
	for i := range n {
		if i%5000 == 0 {
			if b.Len() > 0 {
				out = append(out, b.String())
			}
			b.Reset()
			b.WriteString("INSERT INTO " + table + " VALUES ")
		} else {
			b.WriteString(", ")
		}
		row(&b, i)
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}

// sqlDate is d as an SQL date literal, NULL when not valid.
func sqlDate(d sql.NullString) string {
	if !d.Valid {
		return "NULL"
	}
	return "DATE " + quote(d.String)
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
	truth, err := readCells(ctx, db, `SELECT kpi, municipality, period, gender, denominator, numerator FROM indicator_values`)
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
