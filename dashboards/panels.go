package dashboards

import (
	"strings"

	"github.com/grafana-tools/sdk"

	"github.com/effekt/effekt/models"
)

// obj is a JSON object of a panel's model.
type obj = map[string]any

// datasource is the reference every panel, target and variable carries.
func datasource() obj { return obj{"type": "prometheus", "uid": DatasourceUID} }

// target is one PromQL query of a panel.
type target struct {
	refID  string
	expr   string
	legend string // legendFormat; empty: Grafana's default
	table  bool   // format table (labels as columns) instead of time series
	range_ bool   // range query (time series over the dashboard's time range); default instant
}

func (t target) model() obj {
	m := obj{
		"datasource": datasource(),
		"refId":      t.refID,
		"expr":       t.expr,
		"editorMode": "code",
		"instant":    !t.range_,
		"range":      t.range_,
		"format":     "time_series",
	}
	if t.table {
		m["format"] = "table"
	}
	if t.legend != "" {
		m["legendFormat"] = t.legend
	}
	return m
}

// panel is a modern panel built as an sdk custom panel: the sdk has no
// builders for bargauge, barchart or gauge, and its timeseries/stat/table
// structs lack fieldConfig overrides and transformations, so the full panel
// JSON goes into CustomPanel.
type panel struct {
	p *sdk.Panel
	w int
	h int
}

func newPanel(typ, title, description string, w, h int) *panel {
	p := sdk.NewCustom(title)
	p.Type = typ
	p.Renderer = nil
	p.IsNew = false
	p.Datasource = datasource()
	if description != "" {
		p.Description = ptr(description)
	}
	(*p.CustomPanel)["targets"] = []obj{}
	return &panel{p: p, w: w, h: h}
}

func (p *panel) set(key string, v any) *panel {
	(*p.p.CustomPanel)[key] = v
	return p
}

func (p *panel) targets(ts ...target) *panel {
	ms := make([]obj, len(ts))
	for i, t := range ts {
		ms[i] = t.model()
	}
	return p.set("targets", ms)
}

func (p *panel) fieldConfig(defaults obj, overrides ...obj) *panel {
	if overrides == nil {
		overrides = []obj{}
	}
	return p.set("fieldConfig", obj{"defaults": defaults, "overrides": overrides})
}

func (p *panel) options(o obj) *panel { return p.set("options", o) }

func (p *panel) transformations(ts ...obj) *panel { return p.set("transformations", ts) }

// layout places panels on Grafana's 24-column grid, left to right, starting
// a new line when a panel does not fit, and numbers them from 1.
type layout struct {
	board  *sdk.Board
	x, y   int // next free column and the top of the current line
	lineH  int // height of the current line
	nextID uint
}

func newLayout(b *sdk.Board) *layout { return &layout{board: b, nextID: 1} }

func (l *layout) newline() {
	if l.x > 0 {
		l.y += l.lineH
	}
	l.x, l.lineH = 0, 0
}

// add places p after the previous panel.
func (l *layout) add(p *panel) {
	if l.x+p.w > 24 {
		l.newline()
	}
	l.place(p, l.x, l.y)
	l.x += p.w
	l.lineH = max(l.lineH, p.h)
}

// below places p under the previous panel, in its column (a right-hand
// column of small panels beside a tall one).
func (l *layout) below(p *panel) {
	last := l.board.Panels[len(l.board.Panels)-1]
	x, y := *last.GridPos.X, *last.GridPos.Y+*last.GridPos.H
	l.place(p, x, y)
	l.lineH = max(l.lineH, y+p.h-l.y)
}

// place numbers p, puts its top left corner at (x, y) and adds it to the
// board.
func (l *layout) place(p *panel, x, y int) {
	p.p.ID = l.nextID
	l.nextID++
	p.p.GridPos.X, p.p.GridPos.Y = ptr(x), ptr(y)
	p.p.GridPos.W, p.p.GridPos.H = ptr(p.w), ptr(p.h)
	l.board.Panels = append(l.board.Panels, p.p)
}

// row starts a new full-width, expanded row titled title.
func (l *layout) row(title string) {
	l.newline()
	r := newPanel("row", title, "", 24, 1)
	r.set("collapsed", false).set("panels", []obj{})
	delete(*r.p.CustomPanel, "targets")
	l.add(r)
	l.newline()
}

// queryVar is a Prometheus query variable refreshed on time range change.
func queryVar(name, label, query string, sort int) sdk.TemplateVar {
	return sdk.TemplateVar{
		Name:       name,
		Label:      label,
		Type:       "query",
		Datasource: datasource(),
		Query:      query, // a string: what Grafana's Prometheus variable support accepts from every version and tool
		Refresh:    sdk.BoolInt{Flag: true, Value: ptr(int64(2))},
		Options:    []sdk.Option{},
		Sort:       sort,
	}
}

// Grafana's variable sort orders.
const (
	sortAlphaAsc    = 1
	sortAlphaDesc   = 2
	sortAlphaCIAsc  = 5
	sortNumericDesc = 4
)

// thresholds builds an absolute threshold set: base colour, then (value,
// colour) steps.
func thresholds(base string, steps ...any) obj {
	out := []obj{{"color": base, "value": nil}}
	for i := 0; i+1 < len(steps); i += 2 {
		out = append(out, obj{"value": steps[i], "color": steps[i+1]})
	}
	return obj{"mode": "absolute", "steps": out}
}

// grafanaUnit maps an indicator unit to Grafana's unit id.
func grafanaUnit(u models.Unit) string {
	switch u {
	case models.Percent:
		return "percent"
	case models.Days:
		return "d"
	case models.Kronor:
		return "currencySEK"
	}
	return "none"
}

// unitWord is the unit in Swedish, for descriptions.
func unitWord(u models.Unit) string {
	switch u {
	case models.Percent:
		return "procent"
	case models.Days:
		return "dagar"
	case models.Kronor:
		return "kronor"
	}
	return string(u)
}

// valueDefaults are the field defaults of an indicator value of unit u,
// with the target (if any) as a threshold.
func valueDefaults(u models.Unit, target *float64, dir models.Direction) obj {
	d := obj{"unit": grafanaUnit(u), "decimals": 0, "min": 0, "color": obj{"mode": "thresholds"}, "thresholds": thresholds("blue")}
	if u == models.Percent {
		d["decimals"], d["max"] = 1, 100
	}
	if target != nil {
		below, above := "orange", "green"
		if dir == models.LowerIsBetter {
			below, above = "green", "orange"
		}
		d["thresholds"] = thresholds(below, *target, above)
	}
	return d
}

// unitGroup is the indicators of one unit, for queries whose unit depends on
// the $kpi variable: one query per unit, and an override per query's refId.
type unitGroup struct {
	unit    models.Unit
	ids     []string
	targets bool // some indicator of the group has a target
}

func unitGroups(cat []models.Indicator) []unitGroup {
	var out []unitGroup
	idx := map[models.Unit]int{}
	for _, in := range cat {
		i, ok := idx[in.Unit]
		if !ok {
			i = len(out)
			idx[in.Unit] = i
			out = append(out, unitGroup{unit: in.Unit})
		}
		out[i].ids = append(out[i].ids, in.ID)
		out[i].targets = out[i].targets || in.Target != nil
	}
	return out
}

// withTargets keeps the groups holding an indicator with a target.
func withTargets(groups []unitGroup) []unitGroup {
	var out []unitGroup
	for _, g := range groups {
		if g.targets {
			out = append(out, g)
		}
	}
	return out
}

// matcher is the selector restricting $kpi to this group's indicators.
func (g unitGroup) matcher() string {
	return `kpi="$kpi",kpi=~"` + strings.Join(g.ids, "|") + `"`
}

// refIDOverride sets properties on the fields of one query.
func refIDOverride(refID string, props ...obj) obj {
	return obj{"matcher": obj{"id": "byFrameRefID", "options": refID}, "properties": props}
}

// nameOverride sets properties on the field named name.
func nameOverride(name string, props ...obj) obj {
	return obj{"matcher": obj{"id": "byName", "options": name}, "properties": props}
}

func prop(id string, v any) obj { return obj{"id": id, "value": v} }

// unitProps are the override properties giving a field the unit u.
func unitProps(u models.Unit) []obj {
	ps := []obj{prop("unit", grafanaUnit(u))}
	if u == models.Percent {
		ps = append(ps, prop("min", 0), prop("max", 100), prop("decimals", 1))
	} else {
		ps = append(ps, prop("min", 0), prop("decimals", 0))
	}
	return ps
}
