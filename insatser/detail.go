package insatser

import (
	"fmt"
)

// bar is one bar of the result chart: a share with its interval.
type bar struct {
	Label                  string
	Y                      int
	Width, Low, High       float64 // in chart units (0–100 → 0–chartW)
	Value, LowPct, HighPct float64
	Category               bool
}

const chartX, chartW = 150, 300

type detailPage struct {
	Title    string
	In       *Intervention
	Category Figures
	HasCat   bool
	Bars     []bar
	ChartH   int
	MinN     int
	AsOf     string
	Computed bool
	Ticks    []tick
}

type tick struct {
	X     float64
	Label string
}

func newDetailPage(in *Intervention, d *Data, minN int) detailPage {
	p := detailPage{Title: in.Name, In: in, MinN: minN, Computed: d.Computed}
	if !d.AsOf.IsZero() {
		p.AsOf = d.AsOf.Format("2006-01-02")
	}
	if in.Category != "" {
		p.Category, p.HasCat = d.Categories[in.Category]
	}
	add := func(label string, s Share, cat bool) {
		if s.Suppressed || s.N == 0 {
			return
		}
		p.Bars = append(p.Bars, bar{Label: label, Y: 10 + 40*len(p.Bars), Width: s.Value * chartW / 100,
			Low: chartX + s.Low*chartW/100, High: chartX + s.High*chartW/100, Value: s.Value, LowPct: s.Low, HighPct: s.High, Category: cat})
	}
	add("Insatsen", in.Figures.Share, false)
	if p.HasCat {
		add(fmt.Sprintf("Kategori %s", in.Category), p.Category.Share, true)
	}
	p.ChartH = 40*len(p.Bars) + 30
	for _, v := range []float64{0, 25, 50, 75, 100} {
		p.Ticks = append(p.Ticks, tick{X: chartX + v*chartW/100, Label: fmt.Sprintf("%.0f %%", v)})
	}
	return p
}
