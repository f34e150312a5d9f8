package dashboards

import (
	"fmt"
	"strings"

	"github.com/grafana-tools/sdk"

	"github.com/effekt/effekt/models"
)

// cell is the selector of the chosen indicator cell (kpi, period, gender).
const cell = `period="$period",gender="$gender"`

// suppressionNote is said in every description of indicator values.
const suppressionNote = "Celler där kohorten (nämnaren) är mindre än min_n (standard 5 personer) visas inte, och inte heller celler som annars kunde räknas fram ur andra (t.ex. länet minus övriga kommuner, totalen minus kvinnor): de är undertryckta av röjandeskydd och saknas i diagrammet."

// indicatorsBoard is "Indikatorer per kommun": one indicator, one period,
// every municipality side by side with counties, Riket and groups.
func indicatorsBoard(cat []models.Indicator, gazetteerURL string) *sdk.Board {
	b := newBoard("Indikatorer per kommun", "indikatorer")
	b.Templating.List = []sdk.TemplateVar{
		kpiVar(cat),
		queryVar("period", "År", `label_values(effekt_indicator_value{kpi="$kpi"}, period)`, sortNumericDesc),
		queryVar("gender", "Kön (T totalt, K kvinnor, M män)", `label_values(effekt_indicator_value{kpi="$kpi",period="$period"}, gender)`, sortAlphaDesc),
	}
	b.Templating.List[2].Current = sdk.Current{Text: &sdk.StringSliceString{Value: []string{"T"}, Valid: true}, Value: "T"}
	groups := unitGroups(cat)
	l := newLayout(b)

	l.row("Översikt för $kpi, $period")
	if tg := withTargets(groups); len(tg) > 0 {
		l.add(newPanel("stat", "Mål för $kpi",
			"Målvärdet för indikatorn (effekt_indicator_target), där ett mål finns: "+targetList(cat)+". Övriga indikatorer har inget mål.", 6, 4).
			targets(perUnit(tg, func(g unitGroup) string { return `effekt_indicator_target{` + g.matcher() + `}` }, "Mål")...).
			fieldConfig(obj{"unit": "none", "decimals": 1, "noValue": "Inget mål", "color": obj{"mode": "fixed", "fixedColor": "green"}}, unitOverrides(tg)...).
			options(statOptions("value")))
	}
	l.add(newPanel("stat", "Kommuner med redovisat värde",
		"Antal kommuner som har ett redovisat värde för vald indikator, år och kön (celler som inte är undertryckta).", 6, 4).
		targets(target{refID: "A", expr: `count(effekt_indicator_value{kpi="$kpi",` + cell + `,area_type="K"})`, legend: "Kommuner"}).
		fieldConfig(obj{"unit": "short", "decimals": 0, "noValue": "0", "color": obj{"mode": "fixed", "fixedColor": "blue"}}).
		options(statOptions("value")))
	l.add(newPanel("stat", "Undertryckta kommunceller",
		"Antal celler (år × kön) för kommuner där kohorten är mindre än min_n och värdet därför inte visas, över de exponerade åren.", 6, 4).
		targets(target{refID: "A", expr: `sum(effekt_indicator_cells{kpi="$kpi",area_type="K",status="suppressed"}) or vector(0)`, legend: "Undertryckta"}).
		fieldConfig(obj{"unit": "short", "decimals": 0, "color": obj{"mode": "thresholds"}, "thresholds": thresholds("green", 1, "orange")}).
		options(statOptions("value")))
	l.add(newPanel("stat", "Kohortens storlek, riket",
		"Nämnaren för riket (0000): antal personer, planer eller deltaganden i kohorten för vald indikator, år och kön.", 6, 4).
		targets(target{refID: "A", expr: `sum(effekt_indicator_denominator{kpi="$kpi",` + cell + `,municipality="0000"})`, legend: "Kohort"}).
		fieldConfig(obj{"unit": "short", "decimals": 0, "color": obj{"mode": "fixed", "fixedColor": "blue"}}).
		options(statOptions("value")))

	l.row("Kommuner sida vid sida")
	l.add(unitBarGauge(cat, "Alla kommuner: $kpi, $period",
		"Indikatorns värde för varje kommun (kommunen där personen bodde enligt kohortposten), sorterat från högst till lägst. "+
			"Staplarna färgas mot målet där indikatorn har ett (orange under, grönt över). "+suppressionNote,
		`area_type="K"`, 12, 24))
	l.add(unitBarGauge(cat, "Län, riket och kommungrupper: $kpi, $period",
		"Samma indikator för län (00LL), riket (0000) och konfigurerade kommungrupper (G…, t.ex. Södertörn), beräknade från mikrodata – inte medelvärden av kommunernas värden. "+
			"Staplarna färgas mot målet där indikatorn har ett. "+suppressionNote,
		`area_type=~"L|G"`, 12, 12))
	l.below(genderBarChart(cat))

	l.row("Karta")
	l.add(municipalityMap(gazetteerURL))

	l.row("Värden med konfidensintervall")
	l.add(intervalTable(groups))

	l.row("Om indikatorerna")
	l.add(newPanel("text", "Indikatorernas definitioner",
		"Definitioner ur effekts indikatorkatalog.", 24, 4+2*len(cat)).
		options(obj{"mode": "markdown", "content": catalogueMarkdown(cat)}))
	return b
}

// unitRef is the refId of the query of the i-th unit group: A, B, C…
func unitRef(i int) string { return string(rune('A' + i)) }

// perUnit is one query per unit group (refIds unitRef(i)), of which only the
// group holding $kpi returns data.
func perUnit(groups []unitGroup, expr func(unitGroup) string, legend string) []target {
	ts := make([]target, len(groups))
	for i, g := range groups {
		ts[i] = target{refID: unitRef(i), expr: expr(g), legend: legend}
	}
	return ts
}

// unitOverrides give the fields of each perUnit query their unit.
func unitOverrides(groups []unitGroup) []obj {
	ovs := make([]obj, len(groups))
	for i, g := range groups {
		ovs[i] = refIDOverride(unitRef(i), unitProps(g.unit)...)
	}
	return ovs
}

func statOptions(textMode string) obj {
	return obj{
		"reduceOptions": obj{"calcs": []string{"lastNotNull"}, "fields": "", "values": false},
		"orientation":   "auto", "textMode": textMode, "colorMode": "value", "graphMode": "none",
		"justifyMode": "auto", "wideLayout": true, "showPercentChange": false,
	}
}

func barGaugeOptions() obj {
	return obj{
		"reduceOptions": obj{"calcs": []string{"lastNotNull"}, "fields": "", "values": false},
		"orientation":   "horizontal", "displayMode": "basic", "valueMode": "color",
		"showUnfilled": true, "namePlacement": "left", "sizing": "manual", "minVizHeight": 16, "maxVizHeight": 24, "minVizWidth": 8,
	}
}

// valueTargets are the queries of a panel showing the chosen indicator's
// value (expr builds the query from a kpi selector): one per unit group
// over its indicators without a target (refIds A, B, C…), and one per
// indicator with a target (refId its id), so that each shows in its own
// unit and the target's thresholds come from a byFrameRefID override,
// which Grafana applies after the panel defaults. Only the query covering
// $kpi returns data.
func valueTargets(cat []models.Indicator, expr func(kpis string) string, legend string) ([]target, []obj) {
	var ts []target
	var ovs []obj
	for i, g := range unitGroups(cat) {
		var ids []string
		for _, in := range cat {
			if in.Unit == g.unit && in.Target == nil {
				ids = append(ids, in.ID)
			}
		}
		if len(ids) == 0 {
			continue
		}
		ref := unitRef(i)
		ts = append(ts, target{refID: ref, legend: legend, expr: expr(`kpi="$kpi",kpi=~"` + strings.Join(ids, "|") + `"`)})
		ovs = append(ovs, refIDOverride(ref, unitProps(g.unit)...))
	}
	for _, in := range cat {
		if in.Target == nil {
			continue
		}
		ts = append(ts, target{refID: in.ID, legend: legend, expr: expr(`kpi="$kpi",kpi="` + in.ID + `"`)})
		d := valueDefaults(in.Unit, in.Target, in.Direction)
		ovs = append(ovs, refIDOverride(in.ID, append(unitProps(in.Unit), prop("color", d["color"]), prop("thresholds", d["thresholds"]))...))
	}
	return ts, ovs
}

// unitBarGauge is a horizontal bar gauge of effekt_indicator_value for the
// areas matched by areas (valueTargets: each indicator in its own unit,
// bars coloured against the target where the indicator has one: orange on
// the wrong side, green on the right side).
func unitBarGauge(cat []models.Indicator, title, desc, areas string, w, h int) *panel {
	ts, ovs := valueTargets(cat, func(kpis string) string {
		return `sort_desc(effekt_indicator_value{` + kpis + `,` + cell + `,` + areas + `})`
	}, "{{municipality_name}}")
	return newPanel("bargauge", title, desc, w, h).options(barGaugeOptions()).targets(ts...).
		fieldConfig(obj{"unit": "none", "min": 0, "color": obj{"mode": "thresholds"}, "thresholds": thresholds("blue")}, ovs...)
}

// joinOnField joins the table frames of a panel's queries on one label
// column (an outer join). A query that returned nothing gives a frame
// without that column, which the join leaves out: no empty columns. The
// Time columns of the instant queries are dropped.
func joinOnField(field string) []obj {
	return []obj{
		{"id": "joinByField", "options": obj{"byField": field, "mode": "outer"}},
		{"id": "filterFieldsByName", "options": obj{"exclude": obj{"pattern": "^Time.*$"}}},
	}
}

// genderBarChart compares women and men per municipality: one instant
// table query per gender and unit group (aggregated to the municipality
// name), joined on the name; only the two queries covering $kpi answer.
func genderBarChart(cat []models.Indicator) *panel {
	var ts []target
	var ovs []obj
	for _, gd := range []struct{ code, name, color string }{{"K", "Kvinnor", "purple"}, {"M", "Män", "yellow"}} {
		for i, g := range unitGroups(cat) {
			ref := gd.code + unitRef(i)
			ts = append(ts, target{refID: ref, table: true,
				expr: `sum by (municipality_name) (effekt_indicator_value{` + g.matcher() + `,period="$period",gender="` + gd.code + `",area_type="K"})`})
			props := append([]obj{prop("displayName", gd.name), prop("color", obj{"mode": "fixed", "fixedColor": gd.color})}, unitProps(g.unit)...)
			ovs = append(ovs, nameOverride("Value #"+ref, props...))
		}
	}
	tr := append(joinOnField("municipality_name"), obj{"id": "sortBy", "options": obj{"fields": obj{}, "sort": []obj{{"field": "municipality_name"}}}})
	return newPanel("barchart", "Kvinnor och män per kommun: $kpi, $period",
		"Indikatorns värde för kvinnor (K) och män (M) i varje kommun, för indikatorer som delas upp på kön (juridiskt kön ur personnumret). "+
			"Saknas en stapel är cellen för det könet undertryckt (kohort under min_n). "+suppressionNote, 12, 12).
		targets(ts...).
		transformations(tr...).
		fieldConfig(obj{"unit": "none", "min": 0, "color": obj{"mode": "palette-classic"},
			"custom": obj{"fillOpacity": 80, "lineWidth": 1, "gradientMode": "none", "axisPlacement": "auto", "axisSoftMin": 0}}, ovs...).
		options(obj{"orientation": "horizontal", "xField": "municipality_name", "showValue": "never", "stacking": "none",
			"groupWidth": 0.7, "barWidth": 0.9, "xTickLabelRotation": 0, "xTickLabelSpacing": 0,
			"legend":  obj{"showLegend": true, "displayMode": "list", "placement": "bottom", "calcs": []string{}},
			"tooltip": obj{"mode": "multi", "sort": "none"}})
}

// intervalTable lists every area with value, Wilson interval and cohort:
// the value per unit group (aggregated to the area's labels), the interval
// bounds and the cohort per area code, joined on the code, so that an area
// is one row and a query without data (no interval for days and kronor)
// adds no column.
func intervalTable(groups []unitGroup) *panel {
	var ts []target
	var ovs []obj
	for i, g := range groups {
		ref := unitRef(i)
		ts = append(ts, target{refID: ref, table: true,
			expr: `sum by (municipality, municipality_name, area_type, county) (effekt_indicator_value{` + g.matcher() + `,` + cell + `})`})
		ovs = append(ovs, nameOverride("Value #"+ref, append([]obj{prop("displayName", "Värde")}, unitProps(g.unit)...)...))
	}
	sel := `{kpi="$kpi",` + cell + `})`
	ts = append(ts,
		target{refID: "L", table: true, expr: `sum by (municipality) (effekt_indicator_ci_low` + sel},
		target{refID: "H", table: true, expr: `sum by (municipality) (effekt_indicator_ci_high` + sel},
		target{refID: "N", table: true, expr: `sum by (municipality) (effekt_indicator_denominator` + sel},
	)
	ovs = append(ovs,
		nameOverride("Value #L", prop("displayName", "95 % KI, nedre"), prop("unit", "percent"), prop("decimals", 1)),
		nameOverride("Value #H", prop("displayName", "95 % KI, övre"), prop("unit", "percent"), prop("decimals", 1)),
		nameOverride("Value #N", prop("displayName", "Kohort (nämnare)"), prop("unit", "short"), prop("decimals", 0)),
		nameOverride("municipality_name", prop("displayName", "Område")),
		nameOverride("municipality", prop("displayName", "Kod")),
		nameOverride("area_type", prop("displayName", "Typ (K kommun, L län/riket, G grupp)")),
		nameOverride("county", prop("displayName", "Län")),
	)
	tr := append(joinOnField("municipality"), obj{"id": "organize", "options": obj{"excludeByName": obj{},
		"indexByName": obj{"municipality_name": 0, "municipality": 1, "area_type": 2, "county": 3}, "renameByName": obj{}}})
	return newPanel("table", "Alla områden: värde, 95 % konfidensintervall och kohort",
		"Värdet för varje kommun, län, riket och kommungrupp med 95 % Wilson-intervall (för andelar) och kohortens storlek (nämnaren: antal personer, planer eller deltaganden). "+
			"Andelar = täljare / nämnare × 100. Medianer (dagar) och kostnad (kronor) har inget intervall. "+suppressionNote, 24, 14).
		targets(ts...).
		transformations(tr...).
		fieldConfig(obj{"unit": "none", "custom": obj{"align": "auto", "cellOptions": obj{"type": "auto"}, "inspect": false, "filterable": true}}, ovs...).
		options(obj{"showHeader": true, "cellHeight": "sm", "footer": obj{"show": false, "reducer": []string{"sum"}, "countRows": false, "fields": ""},
			"sortBy": []obj{{"displayName": "Värde", "desc": true}}})
}

// targetList names the indicators with a target and their targets.
func targetList(cat []models.Indicator) string {
	var parts []string
	for _, in := range cat {
		if in.Target != nil {
			parts = append(parts, fmt.Sprintf("%s har målet %g %s", in.ID, *in.Target, unitWord(in.Unit)))
		}
	}
	return strings.Join(parts, ", ")
}

// catalogueMarkdown is the indicator catalogue as a Markdown table.
func catalogueMarkdown(cat []models.Indicator) string {
	var sb strings.Builder
	sb.WriteString("Alla värden beräknas från pseudonymiserade mikrodata per kommun, år (kohortdatumets kalenderår) och kön. " +
		"Celler med en kohort under min_n visas inte. Andelar har 95 % Wilson-intervall.\n\n")
	sb.WriteString("| Id | Indikator | Enhet | Kohort | Täljare | Nämnare | Bättre | Mål |\n|---|---|---|---|---|---|---|---|\n")
	for _, in := range cat {
		better := "högre"
		if in.Direction == models.LowerIsBetter {
			better = "lägre"
		}
		goal := "–"
		if in.Target != nil {
			goal = fmt.Sprintf("%g %s", *in.Target, unitWord(in.Unit))
		}
		num := in.Numerator
		if num == "" {
			num = "–"
		}
		fmt.Fprintf(&sb, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", in.ID, md(in.TitleSV), unitWord(in.Unit), md(in.Cohort), md(num), md(in.Denominator), better, goal)
	}
	return sb.String()
}

func md(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "|", "\\|"), "\n", " ") }
