package report

import (
	"bytes"
	"fmt"
	"html/template"
	"image/color"
	"math"
	"regexp"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/effekt/effekt/evaluate"
)

var (
	blue   = color.RGBA{R: 0x1f, G: 0x4e, B: 0x79, A: 0xff}
	orange = color.RGBA{R: 0xc5, G: 0x5a, B: 0x11, A: 0xff}
	grey   = color.RGBA{R: 0x80, G: 0x80, B: 0x80, A: 0xff}
)

// svgHeader drops the XML prolog so the SVG can sit inside HTML.
var svgHeader = regexp.MustCompile(`^<\?xml[^>]*\?>\s*(<!--.*?-->\s*)?`)

// legendWidth is the strip right of the plot area that holds the legend,
// so that it never covers a point or a line.
const legendWidth = 4.2 * vg.Centimeter

// render draws p as an inline SVG element with a title for screen readers;
// a legend is drawn in a strip of its own right of the plot area.
func render(p *plot.Plot, w, h vg.Length, title string) (template.HTML, error) {
	c := vgsvg.New(w, h)
	dc := draw.New(c)
	if p.Legend.Rectangle(dc).Size().X > 0 { // a legend with entries
		leg := p.Legend
		p.Legend = plot.NewLegend()
		p.Draw(draw.Crop(dc, 0, -legendWidth, 0, 0))
		leg.Top, leg.Left = true, true
		leg.TextStyle.Font.Size = vg.Points(10)
		leg.Padding = vg.Points(3)
		leg.XOffs, leg.YOffs = vg.Points(6), -p.Title.TextStyle.Height(p.Title.Text)-vg.Points(8)
		leg.Draw(draw.Crop(dc, w-legendWidth, 0, 0, 0))
	} else {
		p.Draw(dc)
	}
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return "", fmt.Errorf("report: svg: %w", err)
	}
	s := svgHeader.ReplaceAllString(b.String(), "")
	s = regexp.MustCompile(`^<svg `).ReplaceAllString(s, `<svg role="img" aria-label="`+template.HTMLEscapeString(title)+`" `)
	return template.HTML(s), nil // generated here, not user input
}

// integerTicks labels every whole number between min and max (years, event
// times), fewer when there are many.
type integerTicks struct{}

func (integerTicks) Ticks(min, max float64) []plot.Tick {
	step := math.Max(1, math.Ceil((max-min)/8))
	var out []plot.Tick
	for v := math.Ceil(min); v <= max; v += step {
		out = append(out, plot.Tick{Value: v, Label: number(v)})
	}
	return out
}

// swedishTicks are gonum's default ticks labelled the Swedish way: decimal
// comma, no trailing zeros, a real minus sign (25, 37,5, −30).
type swedishTicks struct{ plot.Ticker }

func (t swedishTicks) Ticks(min, max float64) []plot.Tick {
	ts := t.Ticker.Ticks(min, max)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = number(ts[i].Value)
		}
	}
	return ts
}

// number formats v with at most two decimals, a decimal comma and a minus
// sign.
func number(v float64) string {
	s := strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
	if s == "-0" {
		s = "0"
	}
	return strings.NewReplacer(".", ",", "-", "−").Replace(s)
}

func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.X.Tick.Marker = swedishTicks{plot.DefaultTicks{}}
	p.Y.Tick.Marker = swedishTicks{plot.DefaultTicks{}}
	p.Title.Text = title
	p.X.Label.Text = x
	p.Y.Label.Text = y
	p.Add(plotter.NewGrid())
	return p
}

// errPoints are points with vertical error bars.
type errPoints struct {
	plotter.XYs
	plotter.YErrors
}

// eventChart is the event study: θ(e) with its 95 % interval per year from
// joining, a dashed line at 0 and one between the base year and joining.
func eventChart(r evaluate.Result) (template.HTML, error) {
	p := newPlot("Effekt per år före och efter anslutningen", "år från anslutning (−1 = basår)", r.Unit)
	var pts errPoints
	for _, e := range r.Events {
		pts.XYs = append(pts.XYs, plotter.XY{X: float64(e.E), Y: e.Coef})
		lo, hi := e.Coef-e.CILow, e.CIHigh-e.Coef
		if e.E == -1 {
			lo, hi = 0, 0
		}
		pts.YErrors = append(pts.YErrors, struct{ Low, High float64 }{lo, hi})
	}
	if len(pts.XYs) == 0 {
		return "", nil
	}
	bars, err := plotter.NewYErrorBars(pts)
	if err != nil {
		return "", fmt.Errorf("report: event chart: %w", err)
	}
	bars.Color = blue
	sc, err := plotter.NewScatter(pts.XYs)
	if err != nil {
		return "", fmt.Errorf("report: event chart: %w", err)
	}
	sc.Color = blue
	zero := plotter.NewFunction(func(float64) float64 { return 0 })
	zero.Dashes = []vg.Length{vg.Points(3), vg.Points(3)}
	zero.Color = grey
	join, err := plotter.NewLine(plotter.XYs{{X: -0.5, Y: minY(pts)}, {X: -0.5, Y: maxY(pts)}})
	if err != nil {
		return "", fmt.Errorf("report: event chart: %w", err)
	}
	join.Color, join.Dashes = orange, []vg.Length{vg.Points(2), vg.Points(2)}
	p.Add(zero, join, bars, sc)
	p.X.Tick.Marker = integerTicks{}
	p.X.Min, p.X.Max = pts.XYs[0].X-0.4, pts.XYs[len(pts.XYs)-1].X+0.4
	// room above and below the widest interval, so no whisker's cap sits on
	// the plot's edge
	lo, hi := minY(pts), maxY(pts)
	pad := 0.06 * math.Max(hi-lo, 1)
	p.Y.Min, p.Y.Max = lo-pad, hi+pad
	return render(p, 16*vg.Centimeter, 8*vg.Centimeter, "Eventstudie för "+r.KPI)
}

func minY(p errPoints) float64 {
	m := 0.0
	for i, xy := range p.XYs {
		m = math.Min(m, xy.Y-p.YErrors[i].Low)
	}
	return m
}

func maxY(p errPoints) float64 {
	m := 0.0
	for i, xy := range p.XYs {
		m = math.Max(m, xy.Y+p.YErrors[i].High)
	}
	return m
}

// trendChart draws the yearly means of members and the others.
func trendChart(kpi, unit string, ts []evaluate.TrendPoint) (template.HTML, error) {
	if unit == "procentenheter" { // a level is a share in per cent; only differences are percentage points
		unit = "procent"
	}
	p := newPlot("Medlemmar och övriga kommuner per år", "kohortår", unit)
	var mem, oth plotter.XYs
	for _, t := range ts {
		if t.NMembers > 0 {
			mem = append(mem, plotter.XY{X: float64(t.Year), Y: t.Members})
		}
		if t.NOthers > 0 {
			oth = append(oth, plotter.XY{X: float64(t.Year), Y: t.Others})
		}
	}
	for _, s := range []struct {
		xys   plotter.XYs
		name  string
		color color.Color
	}{{mem, "medlemmar", blue}, {oth, "övriga", orange}} {
		if len(s.xys) == 0 {
			continue
		}
		l, pts, err := plotter.NewLinePoints(s.xys)
		if err != nil {
			return "", fmt.Errorf("report: trend chart: %w", err)
		}
		l.Color, pts.Color = s.color, s.color
		p.Add(l, pts)
		p.Legend.Add(s.name, l, pts)
	}
	p.X.Tick.Marker = integerTicks{}
	if len(ts) > 0 {
		p.X.Min, p.X.Max = float64(ts[0].Year)-0.4, float64(ts[len(ts)-1].Year)+0.4
	}
	return render(p, 16*vg.Centimeter, 7*vg.Centimeter, "Utveckling för medlemmar och övriga, "+kpi)
}

// funnelChart plots each municipality's O/E against its cohort size with
// 95 % and 99.8 % control limits 1 ± z·√(n p̄ (1 − p̄))/(n p̄) around the
// pooled share p̄ (Spiegelhalter 2005); members in blue.
func funnelChart(kpi string, es []evaluate.Expected, member func(string) bool) (template.HTML, error) {
	p := newPlot("Observerat/förväntat per kommun (trattdiagram)", "personer i kohorten (n)", "O/E")
	var sumE, sumN float64
	var mem, oth plotter.XYs
	maxN := 0.0
	for _, e := range es {
		if e.Suppressed || e.E == 0 {
			continue
		}
		sumE += e.E
		sumN += float64(e.N)
		xy := plotter.XY{X: float64(e.N), Y: e.Ratio}
		if member(e.Area) {
			mem = append(mem, xy)
		} else {
			oth = append(oth, xy)
		}
		maxN = math.Max(maxN, float64(e.N))
	}
	if sumN == 0 {
		return "", nil
	}
	pbar := sumE / sumN
	for _, z := range []float64{1.959964, 3.090232} {
		for _, sign := range []float64{-1, 1} {
			f := plotter.NewFunction(func(n float64) float64 { return 1 + sign*z*math.Sqrt(n*pbar*(1-pbar))/(n*pbar) })
			f.XMin, f.XMax, f.Samples = math.Max(5, maxN/100), maxN*1.05, 100
			f.Color = grey
			if z > 2 {
				f.Dashes = []vg.Length{vg.Points(3), vg.Points(3)}
			}
			p.Add(f)
		}
	}
	for _, s := range []struct {
		xys   plotter.XYs
		name  string
		color color.Color
	}{{oth, "övriga kommuner", orange}, {mem, "medlemmar", blue}} {
		if len(s.xys) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(s.xys)
		if err != nil {
			return "", fmt.Errorf("report: funnel: %w", err)
		}
		sc.Color = s.color
		p.Add(sc)
		p.Legend.Add(s.name, sc)
	}
	p.Y.Min, p.Y.Max = 0, 2
	p.X.Min = 0
	return render(p, 16*vg.Centimeter, 8*vg.Centimeter, "Trattdiagram för "+kpi)
}
