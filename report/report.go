// Package report writes the evaluation of a collaboration as one
// self-contained HTML file in Swedish: inline CSS and SVG charts (gonum/plot,
// fonts from the system), no scripts and no external requests, printable to
// PDF. It is rendered with html/template from an embedded template; the
// only unescaped content is the SVG this package draws.
//
// Contents: summary of the effects, a map of the members, goals and their status, per indicator
// the members against the others over the years and the event study
// (Callaway & Sant'Anna 2021), observed against case-mix expected values
// as a funnel plot (Spiegelhalter 2005), definitions, method and caveats.
package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/evaluate"
	"github.com/effekt/effekt/geo"
	"github.com/effekt/effekt/models"
)

//go:embed report.html.tmpl
var pageTemplate string

// Indicator is what the report shows for one indicator.
type Indicator struct {
	Def      models.Indicator
	Effect   evaluate.Result
	Trend    []evaluate.TrendPoint
	Expected []evaluate.Expected // municipalities, the latest period with a model; nil for non-shares
}

// Input is everything the report shows; the caller computes it.
type Input struct {
	Collaboration config.Collaboration
	AsOf          string
	Generated     string // date the report was written
	MinN          int
	Goals         []evaluate.GoalStatus
	Indicators    []Indicator
}

type indicatorView struct {
	Indicator
	HiddenNote                    string // which years left out municipalities with hidden values
	Estimated                     bool   // an effect with an interval
	NoEstimate                    string // why there is none, a Swedish sentence without the final stop
	EventSVG, TrendSVG, FunnelSVG template.HTML
	Period                        int
	Members                       []evaluate.Expected // members' cells of the funnel period
	Outside                       []string            // municipalities outside the 95 % limits
}

type view struct {
	Input
	AnyEffect  bool   // at least one indicator has an estimate
	Membership string // "9 medlemskommuner", "1 medlemskommun", with those who left
	NoEffect   string // the one reason no indicator has an estimate, when they share it
	MapSVG     template.HTML
	Members    []string
	Indicators []indicatorView
	Covariates string
}

var funcs = template.FuncMap{
	"signed": func(v float64) string {
		return strings.NewReplacer(".", ",", "-", "−").Replace(fmt.Sprintf("%+.1f", v))
	},
	"dec1": func(v float64) string { return strings.Replace(fmt.Sprintf("%.1f", v), ".", ",", 1) },
	"dec2": func(v float64) string { return strings.Replace(fmt.Sprintf("%.2f", v), ".", ",", 1) },
	"p": func(v float64) string {
		if v < 0.001 {
			return "< 0,001"
		}
		return strings.Replace(fmt.Sprintf("%.3f", v), ".", ",", 1)
	},
	"name":   func(code string) string { return geo.Name(code) },
	"deref1": func(v *float64) float64 { return *v },
	"value": func(v *float64) string {
		if v == nil {
			return "–"
		}
		return strings.Replace(strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.1f", *v), "0"), "."), ".", ",", 1)
	},
	"statusClass": func(s string) string {
		switch s {
		case evaluate.Achieved:
			return "ok"
		case evaluate.NotAchieved:
			return "no"
		}
		return "na"
	},
}

// Write renders the report for in.
func Write(w io.Writer, in Input) error {
	t, err := template.New("report").Funcs(funcs).Parse(pageTemplate)
	if err != nil {
		return fmt.Errorf("report: template: %w", err)
	}
	v := view{Input: in, Covariates: evaluate.Covariates}
	member := map[string]bool{}
	left := 0
	for _, m := range in.Collaboration.Members {
		if m.LeftOn != "" && !member[m.Municipality] {
			left++
		}
		member[m.Municipality] = true
		span := "från " + m.JoinedOn
		if m.LeftOn != "" {
			span += " till " + m.LeftOn
		}
		v.Members = append(v.Members, fmt.Sprintf("%s %s (%s)", m.Municipality, geo.Name(m.Municipality), span))
	}
	v.Membership = municipalities(len(member))
	if left > 0 {
		v.Membership += fmt.Sprintf(", varav %d har lämnat", left)
	}
	if v.MapSVG, err = mapChart(member); err != nil {
		return err
	}
	reasons := map[string]bool{}
	for _, ind := range in.Indicators {
		iv := indicatorView{Indicator: ind}
		switch {
		case ind.Effect.Error != "":
			iv.NoEstimate = strings.TrimSuffix(ind.Effect.Error, ".")
		case ind.Effect.Clusters == 0: // never estimated (a zero Result)
			iv.NoEstimate = "effekten har inte skattats för den här indikatorn, eftersom det inte finns några kohortrader hos medlemmarna efter anslutningen att jämföra med"
		default:
			iv.Estimated = true
		}
		if !iv.Estimated {
			short, _, _ := strings.Cut(iv.NoEstimate, ":")
			reasons[short] = true
		}
		if iv.Estimated {
			v.AnyEffect = true
			if iv.EventSVG, err = eventChart(ind.Effect); err != nil {
				return err
			}
		}
		iv.HiddenNote = hiddenNote(ind.Trend)
		if iv.TrendSVG, err = trendChart(ind.Def.ID, ind.Effect.Unit, ind.Trend); err != nil {
			return err
		}
		if len(ind.Expected) > 0 {
			iv.Period = ind.Expected[0].Period
			if iv.FunnelSVG, err = funnelChart(ind.Def.ID, ind.Expected, func(a string) bool { return member[a] }); err != nil {
				return err
			}
			for _, e := range ind.Expected {
				if member[e.Area] {
					iv.Members = append(iv.Members, e)
				}
				if !e.Suppressed && (e.RatioLow > 1 || e.RatioHigh < 1) {
					iv.Outside = append(iv.Outside, fmt.Sprintf("%s %s (O/E %s)", e.Area, geo.Name(e.Area), strings.Replace(fmt.Sprintf("%.2f", e.Ratio), ".", ",", 1)))
				}
			}
		}
		v.Indicators = append(v.Indicators, iv)
	}
	if !v.AnyEffect && len(reasons) == 1 {
		for r := range reasons {
			v.NoEffect = r
		}
	}
	return t.Execute(w, v)
}

// municipalities is "1 medlemskommun" or "n medlemskommuner".
func municipalities(n int) string {
	if n == 1 {
		return "1 medlemskommun"
	}
	return fmt.Sprintf("%d medlemskommuner", n)
}

// LatestMunicipalities keeps the municipality cells (not counties, Riket or
// groups) of the latest period that has at least three unsuppressed ones.
func LatestMunicipalities(es []evaluate.Expected) []evaluate.Expected {
	byPeriod := map[int][]evaluate.Expected{}
	for _, e := range es {
		if models.IsMunicipality(e.Area) {
			byPeriod[e.Period] = append(byPeriod[e.Period], e)
		}
	}
	var periods []int
	for p := range byPeriod {
		periods = append(periods, p)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(periods)))
	for _, p := range periods {
		shown := 0
		for _, e := range byPeriod[p] {
			if !e.Suppressed {
				shown++
			}
		}
		if shown >= 3 {
			return byPeriod[p]
		}
	}
	return nil
}

// hiddenNote says, in Swedish, how many municipalities with hidden values
// each year's trend point leaves out ("2021: 3 medlemmar och 12 övriga").
func hiddenNote(ts []evaluate.TrendPoint) string {
	var parts []string
	for _, t := range ts {
		var sides []string
		if t.HiddenMembers > 0 {
			sides = append(sides, fmt.Sprintf("%d %s", t.HiddenMembers, plural(t.HiddenMembers, "medlem", "medlemmar")))
		}
		if t.HiddenOthers > 0 {
			sides = append(sides, fmt.Sprintf("%d %s", t.HiddenOthers, plural(t.HiddenOthers, "övrig kommun", "övriga kommuner")))
		}
		if len(sides) > 0 {
			parts = append(parts, fmt.Sprintf("%d: %s", t.Year, strings.Join(sides, " och ")))
		}
	}
	return strings.Join(parts, "; ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
