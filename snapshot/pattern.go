package snapshot

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"hash"
	"hash/fnv"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/disclosure"
)

// hasher writes strings and numbers into an FNV-1a hash.
type hasher struct{ h hash.Hash64 }

func newHasher() hasher { return hasher{fnv.New64a()} }

func (h hasher) str(s string) {
	h.h.Write([]byte(s))
	h.h.Write([]byte{0})
}

func (h hasher) num(n int64) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(n))
	h.h.Write(b[:])
}

// cellsPrint identifies base cells: their keys, counts and numerators.
func cellsPrint(cells []disclosure.Cell) string {
	h := newHasher()
	sorted := slices.Clone(cells)
	slices.SortFunc(sorted, func(a, b disclosure.Cell) int {
		return cmp.Or(cmp.Compare(a.KPI, b.KPI), cmp.Compare(a.Area, b.Area), cmp.Compare(a.Period, b.Period), cmp.Compare(a.Gender, b.Gender))
	})
	for _, c := range sorted {
		h.str(c.KPI)
		h.str(c.Area)
		h.num(int64(c.Period))
		h.str(c.Gender)
		h.num(c.N)
		if c.HasK {
			h.num(c.K)
		} else {
			h.num(-1)
		}
	}
	return fmt.Sprintf("%016x/%d", h.h.Sum64(), len(cells))
}

// fingerprint identifies what a pattern is computed from: the base cells
// (cellsPrint), their as_of, min_n, the groups, the releases before
// (their number and each one's as_of and size: releases are only ever
// added) and the code that computes it (codeVersion).
func fingerprint(cells string, asOf string, minN int, groups []config.Group, hist []releaseSize) string {
	h := newHasher()
	h.str(codeVersion)
	h.str(cells)
	h.str(asOf)
	h.num(int64(minN))
	gs := slices.Clone(groups)
	slices.SortFunc(gs, func(a, b config.Group) int { return cmp.Compare(a.ID, b.ID) })
	for _, g := range gs {
		m := slices.Clone(g.Members)
		slices.Sort(m)
		h.str(g.ID + "=" + strings.Join(m, ","))
	}
	h.num(int64(len(hist)))
	for _, r := range hist {
		h.str(r.asOf)
		h.num(int64(r.cells))
	}
	return fmt.Sprintf("%016x", h.h.Sum64())
}

// releaseSize is what a fingerprint holds of a release: its as_of and
// how many cells it holds.
type releaseSize struct {
	asOf  string
	cells int
}

// sizes are hist's releaseSizes.
func sizes(hist []disclosure.Release) []releaseSize {
	out := make([]releaseSize, len(hist))
	for i, r := range hist {
		out[i] = releaseSize{r.AsOf, len(r.Cells)}
	}
	return out
}

// readSizes reads the releases' sizes without their cells.
func readSizes(ctx context.Context, q querier) ([]releaseSize, error) {
	rows, err := q.QueryContext(ctx, `SELECT coalesce(strftime(r.as_of, '%Y-%m-%d'), ''), count(c.kpi)
		FROM releases r LEFT JOIN release_cells c USING (release) GROUP BY r.release, r.as_of ORDER BY r.release`)
	if err != nil {
		return nil, fmt.Errorf("snapshot: read the releases before: %w", err)
	}
	defer rows.Close()
	var out []releaseSize
	for rows.Next() {
		var r releaseSize
		if err := rows.Scan(&r.asOf, &r.cells); err != nil {
			return nil, fmt.Errorf("snapshot: read the releases before: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// codeVersion is the rules' version and the build's revision: a pattern
// stored by another effekt is computed again (a build without version
// control information, such as a test binary, has the rules' version
// only).
var codeVersion = func() string {
	v := fmt.Sprintf("rules %d", disclosure.RulesVersion)
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" || s.Key == "vcs.modified" {
				v += " " + s.Value
			}
		}
	}
	return v
}()

// storedPattern is the stored pattern when it was computed from what fp
// identifies (nil when there is none or it was not).
func storedPattern(ctx context.Context, q querier, fp string) (map[disclosure.Key]bool, error) {
	st, err := storedState(ctx, q)
	if err != nil || st.fp != fp {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT kpi, municipality, period, gender FROM published_pattern`)
	if err != nil {
		return nil, fmt.Errorf("snapshot: read the stored pattern: %w", err)
	}
	defer rows.Close()
	hidden := map[disclosure.Key]bool{}
	for rows.Next() {
		var k disclosure.Key
		if err := rows.Scan(&k.KPI, &k.Area, &k.Period, &k.Gender); err != nil {
			return nil, fmt.Errorf("snapshot: read the stored pattern: %w", err)
		}
		hidden[k] = true
	}
	return hidden, rows.Err()
}

// patternState is the stored pattern's fingerprint, its cells' print
// and the computed_at of the values it was written for (zero when none).
type patternState struct {
	fp, cells  string
	computedAt sql.NullTime
}

// storedState reads patternState.
func storedState(ctx context.Context, q querier) (patternState, error) {
	rows, err := q.QueryContext(ctx, `SELECT fingerprint, cells, computed_at FROM published_pattern_state`)
	if err != nil {
		return patternState{}, fmt.Errorf("snapshot: read the stored pattern: %w", err)
	}
	defer rows.Close()
	var st patternState
	n := 0
	for rows.Next() {
		if err := rows.Scan(&st.fp, &st.cells, &st.computedAt); err != nil {
			return patternState{}, fmt.Errorf("snapshot: read the stored pattern: %w", err)
		}
		n++
	}
	if n != 1 {
		return patternState{}, rows.Err()
	}
	return st, rows.Err()
}

// markPattern marks the stored pattern as the current values' (their
// computed_at).
func markPattern(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `UPDATE published_pattern_state SET computed_at = (SELECT max(computed_at) FROM indicator_values)`); err != nil {
		return fmt.Errorf("snapshot: mark the pattern: %w", err)
	}
	return nil
}

// writePattern replaces the stored pattern by the hidden cells of cells,
// computed from what fp identifies (cp: the cells' print), for the values
// of indicator_values.
func writePattern(ctx context.Context, tx *sql.Tx, fp, cp string, cells []disclosure.Cell, hidden []bool) error {
	var keys []disclosure.Key
	for i, c := range cells {
		if hidden[i] {
			keys = append(keys, c.Key)
		}
	}
	stmts := []string{`DELETE FROM published_pattern`, `DELETE FROM published_pattern_state`}
	stmts = append(stmts, inserts("published_pattern", len(keys), func(b *strings.Builder, i int) {
		k := keys[i]
		fmt.Fprintf(b, "(%s, %s, %d, %s)", quote(k.KPI), quote(k.Area), k.Period, quote(k.Gender))
	})...)
	stmts = append(stmts, `INSERT INTO published_pattern_state SELECT `+quote(fp)+`, `+quote(cp)+`, max(computed_at), now() FROM indicator_values`)
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("snapshot: write the pattern: %w", err)
		}
	}
	return nil
}
