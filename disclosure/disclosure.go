// Package disclosure decides which published indicator cells are suppressed,
// and audits published tables for cells recoverable by subtraction.
//
// Guarantees, for the cells given to Suppress:
//   - primary suppression: a cell whose cohort count (denominator) is below
//     min_n is suppressed;
//   - complementary suppression: afterwards no published additive relation
//     has exactly one suppressed term, so no suppressed cell can be
//     recovered by one subtraction. Further cells are suppressed, smallest
//     cohort first (ties in key order), until none does;
//   - interval protection (bounds.go): afterwards propagating the bounds
//     every reader knows through the relations and the indicators'
//     nestings (Areas.Nested) pins no suppressed cell's count, nor its
//     numerator or rest (n − k) to a value above 0, nor either to 0 in a
//     cell known to hold fewer than min_n where no published cell says
//     so; and linear elimination determines no suppressed cell;
//   - with the releases published before (Areas.History), the same holds
//     for the hidden cells of every release together, the earlier ones'
//     status unchanged (what the earlier releases give away alone
//     excepted);
//   - the result depends only on the cells, min_n and the areas (not on the
//     order of the input).
//
// The additive relations (of cohort counts, and so of numerators) are, per
// indicator and period: T = K + M for each area of an indicator divided by
// gender; per gender, a county = Σ its municipalities, Riket = Σ all
// municipalities, Riket = Σ counties, a group = Σ its members, and for two
// aggregates A ⊂ B (by member municipalities) B = A + Σ (B \ A). A cell
// that does not exist is a published zero (no cohort, no row), so it is a
// known term, never a suppressed one. This is the practice of statistical
// offices (e.g. Hundepool et al., Statistical Disclosure Control, 2012, §5.5:
// secondary cell suppression); finding the cheapest suppression pattern is
// NP-hard, the smallest-first heuristic is the usual one.
package disclosure

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/effekt/effekt/geo"
)

// RulesVersion numbers the rules Suppress applies: raise it with every
// change that can give another pattern for the same cells, so that a
// pattern stored by an earlier version is computed again.
const RulesVersion = 5

// Key identifies a cell.
type Key struct {
	KPI    string
	Area   string // 0127 municipality, 00LL county, 0000 Riket, G… group
	Period int
	Gender string // T | K | M
}

func (k Key) String() string {
	return fmt.Sprintf("%s %s %d %s", k.KPI, k.Area, k.Period, k.Gender)
}

func (k Key) less(o Key) int {
	return cmp.Or(cmp.Compare(k.KPI, o.KPI), cmp.Compare(k.Area, o.Area), cmp.Compare(k.Period, o.Period), cmp.Compare(k.Gender, o.Gender))
}

// Cell is one cell with its cohort count and, when it has one, its
// numerator (the persons of the cohort with the outcome).
type Cell struct {
	Key
	N    int64 // denominator: the cohort count
	K    int64 // numerator, when HasK
	HasK bool
}

// Areas describes the aggregates: the configured groups (id → member
// municipality codes) beside the counties and Riket of geo.
type Areas struct {
	Groups map[string][]string
	// ByGender reports whether an indicator is divided by gender (T = K + M
	// holds); nil means every indicator with K or M cells is.
	ByGender func(kpi string) bool
	// Nested are the indicators whose cohorts or numerators nest cell by
	// cell (what their definitions tell every reader).
	Nested []Nesting
	// History is every release published before these cells, in the
	// order they were published (see Release): cohorts only grow as
	// as_of advances, so each cell's count, numerator and rest in a
	// release is at most the same cell's in a release of a later as_of,
	// and a reader holding several releases narrows the hidden cells of
	// one by the published cells of another (an adversary recovered
	// Solna's EF401 K and M of an earlier release this way, 2026-12-02,
	// and 157 cells of releases that were not consecutive in a re-test).
	// Suppress hides cells of these until no hidden cell of any release
	// is given away; the earlier releases' patterns cannot change.
	History []Release
	// AsOf is these cells' reference date (YYYY-MM-DD), where they stand
	// among History's; "": after every release of History.
	AsOf string
	// MinN is the published min_n (Suppress sets its own): a suppressed
	// cell that a reader can tell holds fewer persons than it, all or none
	// of them with the outcome, gives that away (bounds.pinnedIn). 0: not
	// known, every such cell counts.
	MinN int

	// stop ends Suppress's work early (SuppressContext)
	stop <-chan struct{}
	// join are further pairs of indicators in one family (withDiffs)
	join [][2]string
}

// Quantity names what a Nesting compares: the cohort count (n), the
// numerator (k) or the rest of the cohort (n − k, f).
type Quantity int

const (
	Count    Quantity = iota // n
	Outcomes                 // k
	Rest                     // n − k
)

// Nesting says that in every cell (the same area, period and gender) Sub's
// quantity Of is at most Super's: Sub's cohort is part of Super's (Count:
// EF102's persons are EF101's persons with a session), or its numerator
// persons are part of Super's (Outcomes: EF302's unsubsidised work is part
// of EF301's work or studies, on the same cohort), or Super's persons
// without the outcome are part of Sub's (Rest: EF301's against EF302's).
// A reader who knows the definitions has these inequalities beside the
// additive relations: the bounds use them, and where the two counts are
// equal in every cell of a period (EF103's cohort is EF101's once the
// year's follow-up windows have closed) the cells are tied as equal.
type Nesting struct {
	Sub, Super string
	Of         Quantity
	// Period, when not 0, limits the nesting to that period's cells.
	Period int
	// IfHolds: link only the cells whose values satisfy it (what a
	// reader assumes and may be wrong in: a release after a correction
	// can hold fewer persons than the one before).
	IfHolds bool
}

// Release is what an earlier compute published: its cells (with their
// true counts and numerators) and which of them it hid. A release of
// History holds the blocks (an indicator's cells of one period) that
// differ, in a value or in being hidden, from the release before it in
// History; a block it does not hold is as that one's (the first holds all
// of its blocks). A block is held whole.
type Release struct {
	// Name names its cells in an audit (KPI@Name), e.g. its as_of; ""
	// or a name used before gets its position (#2).
	Name string
	// AsOf is its reference date (YYYY-MM-DD); "": before every dated
	// one.
	AsOf       string
	Cells      []Cell
	Suppressed []bool
}

// Relation is one published additive relation: Total = Σ Terms.
type Relation struct {
	Rule  string // e.g. "T = K + M", "county = Σ municipalities"
	Total Key
	Terms []Key
}

// BoundsRule names the leaks found by interval propagation: the relations
// together with the bounds every reader knows (a suppressed row's count
// is at least 1, counts are whole, a numerator lies between 0 and its
// count, the nestings of Areas.Nested) pin the cell's count, numerator or
// rest to one value (bounds.pinnedIn says which count as leaks).
const BoundsRule = "relations and bounds (suppressed count ≥ 1, 0 ≤ numerator ≤ count, nested cohorts) pin it"

// Leak is a suppressed cell recoverable by one subtraction, or pinned by
// the relations and bounds together (Relation.Rule BoundsRule, Total the
// cell itself).
type Leak struct {
	Cell     Key
	Relation Relation
}

// Suppress returns, index for index, whether each cell is suppressed, and
// how many were suppressed as primary and as complementary cells.
//
// Indicators with the same cohort (the same cells with the same counts,
// e.g. EF101 and EF104) are hidden alike: a cell one of them hides for its
// numerators' sake and the other publishes would give the count away.
// build ties their cells (a relation of the counts, one = the other), so
// that hiding one hides the other, in one run (it ran again with the
// other's hidden cells forced until the patterns agreed: five runs
// nationally).
func Suppress(cells []Cell, minN int, areas Areas) (suppressed []bool, primary, complementary int) {
	return suppress(cells, minN, areas)
}

// SuppressContext is Suppress that stops when ctx is done, with ctx's
// error: its result is then incomplete and must not be published. (Many
// releases make Suppress take seconds to minutes: a compute or a server
// shutting down should not wait for it.)
func SuppressContext(ctx context.Context, cells []Cell, minN int, areas Areas) (suppressed []bool, primary, complementary int, err error) {
	areas.stop = ctx.Done()
	suppressed, primary, complementary = suppress(cells, minN, areas)
	if err := ctx.Err(); err != nil {
		return nil, 0, 0, fmt.Errorf("disclosure: %w", err)
	}
	return suppressed, primary, complementary, nil
}

func suppress(cells []Cell, minN int, areas Areas) (suppressed []bool, primary, complementary int) {
	areas.MinN = minN
	if len(areas.History) == 0 {
		all, g := graphOf(cells, areas)
		sup, p, c := suppressGraph(all, minN, g)
		return sup[:len(cells)], p, c
	}
	settle, hidden := settled(cells, minN, areas)
	if settle == nil {
		all, g := graphOf(cells, areas)
		sup, p, c := suppressGraph(all, minN, g)
		return sup[:len(cells)], p, c
	}
	keep, at, open := withoutSettled(cells, settle, areas)
	suppressed = hidden
	for i, c := range cells {
		switch {
		case !settle[i] || !hidden[i]:
		case c.N < int64(minN):
			primary++
		default:
			complementary++
		}
	}
	if len(keep) > 0 {
		all, g := graphOf(keep, open)
		sup, p, c := suppressGraph(all, minN, g)
		for j, i := range at {
			suppressed[i] = sup[j]
		}
		primary += p
		complementary += c
	}
	return suppressed, primary, complementary
}

// cohortTwins are indicators with the same cells and counts: at[j] holds
// the index of one key's cell in each.
type cohortTwins struct {
	at [][]int32
}

// sameCohorts finds the indicators whose cells (area, period, gender) and
// counts are the same, two or more, in KPI order.
func sameCohorts(cells []Cell) []cohortTwins {
	type cellKey struct {
		area   string
		period int
		gender string
	}
	byKPI := map[string]map[cellKey]int32{}
	var kpis []string
	for i, c := range cells {
		if strings.HasPrefix(c.KPI, diffPrefix) {
			continue // difference cells (withDiffs)
		}
		m := byKPI[c.KPI]
		if m == nil {
			m = map[cellKey]int32{}
			byKPI[c.KPI] = m
			kpis = append(kpis, c.KPI)
		}
		m[cellKey{c.Area, c.Period, c.Gender}] = int32(i)
	}
	slices.Sort(kpis)
	same := func(a, b string) bool {
		ma, mb := byKPI[a], byKPI[b]
		if len(ma) != len(mb) {
			return false
		}
		for k, i := range ma {
			j, ok := mb[k]
			if !ok || cells[i].N != cells[j].N {
				return false
			}
		}
		return true
	}
	done := map[string]bool{}
	var out []cohortTwins
	for x, a := range kpis {
		if done[a] {
			continue
		}
		group := []string{a}
		for _, b := range kpis[x+1:] {
			if !done[b] && same(a, b) {
				group = append(group, b)
				done[b] = true
			}
		}
		if len(group) < 2 {
			continue
		}
		var t cohortTwins
		for k, i := range byKPI[a] {
			at := []int32{i}
			for _, b := range group[1:] {
				at = append(at, byKPI[b][k])
			}
			t.at = append(t.at, at)
		}
		out = append(out, t)
	}
	return out
}

// SuppressRelations is Suppress over the relations rels instead of the
// geography's: for published tables of another shape (the insatskarta's
// interventions, their years and categories). A relation whose total is
// not among cells is left out; a term that is not is a known zero.
// Relations that share no cell are protected independently.
func SuppressRelations(cells []Cell, minN int, rels []Relation) (suppressed []bool, primary, complementary int) {
	return suppressGraph(cells, minN, buildFrom(cells, rels, minN))
}

// AuditRelations is Audit over the relations rels (SuppressRelations with
// min_n minN).
func AuditRelations(cells []Cell, suppressed []bool, minN int, rels []Relation) []Leak {
	return auditGraph(cells, suppressed, buildFrom(cells, rels, minN))
}

// suppressGraph suppresses over g.
//
// Frozen cells (an earlier release's) keep the status they were published
// with and count neither as primary nor as complementary.
func suppressGraph(cells []Cell, minN int, g *graph) (suppressed []bool, primary, complementary int) {
	suppressed = make([]bool, len(cells))
	for i, c := range cells {
		switch {
		case g.isFrozen(int32(i)):
			suppressed[i] = g.held[i]
		case c.N < int64(minN):
			suppressed[i] = true
			primary++
		}
	}
	// count[r] is the number of suppressed terms (total included) of r;
	// work holds the relations with one.
	count := make([]int, len(g.rels))
	var work []int32
	for r, terms := range g.rels {
		if g.hasVirtual(int32(r)) {
			continue // an inequality in disguise: no one-term rule
		}
		for _, i := range terms {
			if suppressed[i] {
				count[r]++
			}
		}
		if count[r] == 1 {
			work = append(work, int32(r))
		}
	}
	var hidden []int32 // what hide hid, for protect
	hide := func(i int32) {
		suppressed[i] = true
		hidden = append(hidden, i)
		for _, r := range g.of[i] {
			if g.hasVirtual(r) {
				continue
			}
			count[r]++
			if count[r] == 1 {
				work = append(work, r)
			}
		}
	}
	// single hides, for each relation with one suppressed term, its
	// smallest other term, until none has one
	single := func() int {
		added := 0
		for len(work) > 0 {
			r := work[0]
			work = work[1:]
			if count[r] != 1 {
				continue
			}
			best := int32(-1)
			for _, i := range g.rels[r] {
				if suppressed[i] || g.isFrozen(i) || g.lost[i] {
					// a cell an earlier release gives away is known:
					// hiding it hides nothing
					continue
				}
				if best < 0 || g.smaller(cells, i, best) {
					best = i
				}
			}
			if best < 0 {
				continue // a relation of one term: nothing else to hide it behind
			}
			hide(best)
			added++
		}
		return added
	}
	if g.history {
		g.lost = lostCells(g, cells)
	}
	complementary += single()
	complementary += protect(g, cells, suppressed, hide, single, &hidden)
	return suppressed, primary, complementary
}

// lostCells are the cells an earlier release's published cells give away
// alone, whatever the later release hides: hidden as everything the later
// one could hide, propagation still pins them (an earlier cell hidden
// under rules since made stricter, or a later cell whose value the
// earlier release published). Protecting them would only hide more in
// vain.
func lostCells(g *graph, cells []Cell) map[int32]bool {
	all := make([]bool, len(cells))
	for i := range all {
		all[i] = !g.isFrozen(int32(i)) || g.held[i]
	}
	lost := map[int32]bool{}
	for _, i := range pinnedCells(g, cells, all, zeros, false) {
		lost[i] = true
	}
	return lost
}

// Audit lists every suppressed cell that one published relation gives away
// (a relation with exactly one suppressed term), and every one the
// relations and bounds pin (BoundsRule). cells are the published cells
// and suppressed their status, index for index; a cell's numerator counts
// when HasK.
//
// With areas.History it checks every release together (an earlier
// release's cells reported with their indicator suffixed "@" and its
// name), leaving out what the earlier releases give away alone
// (lostCells).
func Audit(cells []Cell, suppressed []bool, areas Areas) []Leak {
	all, g := graphOf(cells, areas)
	if g.history {
		g.lost = lostCells(g, all)
	}
	sup := append(slices.Clone(suppressed), g.held[len(cells):]...)
	at := make(map[Key]int32, len(all))
	for i, c := range all {
		at[c.Key] = int32(i)
	}
	return slices.DeleteFunc(auditGraph(all, sup, g), func(l Leak) bool { return g.lost[at[l.Cell]] || g.isVirtual(at[l.Cell]) })
}

func auditGraph(cells []Cell, suppressed []bool, g *graph) []Leak {
	var out []Leak
	for r, terms := range g.rels {
		if g.hasVirtual(int32(r)) {
			continue
		}
		n, at := 0, int32(-1)
		for _, i := range terms {
			if suppressed[i] {
				n++
				at = i
			}
		}
		if n != 1 {
			continue
		}
		rel := Relation{Rule: g.rule[r], Total: cells[terms[0]].Key}
		for _, i := range terms[1:] {
			rel.Terms = append(rel.Terms, cells[i].Key)
		}
		out = append(out, Leak{Cell: cells[at].Key, Relation: rel})
	}
	found := make(map[Key]bool, len(out))
	for _, l := range out {
		found[l.Cell] = true
	}
	for _, i := range pinnedCells(g, cells, suppressed, zeros, true) {
		if !found[cells[i].Key] {
			out = append(out, Leak{Cell: cells[i].Key, Relation: Relation{Rule: BoundsRule, Total: cells[i].Key}})
		}
	}
	slices.SortFunc(out, func(a, b Leak) int {
		return cmp.Or(a.Cell.less(b.Cell), cmp.Compare(a.Relation.Rule, b.Relation.Rule), a.Relation.Total.less(b.Relation.Total))
	})
	return out
}

// graph holds the relations over cell indices: rels[r][0] is the total.
type graph struct {
	rels      [][]int32
	rule      []string
	minN      int            // Areas.MinN
	frozen    []bool         // cells that keep their status (an earlier release's); nil: none
	held      []bool         // the frozen cells' status: hidden
	lost      map[int32]bool // cells that no hiding can protect (lostCells)
	countOnly []bool         // the relation holds for the counts only (tied cohorts)
	quantity  []int8         // the relation holds for this quantity only (-1: for all; Count where countOnly)
	virtual   []bool         // difference cells (withDiffs): never published, never a leak
	history   bool           // frozen cells of earlier releases are in the graph
	of        [][]int32      // cell index -> relations holding it
	linked    [][]int32      // cell index -> the cells a nesting links it to
	slices    []sliceRels
	sliceOf   []int32 // cell index -> its slice in slices
	localOf   []int32 // cell index -> its place in its slice's cells
	// frozenAt caches frozenFixpoint per slice and kind
	frozenAt map[[2]int]frozenIntervals
	// hiddenBefore: the cell's key was hidden by the latest release
	// before (nil: no history). Hiding it again tells a reader of both
	// little new, so complementary cells are chosen among these first:
	// otherwise each release hides other cells, and cells once hidden
	// must mostly stay so (publishing one unchanged bounds its hidden
	// version), so the hidden cells pile up release after release.
	hiddenBefore []bool
	stop         <-chan struct{} // Areas.stop
}

// stopped reports whether the work is to end early.
func (g *graph) stopped() bool {
	select {
	case <-g.stop:
		return true
	default:
		return false
	}
}

// sliceRels are the relations, nestings and cells of one indicator and
// period, or of indicators that nest and one period (relations never
// cross them).
type sliceRels struct {
	rels, cells []int32
	links       []link
	adj         [][]int32 // adjacency, once built
	mixed       []bool    // per relation and link: holds a cell not frozen
}

// link is one nesting of two cells: quantity of of cell sub ≤ that of sup.
type link struct {
	sub, sup int32
	of       Quantity
}

// sameCohortRule names the relations that tie two nested indicators'
// counts in a period where they are equal in every cell.
const sameCohortRule = "the same cohort (nested cohorts equal in the period, or one indicator's cohort another's)"

// holdsFor reports whether relation r holds for quantity q.
func (g *graph) holdsFor(r int32, q Quantity) bool {
	return g.quantity[r] < 0 || Quantity(g.quantity[r]) == q
}

// hasVirtual reports whether relation r holds a difference cell.
func (g *graph) hasVirtual(r int32) bool {
	if g.virtual == nil {
		return false
	}
	return slices.ContainsFunc(g.rels[r], g.isVirtual)
}

// isVirtual reports whether cell i is a difference cell.
func (g *graph) isVirtual(i int32) bool { return g.virtual != nil && g.virtual[i] }

func (g *graph) add(rule string, terms []int32) {
	g.addRel(rule, terms, false)
}

func (g *graph) addRel(rule string, terms []int32, countOnly bool) {
	if len(terms) < 2 {
		return
	}
	r := int32(len(g.rels))
	g.rels = append(g.rels, terms)
	g.rule = append(g.rule, rule)
	g.countOnly = append(g.countOnly, countOnly)
	if countOnly {
		g.quantity = append(g.quantity, int8(Count))
	} else {
		g.quantity = append(g.quantity, -1)
	}
	for _, i := range terms {
		g.of[i] = append(g.of[i], r)
	}
}

type slice struct {
	kpi    string
	period int
}

// build derives every relation among the existing cells, in a fixed order.
func build(cells []Cell, areas Areas) *graph {
	g := &graph{of: make([][]int32, len(cells)), linked: make([][]int32, len(cells)), sliceOf: make([]int32, len(cells)), minN: areas.MinN, stop: areas.stop}
	// per kpi and period: area -> cell index per gender (T, K, M; -1 absent)
	present := map[slice]map[string]*[3]int32{}
	hasKM := map[string]bool{}
	for i, c := range cells {
		s := slice{c.KPI, c.Period}
		m := present[s]
		if m == nil {
			m = map[string]*[3]int32{}
			present[s] = m
		}
		at := m[c.Area]
		if at == nil {
			at = &[3]int32{-1, -1, -1}
			m[c.Area] = at
		}
		at[genderIndex(c.Gender)] = int32(i)
		if c.Gender != "T" {
			hasKM[c.KPI] = true
		}
	}
	aggs := aggregates(areas.Groups)
	twins := sameCohorts(cells)
	pairs := make([][2]string, 0, len(areas.Nested)+len(twins))
	for _, n := range areas.Nested {
		pairs = append(pairs, [2]string{n.Sub, n.Super})
	}
	pairs = append(pairs, areas.join...)
	for _, t := range twins {
		if len(t.at) > 0 {
			for _, i := range t.at[0][1:] {
				pairs = append(pairs, [2]string{cells[t.at[0][0]].KPI, cells[i].KPI})
			}
		}
	}
	family := families(pairs)
	sliceAt := map[slice]int32{} // (family, period) -> index in g.slices
	keys := make([]slice, 0, len(present))
	for s := range present {
		keys = append(keys, s)
	}
	sortSlices(keys)
	for _, s := range keys {
		first := int32(len(g.rels))
		m := present[s]
		byGender := hasKM[s.kpi]
		if areas.ByGender != nil {
			byGender = areas.ByGender(s.kpi)
		}
		at := func(area string, gi int) (int32, bool) {
			if a := m[area]; a != nil && a[gi] >= 0 {
				return a[gi], true
			}
			return 0, false
		}
		if byGender {
			names := make([]string, 0, len(m))
			for a := range m {
				names = append(names, a)
			}
			slices.Sort(names)
			for _, a := range names {
				t, ok := at(a, 0)
				if !ok {
					continue
				}
				terms := []int32{t}
				for gi := 1; gi <= 2; gi++ {
					if i, ok := at(a, gi); ok {
						terms = append(terms, i)
					}
				}
				g.add("T = K + M", terms)
			}
		}
		for gi := range 3 {
			if gi > 0 && !byGender {
				continue
			}
			for _, ag := range aggs {
				total, ok := at(ag.id, gi)
				if !ok {
					continue
				}
				terms := []int32{total}
				if ag.sub != "" {
					sub, ok := at(ag.sub, gi)
					if !ok {
						continue // the smaller aggregate is not published: no relation
					}
					terms = append(terms, sub)
				}
				for _, mu := range ag.terms {
					if i, ok := at(mu, gi); ok {
						terms = append(terms, i)
					}
				}
				g.add(ag.rule, terms)
			}
		}
		fk := slice{family(s.kpi), s.period}
		si, ok := sliceAt[fk]
		if !ok {
			si = int32(len(g.slices))
			sliceAt[fk] = si
			g.slices = append(g.slices, sliceRels{})
		}
		sr := &g.slices[si]
		for r := first; r < int32(len(g.rels)); r++ {
			sr.rels = append(sr.rels, r)
		}
		for _, at := range m {
			for _, i := range at {
				if i >= 0 {
					sr.cells = append(sr.cells, i)
					g.sliceOf[i] = si
				}
			}
		}
	}
	byKPI := map[string][]slice{}
	for _, s := range keys {
		byKPI[s.kpi] = append(byKPI[s.kpi], s)
	}
	for _, ns := range areas.Nested {
		for _, s := range byKPI[ns.Sub] {
			if ns.Period != 0 && s.period != ns.Period {
				continue
			}
			sub, sup := present[s], present[slice{ns.Super, s.period}]
			if sup == nil {
				continue
			}
			sr := &g.slices[sliceAt[slice{family(s.kpi), s.period}]]
			// the pairs of cells both have, and whether the counts are
			// equal in every cell of the period (the same cells, the same
			// counts)
			var pairs [][2]int32
			equal := ns.Of == Count && len(sub) == len(sup)
			areas := make([]string, 0, len(sub))
			for a := range sub {
				areas = append(areas, a)
			}
			slices.Sort(areas)
			for _, a := range areas {
				b := sup[a]
				for gi := range 3 {
					i := sub[a][gi]
					if b == nil || b[gi] < 0 || i < 0 {
						if b == nil || (b[gi] < 0) != (i < 0) {
							equal = false
						}
						continue
					}
					if ns.IfHolds && !holds(cells[i], cells[b[gi]], ns.Of) {
						equal = false
						continue
					}
					pairs = append(pairs, [2]int32{i, b[gi]})
					equal = equal && cells[i].N == cells[b[gi]].N
				}
			}
			for _, p := range pairs {
				if equal {
					first := int32(len(g.rels))
					g.addRel(sameCohortRule, []int32{p[1], p[0]}, true)
					sr.rels = append(sr.rels, first)
				} else {
					sr.links = append(sr.links, link{sub: p[0], sup: p[1], of: ns.Of})
					g.linked[p[0]] = append(g.linked[p[0]], p[1])
					g.linked[p[1]] = append(g.linked[p[1]], p[0])
				}
			}
		}
	}
	for _, t := range twins {
		for _, at := range t.at {
			si := g.sliceOf[at[0]]
			for _, i := range at[1:] {
				r := int32(len(g.rels))
				g.addRel(sameCohortRule, []int32{at[0], i}, true)
				g.slices[si].rels = append(g.slices[si].rels, r)
			}
		}
	}
	for si := range g.slices {
		slices.Sort(g.slices[si].cells)
	}
	g.locate()
	return g
}

// locate fills localOf from the slices' cells.
func (g *graph) locate() {
	g.localOf = make([]int32, len(g.sliceOf))
	for _, sl := range g.slices {
		for j, i := range sl.cells {
			g.localOf[i] = int32(j)
		}
	}
}

// holds reports whether quantity q of cell a is at most b's.
func holds(a, b Cell, q Quantity) bool {
	switch q {
	case Outcomes:
		return a.HasK && b.HasK && a.K <= b.K
	case Rest:
		return a.HasK && b.HasK && a.N-a.K <= b.N-b.K
	}
	return a.N <= b.N
}

// isFrozen reports whether cell i keeps its status (an earlier release's).
func (g *graph) isFrozen(i int32) bool { return g.frozen != nil && g.frozen[i] }

// families maps each indicator of a pair (nested, or with the same
// cohort) to its family, the first of the indicators the pairs join in KPI
// order; any other indicator is its own.
func families(pairs [][2]string) func(kpi string) string {
	fam := sets[string]{}
	for _, p := range pairs {
		fam.union(p[0], p[1])
	}
	return fam.find
}

// buildFrom derives the graph of rels over cells; its slices are the
// connected parts (cells joined by relations), each in the order of its
// smallest cell index.
func buildFrom(cells []Cell, rels []Relation, minN int) *graph {
	g := &graph{of: make([][]int32, len(cells)), linked: make([][]int32, len(cells)), sliceOf: make([]int32, len(cells)), minN: minN}
	at := make(map[Key]int32, len(cells))
	for i, c := range cells {
		at[c.Key] = int32(i)
	}
	part := sets[int32]{} // cells joined by relations
	for _, r := range rels {
		t, ok := at[r.Total]
		if !ok {
			continue
		}
		terms := []int32{t}
		for _, k := range r.Terms {
			if i, ok := at[k]; ok {
				terms = append(terms, i)
			}
		}
		if len(terms) < 2 {
			continue
		}
		g.add(r.Rule, terms)
		for _, i := range terms[1:] {
			part.union(t, i)
		}
	}
	slice := map[int32]int32{}
	for i := range cells {
		root := part.find(int32(i))
		si, ok := slice[root]
		if !ok {
			si = int32(len(g.slices))
			slice[root] = si
			g.slices = append(g.slices, sliceRels{})
		}
		g.sliceOf[i] = si
		g.slices[si].cells = append(g.slices[si].cells, int32(i))
	}
	for r := range g.rels {
		si := g.sliceOf[g.rels[r][0]]
		g.slices[si].rels = append(g.slices[si].rels, int32(r))
	}
	g.locate()
	return g
}

// genderIndex is 0 for T, 1 for K, 2 for M.
func genderIndex(g string) int {
	switch g {
	case "K":
		return 1
	case "M":
		return 2
	}
	return 0
}

func sortSlices(ks []slice) {
	slices.SortFunc(ks, func(a, b slice) int { return cmp.Or(cmp.Compare(a.kpi, b.kpi), cmp.Compare(a.period, b.period)) })
}

// aggregate is one relation shape over areas: id = sub + Σ terms (sub empty:
// id = Σ terms).
type aggregate struct {
	rule  string
	id    string
	sub   string
	terms []string
}

// aggregates lists the relation shapes: counties, Riket (over municipalities
// and over counties), groups and every strict subset pair of aggregates.
func aggregates(groups map[string][]string) []aggregate {
	members := map[string][]string{} // aggregate id -> member municipalities
	var ids []string
	var counties []string
	for _, a := range geo.Municipalities() {
		c := geo.County(a.ID)
		if members[c] == nil {
			counties = append(counties, c)
		}
		members[c] = append(members[c], a.ID)
		members[geo.RiketID] = append(members[geo.RiketID], a.ID)
	}
	slices.Sort(counties)
	ids = append(ids, counties...)
	ids = append(ids, geo.RiketID)
	gids := make([]string, 0, len(groups))
	for id, ms := range groups {
		gids = append(gids, id)
		m := slices.Clone(ms)
		slices.Sort(m)
		members[id] = slices.Compact(m)
	}
	slices.Sort(gids)
	ids = append(ids, gids...)

	var out []aggregate
	for _, id := range ids {
		rule := "county = Σ municipalities"
		switch {
		case id == geo.RiketID:
			rule = "Riket = Σ municipalities"
		case strings.HasPrefix(id, "G"):
			rule = "group = Σ members"
		}
		out = append(out, aggregate{rule: rule, id: id, terms: members[id]})
	}
	out = append(out, aggregate{rule: "Riket = Σ counties", id: geo.RiketID, terms: counties})
	for _, b := range ids {
		for _, a := range ids {
			if a == b || !subset(members[a], members[b]) || len(members[a]) == len(members[b]) {
				continue
			}
			out = append(out, aggregate{rule: "aggregate = smaller aggregate + Σ the rest", id: b, sub: a, terms: minus(members[b], members[a])})
		}
	}
	return out
}

// subset reports whether sorted a ⊆ sorted b.
func subset(a, b []string) bool {
	for _, x := range a {
		if _, ok := slices.BinarySearch(b, x); !ok {
			return false
		}
	}
	return true
}

func minus(b, a []string) []string {
	var out []string
	for _, x := range b {
		if _, ok := slices.BinarySearch(a, x); !ok {
			out = append(out, x)
		}
	}
	return out
}
