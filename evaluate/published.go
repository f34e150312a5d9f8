package evaluate

import (
	"cmp"
	"slices"

	"github.com/effekt/effekt/models"
)

// FromPublished pairs published cells (a snapshot's values, disclosure
// control applied) into Expected: a proportion indicator's own cell with its
// companions <kpi>F, <kpi>A and <kpi>K of the same area, period and gender.
// Only cells with an expected value are returned; a cell is Suppressed when
// the indicator's or any companion's cell is (they are suppressed together).
// O and E are the published share and expected share times N.
func FromPublished(vals []models.Value) []Expected {
	type key struct {
		kpi, area string
		period    int
		gender    string
	}
	type parts struct{ base, f, a, k *models.Value }
	by := map[key]*parts{}
	var order []key
	for i := range vals {
		v := &vals[i]
		base, kind := models.CompanionOf(v.KPI)
		if base == "" {
			if models.UnitOf(v.KPI) != models.Percent {
				continue
			}
			base = v.KPI
		}
		k := key{base, v.Municipality, v.Period, v.Gender}
		p := by[k]
		if p == nil {
			p = &parts{}
			by[k] = p
			order = append(order, k)
		}
		switch kind {
		case "":
			p.base = v
		case models.CompanionExpected:
			p.f = v
		case models.CompanionDeviation:
			p.a = v
		case models.CompanionRatio:
			p.k = v
		}
	}
	var out []Expected
	for _, k := range order {
		p := by[k]
		if p.f == nil {
			continue
		}
		e := Expected{KPI: k.kpi, Area: k.area, Period: k.period, Gender: k.gender}
		if p.base == nil || p.a == nil || p.k == nil || !shown(p.base) || !shown(p.f) || !shown(p.a) || !shown(p.k) {
			e.Suppressed = true
			out = append(out, e)
			continue
		}
		e.N = int(*p.base.Denominator)
		n := float64(e.N)
		e.O = float64(*p.base.Numerator)
		e.Observed, e.ObsLow, e.ObsHigh = *p.base.Value, deref(p.base.CILow), deref(p.base.CIHigh)
		e.Expected = *p.f.Value
		e.E = e.Expected * n / 100
		e.Diff, e.DiffLow, e.DiffHigh = *p.a.Value, deref(p.a.CILow), deref(p.a.CIHigh)
		e.Ratio, e.RatioLow, e.RatioHigh = deref(p.k.Value), deref(p.k.CILow), deref(p.k.CIHigh)
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Expected) int {
		return cmp.Or(cmp.Compare(a.KPI, b.KPI), cmp.Compare(a.Area, b.Area), cmp.Compare(a.Period, b.Period), cmp.Compare(genderRank(a.Gender), genderRank(b.Gender)))
	})
	return out
}

func shown(v *models.Value) bool {
	return v.Status != models.StatusSuppressed && v.Value != nil && v.Denominator != nil
}

func deref(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}

func genderRank(g string) int {
	switch g {
	case "T":
		return 0
	case "K":
		return 1
	}
	return 2
}
