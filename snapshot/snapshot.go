// Package snapshot holds the published indicator values: an immutable,
// in-memory view of one complete compute with disclosure control applied,
// swapped atomically after each compute. It sits between models/ and every
// outward reader (API, /metrics, exports, the CLI).
//
// Guarantees:
//   - a Snapshot is built from indicator_values in one read, so it holds
//     exactly one committed compute, never a mixture;
//   - disclosure control happens here and only here: primary suppression
//     (cohort below min_n) and complementary suppression (package
//     disclosure), so every reader publishes the same suppressed cells;
//   - a Snapshot never changes once built; Store.Load returns the latest
//     complete one without locks, so readers during a compute see either
//     the previous complete compute or the next.
package snapshot

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/disclosure"
	"github.com/effekt/effekt/models"
)

// Options configure Build.
type Options struct {
	MinN   int            // cells whose denominator is smaller are suppressed (primary)
	Groups []config.Group // municipality groups (G…): their members count and sum
	// History is every release published before these values (Build
	// reads it when nil; empty: none): disclosure control protects their
	// hidden cells too (disclosure.Areas.History).
	History []disclosure.Release

	// stored is the pattern stored for a fingerprint, nil when none
	// (Build: published_pattern)
	stored func(fp string) map[disclosure.Key]bool
	// ctx ends disclosure control early (Build's; its snapshot is then
	// not returned)
	ctx context.Context
}

// Snapshot is one complete compute, as published.
type Snapshot struct {
	// Values in kpi, municipality, period, gender order, suppression applied.
	values []models.Value
	// byKPIArea indexes values: kpi -> area -> [start, end) of its run.
	byKPIArea map[string]map[string][2]int
	byKPI     map[string][2]int
	kpis      []string
	// periods holds, per kpi, its periods with cells, newest first.
	periods map[string][]int

	// Seq counts the snapshots of this process (1 for the first built).
	Seq uint64
	// AsOf is the reference date of the compute (zero when nothing is computed).
	AsOf time.Time
	// ComputedAt is when the compute ran (zero when nothing is computed).
	ComputedAt time.Time
	// Primary and Complementary count the suppressed cells.
	Primary, Complementary int
	// computed is, per kpi, the latest computed_at of its cells.
	computed map[string]time.Time

	memos sync.Map // key -> *memoEntry
}

type memoEntry struct {
	once sync.Once
	v    any
}

var seq atomic.Uint64

// Empty is the snapshot before any compute.
func Empty() *Snapshot { return index(nil) }

// Build reads indicator_values in one query and applies disclosure control.
func Build(ctx context.Context, db *sql.DB, opt Options) (*Snapshot, error) {
	if opt.History == nil {
		hist, err := readHistory(ctx, db)
		if err != nil {
			return nil, err
		}
		opt.History = hist
	}
	opt.ctx = ctx
	opt.stored = func(fp string) map[disclosure.Key]bool {
		m, err := storedPattern(ctx, db, fp)
		if err != nil {
			slog.Warn("snapshot: stored pattern not read, computing it", "err", err)
		}
		return m
	}
	rows, err := db.QueryContext(ctx, `
SELECT v.kpi, v.municipality, v.period, v.gender, v.numerator, v.denominator, v.value, v.ci_low, v.ci_high, v.status,
       v.as_of, v.computed_at, coalesce(c.changed_at, v.computed_at)
FROM indicator_values v LEFT JOIN indicator_changes c USING (kpi, municipality, period, gender)
ORDER BY v.kpi, v.municipality, v.period, v.gender`)
	if err != nil {
		return nil, fmt.Errorf("snapshot: read indicator values: %w", err)
	}
	defer rows.Close()
	var vals []models.Value
	var computed time.Time
	perKPI := map[string]time.Time{}
	for rows.Next() {
		var v models.Value
		var num sql.NullInt64
		var den int64
		var val, lo, hi sql.NullFloat64
		var at time.Time
		if err := rows.Scan(&v.KPI, &v.Municipality, &v.Period, &v.Gender, &num, &den, &val, &lo, &hi, &v.Status, &v.AsOf, &at, &v.ChangedAt); err != nil {
			return nil, fmt.Errorf("snapshot: scan indicator value: %w", err)
		}
		v.Denominator = &den
		if num.Valid {
			v.Numerator = &num.Int64
		}
		if val.Valid {
			v.Value = &val.Float64
		}
		if lo.Valid {
			v.CILow = &lo.Float64
		}
		if hi.Valid {
			v.CIHigh = &hi.Float64
		}
		if at.After(computed) {
			computed = at
		}
		if at.After(perKPI[v.KPI]) {
			perKPI[v.KPI] = at
		}
		vals = append(vals, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("snapshot: read indicator values: %w", err)
	}
	s := FromValues(vals, opt, computed)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	s.computed = perKPI
	return s, nil
}

// FromValues publishes unsuppressed cells (Denominator set on every value):
// it counts members, applies disclosure control and indexes them. vals is
// taken over.
func FromValues(vals []models.Value, opt Options, computedAt time.Time) *Snapshot {
	slices.SortFunc(vals, func(a, b models.Value) int {
		return cmp.Or(cmp.Compare(a.KPI, b.KPI), cmp.Compare(a.Municipality, b.Municipality), cmp.Compare(a.Period, b.Period), cmp.Compare(a.Gender, b.Gender))
	})
	countMembers(vals, opt.Groups)
	sup, primary, compl := suppress(vals, opt)
	for i := range vals {
		if sup[i] {
			v := &vals[i]
			v.Status = models.StatusSuppressed
			v.Numerator, v.Denominator, v.Value, v.CILow, v.CIHigh = nil, nil, nil, nil, nil
			// when its hidden content last changed is itself about the
			// content (from_date told which hidden cells a compute moved):
			// a suppressed cell counts as changed by the latest compute,
			// so from_date always returns it
			if computedAt.After(v.ChangedAt) {
				v.ChangedAt = computedAt
			}
		}
	}
	s := index(vals)
	s.ComputedAt = computedAt
	s.Primary, s.Complementary = primary, compl
	for _, v := range vals {
		if v.AsOf.After(s.AsOf) {
			s.AsOf = v.AsOf
		}
	}
	return s
}

// suppress decides which cells are hidden. The catalogue's cells go through
// package disclosure; a case-mix companion (models.Companions) shares its
// indicator's cohort and denominator, and is hidden exactly where its
// indicator's cell is (or when that cell is missing): expected value plus
// deviation give the observed value, so the two must never differ.
func suppress(vals []models.Value, opt Options) (sup []bool, primary, complementary int) {
	key := func(kpi string, v models.Value) disclosure.Key {
		return disclosure.Key{KPI: kpi, Area: v.Municipality, Period: v.Period, Gender: v.Gender}
	}
	var cells []disclosure.Cell
	var own []int // index in vals of cells[i]
	base := make([]string, len(vals))
	for i, v := range vals {
		if b, _ := models.CompanionOf(v.KPI); b != "" {
			base[i] = b
			continue
		}
		c := disclosure.Cell{Key: key(v.KPI, v), N: *v.Denominator}
		if v.Numerator != nil {
			c.K, c.HasK = *v.Numerator, true
		}
		cells = append(cells, c)
		own = append(own, i)
	}
	areas := Areas(opt.Groups)
	areas.History = opt.History
	for _, v := range vals {
		if d := v.AsOf.Format(time.DateOnly); !v.AsOf.IsZero() && d > areas.AsOf {
			areas.AsOf = d
		}
	}
	var hidden []bool
	if opt.stored != nil {
		// the compute's pattern for these cells and options (no compute
		// committed between the values read and this one: the same
		// fingerprint)
		if m := opt.stored(fingerprint(cellsPrint(cells), areas.AsOf, opt.MinN, opt.Groups, sizes(opt.History))); m != nil {
			hidden = make([]bool, len(cells))
			for j, c := range cells {
				if hidden[j] = m[c.Key]; !hidden[j] {
					continue
				}
				if c.N < int64(opt.MinN) {
					primary++
				} else {
					complementary++
				}
			}
		}
	}
	if hidden == nil {
		ctx := opt.ctx
		if ctx == nil {
			ctx = context.Background()
		}
		var err error
		if hidden, primary, complementary, err = disclosure.SuppressContext(ctx, cells, opt.MinN, areas); err != nil {
			// Build returns ctx's error; everything hidden meanwhile
			hidden = make([]bool, len(cells))
			for j := range hidden {
				hidden[j] = true
			}
		}
	}
	sup = make([]bool, len(vals))
	of := make(map[disclosure.Key]int, len(cells))
	for j, c := range cells {
		sup[own[j]] = hidden[j]
		of[c.Key] = j
	}
	for i, v := range vals {
		if base[i] == "" {
			continue
		}
		j, ok := of[key(base[i], v)]
		switch {
		case !ok || (hidden[j] && cells[j].N < int64(opt.MinN)):
			sup[i] = true
			primary++
		case hidden[j]:
			sup[i] = true
			complementary++
		}
	}
	return sup, primary, complementary
}

// Areas describes effekt's aggregates to package disclosure.
func Areas(groups []config.Group) disclosure.Areas {
	gm := map[string][]string{}
	for _, g := range groups {
		gm[g.ID] = g.Members
	}
	return disclosure.Areas{Groups: gm, ByGender: func(kpi string) bool {
		ind, ok := models.Lookup(kpi)
		return !ok || ind.ByGender
	}, Nested: Nested()}
}

// Nested is the catalogue's nestings (models.Nests) for package
// disclosure.
func Nested() []disclosure.Nesting {
	of := map[string]disclosure.Quantity{"n": disclosure.Count, "k": disclosure.Outcomes, "f": disclosure.Rest}
	var out []disclosure.Nesting
	for _, n := range models.Nests() {
		q, ok := of[n.Of]
		if !ok {
			panic("snapshot: nesting of unknown quantity " + n.Of) // the catalogue is constant
		}
		out = append(out, disclosure.Nesting{Sub: n.Sub, Super: n.Super, Of: q})
	}
	return out
}

// countMembers sets Kolada's count: 1 for a municipality; for a region, Riket
// or a group the number of member municipalities with a cell of their own for
// the same kpi, period and gender.
func countMembers(vals []models.Value, groups []config.Group) {
	type k struct {
		kpi, area string
		period    int
		gender    string
	}
	n := map[k]int{}
	inGroups := map[string][]string{}
	for _, g := range groups {
		for _, m := range g.Members {
			inGroups[m] = append(inGroups[m], g.ID)
		}
	}
	for _, v := range vals {
		if !models.IsMunicipality(v.Municipality) {
			continue
		}
		n[k{v.KPI, "00" + v.Municipality[:2], v.Period, v.Gender}]++
		n[k{v.KPI, "0000", v.Period, v.Gender}]++
		for _, g := range inGroups[v.Municipality] {
			n[k{v.KPI, g, v.Period, v.Gender}]++
		}
	}
	for i := range vals {
		v := &vals[i]
		if models.IsMunicipality(v.Municipality) {
			v.Members = 1
			continue
		}
		v.Members = max(1, n[k{v.KPI, v.Municipality, v.Period, v.Gender}])
	}
}

// index builds the lookup tables of sorted values.
func index(vals []models.Value) *Snapshot {
	s := &Snapshot{values: vals, byKPIArea: map[string]map[string][2]int{}, byKPI: map[string][2]int{},
		periods: map[string][]int{}, Seq: seq.Add(1)}
	for i := 0; i < len(vals); {
		j := i
		for j < len(vals) && vals[j].KPI == vals[i].KPI && vals[j].Municipality == vals[i].Municipality {
			j++
		}
		kpi := vals[i].KPI
		if s.byKPIArea[kpi] == nil {
			s.byKPIArea[kpi] = map[string][2]int{}
			s.byKPI[kpi] = [2]int{i, i}
			s.kpis = append(s.kpis, kpi)
		}
		s.byKPIArea[kpi][vals[i].Municipality] = [2]int{i, j}
		r := s.byKPI[kpi]
		s.byKPI[kpi] = [2]int{r[0], j}
		i = j
	}
	for _, kpi := range s.kpis {
		r := s.byKPI[kpi]
		var ps []int
		for _, v := range vals[r[0]:r[1]] {
			ps = append(ps, v.Period)
		}
		slices.Sort(ps)
		ps = slices.Compact(ps)
		slices.Reverse(ps)
		s.periods[kpi] = ps
	}
	return s
}

// KPIComputedAt is when the kpi's cells were last computed (zero when it has
// none, or for snapshots made by FromValues: then ComputedAt).
func (s *Snapshot) KPIComputedAt(kpi string) time.Time {
	if t, ok := s.computed[kpi]; ok {
		return t
	}
	if _, ok := s.byKPI[kpi]; ok {
		return s.ComputedAt
	}
	return time.Time{}
}

// Len is the number of published cells.
func (s *Snapshot) Len() int { return len(s.values) }

// All returns every published cell, in kpi, municipality, period, gender
// order. The slice is shared: do not modify it.
func (s *Snapshot) All() []models.Value { return s.values }

// Query returns the published cells matching f, in kpi, municipality, period,
// gender order. The values are shared: do not modify them.
func (s *Snapshot) Query(f models.Filter) []models.Value {
	kpis := f.KPIs
	if len(kpis) == 0 {
		kpis = s.kpis
	} else {
		kpis = slices.Clone(kpis)
		slices.Sort(kpis)
		kpis = slices.Compact(kpis)
	}
	areas := slices.Clone(f.Municipalities)
	slices.Sort(areas)
	areas = slices.Compact(areas)
	var out []models.Value
	add := func(r [2]int) {
		for _, v := range s.values[r[0]:r[1]] {
			if f.Match(v) {
				out = append(out, v)
			}
		}
	}
	for _, kpi := range kpis {
		if len(areas) == 0 {
			if r, ok := s.byKPI[kpi]; ok {
				add(r)
			}
			continue
		}
		for _, a := range areas {
			if r, ok := s.byKPIArea[kpi][a]; ok {
				add(r)
			}
		}
	}
	return out
}

// Periods returns, per kpi, its latest n periods with cells, newest first.
// The slices are shared: do not modify them.
func (s *Snapshot) Periods(n int) map[string][]int {
	out := make(map[string][]int, len(s.periods))
	for kpi, ps := range s.periods {
		out[kpi] = ps[:min(n, len(ps))]
	}
	return out
}

// Memo returns the value derived from this snapshot under key, computing it
// with f on first use (e.g. the rendered /metrics exposition), once.
func (s *Snapshot) Memo(key string, f func(*Snapshot) any) any {
	e, _ := s.memos.LoadOrStore(key, &memoEntry{})
	m := e.(*memoEntry)
	m.once.Do(func() { m.v = f(s) })
	return m.v
}

// Store holds the current snapshot.
type Store struct{ p atomic.Pointer[Snapshot] }

// Load returns the current snapshot: never nil (Empty before the first).
func (st *Store) Load() *Snapshot {
	if s := st.p.Load(); s != nil {
		return s
	}
	return emptySnap
}

var emptySnap = Empty()

// Swap publishes s.
func (st *Store) Swap(s *Snapshot) { st.p.Store(s) }

// Refresh builds a snapshot from db and publishes it.
func (st *Store) Refresh(ctx context.Context, db *sql.DB, opt Options) (*Snapshot, error) {
	s, err := Build(ctx, db, opt)
	if err != nil {
		return nil, err
	}
	st.Swap(s)
	return s, nil
}

// Cells returns the published cells in package disclosure's terms, with
// whether each is suppressed (for audits). Suppressed cells carry N 0.
func Cells(s *Snapshot) ([]disclosure.Cell, []bool) {
	cells := make([]disclosure.Cell, len(s.values))
	sup := make([]bool, len(s.values))
	for i, v := range s.values {
		cells[i].Key = disclosure.Key{KPI: v.KPI, Area: v.Municipality, Period: v.Period, Gender: v.Gender}
		if v.Denominator != nil {
			cells[i].N = *v.Denominator
		}
		if v.Numerator != nil {
			cells[i].K, cells[i].HasK = *v.Numerator, true
		}
		sup[i] = v.Status == models.StatusSuppressed
	}
	return cells, sup
}
