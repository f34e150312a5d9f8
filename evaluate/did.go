package evaluate

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Obs is one cohort row: the municipality it counts in, the date that
// placed it in the cohort and its outcome (0/1 for a share, a measure
// otherwise).
type Obs struct {
	Municipality string
	Date         time.Time
	Y            float64
}

// Spell is one municipality's membership: from Joined to Left (inclusive;
// HasLeft false while it is still a member).
type Spell struct {
	Joined  time.Time
	Left    time.Time
	HasLeft bool
}

// DiDOptions tunes Estimate. The zero value gives the defaults.
type DiDOptions struct {
	Scale   float64 // outcome multiplier: 100 turns a 0/1 share into percentage points; 0 means 1
	MaxPre  int     // pre-period windows before the base year (e = −2 … −1−MaxPre); default 4
	MaxPost int     // post windows e = 0 … MaxPost; default 5
	Draws   int     // bootstrap draws; default 9999
	Seed    uint64  // bootstrap seed; default 1
	MinCell int     // rows a cell mean needs to enter ATT(g,e); default 10, -1 for 1
}

func (o DiDOptions) withDefaults() DiDOptions {
	if o.Scale == 0 {
		o.Scale = 1
	}
	if o.MaxPre == 0 {
		o.MaxPre = 4
	}
	if o.MaxPost == 0 {
		o.MaxPost = 5
	}
	if o.Draws == 0 {
		o.Draws = 9999
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.MinCell == 0 {
		o.MinCell = 10
	}
	return o
}

// EventCoef is θ(e): the average effect e whole years after joining
// (e < 0: before; e = −1 is the base and always 0).
type EventCoef struct {
	E       int     `json:"e"`
	Coef    float64 `json:"coef"`
	CILow   float64 `json:"ci_low"`
	CIHigh  float64 `json:"ci_high"`
	PValue  float64 `json:"p_value"`
	Treated int     `json:"treated_rows"` // members' cohort rows in window e
	Control int     `json:"control_rows"` // never-members' cohort rows in window e (summed over groups)
}

// Group is the members that joined (and left) on the same days.
type Group struct {
	JoinedOn       string   `json:"joined_on"`
	LeftOn         string   `json:"left_on,omitempty"`
	Municipalities []string `json:"municipalities"`
}

// DiD is the estimate of the effect of joining for one outcome.
type DiD struct {
	ATT             float64     `json:"att"`
	CILow           float64     `json:"ci_low"`
	CIHigh          float64     `json:"ci_high"`
	PValue          float64     `json:"p_value"`
	Clusters        int         `json:"clusters"`         // municipalities with cohort rows in the comparison
	TreatedClusters int         `json:"treated_clusters"` // of them members
	ControlClusters int         `json:"control_clusters"` // of them never-members
	PretrendP       *float64    `json:"pretrend_p"`       // nil when there is no pre-period to test
	PretrendDF      int         `json:"pretrend_df"`      // pre-period coefficients tested
	DF              int         `json:"df"`               // t critical values: the smaller of member and never-member clusters − 1
	Weights         string      `json:"bootstrap_weights"`
	Draws           int         `json:"bootstrap_draws"`
	Treated         int         `json:"treated_rows"` // members' cohort rows after joining, in the ATT
	Events          []EventCoef `json:"event_time"`
	Groups          []Group     `json:"groups"`
	Controls        []string    `json:"control_municipalities"`
	First           string      `json:"first_cohort_date"`
	Last            string      `json:"last_cohort_date"`
}

// Errors of Estimate.
var (
	ErrNoMembers   = errors.New("no member municipality has cohort rows around its joining")
	ErrNoControls  = errors.New("no never-member municipality has cohort rows: nothing to compare with")
	ErrNoOverlap   = errors.New("no window after joining has rows of both members and never-members beside the base year before joining")
	ErrFewClusters = errors.New("fewer than two member or two never-member municipalities have rows: a municipality-clustered interval cannot be estimated")
)

// cellKey is one mean: group g, event window e, members or never-members.
type cellKey struct {
	g       int
	e       int
	treated bool
}

type cell struct {
	n    int
	sum  float64
	mean float64
	s    map[int]float64 // cluster -> Σ (y − mean) / n over its rows, times f: the cell mean's influence
	rows map[int]int     // cluster -> its rows in the cell
	sums map[int]float64 // cluster -> Σ y over its rows in the cell
	f    float64         // CR1 factor √(G/(G−1)), G the cell's clusters (1 when G < 2)
}

// eventYear is the whole 12-month window of d counted from j: 0 for
// [j, j+1y), −1 for [j−1y, j).
func eventYear(j, d time.Time) int {
	e := d.Year() - j.Year()
	if d.Before(j.AddDate(e, 0, 0)) {
		e--
	}
	return e
}

// groupsOf gathers members sharing joined and left dates, in date order.
func groupsOf(members map[string]Spell) ([]Spell, []Group, map[string]int) {
	type key struct{ j, l string }
	idx := map[key]int{}
	var spells []Spell
	var groups []Group
	codes := make([]string, 0, len(members))
	for m := range members {
		codes = append(codes, m)
	}
	sort.Slice(codes, func(a, b int) bool {
		sa, sb := members[codes[a]], members[codes[b]]
		if !sa.Joined.Equal(sb.Joined) {
			return sa.Joined.Before(sb.Joined)
		}
		return codes[a] < codes[b]
	})
	of := map[string]int{}
	for _, m := range codes {
		s := members[m]
		k := key{s.Joined.Format(time.DateOnly), ""}
		if s.HasLeft {
			k.l = s.Left.Format(time.DateOnly)
		}
		i, ok := idx[k]
		if !ok {
			i = len(spells)
			idx[k] = i
			spells = append(spells, s)
			groups = append(groups, Group{JoinedOn: k.j, LeftOn: k.l})
		}
		groups[i].Municipalities = append(groups[i].Municipalities, m)
		of[m] = i
	}
	return spells, groups, of
}

// Estimate is the group-time difference-in-differences of obs for a
// collaboration with the given members (kommunkod → spell); every other
// municipality in obs is a never-member control.
func Estimate(obs []Obs, members map[string]Spell, opt DiDOptions) (DiD, error) {
	opt = opt.withDefaults()
	spells, groups, groupOf := groupsOf(members)
	lo, hi := -1-opt.MaxPre, opt.MaxPost
	clusterIdx := map[string]int{}
	var clusterNames []string
	cluster := func(m string) int {
		i, ok := clusterIdx[m]
		if !ok {
			i = len(clusterNames)
			clusterIdx[m] = i
			clusterNames = append(clusterNames, m)
		}
		return i
	}
	// place calls f for every cell an observation belongs to.
	place := func(o Obs, f func(cellKey)) {
		if g, ok := groupOf[o.Municipality]; ok {
			s := spells[g]
			if s.HasLeft && o.Date.After(s.Left) {
				return
			}
			if e := eventYear(s.Joined, o.Date); e >= lo && e <= hi {
				f(cellKey{g, e, true})
			}
			return
		}
		for g, s := range spells {
			e := eventYear(s.Joined, o.Date)
			if e < lo || e > hi || (s.HasLeft && e >= 0 && o.Date.After(s.Left)) {
				continue
			}
			f(cellKey{g, e, false})
		}
	}
	cells := map[cellKey]*cell{}
	var first, last time.Time
	for _, o := range obs {
		y := o.Y * opt.Scale
		place(o, func(k cellKey) {
			if first.IsZero() || o.Date.Before(first) {
				first = o.Date
			}
			if o.Date.After(last) {
				last = o.Date
			}
			c := cells[k]
			if c == nil {
				c = &cell{s: map[int]float64{}, rows: map[int]int{}, sums: map[int]float64{}, f: 1}
				cells[k] = c
			}
			c.n++
			c.sum += y
		})
	}
	for _, c := range cells {
		c.mean = c.sum / float64(c.n)
	}
	for _, o := range obs {
		y := o.Y * opt.Scale
		place(o, func(k cellKey) {
			c := cells[k]
			m := cluster(o.Municipality)
			c.s[m] += (y - c.mean) / float64(c.n)
			c.rows[m]++
			c.sums[m] += y
		})
	}
	// CR1 per cell: the cluster sums of a mean over G municipalities
	// understate its variance by (G − 1)/G.
	for _, c := range cells {
		if g := float64(len(c.s)); g >= 2 {
			f := math.Sqrt(g / (g - 1))
			c.f = f
			for m := range c.s {
				c.s[m] *= f
			}
		}
	}
	out, err := estimateCells(cells, spells, groups, clusterNames, lo, hi, opt)
	if !first.IsZero() {
		out.First, out.Last = first.Format(time.DateOnly), last.Format(time.DateOnly)
	}
	return out, err
}

// term is one cell mean in a linear combination.
type term struct {
	k cellKey
	a float64
}

// attGE returns the terms of ATT(g,e), or nil when a cell has fewer than
// minCell rows (a mean of a handful of persons says little and makes the
// cluster-robust covariance unstable).
func attGE(cells map[cellKey]*cell, g, e, minCell int) []term {
	ks := []term{{cellKey{g, e, true}, 1}, {cellKey{g, -1, true}, -1}, {cellKey{g, e, false}, -1}, {cellKey{g, -1, false}, 1}}
	for _, t := range ks {
		if c := cells[t.k]; c == nil || c.n < max(minCell, 1) {
			return nil
		}
	}
	return ks
}

func estimateCells(cells map[cellKey]*cell, spells []Spell, groups []Group, clusters []string, lo, hi int, opt DiDOptions) (DiD, error) {
	var out DiD
	// parameters: θ(e) for each e ≠ −1 with at least one ATT(g,e), then the overall ATT.
	type param struct {
		e       int
		terms   []term
		treated int
		control int
	}
	var params []param
	var overall []term
	var overallN float64
	var usedGroups = map[int]bool{}
	for e := lo; e <= hi; e++ {
		if e == -1 {
			continue
		}
		var ts []term
		var n float64
		p := param{e: e}
		type gw struct {
			g  int
			ts []term
			w  float64
		}
		var gws []gw
		for g := range spells {
			t := attGE(cells, g, e, opt.MinCell)
			if t == nil {
				continue
			}
			w := float64(cells[cellKey{g, e, true}].n)
			gws = append(gws, gw{g, t, w})
			n += w
			p.treated += cells[cellKey{g, e, true}].n
			p.control += cells[cellKey{g, e, false}].n
		}
		if n == 0 {
			continue
		}
		for _, x := range gws {
			usedGroups[x.g] = true
			for _, t := range x.ts {
				ts = append(ts, term{t.k, t.a * x.w / n})
				if e >= 0 {
					overall = append(overall, term{t.k, t.a * x.w})
				}
			}
			if e >= 0 {
				overallN += x.w
			}
		}
		p.terms = ts
		params = append(params, p)
	}
	if overallN == 0 {
		if len(params) == 0 {
			return out, ErrNoMembers
		}
		return out, ErrNoOverlap
	}
	for i := range overall {
		overall[i].a /= overallN
	}
	params = append(params, param{e: 1 << 30, terms: overall, treated: int(overallN)})

	// Ψ: each parameter's influence summed per municipality, and the
	// municipalities that enter any parameter.
	used := map[int]bool{}
	psi := make([][]float64, len(params))
	theta := make([]float64, len(params))
	for j, p := range params {
		psi[j] = make([]float64, len(clusters))
		for _, t := range p.terms {
			c := cells[t.k]
			theta[j] += t.a * c.mean
			for m, s := range c.s {
				psi[j][m] += t.a * s
				used[m] = true
			}
		}
	}
	treatedSet := map[string]bool{}
	for g := range usedGroups {
		for _, m := range groups[g].Municipalities {
			treatedSet[m] = true
		}
	}
	var usedNames []string
	for m := range used {
		usedNames = append(usedNames, clusters[m])
	}
	sort.Strings(usedNames)
	for _, m := range usedNames {
		if treatedSet[m] {
			out.TreatedClusters++
		} else {
			out.ControlClusters++
			out.Controls = append(out.Controls, m)
		}
	}
	out.Clusters = out.TreatedClusters + out.ControlClusters
	if out.ControlClusters == 0 {
		return out, ErrNoControls
	}
	for g := range groups {
		if usedGroups[g] {
			out.Groups = append(out.Groups, groups[g])
		}
	}
	out.Weights = WeightsRademacher
	if out.TreatedClusters < 12 || out.ControlClusters < 12 {
		out.Weights = WeightsWebb
	}
	out.Draws = opt.Draws
	last := len(params) - 1
	if out.TreatedClusters < 2 || out.ControlClusters < 2 {
		out.ATT, out.Treated = theta[last], params[last].treated
		return out, ErrFewClusters
	}
	// t(G − 1) critical values, G the smaller side (Cameron & Miller 2015)
	out.DF = min(out.TreatedClusters, out.ControlClusters) - 1
	k := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(out.DF)}.Quantile(0.975) / distuv.UnitNormal.Quantile(0.975)
	v := multipliers(opt.Draws, len(clusters), out.Weights, opt.Seed)
	bs, err := bootstrap(theta, psi, v, k)
	if err != nil {
		return out, fmt.Errorf("bootstrap: %w", err)
	}
	out.ATT, out.CILow, out.CIHigh, out.PValue = theta[last], bs.lo[last], bs.hi[last], bs.p[last]
	out.Treated = params[last].treated
	var pre [][]term
	for j, p := range params[:last] {
		out.Events = append(out.Events, EventCoef{E: p.e, Coef: theta[j], CILow: bs.lo[j], CIHigh: bs.hi[j], PValue: bs.p[j],
			Treated: p.treated, Control: p.control})
		if p.e < -1 {
			pre = append(pre, p.terms)
		}
	}
	// the base window, for the chart and the table
	base := EventCoef{E: -1}
	for g := range usedGroups {
		base.Treated += cells[cellKey{g, -1, true}].n
		base.Control += cells[cellKey{g, -1, false}].n
	}
	out.Events = append(out.Events, base)
	sort.Slice(out.Events, func(a, b int) bool { return out.Events[a].E < out.Events[b].E })
	if len(pre) > 0 {
		p, err := pretrend(pretrendInput(cells, pre, len(clusters)), v)
		if err == nil {
			out.PretrendP, out.PretrendDF = &p, len(pre)
		}
	}
	return out, nil
}

// pretrendInput gathers the cells the pre-period coefficients use (terms
// per coefficient) for pretrend, over nm municipalities.
func pretrendInput(cells map[cellKey]*cell, pre [][]term, nm int) *pretrendCells {
	idx := map[cellKey]int{}
	var keys []cellKey
	for _, ts := range pre {
		for _, t := range ts {
			if _, ok := idx[t.k]; !ok {
				idx[t.k] = len(keys)
				keys = append(keys, t.k)
			}
		}
	}
	pc := &pretrendCells{a: mat.NewDense(len(pre), len(keys), nil)}
	for _, k := range keys {
		c := cells[k]
		pc.n, pc.mean, pc.f = append(pc.n, float64(c.n)), append(pc.mean, c.mean), append(pc.f, c.f)
		rows, sums := make([]float64, nm), make([]float64, nm)
		for m, r := range c.rows {
			rows[m], sums[m] = float64(r), c.sums[m]
		}
		pc.nm, pc.sm = append(pc.nm, rows), append(pc.sm, sums)
	}
	for j, ts := range pre {
		for _, t := range ts {
			c := idx[t.k]
			pc.a.Set(j, c, pc.a.At(j, c)+t.a)
		}
	}
	return pc
}
