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
const suppressionNote = "Celler där kohorten (nämnaren) är mindre än min_n (standard 5 personer) visas inte: de är undertryckta av röjandeskydd och saknas i diagrammet."

// indicatorsBoard is "Indikatorer per kommun": one indicator, one period,
// every municipality side by side with counties, Riket and groups.
func indicatorsBoard(cat []models.Indicator) *sdk.Board {
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
	l.add(unitBarGauge(groups, "Alla kommuner: $kpi, $period",
		"Indikatorns värde för varje kommun (kommunen där personen bodde enligt kohortposten), sorterat från högst till lägst. "+
			"Staplarna färgas mot målet där indikatorn har ett (orange under, grönt över). "+suppressionNote,
		`area_type="K"`, 12, 24, true))
	l.add(unitBarGauge(groups, "Län, riket och kommungrupper: $kpi, $period",
		"Samma indikator för län (00LL), riket (0000) och konfigurerade kommungrupper (G…, t.ex. Södertörn), beräknade från mikrodata – inte medelvärden av kommunernas värden. "+suppressionNote,
		`area_type=~"L|G"`, 12, 12, false))
	l.below(genderBarChart(groups))

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

// unitBarGauge is a horizontal bar gauge of effekt_indicator_value for the
// areas matched by areas, one query per unit (refIds A, B, C…) so that each
// indicator shows in its own unit; withTarget adds the target as thresholds
// through the "config from query results" transformation.
func unitBarGauge(groups []unitGroup, title, desc, areas string, w, h int, withTarget bool) *panel {
	ts := perUnit(groups, func(g unitGroup) string {
		return `sort_desc(effekt_indicator_value{` + g.matcher() + `,` + cell + `,` + areas + `})`
	}, "{{municipality_name}}")
	ovs := unitOverrides(groups)
	p := newPanel("bargauge", title, desc, w, h).options(barGaugeOptions())
	var tr []obj
	if withTarget {
		ts = append(ts, target{refID: "T", legend: "Mål", expr: `effekt_indicator_target{kpi="$kpi"}`})
		tr = append(tr, obj{"id": "configFromQuery", "options": obj{
			"configRefId": "T",
			// threshold1 adds a step at the target (red unless told otherwise):
			// bars at or above it turn green, below it stay orange.
			"mappings": []obj{{"fieldName": "Mål", "handlerKey": "threshold1",
				"handlerArguments": obj{"threshold": obj{"color": "green"}}}},
			"applyTo": obj{"id": "byType", "options": "number"},
		}})
	}
	p.targets(ts...).fieldConfig(obj{"unit": "none", "min": 0, "color": obj{"mode": "thresholds"}, "thresholds": thresholds("orange")}, ovs...)
	if tr != nil {
		p.transformations(tr...)
	}
	return p
}

// genderBarChart compares women and men per municipality: one instant table
// query per gender and unit, merged on the municipality name.
func genderBarChart(groups []unitGroup) *panel {
	var ts []target
	var ovs []obj
	for _, gd := range []struct{ code, name, color string }{{"K", "Kvinnor", "purple"}, {"M", "Män", "yellow"}} {
		for i, g := range groups {
			ref := gd.code + unitRef(i)
			ts = append(ts, target{refID: ref, table: true,
				expr: `sum by (municipality_name) (effekt_indicator_value{` + g.matcher() + `,period="$period",gender="` + gd.code + `",area_type="K"})`})
			props := append([]obj{prop("displayName", gd.name), prop("color", obj{"mode": "fixed", "fixedColor": gd.color})}, unitProps(g.unit)...)
			ovs = append(ovs, nameOverride("Value #"+ref, props...))
		}
	}
	return newPanel("barchart", "Kvinnor och män per kommun: $kpi, $period",
		"Indikatorns värde för kvinnor (K) och män (M) i varje kommun, för indikatorer som delas upp på kön (juridiskt kön ur personnumret). "+
			"Saknas en stapel är cellen för det könet undertryckt (kohort under min_n). "+suppressionNote, 12, 12).
		targets(ts...).
		transformations(obj{"id": "merge", "options": obj{}},
			obj{"id": "sortBy", "options": obj{"fields": obj{}, "sort": []obj{{"field": "municipality_name"}}}}).
		fieldConfig(obj{"unit": "none", "min": 0, "color": obj{"mode": "palette-classic"},
			"custom": obj{"fillOpacity": 80, "lineWidth": 1, "gradientMode": "none", "axisPlacement": "auto", "axisSoftMin": 0}}, ovs...).
		options(obj{"orientation": "horizontal", "xField": "municipality_name", "showValue": "never", "stacking": "none",
			"groupWidth": 0.7, "barWidth": 0.9, "xTickLabelRotation": 0, "xTickLabelSpacing": 0,
			"legend":  obj{"showLegend": true, "displayMode": "list", "placement": "bottom", "calcs": []string{}},
			"tooltip": obj{"mode": "multi", "sort": "none"}})
}

// intervalTable lists every area with value, Wilson interval and cohort.
func intervalTable(groups []unitGroup) *panel {
	var ts []target
	var ovs []obj
	for i, g := range groups {
		ref := unitRef(i)
		ts = append(ts, target{refID: ref, table: true, expr: `effekt_indicator_value{` + g.matcher() + `,` + cell + `}`})
		ovs = append(ovs, nameOverride("Value #"+ref, append([]obj{prop("displayName", "Värde")}, unitProps(g.unit)...)...))
	}
	sel := `{kpi="$kpi",` + cell + `}`
	ts = append(ts,
		target{refID: "L", table: true, expr: `effekt_indicator_ci_low` + sel},
		target{refID: "H", table: true, expr: `effekt_indicator_ci_high` + sel},
		target{refID: "N", table: true, expr: `effekt_indicator_denominator` + sel},
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
	return newPanel("table", "Alla områden: värde, 95 % konfidensintervall och kohort",
		"Värdet för varje kommun, län, riket och kommungrupp med 95 % Wilson-intervall (för andelar) och kohortens storlek (nämnaren: antal personer, planer eller deltaganden). "+
			"Andelar = täljare / nämnare × 100. Medianer (dagar) och kostnad (kronor) har inget intervall. "+suppressionNote, 24, 14).
		targets(ts...).
		transformations(obj{"id": "merge", "options": obj{}},
			obj{"id": "organize", "options": obj{"excludeByName": obj{"Time": true, "__name__": true, "kpi": true, "period": true, "gender": true},
				"indexByName": obj{"municipality_name": 0, "municipality": 1, "area_type": 2, "county": 3}, "renameByName": obj{}}}).
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
