package dashboards

import (
	"fmt"
	"strings"

	"github.com/grafana-tools/sdk"

	"github.com/effekt/effekt/models"
)

// municipalityRegex turns query_result lines such as
// {municipality="0127",municipality_name="Botkyrka"} 11 1700000000000 into
// value 0127 with text Botkyrka.
const municipalityRegex = `/municipality="(?<value>[^"]+)",\s*municipality_name="(?<text>[^"]+)"/`

// municipalBoard is "Kommun": every indicator of one municipality over the
// exposed years, beside its county, Riket and the groups.
func municipalBoard(cat []models.Indicator) *sdk.Board {
	b := newBoard("Kommun", "kommun")
	muni := queryVar("municipality", "Kommun",
		`query_result(count by (municipality, municipality_name) (effekt_indicator_value{area_type="K"}))`, sortAlphaCIAsc)
	muni.Regex = municipalityRegex
	county := queryVar("county", "Län", `label_values(effekt_indicator_value{municipality="$municipality"}, county)`, sortAlphaAsc)
	b.Templating.List = []sdk.TemplateVar{muni, county}
	l := newLayout(b)

	cells := `effekt_indicator_cells{municipality="$municipality"}`
	supp := `effekt_indicator_cells{municipality="$municipality",status="suppressed"}`
	l.row("Röjandeskydd: ${municipality:text}")
	l.add(newPanel("stat", "Andel undertryckta celler",
		"Andel av kommunens indikatorceller (indikator × år × kön, över de exponerade åren) där kohorten är mindre än min_n (standard 5) så att värdet inte visas. "+
			"Täljare: undertryckta celler; nämnare: alla celler med en kohort. En hög andel betyder att kommunens siffror till stor del döljs av röjandeskydd.", 6, 6).
		targets(target{refID: "A", legend: "Undertryckta", expr: `100 * (sum(` + supp + `) or vector(0)) / sum(` + cells + `)`}).
		fieldConfig(obj{"unit": "percent", "decimals": 0, "min": 0, "max": 100, "color": obj{"mode": "thresholds"}, "thresholds": thresholds("green", 10, "orange", 50, "red")}).
		options(statOptions("value")))
	l.add(newPanel("stat", "Celler per status",
		"Antal indikatorceller för kommunen: ok = värdet visas, suppressed = undertryckt (kohort under min_n).", 6, 6).
		targets(target{refID: "A", legend: "{{status}}", expr: `sum by (status) (` + cells + `)`}).
		fieldConfig(obj{"unit": "short", "decimals": 0, "color": obj{"mode": "palette-classic"}}).
		options(statOptions("value_and_name")))
	l.add(newPanel("bargauge", "Undertryckta celler per indikator",
		"Per indikator: andel av kommunens celler (år × kön) som är undertryckta för att kohorten är mindre än min_n.", 12, 6).
		targets(target{refID: "A", legend: "{{kpi}}", expr: `100 * (sum by (kpi) (` + supp + `) or sum by (kpi) (` + cells + `) * 0) / sum by (kpi) (` + cells + `)`}).
		fieldConfig(obj{"unit": "percent", "decimals": 0, "min": 0, "max": 100, "color": obj{"mode": "thresholds"}, "thresholds": thresholds("green", 10, "orange", 50, "red")}).
		options(barGaugeOptions()))

	for _, in := range cat {
		l.row(in.ID + " " + in.TitleSV)
		l.add(trendChart(in))
		l.add(yearTable(in))
	}
	return b
}

// describe is the description of an indicator's value: what it means, the
// cohort, numerator, denominator and suppression.
func describe(in models.Indicator) string {
	s := in.Description
	if s != "" {
		s += " "
	}
	s += "Kohort: " + sentence(in.Cohort)
	if in.Numerator != "" {
		s += " Täljare: " + sentence(in.Numerator)
	}
	s += " Nämnare: " + sentence(in.Denominator)
	s += " Enhet: " + unitWord(in.Unit) + "."
	if in.Target != nil {
		s += fmt.Sprintf(" Mål: %g %s (linjen i diagrammet).", *in.Target, unitWord(in.Unit))
	}
	if in.Direction == models.LowerIsBetter {
		s += " Lägre är bättre."
	} else {
		s += " Högre är bättre."
	}
	return s + " " + suppressionNote
}

// sentence ends s with exactly one full stop.
func sentence(s string) string { return strings.TrimRight(strings.TrimSpace(s), ".") + "." }

// trendChart shows an indicator per year (period is a label, not time) for
// the municipality, its county, Riket and the groups.
func trendChart(in models.Indicator) *panel {
	def := valueDefaults(in.Unit, in.Target, in.Direction)
	def["color"] = obj{"mode": "palette-classic"}
	custom := obj{"fillOpacity": 80, "lineWidth": 1, "gradientMode": "none", "axisPlacement": "auto", "axisSoftMin": 0,
		"thresholdsStyle": obj{"mode": "off"}}
	if in.Target != nil {
		custom["thresholdsStyle"] = obj{"mode": "dashed"}
	}
	def["custom"] = custom
	rowCol := `period\municipality_name`
	return newPanel("barchart", in.ID+": ${municipality:text}, län, riket och grupper per år",
		describe(in)+" Staplarna visar totalt (T) för kommunen, dess län ($county), riket (0000) och kommungrupperna (G…), grupperade per år.", 14, 9).
		targets(target{refID: "A", table: true,
			expr: `effekt_indicator_value{kpi="` + in.ID + `",gender="T",municipality=~"$municipality|$county|0000|G.+"}`}).
		transformations(
			obj{"id": "groupingToMatrix", "options": obj{"columnField": "municipality_name", "rowField": "period", "valueField": "Value", "emptyValue": "null"}},
			obj{"id": "sortBy", "options": obj{"fields": obj{}, "sort": []obj{{"field": rowCol}}}},
			obj{"id": "organize", "options": obj{"renameByName": obj{rowCol: "År"}, "excludeByName": obj{}, "indexByName": obj{}}},
		).
		fieldConfig(def).
		options(obj{"orientation": "vertical", "xField": "År", "showValue": "auto", "stacking": "none",
			"groupWidth": 0.75, "barWidth": 0.95, "xTickLabelRotation": 0, "xTickLabelSpacing": 0,
			"legend":  obj{"showLegend": true, "displayMode": "list", "placement": "bottom", "calcs": []string{}},
			"tooltip": obj{"mode": "multi", "sort": "none"}})
}

// yearTable lists the municipality's cells per year and gender with the
// interval (for proportions) and the cohort size.
func yearTable(in models.Indicator) *panel {
	// Each query is summed by (period, gender), the row key, so that merge
	// puts a cell's value, interval and cohort on one row: the series'
	// other labels (__name__, instance, job) would otherwise differ.
	sel := `{kpi="` + in.ID + `",municipality="$municipality"})`
	const by = `sum by (period, gender) (`
	ts := []target{{refID: "V", table: true, expr: by + `effekt_indicator_value` + sel}}
	ovs := []obj{nameOverride("Value #V", append([]obj{prop("displayName", "Värde")}, unitProps(in.Unit)...)...)}
	if in.Unit == models.Percent {
		ts = append(ts,
			target{refID: "L", table: true, expr: by + `effekt_indicator_ci_low` + sel},
			target{refID: "H", table: true, expr: by + `effekt_indicator_ci_high` + sel})
		ovs = append(ovs,
			nameOverride("Value #L", prop("displayName", "95 % KI, nedre"), prop("unit", "percent"), prop("decimals", 1)),
			nameOverride("Value #H", prop("displayName", "95 % KI, övre"), prop("unit", "percent"), prop("decimals", 1)))
	}
	ts = append(ts, target{refID: "N", table: true, expr: by + `effekt_indicator_denominator` + sel})
	ovs = append(ovs,
		nameOverride("Value #N", prop("displayName", "Kohort (nämnare)"), prop("unit", "short"), prop("decimals", 0)),
		nameOverride("period", prop("displayName", "År")),
		nameOverride("gender", prop("displayName", "Kön")))
	interval := ""
	if in.Unit == models.Percent {
		interval = " med 95 % Wilson-intervall"
	}
	return newPanel("table", in.ID+": ${municipality:text} per år och kön",
		"Kommunens värde per år och kön (T totalt, K kvinnor, M män)"+interval+" och kohortens storlek. "+describe(in), 10, 9).
		targets(ts...).
		transformations(obj{"id": "merge", "options": obj{}},
			obj{"id": "organize", "options": obj{"excludeByName": obj{"Time": true}, "indexByName": obj{"period": 0, "gender": 1}, "renameByName": obj{}}}).
		fieldConfig(obj{"unit": "none", "custom": obj{"align": "auto", "cellOptions": obj{"type": "auto"}, "inspect": false}}, ovs...).
		options(obj{"showHeader": true, "cellHeight": "sm", "footer": obj{"show": false, "reducer": []string{"sum"}, "countRows": false, "fields": ""},
			"sortBy": []obj{{"displayName": "År", "desc": true}}})
}
