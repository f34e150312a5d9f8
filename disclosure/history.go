package disclosure

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"strings"
)

// block is an indicator's cells of one period: what a release holds or
// carries whole.
type block struct {
	kpi    string
	period int
}

// graphOf builds the graph of cells with the releases of areas.History
// (withHistory: frozen, as published) and the nestings' difference cells
// (withDiffs: frozen, hidden, virtual), which follow cells in the
// returned cells.
func graphOf(cells []Cell, areas Areas) ([]Cell, *graph) {
	all, held, a := cells, make([]bool, len(cells)), areas
	history := len(areas.History) > 0
	if history {
		all, held, a = withHistory(cells, areas)
	}
	real := len(all)
	all, diffs, a := withDiffs(all, a)
	g := build(all, a)
	g.history = history
	g.frozen, g.held, g.virtual = make([]bool, len(all)), append(held, make([]bool, len(all)-real)...), make([]bool, len(all))
	for i := len(cells); i < len(all); i++ {
		g.frozen[i] = true
	}
	for i := real; i < len(all); i++ {
		g.held[i], g.virtual[i] = true, true
	}
	for _, d := range diffs {
		terms := []int32{d.sup, d.cell}
		if d.sub >= 0 {
			terms = append(terms, d.sub)
		}
		r := int32(len(g.rels))
		g.addRel(diffRule, terms, false)
		g.quantity[r] = int8(d.of)
		si := g.sliceOf[d.sup]
		g.slices[si].rels = append(g.slices[si].rels, r)
	}
	if history {
		g.hiddenBefore = make([]bool, len(all))
		latest := versionsAt(areas.History, len(areas.History)-1)
		for i, c := range cells {
			g.hiddenBefore[i] = latest[Block{c.KPI, c.Period}][c.Key].hidden
		}
	}
	return all, g
}

// consistent reports whether indicator sub has a cell for every aggregate
// of the block sup (Super's cells of a period) whose members have one (a
// cell that does not exist is a known zero, and the computed tables have
// an aggregate's cell whenever a member has one): else its sums, and so
// the differences', are not known (tables made by hand).
func consistent(cells []Cell, at map[Key]int32, sub string, sup []int32, members map[string][]string) bool {
	for _, j := range sup {
		c := cells[j]
		ms := members[c.Area]
		if ms == nil {
			continue // a municipality
		}
		if _, ok := at[Key{sub, c.Area, c.Period, c.Gender}]; ok {
			continue
		}
		for _, m := range ms {
			if _, ok := at[Key{sub, m, c.Period, c.Gender}]; ok {
				return false
			}
		}
	}
	return true
}

// diffPrefix begins the indicator names of difference cells.
const diffPrefix = "Δ"

// diffRule names the relation of a nesting's larger cell, its smaller one
// and their difference.
const diffRule = "nested cell = smaller cell + difference (≥ 0)"

// diffCell is a difference cell: quantity of of cell sup less that of
// cell sub (-1: none, a known zero).
type diffCell struct {
	cell, sup, sub int32
	of             Quantity
}

// withDiffs returns cells followed by the difference cells of the
// nestings of areas.Nested (catalogue and over time): for each period a
// nesting Sub ⊂ Super holds in (all pairs of cells satisfy it where
// IfHolds), a cell per cell of Super holding Super's quantity less Sub's,
// an indicator of its own ("ΔSuper−Sub/q") with the geography's sums. A
// reader knows each difference is at least 0 and that the differences
// add up like the cells: with them propagation bounds sums of hidden
// cells through a nesting (EF102's hidden members of G0001 hold at least
// 15, so EF101's do; the re-test's F1) and over time (the cells outside
// G0002 that did not grow in total each kept their value; F2), which
// bounding cells one by one misses.
func withDiffs(cells []Cell, areas Areas) ([]Cell, []diffCell, Areas) {
	if len(areas.Nested) == 0 {
		return cells, nil, areas
	}
	type blockKey struct {
		kpi    string
		period int
	}
	blocks := map[blockKey][]int32{}
	at := map[Key]int32{}
	var order []blockKey
	for i, c := range cells {
		b := blockKey{c.KPI, c.Period}
		if blocks[b] == nil {
			order = append(order, b)
		}
		blocks[b] = append(blocks[b], int32(i))
		at[c.Key] = int32(i)
	}
	byKPI := map[string][]blockKey{}
	for _, b := range order {
		byKPI[b.kpi] = append(byKPI[b.kpi], b)
	}
	members := map[string][]string{} // aggregate -> its municipalities
	for _, ag := range aggregates(areas.Groups) {
		if ag.sub == "" && members[ag.id] == nil {
			members[ag.id] = ag.terms
		}
	}
	all := slices.Clip(cells)
	var diffs []diffCell
	superOf := map[string]string{}
	letter := [...]string{Count: "n", Outcomes: "k", Rest: "f"}
	for _, ns := range areas.Nested {
		name := diffPrefix + ns.Super + "−" + ns.Sub + "/" + letter[ns.Of]
		for _, b := range byKPI[ns.Super] {
			if ns.Period != 0 && b.period != ns.Period {
				continue
			}
			subs := blocks[blockKey{ns.Sub, b.period}]
			if len(subs) == 0 {
				continue
			}
			ok, equal := true, ns.Of == Count && len(subs) == len(blocks[b])
			for _, i := range subs {
				c := cells[i]
				j, has := at[Key{ns.Super, c.Area, c.Period, c.Gender}]
				if !has || ns.IfHolds && !holds(c, cells[j], ns.Of) {
					ok = false
					break
				}
				equal = equal && c.N == cells[j].N
			}
			if !ok || equal || !consistent(cells, at, ns.Sub, blocks[b], members) {
				continue // no link, tied, or Sub's cells do not add up as counted
			}
			superOf[name] = ns.Super
			areas.join = append(areas.join, [2]string{ns.Super, name})
			for _, j := range blocks[b] {
				c := cells[j]
				sub := int32(-1)
				d := Cell{Key: Key{name, c.Area, c.Period, c.Gender}, N: c.N}
				if i, has := at[Key{ns.Sub, c.Area, c.Period, c.Gender}]; has {
					sub = i
					d.N = c.N - cells[i].N
				}
				diffs = append(diffs, diffCell{cell: int32(len(all)), sup: j, sub: sub, of: ns.Of})
				all = append(all, d)
			}
		}
	}
	if len(diffs) == 0 {
		return cells, nil, areas
	}
	byGender := areas.ByGender
	areas.ByGender = func(kpi string) bool {
		if s, ok := superOf[kpi]; ok {
			kpi = s
		}
		if byGender == nil {
			return true // the Super's cells decide: it has K and M cells or none
		}
		return byGender(kpi)
	}
	return all, diffs, areas
}

// withHistory returns cells followed by every block version of
// areas.History (each release's blocks, their indicators suffixed "@" and
// the release's name), which of all are hidden as published, and areas
// with what a reader of every release knows besides each release's own
// relations, as nestings limited to one period:
//   - over time: each block's versions in as_of order (the publication
//     order among equal dates), each version's n, k and n − k at most the
//     next one's where the values satisfy it (IfHolds: a correction that
//     shrank a cell gives a reader a false assumption, not a link), both
//     ways between equal dates (the same reference date, the same cohort);
//     a period whose counts are equal in every cell is tied (build);
//   - within each release: the catalogue's nestings (areas.Nested) between
//     the versions it published, and its indicators with the same cohort
//     (the same cells and counts in a period, EF101 and EF104) tied.
//
// A block a release does not hold is the version before it (by
// publication), so versions that did not change are one set of unknowns:
// the graph grows with what changed, not with the number of releases.
func withHistory(cells []Cell, areas Areas) ([]Cell, []bool, Areas) {
	hist := areas.History
	all := slices.Clone(cells)
	held := make([]bool, len(cells), len(cells)+len(hist)*64)
	// present[p] is, per block, the indicator name of its version in
	// release p (len(hist): these cells)
	present := make([]map[block]string, len(hist)+1)
	at := map[string]map[int][]int32{} // version name -> period -> cells
	add := func(name string, period int, i int) {
		m := at[name]
		if m == nil {
			m = map[int][]int32{}
			at[name] = m
		}
		m[period] = append(m[period], int32(i))
	}
	cur := map[block]string{}
	used := map[string]bool{}
	for p, r := range hist {
		name := r.Name
		if name == "" || used[name] {
			name = fmt.Sprintf("%s#%d", name, p+1)
		}
		used[name] = true
		for j, c := range r.Cells {
			b := block{c.KPI, c.Period}
			c.KPI += "@" + name
			cur[b] = c.KPI
			add(c.KPI, c.Period, len(all))
			all = append(all, c)
			held = append(held, r.Suppressed[j])
		}
		present[p] = maps.Clone(cur)
	}
	now := map[block]string{}
	for i, c := range cells {
		now[block{c.KPI, c.Period}] = c.KPI
		add(c.KPI, c.Period, i)
	}
	present[len(hist)] = now

	asOf := func(p int) string {
		if p == len(hist) {
			if areas.AsOf == "" {
				return "\xff"
			}
			return areas.AsOf
		}
		return hist[p].AsOf
	}
	order := make([]int, len(present))
	for p := range order {
		order[p] = p
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(asOf(a), asOf(b)) })

	type pair struct {
		sub, sup string
		of       Quantity
		period   int
	}
	seen := map[pair]bool{}
	var nested []Nesting
	link := func(sub, sup string, of Quantity, period int, ifHolds bool) {
		k := pair{sub, sup, of, period}
		if sub == sup || seen[k] {
			return
		}
		seen[k] = true
		nested = append(nested, Nesting{Sub: sub, Super: sup, Of: of, Period: period, IfHolds: ifHolds})
	}
	// over time
	blocks := map[block]bool{}
	for _, m := range present {
		for b := range m {
			blocks[b] = true
		}
	}
	sorted := slices.SortedFunc(maps.Keys(blocks), func(a, b block) int {
		return cmp.Or(cmp.Compare(a.kpi, b.kpi), cmp.Compare(a.period, b.period))
	})
	for _, b := range sorted {
		// every earlier version to every later one: a reader compares any
		// two releases, and the differences of two versions apart hold
		// what the chain of consecutive ones spreads over hidden versions
		// between them (a total that grew by 1 from 08-01 to 11-15 bounds
		// every member's growth by 1, whatever 09-01 and 10-01 hid)
		type seen struct{ v, at string }
		var before []seen
		for _, p := range order {
			v, ok := present[p][b]
			if !ok || len(before) > 0 && before[len(before)-1].v == v {
				continue
			}
			for _, e := range before {
				if e.v == v {
					continue
				}
				for _, q := range []Quantity{Count, Outcomes, Rest} {
					link(e.v, v, q, b.period, true)
					if asOf(p) == e.at {
						link(v, e.v, q, b.period, true)
					}
				}
			}
			before = append(before, seen{v, asOf(p)})
		}
	}
	// within each release: the catalogue's nestings between its versions
	// (these cells' own are areas.Nested as they are) and the same
	// cohorts
	sig := map[block]uint64{}
	signature := func(name string, period int) uint64 {
		b := block{name, period}
		if s, ok := sig[b]; ok {
			return s
		}
		keys := make([]string, 0, len(at[name][period]))
		for _, i := range at[name][period] {
			c := all[i]
			keys = append(keys, fmt.Sprintf("%s/%s/%d", c.Area, c.Gender, c.N))
		}
		slices.Sort(keys)
		h := fnv.New64a()
		for _, k := range keys {
			h.Write([]byte(k))
			h.Write([]byte{0})
		}
		sig[b] = h.Sum64()
		return sig[b]
	}
	for p, m := range present {
		for _, b := range sorted {
			v, ok := m[b]
			if !ok {
				continue
			}
			for _, ns := range areas.Nested {
				if ns.Sub != b.kpi || ns.Period != 0 && ns.Period != b.period {
					continue
				}
				w, ok := m[block{ns.Super, b.period}]
				if !ok || p == len(hist) {
					continue // these cells': areas.Nested as it is
				}
				link(v, w, ns.Of, b.period, ns.IfHolds)
			}
		}
		if p == len(hist) {
			continue // sameCohorts ties these cells' own
		}
		first := map[[2]uint64]string{}
		for _, b := range sorted {
			v, ok := m[b]
			if !ok {
				continue
			}
			k := [2]uint64{uint64(b.period), signature(v, b.period)}
			if f, ok := first[k]; ok {
				link(f, v, Count, b.period, true)
			} else {
				first[k] = v
			}
		}
	}
	areas.Nested = append(slices.Clone(areas.Nested), nested...)
	areas.History = nil
	if byGender := areas.ByGender; byGender != nil {
		areas.ByGender = func(kpi string) bool {
			base, _, _ := strings.Cut(kpi, "@")
			return byGender(base)
		}
	}
	return all, held, areas
}

// Block names an indicator's cells of one period.
type Block struct {
	KPI    string
	Period int
}

// version is one cell as a release published it.
type version struct {
	c      Cell
	hidden bool
}

// versionsAt is, per block, its cells as release upTo of hist published
// them: from the last release up to it (in publication order) that holds
// the block.
func versionsAt(hist []Release, upTo int) map[Block]map[Key]version {
	at := map[Block]map[Key]version{}
	for _, r := range hist[:upTo+1] {
		fresh := map[Block]map[Key]version{}
		for i, c := range r.Cells {
			b := Block{c.KPI, c.Period}
			m := fresh[b]
			if m == nil {
				m = map[Key]version{}
				fresh[b] = m
			}
			m[c.Key] = version{c, r.Suppressed[i]}
		}
		maps.Copy(at, fresh)
	}
	return at
}

// ChangedBlocks lists the blocks of cells, with their pattern hidden, that
// differ from their latest version in hist (what a release added after
// hist holds): a cell more or fewer, another count or numerator, or
// hidden otherwise; in KPI and period order.
func ChangedBlocks(hist []Release, cells []Cell, hidden []bool) []Block {
	latest := map[Block]map[Key]version{}
	if len(hist) > 0 {
		latest = versionsAt(hist, len(hist)-1)
	}
	now := map[Block]map[Key]version{}
	for i, c := range cells {
		b := Block{c.KPI, c.Period}
		m := now[b]
		if m == nil {
			m = map[Key]version{}
			now[b] = m
		}
		m[c.Key] = version{c, hidden[i]}
	}
	var out []Block
	for b, m := range now {
		if !maps.Equal(m, latest[b]) {
			out = append(out, b)
		}
	}
	slices.SortFunc(out, func(a, b Block) int { return cmp.Or(cmp.Compare(a.KPI, b.KPI), cmp.Compare(a.Period, b.Period)) })
	return out
}

// settled finds the periods of cells that are as the release before them
// published them: areas.AsOf is not before any release of areas.History,
// and in the period every block's cells and values are those of the last
// release's (the last by as_of, then by publication), which hid every
// cell below min_n. Publishing such a period with that release's pattern
// again tells a reader nothing new, and periods share no relation,
// nesting or link (each is its own part of the graph), so Suppress takes
// their pattern from that release and leaves them and their history out:
// the graph holds the periods that changed (the open ones), not every
// period of every release. It returns, index for index, whether a cell is
// settled and then whether it is hidden.
func settled(cells []Cell, minN int, areas Areas) (settle, hidden []bool) {
	hist := areas.History
	last := -1
	for p, r := range hist {
		if areas.AsOf != "" && r.AsOf > areas.AsOf {
			return nil, nil // a release of a later date: every period counts
		}
		if last < 0 || r.AsOf >= hist[last].AsOf {
			last = p
		}
	}
	if last < 0 {
		return nil, nil
	}
	before := versionsAt(hist, last)
	// a release after last (by publication, of the same or an earlier
	// date) may hold a version last does not: a period with such a block
	// is not settled
	later := map[int]bool{}
	for _, r := range hist[last+1:] {
		for _, c := range r.Cells {
			later[c.Period] = true
		}
	}
	changed := map[int]bool{}
	seen := map[Block]int{}
	for _, c := range cells {
		b := Block{c.KPI, c.Period}
		seen[b]++
		v, ok := before[b][c.Key]
		if !ok || v.c != c || c.N < int64(minN) && !v.hidden || later[c.Period] {
			changed[c.Period] = true
		}
	}
	for b, m := range before {
		if seen[b] != len(m) {
			changed[b.Period] = true // a cell or block went
		}
	}
	settle, hidden = make([]bool, len(cells)), make([]bool, len(cells))
	for i, c := range cells {
		if !changed[c.Period] {
			settle[i], hidden[i] = true, before[Block{c.KPI, c.Period}][c.Key].hidden
		}
	}
	return settle, hidden
}

// withoutSettled is cells and areas.History without the settled cells'
// periods, and the index in cells of each cell kept.
func withoutSettled(cells []Cell, settle []bool, areas Areas) ([]Cell, []int, Areas) {
	open := map[int]bool{}
	var keep []Cell
	var at []int
	for i, c := range cells {
		if !settle[i] {
			open[c.Period] = true
			keep = append(keep, c)
			at = append(at, i)
		}
	}
	hist := make([]Release, 0, len(areas.History))
	for _, r := range areas.History {
		k := Release{Name: r.Name, AsOf: r.AsOf}
		for j, c := range r.Cells {
			if open[c.Period] {
				k.Cells = append(k.Cells, c)
				k.Suppressed = append(k.Suppressed, r.Suppressed[j])
			}
		}
		hist = append(hist, k)
	}
	areas.History = hist
	return keep, at, areas
}
