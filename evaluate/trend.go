package evaluate

import (
	"sort"

	"github.com/effekt/effekt/models"
)

// TrendPoint is one year of an indicator among the collaboration's members
// (municipalities that were members at any time) and the other
// municipalities, in the indicator's unit, from published cells only.
type TrendPoint struct {
	Year          int     `json:"year"`
	Members       float64 `json:"members"`
	NMembers      int     `json:"members_persons"` // Σ denominators of the members' published cells; 0: no value
	HiddenMembers int     `json:"members_hidden"`  // members whose cell is suppressed, left out
	Others        float64 `json:"others"`
	NOthers       int     `json:"others_persons"`
	HiddenOthers  int     `json:"others_hidden"`
}

// PublishedTrend sums, per year, the published municipality cells (gender
// T) of ind for members and for the others: a share is Σ numerators /
// Σ denominators; days and kronor the denominator-weighted mean of the
// municipalities' values. Suppressed cells are left out and counted, so
// every figure is a sum of published ones and reveals no hidden cell.
func PublishedTrend(vals []models.Value, ind models.Indicator, members map[string]Spell) []TrendPoint {
	type acc struct {
		num, den [2]float64
		hidden   [2]int
	}
	years := map[int]*acc{}
	for _, v := range vals {
		if v.KPI != ind.ID || v.Gender != "T" || !models.IsMunicipality(v.Municipality) {
			continue
		}
		a := years[v.Period]
		if a == nil {
			a = &acc{}
			years[v.Period] = a
		}
		side := 1
		if _, ok := members[v.Municipality]; ok {
			side = 0
		}
		if v.Status == models.StatusSuppressed || v.Value == nil || v.Denominator == nil {
			a.hidden[side]++
			continue
		}
		n := float64(*v.Denominator)
		if ind.Unit == models.Percent && v.Numerator != nil {
			a.num[side] += 100 * float64(*v.Numerator)
		} else {
			a.num[side] += *v.Value * n
		}
		a.den[side] += n
	}
	out := make([]TrendPoint, 0, len(years))
	for y, a := range years {
		p := TrendPoint{Year: y, NMembers: int(a.den[0]), NOthers: int(a.den[1]), HiddenMembers: a.hidden[0], HiddenOthers: a.hidden[1]}
		if a.den[0] > 0 {
			p.Members = a.num[0] / a.den[0]
		}
		if a.den[1] > 0 {
			p.Others = a.num[1] / a.den[1]
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Year < out[j].Year })
	return out
}
