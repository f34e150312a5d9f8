package insatser

import (
	"cmp"
	"slices"

	"github.com/effekt/effekt/models"
)

// wilson is models.Wilson (the interval of every published proportion) for
// counts.
func wilson(k, n int64) (low, high float64) { return models.Wilson(float64(k), float64(n)) }

// share publishes k of n: suppressed below minN (then nothing but the flag).
func share(k, n int64, minN int) Share {
	if n < int64(minN) {
		return Share{Suppressed: true, HasCohort: n > 0}
	}
	lo, hi := wilson(k, n)
	return Share{N: n, K: k, Value: 100 * float64(k) / float64(n), Low: lo, High: hi, HasCohort: true}
}

// publish applies primary suppression to one row of counts.
func publish(r rawFigures, minN int) Figures {
	f := Figures{Share: share(r.k, r.n, minN)}
	if r.participants < int64(minN) {
		f.Participants = Count{Suppressed: true}
	} else {
		f.Participants = Count{N: r.participants}
	}
	if r.nLen < int64(minN) || !r.median.Valid {
		f.Median = Median{Suppressed: true}
	} else {
		f.Median = Median{N: r.nLen, Value: r.median.Float64}
	}
	return f
}

// complementCategories: a category's pooled share (n, k) is the sum of its
// interventions' (participations of ids outside the catalogue are not in
// either). Where the category is published and exactly one of its
// interventions with ended participations is suppressed, that one could be
// recovered by subtraction: suppress the next smallest too (by n, then id),
// and repeat until no category has exactly one. Interventions without
// ended participations are published zeros, not terms.
func complementCategories(d *Data) {
	for changed := true; changed; {
		changed = false
		for cat, cf := range d.Categories {
			if cf.Share.Suppressed {
				continue
			}
			var suppressed int
			var open []int
			for i, in := range d.Interventions {
				if in.Category != cat {
					continue
				}
				switch sh := in.Figures.Share; {
				case sh.Suppressed && sh.HasCohort:
					suppressed++
				case !sh.Suppressed && sh.N > 0:
					open = append(open, i)
				}
			}
			if suppressed != 1 || len(open) == 0 {
				continue
			}
			slices.SortFunc(open, func(a, b int) int {
				x, y := d.Interventions[a], d.Interventions[b]
				return cmp.Or(cmp.Compare(x.Figures.Share.N, y.Figures.Share.N), cmp.Compare(x.ID, y.ID))
			})
			d.Interventions[open[0]].Figures.Share = Share{Suppressed: true, HasCohort: true, SuppressedComplementary: true}
			changed = true
		}
	}
}

// complementGenders: for each intervention and period, T = K + M. Where T
// is published and exactly one of K, M is suppressed, suppress the other.
func complementGenders(cells []ouCell) {
	type key struct {
		id     string
		period int
	}
	idx := map[key]map[string]int{}
	for i, c := range cells {
		k := key{c.ID, c.Period}
		if idx[k] == nil {
			idx[k] = map[string]int{}
		}
		idx[k][c.Gender] = i
	}
	for _, g := range idx {
		t, ok := g["T"]
		if !ok || cells[t].Share.Suppressed {
			continue
		}
		ki, kok := g["K"]
		mi, mok := g["M"]
		if !kok || !mok {
			continue // T = K (or M) alone: both published or both suppressed
		}
		ks, ms := cells[ki].Share.Suppressed, cells[mi].Share.Suppressed
		switch {
		case ks && !ms:
			cells[mi].Share = Share{Suppressed: true, HasCohort: true, SuppressedComplementary: true}
		case ms && !ks:
			cells[ki].Share = Share{Suppressed: true, HasCohort: true, SuppressedComplementary: true}
		}
	}
}

// complementPeriods keeps /v3/oudata consistent with the pages: an
// intervention's overall share is the sum of its periods' (T). When the
// overall share is suppressed (primary or complementary), every cell of the
// intervention is; when it is published and exactly one period's T is
// suppressed, the smallest other period is suppressed too (its K and M
// with it), until no intervention has exactly one.
func complementPeriods(d *Data) {
	hide := func(c *ouCell) {
		if !c.Share.Suppressed {
			c.Share = Share{Suppressed: true, HasCohort: true, SuppressedComplementary: true}
		}
	}
	byID := map[string][]int{}
	for i, c := range d.OU {
		byID[c.ID] = append(byID[c.ID], i)
	}
	for id, idx := range byID {
		in, ok := d.Lookup(id)
		if !ok {
			continue
		}
		if in.Figures.Share.Suppressed {
			for _, i := range idx {
				hide(&d.OU[i])
			}
			continue
		}
		for {
			var suppressed int
			var open []int
			for _, i := range idx {
				if d.OU[i].Gender != "T" {
					continue
				}
				if d.OU[i].Share.Suppressed {
					suppressed++
				} else {
					open = append(open, i)
				}
			}
			if suppressed != 1 || len(open) == 0 {
				break
			}
			slices.SortFunc(open, func(a, b int) int {
				return cmp.Or(cmp.Compare(d.OU[a].n, d.OU[b].n), cmp.Compare(d.OU[a].Period, d.OU[b].Period))
			})
			p := d.OU[open[0]].Period
			for _, i := range idx {
				if d.OU[i].Period == p {
					hide(&d.OU[i])
				}
			}
		}
	}
	complementGenders(d.OU)
}
