package disclosure

import (
	"math"
	"slices"
)

// Interval protection. A published table gives a reader more than its
// equations: a suppressed cell's row is published, so its cohort count is
// at least 1 (a cell without a cohort has no row: a known zero), every
// count is whole and at least 0, and a numerator lies between 0 and its
// cohort count. With those bounds a suppressed cell can be pinned although
// every relation holding it has two or more suppressed terms (seven
// suppressed municipalities whose county has 7 persons hold one each; a
// group's women with 1 success among its suppressed members, and the same
// for its men, pin a member's K and M once its T is published: seen on the
// demo data, 2026-12-02). bounds narrows every cell's interval by the
// relations until nothing changes (interval constraint propagation, as a
// reader would do it by hand); Suppress then hides further cells until no
// suppressed cell's count or numerator is pinned to one value, and Audit
// reports the pinned ones. Propagation gives intervals at least as wide as
// a linear program would, so it finds what a reader finds by propagation,
// not necessarily all a solver could find.

// span is a closed interval of a cell's value; hi may be +Inf.
type span struct{ lo, hi float64 }

func (s span) pinned() bool { return s.hi-s.lo < 1 }

// maxPasses bounds the work of one propagation: as many examinations of
// relations and links as maxPasses passes over all of them (bounds only
// ever narrow, so stopping early leaves valid, wider intervals).
const maxPasses = 64

// propagate narrows v (one interval per cell) by the relations and links
// of slice sl until no bound moves: the total lies between the sums of its
// terms' bounds, and each term between the total's bounds less the other
// terms' sums (whole numbers: rounded inwards).
//
// The links of quantity q narrow too (sub ≤ sup: sub's upper bound is at
// most sup's, sup's lower bound at least sub's), and a relation that ties
// counts only is left out of the numerators' and rests' propagation. It
// reports whether any bound moved.
//
// Each relation and link is examined once, and again whenever a bound of
// one of its cells moved (a work list): a slice of many releases (every
// version of a period's blocks, linked in time) needed up to 64 passes
// over all of its relations, most of which moved nothing.
//
// With seed it starts from the relations and links of the cells in seed
// only (v is a fixpoint but for their bounds), else from all.
//
// With frozenOnly it uses only the relations and links among frozen cells.
func propagate(g *graph, v []span, sl *sliceRels, q Quantity, seed []int32, frozenOnly bool) bool {
	adj := sl.adjacency(g)
	nr := len(sl.rels)
	use := func(item int32) bool {
		if frozenOnly && sl.mixed[item] {
			return false
		}
		if int(item) < nr {
			return g.holdsFor(sl.rels[item], q)
		}
		return sl.links[int(item)-nr].of == q
	}
	queued := make([]bool, nr+len(sl.links))
	var queue []int32
	if seed == nil {
		queue = make([]int32, 0, len(queued))
		for item := range queued {
			if use(int32(item)) {
				queued[item] = true
				queue = append(queue, int32(item))
			}
		}
	} else {
		for _, i := range seed {
			for _, item := range adj[g.localOf[i]] {
				if !queued[item] && use(item) {
					queued[item] = true
					queue = append(queue, item)
				}
			}
		}
	}
	any := false
	narrow := func(i int32, lo, hi float64) {
		moved := false
		if lo > v[i].lo {
			v[i].lo, moved = lo, true
		}
		if hi < v[i].hi {
			v[i].hi, moved = hi, true
		}
		if !moved {
			return
		}
		any = true
		for _, item := range adj[g.localOf[i]] {
			if !queued[item] && use(item) {
				queued[item] = true
				queue = append(queue, item)
			}
		}
	}
	for budget := maxPasses * max(len(queue), 1); len(queue) > 0 && budget > 0; budget-- {
		item := queue[0]
		queue = queue[1:]
		queued[item] = false
		if int(item) >= nr {
			l := sl.links[int(item)-nr]
			narrow(l.sub, v[l.sub].lo, v[l.sup].hi)
			narrow(l.sup, v[l.sub].lo, v[l.sup].hi)
			continue
		}
		terms := g.rels[sl.rels[item]]
		t := terms[0]
		// the terms' sums, the upper one as a finite part and the
		// number of unbounded terms
		var slo, shi float64
		unbounded := 0
		for _, i := range terms[1:] {
			slo += v[i].lo
			if math.IsInf(v[i].hi, 1) {
				unbounded++
			} else {
				shi += v[i].hi
			}
		}
		tlo, thi := v[t].lo, v[t].hi
		if unbounded == 0 {
			narrow(t, slo, shi)
		} else {
			narrow(t, slo, math.Inf(1))
		}
		for _, i := range terms[1:] {
			olo := slo - v[i].lo
			ohi := math.Inf(1)
			switch {
			case unbounded == 0:
				ohi = shi - v[i].hi
			case unbounded == 1 && math.IsInf(v[i].hi, 1):
				ohi = shi
			}
			narrow(i, math.Ceil(tlo-ohi-1e-9), math.Floor(thi-olo+1e-9))
		}
	}
	return any
}

// adjacency is, per cell of the slice (by its place in sl.cells, localOf),
// the relations (their place in sl.rels) and links (len(sl.rels) plus
// their place in sl.links) that hold it; built once, with sl.mixed (the
// relations and links that hold a cell not frozen).
func (sl *sliceRels) adjacency(g *graph) [][]int32 {
	if sl.adj != nil {
		return sl.adj
	}
	adj := make([][]int32, len(sl.cells))
	sl.mixed = make([]bool, len(sl.rels)+len(sl.links))
	for item, r := range sl.rels {
		for _, i := range g.rels[r] {
			adj[g.localOf[i]] = append(adj[g.localOf[i]], int32(item))
			sl.mixed[item] = sl.mixed[item] || !g.isFrozen(i)
		}
	}
	for j, l := range sl.links {
		item := int32(len(sl.rels) + j)
		adj[g.localOf[l.sub]] = append(adj[g.localOf[l.sub]], item)
		adj[g.localOf[l.sup]] = append(adj[g.localOf[l.sup]], item)
		sl.mixed[item] = !g.isFrozen(l.sub) || !g.isFrozen(l.sup)
	}
	sl.adj = adj
	return adj
}

// pinnedCells returns the suppressed cells that the published cells and
// the bounds give away (bounds.pinnedIn), in index order.
//
// Without elimination it reports what propagation pins alone.
func pinnedCells(g *graph, cells []Cell, suppressed []bool, lv level, elimination bool) []int32 {
	b := newBounds(g, cells, lv)
	b.noElim = !elimination
	var out []int32
	for si := range g.slices {
		out = append(out, b.pinnedIn(suppressed, si)...)
	}
	slices.Sort(out)
	return out
}

// bounds holds the intervals of every cell, computed slice by slice: the
// count n, the numerator k and the rest f = n − k.
type bounds struct {
	g          *graph
	cells      []Cell
	numerators bool            // look at the numerators too
	zeros      bool            // and at numerators and rests pinned to 0
	noElim     bool            // propagation only
	withK      map[string]bool // indicators with numerators
	n, k, f    []span
}

// level is what pinnedIn looks at: counts, then numerators and rests
// pinned above 0, then those pinned to 0 too (protect takes them in that
// order: what it hides for one level mostly frees the next).
type level int

const (
	counts level = iota
	numerators
	zeros
)

func newBounds(g *graph, cells []Cell, lv level) *bounds {
	b := &bounds{g: g, cells: cells, numerators: lv >= numerators, zeros: lv >= zeros, withK: map[string]bool{},
		n: make([]span, len(cells)), k: make([]span, len(cells)), f: make([]span, len(cells))}
	// a suppressed cell's numerator is not published, so its HasK may be
	// false (read from an export): its indicator has numerators when any
	// of its cells has one
	for _, c := range cells {
		if c.HasK {
			b.withK[c.KPI] = true
		}
	}
	return b
}

// maxCouplings bounds the rounds of narrowing n, k and f against each
// other (n = k + f) and propagating each again.
const maxCouplings = 8

// pinnedIn propagates the bounds of slice si (an indicator and period, or
// nested indicators and a period) and returns what gives a suppressed cell
// away: its count pinned to one value; with
// numerators, its numerator or its rest (n − k) pinned to a value above
// 0, or to 0 where the count is known to be below min_n and no published
// cell holding it says 0 of the same quantity (unexplainedZero). A
// published "0 of 9" says of each of its parts that none had the
// outcome, and "9 of 9" that all had: what publishing the cell says
// anyway; but "all of the 9 persons the group's suppressed members hold
// had it", derived by subtraction, says of Salem's 1–2 men that all had
// it (seen 2026-12-02: 56 cells of the demo). A suppressed cell that may
// hold min_n or more is left alone at 0, as a published cell of that
// size would say it (applied to every cell, the rule hid 2 500 more
// cells nationally, 75 % more).
func (b *bounds) pinnedIn(suppressed []bool, si int) []int32 {
	sl := &b.g.slices[si]
	withK := false
	for _, i := range sl.cells {
		withK = withK || suppressed[i] && b.numerators && b.withK[b.cells[i].KPI]
	}
	// an earlier release's cells (frozen) start from the fixpoint of the
	// relations and links among them alone, which no hiding changes: the
	// propagation starts from the cells that are not frozen
	var seed []int32
	if b.g.frozen != nil {
		h := b.g.frozenFixpoint(b, suppressed, si, withK)
		for j, i := range sl.cells {
			if b.g.isFrozen(i) {
				b.n[i], b.k[i], b.f[i] = h.n[j], h.k[j], h.f[j]
			} else {
				b.start(suppressed, i)
				seed = append(seed, i)
			}
		}
		if len(seed) == 0 {
			seed = []int32{} // nothing moves
		}
	} else {
		for _, i := range sl.cells {
			b.start(suppressed, i)
		}
	}
	b.fixpoint(suppressed, sl, withK, seed, false)
	var out []int32
	for _, i := range sl.cells {
		if !suppressed[i] || b.g.isVirtual(i) {
			continue
		}
		if b.n[i].pinned() {
			out = append(out, i)
			continue
		}
		if !withK || !b.withK[b.cells[i].KPI] {
			continue
		}
		small := b.zeros && (b.g.minN == 0 || b.n[i].hi < float64(b.g.minN))
		if b.k[i].pinned() && (b.k[i].lo > 0 || small && b.unexplainedZero(suppressed, i, Outcomes)) ||
			b.f[i].pinned() && (b.f[i].lo > 0 || small && b.unexplainedZero(suppressed, i, Rest)) {
			out = append(out, i)
		}
	}
	if len(out) == 0 && !b.noElim {
		// what propagation leaves, elimination may still solve
		out = determined(b.g, suppressed, si)
	}
	return out
}

// start sets cell i's intervals to what its publication says: a
// suppressed cell's count at least 1, its numerator and rest at least 0;
// a published one's count, and its numerator and rest when it has one
// (else between 0 and the count).
func (b *bounds) start(suppressed []bool, i int32) {
	inf := math.Inf(1)
	c := b.cells[i]
	if b.g.isVirtual(i) {
		b.n[i], b.k[i], b.f[i] = span{0, inf}, span{0, inf}, span{0, inf}
		return
	}
	if suppressed[i] {
		b.n[i], b.k[i], b.f[i] = span{1, inf}, span{0, inf}, span{0, inf}
		return
	}
	b.n[i] = span{float64(c.N), float64(c.N)}
	b.k[i], b.f[i] = span{0, float64(c.N)}, span{0, float64(c.N)}
	if c.HasK {
		b.k[i] = span{float64(c.K), float64(c.K)}
		b.f[i] = span{float64(c.N - c.K), float64(c.N - c.K)}
	}
}

// fixpoint propagates the intervals of slice sl: the counts, and with
// withK the numerators and rests coupled by n = k + f. seed is as
// propagate's; frozenOnly likewise.
func (b *bounds) fixpoint(suppressed []bool, sl *sliceRels, withK bool, seed []int32, frozenOnly bool) {
	propagate(b.g, b.n, sl, Count, seed, frozenOnly)
	if !withK {
		return
	}
	// n = k + f narrows each of the three from the other two; then each
	// is propagated again from the cells where it moved
	propagate(b.g, b.k, sl, Outcomes, seed, frozenOnly)
	propagate(b.g, b.f, sl, Rest, seed, frozenOnly)
	var kMoved, fMoved, nMoved []int32
	for round := 0; round < maxCouplings; round++ {
		kMoved, fMoved, nMoved = kMoved[:0], fMoved[:0], nMoved[:0]
		for _, i := range sl.cells {
			if !suppressed[i] || !b.withK[b.cells[i].KPI] || frozenOnly && !b.g.isFrozen(i) {
				continue
			}
			n, k, f := b.n[i], b.k[i], b.f[i]
			k = span{math.Max(k.lo, n.lo-f.hi), math.Min(k.hi, n.hi-f.lo)}
			f = span{math.Max(f.lo, n.lo-k.hi), math.Min(f.hi, n.hi-k.lo)}
			n = span{math.Max(n.lo, k.lo+f.lo), math.Min(n.hi, k.hi+f.hi)}
			if k != b.k[i] {
				kMoved = append(kMoved, i)
			}
			if f != b.f[i] {
				fMoved = append(fMoved, i)
			}
			if n != b.n[i] {
				nMoved = append(nMoved, i)
			}
			b.n[i], b.k[i], b.f[i] = n, k, f
		}
		if len(kMoved)+len(fMoved)+len(nMoved) == 0 {
			return
		}
		if len(kMoved) > 0 {
			propagate(b.g, b.k, sl, Outcomes, kMoved, frozenOnly)
		}
		if len(fMoved) > 0 {
			propagate(b.g, b.f, sl, Rest, fMoved, frozenOnly)
		}
		if len(nMoved) > 0 {
			propagate(b.g, b.n, sl, Count, nMoved, frozenOnly)
		}
	}
}

// frozenIntervals are the intervals of a slice's cells (by place in its
// cells) at the fixpoint of the relations and links among its frozen
// cells alone.
type frozenIntervals struct{ n, k, f []span }

// frozenFixpoint is slice si's frozenIntervals, with the numerators and
// rests (withK) or the counts only; computed once per slice and kind (the
// frozen cells' status never changes).
func (g *graph) frozenFixpoint(b *bounds, suppressed []bool, si int, withK bool) frozenIntervals {
	key := [2]int{si, 0}
	if withK {
		key[1] = 1
	}
	if h, ok := g.frozenAt[key]; ok {
		return h
	}
	sl := &g.slices[si]
	var seed []int32
	for _, i := range sl.cells {
		b.start(suppressed, i)
		if g.isFrozen(i) {
			seed = append(seed, i)
		}
	}
	b.fixpoint(suppressed, sl, withK, seed, true)
	h := frozenIntervals{make([]span, len(sl.cells)), make([]span, len(sl.cells)), make([]span, len(sl.cells))}
	for j, i := range sl.cells {
		h.n[j], h.k[j], h.f[j] = b.n[i], b.k[i], b.f[i]
	}
	if g.frozenAt == nil {
		g.frozenAt = map[[2]int]frozenIntervals{}
	}
	g.frozenAt[key] = h
	return h
}

// unexplainedZero reports whether no published cell that holds suppressed
// cell c (the total of a relation c is a term of, or of one whose
// suppressed total holds c, and so on up; a nesting's larger cell) has
// quantity q 0: then c's q pinned to 0 was derived, not published.
func (b *bounds) unexplainedZero(suppressed []bool, c int32, q Quantity) bool {
	zero := func(i int32) bool {
		cl := b.cells[i]
		if !cl.HasK {
			return false
		}
		if q == Outcomes {
			return cl.K == 0
		}
		return cl.N == cl.K
	}
	seen := map[int32]bool{c: true}
	queue := []int32{c}
	sl := b.g.slices[b.g.sliceOf[c]]
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		var up []int32
		for _, r := range b.g.of[i] {
			if t := b.g.rels[r][0]; t != i && !b.g.countOnly[r] && b.g.holdsFor(r, q) {
				up = append(up, t)
			}
		}
		for _, l := range sl.links {
			if l.sub == i && l.of == q {
				up = append(up, l.sup)
			}
		}
		for _, t := range up {
			if seen[t] {
				continue
			}
			seen[t] = true
			if !suppressed[t] {
				if zero(t) {
					return false
				}
				continue
			}
			queue = append(queue, t)
		}
	}
	return true
}

// protect suppresses further cells (through hide) until no suppressed
// cell is pinned (pinnedCells): for a pinned cell, the smallest published
// term (ties in key order) of the relations reachable from it through
// relations whose terms are all suppressed, nearest first. It returns how
// many it suppressed, and calls single after each round (the one-term
// relations the new cells leave must be closed too). hidden collects the
// cells hide hid since it was last emptied, so that each round computes
// again only the slices that changed.
//
// The counts come first: a numerator pinned while counts are still pinned
// is mostly freed by hiding for the counts. On the national sample
// (105 342 cells of the 11 indicators, 10 273 suppressed before) the
// counts pinned 45 suppressed cells and the numerators 30 more; protecting
// both at once, smallest cohort first, hid 24 653 cells, the counts first
// 16 067, the counts first with the pinned cell's own area preferred
// (better) 10 955, in 0.28 s.
func protect(g *graph, cells []Cell, suppressed []bool, hide func(int32), single func() int, hidden *[]int32) int {
	added := 0
	for _, lv := range []level{counts, numerators, zeros} {
		b := newBounds(g, cells, lv)
		// every slice for the counts; for the numerators the slices that
		// have any (the others' counts were settled by the counts' level,
		// and only what is hidden later moves them)
		dirty := make([]bool, len(g.slices))
		for si, sl := range g.slices {
			dirty[si] = lv == counts || slices.ContainsFunc(sl.cells, func(i int32) bool { return b.withK[cells[i].KPI] })
		}
		for {
			if g.stopped() {
				return added
			}
			var pinned []int32
			for si, d := range dirty {
				if d {
					pinned = append(pinned, b.pinnedIn(suppressed, si)...)
				}
			}
			pinned = slices.DeleteFunc(pinned, func(i int32) bool { return g.lost[i] })
			if len(pinned) == 0 {
				break
			}
			// in key order, so that the result does not depend on the
			// input's; first the cells a nesting links to a published cell
			// (EF101's linked to EF102's): hiding that cell of their own
			// area frees them and often the others
			linkedPublished := func(c int32) bool {
				return slices.ContainsFunc(g.linked[c], func(j int32) bool { return !suppressed[j] })
			}
			slices.SortFunc(pinned, func(a, b int32) int {
				la, lb := linkedPublished(a), linkedPublished(b)
				if la != lb {
					if la {
						return -1
					}
					return 1
				}
				return cells[a].Key.less(cells[b].Key)
			})
			// a pinned cell next to one hidden this round may be free now:
			// the next round tells
			touched := map[int32]bool{}
			*hidden = (*hidden)[:0]
			for _, c := range pinned {
				if slices.ContainsFunc(g.of[c], func(r int32) bool { return touched[r] }) {
					continue
				}
				if best := nearestPublished(g, cells, suppressed, c); best >= 0 {
					hide(best)
					added++
					// the relations of the cell hidden and of the pinned
					// one (a nesting's cell has none of the latter's)
					for _, r := range g.of[best] {
						touched[r] = true
					}
					for _, r := range g.of[c] {
						touched[r] = true
					}
				}
			}
			if len(*hidden) == 0 {
				break // nothing left to hide them behind
			}
			added += single()
			clear(dirty)
			for _, i := range *hidden {
				dirty[g.sliceOf[i]] = true
			}
		}
	}
	return added
}

// better reports whether candidate j is a better cell to hide for the
// pinned cell c than candidate b: a cell the release before hid first
// (g.hiddenBefore), then a cell of c's own area (its T: hiding a
// municipality's total for its K and M spreads less than hiding another
// municipality, whose own relations then need more), then the smaller
// cohort, then key order.
func (g *graph) better(cells []Cell, c, j, b int32) bool {
	if g.hiddenBefore != nil && g.hiddenBefore[j] != g.hiddenBefore[b] {
		return g.hiddenBefore[j]
	}
	ja, ba := cells[j].Area == cells[c].Area, cells[b].Area == cells[c].Area
	if ja != ba {
		return ja
	}
	return smaller(cells, j, b)
}

// smaller reports whether cell j comes before cell b in the order
// complementary cells are chosen in: the smaller cohort, then key order.
// With the releases before, a cell the release before hid comes first
// (g.smaller).
func (g *graph) smaller(cells []Cell, j, b int32) bool {
	if g.hiddenBefore != nil && g.hiddenBefore[j] != g.hiddenBefore[b] {
		return g.hiddenBefore[j]
	}
	return smaller(cells, j, b)
}

func smaller(cells []Cell, j, b int32) bool {
	if cells[j].N != cells[b].N {
		return cells[j].N < cells[b].N
	}
	return cells[j].Key.less(cells[b].Key) < 0
}

// nearestPublished finds, breadth first from cell c over the relations and
// their suppressed terms, the first relation with a published term and
// returns its smallest published term (ties in key order); -1 when none.
// The cells a nesting links to a cell count as the terms of a relation
// of its own (EF102's cell of the same area beside EF101's).
func nearestPublished(g *graph, cells []Cell, suppressed []bool, c int32) int32 {
	seen := map[int32]bool{c: true}
	seenRel := map[int32]bool{}
	frontier := []int32{c}
	for len(frontier) > 0 {
		var next []int32
		best := int32(-1)
		rels := []int32{}
		for _, i := range frontier {
			for _, r := range g.of[i] {
				if !seenRel[r] {
					seenRel[r] = true
					rels = append(rels, r)
				}
			}
		}
		slices.Sort(rels)
		groups := make([][]int32, 0, len(rels)+len(frontier))
		for _, r := range rels {
			groups = append(groups, g.rels[r])
		}
		for _, i := range frontier {
			if len(g.linked[i]) > 0 {
				groups = append(groups, g.linked[i])
			}
		}
		for _, terms := range groups {
			for _, j := range terms {
				if g.isFrozen(j) && !suppressed[j] || g.lost[j] && !suppressed[j] {
					continue // an earlier release's published cell: it stays
				}
				if suppressed[j] {
					if !seen[j] {
						seen[j] = true
						next = append(next, j)
					}
					continue
				}
				if best < 0 || g.better(cells, c, j, best) {
					best = j
				}
			}
		}
		if best >= 0 {
			return best
		}
		frontier = next
	}
	return -1
}

// determined returns the suppressed cells of slice si that the relations
// alone determine, by linear elimination: a hidden cell is determined when
// its unit vector lies in the row space of the relations' coefficients on
// the hidden cells (total +1, terms −1; the published cells only move the
// right-hand side). Propagation misses such cells where relations overlap
// (groups that overlap counties and each other: seen 2026-12-02 with four
// overlapping groups, 191 cells solved). The elimination is Gauss–Jordan
// in floating point with partial pivoting: coefficients are small
// integers, and a pivot below 1e-9 counts as zero.
//
// The slice's hidden cells are eliminated in parts: the sets of them that
// relations join (union-find), since no relation links two parts (nested
// indicators share a slice but their relations stay apart unless a period
// ties them), and the elimination's cost grows with the cube of a part.
func determined(g *graph, suppressed []bool, si int) []int32 {
	sl := g.slices[si]
	var hidden []int32
	for _, i := range sl.cells {
		if suppressed[i] && !g.isVirtual(i) {
			hidden = append(hidden, i)
		}
	}
	if len(hidden) == 0 {
		return nil
	}
	// the difference cells' relations say nothing as equations that the
	// others do not (and hold for one quantity): left out
	rels := slices.DeleteFunc(slices.Clone(sl.rels), func(r int32) bool { return g.hasVirtual(r) || !g.holdsFor(r, Count) })
	sl.rels = rels
	part := sets[int32]{}
	// the hidden terms of relation r, the first or -1
	firstHidden := func(r int32) int32 {
		for _, i := range g.rels[r] {
			if suppressed[i] {
				return i
			}
		}
		return -1
	}
	for _, r := range sl.rels {
		if first := firstHidden(r); first >= 0 {
			for _, i := range g.rels[r] {
				if suppressed[i] {
					part.union(first, i)
				}
			}
		}
	}
	partRels := map[int32][]int32{}
	for _, r := range sl.rels {
		if first := firstHidden(r); first >= 0 {
			root := part.find(first)
			partRels[root] = append(partRels[root], r)
		}
	}
	parts := map[int32][]int32{}
	var roots []int32
	for _, i := range hidden {
		root := part.find(i)
		if parts[root] == nil {
			roots = append(roots, root)
		}
		parts[root] = append(parts[root], i)
	}
	var out []int32
	for _, root := range roots {
		out = append(out, eliminate(g, parts[root], partRels[root])...)
	}
	slices.Sort(out)
	return out
}

// eliminate returns the cells of hidden (one part of a slice's hidden
// cells) that the relations rels determine (determined).
func eliminate(g *graph, hidden []int32, rels []int32) []int32 {
	// a tie of two hidden cells (same cohort) makes them one unknown:
	// one column for both, and the tie is no row (an earlier release's
	// cells tied to the later ones' would otherwise double the columns,
	// and the elimination's cost grows with their cube)
	isHidden := make(map[int32]bool, len(hidden))
	for _, i := range hidden {
		isHidden[i] = true
	}
	same := sets[int32]{}
	var rest []int32
	for _, r := range rels {
		if t := g.rels[r]; g.countOnly[r] && len(t) == 2 && isHidden[t[0]] && isHidden[t[1]] {
			same.union(t[0], t[1])
			continue
		}
		rest = append(rest, r)
	}
	col := make(map[int32]int, len(hidden))
	var reps []int32 // column c's cell
	for _, i := range hidden {
		root := same.find(i)
		if _, ok := col[root]; !ok {
			col[root] = len(reps)
			reps = append(reps, root)
		}
		col[i] = col[root]
	}
	determinedCols := eliminateColumns(g, col, len(reps), rest)
	var out []int32
	for _, i := range hidden {
		if determinedCols[col[i]] {
			out = append(out, i)
		}
	}
	return out
}

// eliminateColumns runs Gauss–Jordan over the relations rels on n unknowns
// (col: a hidden cell's column) and reports which columns are determined.
func eliminateColumns(g *graph, col map[int32]int, n int, rels []int32) []bool {
	var rows [][]float64
	for _, r := range rels {
		var row []float64
		for j, i := range g.rels[r] {
			c, ok := col[i]
			if !ok {
				continue
			}
			if row == nil {
				row = make([]float64, n)
			}
			if j == 0 {
				row[c] += 1
			} else {
				row[c] -= 1
			}
		}
		if row != nil {
			rows = append(rows, row)
		}
	}
	// Gauss–Jordan to reduced row echelon form
	pivotOf := make([]int, 0, n) // row r's pivot column
	r := 0
	for c := 0; c < n && r < len(rows); c++ {
		best, bv := -1, 1e-9
		for k := r; k < len(rows); k++ {
			if v := math.Abs(rows[k][c]); v > bv {
				best, bv = k, v
			}
		}
		if best < 0 {
			continue
		}
		rows[r], rows[best] = rows[best], rows[r]
		p := rows[r][c]
		for j := c; j < n; j++ {
			rows[r][j] /= p
		}
		for k := range rows {
			if k == r || rows[k][c] == 0 {
				continue
			}
			f := rows[k][c]
			for j := c; j < n; j++ {
				rows[k][j] -= f * rows[r][j]
			}
			rows[k][c] = 0
		}
		pivotOf = append(pivotOf, c)
		r++
	}
	// a pivot variable is determined when its row has nothing in the free
	// columns
	pivot := make([]bool, n)
	for _, c := range pivotOf {
		pivot[c] = true
	}
	out := make([]bool, n)
	for k, c := range pivotOf {
		free := false
		for j := c + 1; j < n && !free; j++ {
			free = !pivot[j] && math.Abs(rows[k][j]) > 1e-9
		}
		out[c] = !free
	}
	return out
}
