package evaluate

import "sort"

// TrendPoint is one calendar year of an outcome's mean among the
// collaboration's members (municipalities that were members at any time)
// and the others, in the outcome's unit.
type TrendPoint struct {
	Year     int     `json:"year"`
	Members  float64 `json:"members"`
	NMembers int     `json:"members_rows"`
	Others   float64 `json:"others"`
	NOthers  int     `json:"others_rows"`
}

// Trend is the yearly mean of obs (times scale) for members and the
// others; a side with fewer than minN rows in a year is left out (its count
// is 0).
func Trend(obs []Obs, members map[string]Spell, scale float64, minN int) []TrendPoint {
	type acc struct {
		sum [2]float64
		n   [2]int
	}
	years := map[int]*acc{}
	for _, o := range obs {
		a := years[o.Date.Year()]
		if a == nil {
			a = &acc{}
			years[o.Date.Year()] = a
		}
		side := 1
		if _, ok := members[o.Municipality]; ok {
			side = 0
		}
		a.sum[side] += o.Y * scale
		a.n[side]++
	}
	var out []TrendPoint
	for y, a := range years {
		p := TrendPoint{Year: y, NMembers: a.n[0], NOthers: a.n[1]}
		if a.n[0] >= minN {
			p.Members = a.sum[0] / float64(a.n[0])
		} else {
			p.NMembers = 0
		}
		if a.n[1] >= minN {
			p.Others = a.sum[1] / float64(a.n[1])
		} else {
			p.NOthers = 0
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Year < out[j].Year })
	return out
}
