package insatser

import (
	"fmt"
	"strings"

	"github.com/effekt/effekt/geo"
	"github.com/effekt/effekt/models"
	"github.com/effekt/effekt/snapshot"
)

// shadeKPIs are the indicators the map can be shaded by (besides the
// number of interventions open to others).
var shadeKPIs = []string{"EF401", "EF402", "EF301", "EF302"}

type option struct {
	Value, Label string
	Selected     bool
}

type card struct {
	*Intervention
	Hidden bool
	Open   string // "ja", "nej" or ""
	Kind   string // "kommun" or "af"
	Text   string // lower-case search text (data-text)
}

type shadedPath struct {
	mapPath
	Class, Label, Href string
	Selected           bool
}

type legendItem struct{ Class, Label string }

type mapModel struct {
	Heading, ViewBox         string
	Paths                    []shadedPath
	Legend                   []legendItem
	OtherHref, OtherLabel    string
	ShadeLabel, ShadeCaption string
}

type listPage struct {
	Title                    string
	Filter                   Filter
	Counties, Municipalities []option
	Providers, Categories    []option
	Languages, OpenOptions   []option
	Shades                   []option
	Cards                    []card
	Shown, Total             int
	Map                      mapModel
	CSVHref, AsOf            string
	Computed                 bool
	MinN                     int
}

func newListPage(f Filter, d *Data, snap *snapshot.Snapshot, minN int) listPage {
	p := listPage{Title: "Insatskarta", Filter: f, Computed: d.Computed, MinN: minN}
	if !d.AsOf.IsZero() {
		p.AsOf = d.AsOf.Format("2006-01-02")
	}
	p.Counties = []option{{Value: "alla", Label: "Hela landet", Selected: f.County == ""}}
	for _, a := range geo.All() {
		if n := geo.CountyName(a.ID); n != "" {
			p.Counties = append(p.Counties, option{Value: a.ID, Label: n, Selected: f.County == a.ID})
		}
	}
	p.Municipalities = []option{{Value: "", Label: "Alla kommuner"}}
	for _, m := range geo.Municipalities() {
		if f.County == "" || geo.County(m.ID) == f.County {
			p.Municipalities = append(p.Municipalities, option{Value: m.ID, Label: m.Title, Selected: f.Municipality == m.ID})
		}
	}
	p.Providers = opts(f.Provider, "Alla anordnare", [][2]string{{"kommun", "Kommuner"}, {"af", "Arbetsförmedlingen"}})
	var cats [][2]string
	for _, c := range d.categories() {
		cats = append(cats, [2]string{c, c})
	}
	p.Categories = opts(f.Category, "Alla kategorier", cats)
	var langs [][2]string
	for _, l := range d.languages() {
		langs = append(langs, [2]string{l, LanguageName(l)})
	}
	p.Languages = opts(f.Language, "Alla språk", langs)
	p.OpenOptions = opts(f.Open, "Alla", [][2]string{{"ja", "Ja"}, {"nej", "Nej"}})
	shades := [][2]string{{"oppna", "Antal insatser öppna för andra kommuner"}}
	for _, id := range shadeKPIs {
		if ind, ok := indicator(id); ok {
			shades = append(shades, [2]string{id, id + " " + ind.TitleSV})
		}
	}
	p.Shades = opts(f.Shade, "", shades)[1:]

	inCounty := f
	inCounty.Municipality, inCounty.Provider, inCounty.Category, inCounty.Language, inCounty.Open, inCounty.Text = "", "", "", "", "", ""
	for i := range d.Interventions {
		in := &d.Interventions[i]
		if !inCounty.Match(in) {
			continue
		}
		c := card{Intervention: in, Hidden: !f.Match(in), Kind: "kommun", Text: searchText(in)}
		if in.Provider == "AF" {
			c.Kind = "af"
		}
		if in.OpenToOthers != nil {
			c.Open = map[bool]string{true: "ja", false: "nej"}[*in.OpenToOthers]
		}
		p.Cards = append(p.Cards, c)
		if !c.Hidden {
			p.Shown++
		}
	}
	p.Total = len(p.Cards)
	p.CSVHref = "/insatser.csv"
	if q := f.Query(false); q != "" {
		p.CSVHref += "?" + q
	}
	p.Map = newMap(f, d, snap)
	return p
}

func opts(sel, all string, vals [][2]string) []option {
	out := []option{{Value: "", Label: all, Selected: sel == ""}}
	for _, v := range vals {
		out = append(out, option{Value: v[0], Label: v[1], Selected: sel == v[0]})
	}
	return out
}

func indicator(id string) (models.Indicator, bool) {
	for _, ind := range models.Catalogue() {
		if ind.ID == id {
			return ind, true
		}
	}
	return models.Indicator{}, false
}

// newMap shades the view of f's county by f.Shade.
func newMap(f Filter, d *Data, snap *snapshot.Snapshot) mapModel {
	v := views[f.County]
	m := mapModel{ViewBox: v.ViewBox, Heading: "Hela landet"}
	if f.County != "" {
		m.Heading = geo.CountyName(f.County)
		other := f
		other.County, other.Municipality = "", ""
		m.OtherHref, m.OtherLabel = "/insatser?"+other.Query(true), "Visa hela landet"
	} else {
		other := f
		other.County, other.Municipality = DefaultCounty, ""
		m.OtherHref, m.OtherLabel = "/insatser", "Visa Stockholms län"
		if q := other.Query(true); q != "" {
			m.OtherHref += "?" + q
		}
	}
	classOf, labelOf := shadeOpen(d)
	m.ShadeLabel = "Antal insatser öppna för andra kommuner"
	m.Legend = []legendItem{{"c0", "0"}, {"c1", "1"}, {"c2", "2–3"}, {"c3", "4–5"}, {"c4", "6 eller fler"}}
	if f.Shade != "oppna" {
		classOf, labelOf, m.Legend, m.ShadeCaption = shadeKPI(f.Shade, snap, v)
		ind, _ := indicator(f.Shade)
		m.ShadeLabel = f.Shade + " " + ind.TitleSV
	}
	for _, p := range v.Paths {
		sel := f
		sel.Municipality = p.ID
		if f.Municipality == p.ID {
			sel.Municipality = "" // a second click shows the whole county again
		}
		if f.County == "" {
			sel.County = geo.County(p.ID)
		}
		m.Paths = append(m.Paths, shadedPath{mapPath: p, Class: classOf(p.ID), Label: p.Name + ": " + labelOf(p.ID),
			Href: "/insatser?" + sel.Query(true), Selected: f.Municipality == p.ID})
	}
	return m
}

// shadeOpen classes municipalities by their interventions open to others.
func shadeOpen(d *Data) (func(string) string, func(string) string) {
	n := map[string]int{}
	for _, in := range d.Interventions {
		if in.OpenToOthers != nil && *in.OpenToOthers {
			n[in.Provider]++
		}
	}
	class := func(id string) string {
		switch c := n[id]; {
		case c == 0:
			return "c0"
		case c == 1:
			return "c1"
		case c <= 3:
			return "c2"
		case c <= 5:
			return "c3"
		}
		return "c4"
	}
	label := func(id string) string {
		if n[id] == 1 {
			return "1 insats öppen för andra kommuner"
		}
		return fmt.Sprintf("%d insatser öppna för andra kommuner", n[id])
	}
	return class, label
}

// shadeKPI classes the view's municipalities by the published value of kpi
// (the period with the most published cells, both genders), in four equal steps between the smallest
// and largest value shown; suppressed and missing cells have classes of
// their own.
func shadeKPI(kpi string, snap *snapshot.Snapshot, v mapView) (func(string) string, func(string) string, []legendItem, string) {
	var ids []string
	for _, p := range v.Paths {
		ids = append(ids, p.ID)
	}
	vals := snap.Query(models.Filter{KPIs: []string{kpi}, Municipalities: ids, Genders: []string{"T"}})
	// the period with the most published cells (the latest year is often
	// only begun: mostly suppressed); ties go to the later year
	published := map[int]int{}
	for _, x := range vals {
		if x.Value != nil {
			published[x.Period]++
		} else if _, ok := published[x.Period]; !ok {
			published[x.Period] = 0
		}
	}
	period := 0
	for p, n := range published {
		if n > published[period] || n == published[period] && p > period {
			period = p
		}
	}
	cell := map[string]models.Value{}
	lo, hi := 0.0, 0.0
	first := true
	for _, x := range vals {
		if x.Period != period {
			continue
		}
		cell[x.Municipality] = x
		if x.Value != nil {
			if first || *x.Value < lo {
				lo = *x.Value
			}
			if first || *x.Value > hi {
				hi = *x.Value
			}
			first = false
		}
	}
	step := (hi - lo) / 4
	class := func(id string) string {
		x, ok := cell[id]
		switch {
		case !ok:
			return "cn"
		case x.Value == nil:
			return "cs"
		case step == 0:
			return "c2"
		}
		return fmt.Sprintf("c%d", min(4, 1+int((*x.Value-lo)/step)))
	}
	label := func(id string) string {
		x, ok := cell[id]
		switch {
		case !ok:
			return "inga uppgifter"
		case x.Value == nil:
			return "dold (för få i underlaget)"
		}
		return strings.Replace(formatFloat(*x.Value, 1), ".", ",", 1) + fmt.Sprintf(" (%d)", period)
	}
	legend := []legendItem{{"cn", "inga uppgifter"}, {"cs", "dold: för få"}}
	if !first {
		for i := 1; i <= 4; i++ {
			a, b := lo+float64(i-1)*step, lo+float64(i)*step
			legend = append(legend, legendItem{fmt.Sprintf("c%d", i), strings.ReplaceAll(fmt.Sprintf("%.1f–%.1f", a, b), ".", ",")})
		}
	}
	caption := "Inga publicerade värden ännu."
	if period > 0 {
		caption = fmt.Sprintf("År %d, kvinnor och män, den publicerade tabellen (samma röjandekontroll som API:t).", period)
	}
	return class, label, legend, caption
}
