package dashboards

import (
	"github.com/grafana-tools/sdk"

	"github.com/effekt/effekt/models"
)

// Freshness thresholds, in seconds: sources export at least monthly.
const (
	freshWarn = 21 * 24 * 3600 // orange after three weeks
	freshBad  = 35 * 24 * 3600 // red after 35 days: a monthly export is missing
)

// orZero is sum by (by) (sel) with a zero for every by-value that exists in
// all but not in sel, so that "no failures" shows 0 rather than no data.
func orZero(sel, all, by string) string {
	return `sum by (` + by + `) (` + sel + `) or sum by (` + by + `) (` + all + `) * 0`
}

func timeseriesDefaults(unit string, bars bool) obj {
	custom := obj{"drawStyle": "line", "lineWidth": 1, "fillOpacity": 10, "showPoints": "never", "spanNulls": false,
		"stacking": obj{"mode": "none", "group": "A"}, "axisPlacement": "auto", "axisSoftMin": 0}
	if bars {
		custom["drawStyle"], custom["fillOpacity"] = "bars", 80
		custom["stacking"] = obj{"mode": "normal", "group": "A"}
	}
	return obj{"unit": unit, "decimals": 0, "color": obj{"mode": "palette-classic"}, "custom": custom}
}

func timeseriesOptions() obj {
	return obj{"legend": obj{"showLegend": true, "displayMode": "table", "placement": "right", "calcs": []string{"sum"}},
		"tooltip": obj{"mode": "multi", "sort": "desc"}}
}

// dataflowBoard is "Dataflöde": is the data feeding the indicators fresh and
// complete, and do the jobs run.
func dataflowBoard(_ []models.Indicator) *sdk.Board {
	b := newBoard("Dataflöde", "dataflode")
	kind := queryVar("kind", "Källa (filtyp)", `label_values(effekt_rows_total, kind)`, sortAlphaAsc)
	kind.Multi, kind.IncludeAll, kind.AllValue = true, true, ".*"
	kind.Current = sdk.Current{Text: &sdk.StringSliceString{Value: []string{"All"}, Valid: true}, Value: []string{"$__all"}}
	b.Templating.List = []sdk.TemplateVar{kind}
	b.Time = sdk.Time{From: "now-7d", To: "now"}
	k := `kind=~"$kind"`
	l := newLayout(b)

	l.row("Färskhet")
	l.add(newPanel("stat", "Datats ålder per källa",
		"Tid sedan den senaste händelsen (t.ex. senaste anmälan, kurstart eller planslut) i de inlästa data för varje filtyp (effekt_data_freshness_seconds). "+
			"Orange efter 21 dagar, rött efter 35 dagar: då saknas sannolikt en månadsexport från källan.", 16, 6).
		targets(target{refID: "A", legend: "{{kind}}", expr: `effekt_data_freshness_seconds{` + k + `}`}).
		transformations(rename(kindNames, "%s", "%s")...).
		fieldConfig(obj{"unit": "s", "decimals": 0, "color": obj{"mode": "thresholds"}, "thresholds": thresholds("green", freshWarn, "orange", freshBad, "red")}).
		options(statOptions("value_and_name")))
	l.add(newPanel("table", "Senaste lyckade inläsning per källa",
		"När en fil av varje typ senast lästes in utan fel (effekt_last_successful_load_timestamp_seconds), och hur länge sedan.", 8, 6).
		targets(
			target{refID: "A", table: true, expr: `effekt_last_successful_load_timestamp_seconds{` + k + `} * 1000`},
			target{refID: "B", table: true, expr: `time() - effekt_last_successful_load_timestamp_seconds{` + k + `}`}).
		transformations(obj{"id": "merge", "options": obj{}},
			obj{"id": "organize", "options": obj{"excludeByName": obj{"Time": true}, "indexByName": obj{"kind": 0}, "renameByName": obj{}}}).
		fieldConfig(obj{"unit": "none", "custom": obj{"align": "auto", "cellOptions": obj{"type": "auto"}, "inspect": false}},
			nameOverride("kind", prop("displayName", "Källa"), valueNames(kindNames)),
			nameOverride("Value #A", prop("displayName", "Senast inläst"), prop("unit", "dateTimeAsIso")),
			nameOverride("Value #B", prop("displayName", "Sedan"), prop("unit", "s"), prop("decimals", 0),
				prop("thresholds", thresholds("green", freshWarn, "orange", freshBad, "red")),
				prop("custom.cellOptions", obj{"type": "color-text"}))).
		options(obj{"showHeader": true, "cellHeight": "sm", "footer": obj{"show": false, "reducer": []string{"sum"}, "countRows": false},
			"sortBy": []obj{{"displayName": "Källa", "desc": false}}}))

	l.row("Filer och rader")
	l.add(newPanel("timeseries", "Inlästa rader per källa och utfall",
		"Rader lästa ur källfilerna per intervall (ökningen av effekt_rows_total): inlästa, eller avvisade med en orsak. "+
			"Varje läst rad blir antingen inläst eller avvisad.", 12, 8).
		targets(target{refID: "A", range_: true, legend: "{{kind}} {{outcome}}",
			expr: `sum by (kind, outcome) (increase(effekt_rows_total{` + k + `}[$__rate_interval]))`}).
		transformations(append(rename(kindNames, "%s (.*)", "%s $1"), rename(rowOutcomes, "(.*) %s", "$1 – %s")...)...).
		fieldConfig(timeseriesDefaults("short", true),
			obj{"matcher": obj{"id": "byRegexp", "options": ".*avvisade rader"}, "properties": []obj{prop("color", obj{"mode": "fixed", "fixedColor": "red"})}}).
		options(timeseriesOptions()))
	l.add(newPanel("timeseries", "Filer per källa och status",
		"Filer per intervall (ökningen av effekt_files_total): inlästa, med fel (flyttade till failed/ med en felbeskrivning) eller redan inlästa (samma sha256, överhoppade).", 12, 8).
		targets(target{refID: "A", range_: true, legend: "{{kind}} {{status}}",
			expr: `sum by (kind, status) (increase(effekt_files_total{` + k + `}[$__rate_interval]))`}).
		transformations(append(rename(kindNames, "%s (.*)", "%s $1"), rename(fileStatuses, "(.*) %s", "$1 – %s")...)...).
		fieldConfig(timeseriesDefaults("short", true),
			obj{"matcher": obj{"id": "byRegexp", "options": ".*filer med fel"}, "properties": []obj{prop("color", obj{"mode": "fixed", "fixedColor": "red"})}}).
		options(timeseriesOptions()))
	l.add(newPanel("table", "Filer och rader totalt",
		"Totalt sedan start per källa: filer per status och rader per utfall (effekt_files_total, effekt_rows_total).", 12, 8).
		targets(
			target{refID: "F", table: true, expr: `sum by (kind) (effekt_files_total{` + k + `,status="loaded"})`},
			target{refID: "X", table: true, expr: orZero(`effekt_files_total{`+k+`,status="failed"}`, `effekt_files_total{`+k+`}`, "kind")},
			target{refID: "R", table: true, expr: `sum by (kind) (effekt_rows_total{` + k + `,outcome="loaded"})`},
			target{refID: "J", table: true, expr: orZero(`effekt_rows_total{`+k+`,outcome="rejected"}`, `effekt_rows_total{`+k+`}`, "kind")}).
		transformations(obj{"id": "merge", "options": obj{}},
			obj{"id": "organize", "options": obj{"excludeByName": obj{"Time": true}, "indexByName": obj{"kind": 0}, "renameByName": obj{}}}).
		fieldConfig(obj{"unit": "short", "decimals": 0, "custom": obj{"align": "auto", "cellOptions": obj{"type": "auto"}, "inspect": false}},
			nameOverride("kind", prop("displayName", "Källa"), valueNames(kindNames)),
			nameOverride("Value #F", prop("displayName", "Filer inlästa")),
			nameOverride("Value #X", prop("displayName", "Filer med fel"), prop("thresholds", thresholds("green", 1, "red")), prop("custom.cellOptions", obj{"type": "color-text"})),
			nameOverride("Value #R", prop("displayName", "Rader inlästa")),
			nameOverride("Value #J", prop("displayName", "Rader avvisade"), prop("thresholds", thresholds("green", 1, "orange")), prop("custom.cellOptions", obj{"type": "color-text"}))).
		options(obj{"showHeader": true, "cellHeight": "sm", "footer": obj{"show": true, "reducer": []string{"sum"}, "countRows": false},
			"sortBy": []obj{{"displayName": "Källa", "desc": false}}}))
	l.add(newPanel("bargauge", "Avvisade rader per orsak",
		"Avvisade rader totalt per källa och orsak (effekt_rejected_rows_total), flest först. Orsakskoden (t.ex. invalid_person_id = Ogiltigt personnummer, "+
			"superseded = Ersatt av senare rad: en senare rad med samma nyckel ersatte raden) och raden finns i tabellen rejected_rows och via /api/v1.", 12, 8).
		targets(target{refID: "A", legend: "{{kind}}: {{reason}}", expr: `sort_desc(sum by (kind, reason) (effekt_rejected_rows_total{` + k + `}))`}).
		transformations(append(rename(kindNames, "%s: (.*)", "%s: $1"), rename(reasonNames, "(.*): %s", "$1: %s")...)...).
		fieldConfig(obj{"unit": "short", "decimals": 0, "min": 0, "color": obj{"mode": "thresholds"}, "thresholds": thresholds("orange")}).
		options(barGaugeOptions()))

	l.row("Jobb")
	runs := `effekt_job_runs_total`
	l.add(newPanel("timeseries", "Jobbkörningar per utfall",
		"Körningar per intervall och jobb (inläsning, beräkning, export) efter utfall: ok, fel, krasch, överhoppad (förra körningen pågick ännu).", 12, 8).
		targets(target{refID: "A", range_: true, legend: "{{pipeline_job}} {{outcome}}", expr: `sum by (pipeline_job, outcome) (increase(` + runs + `[$__rate_interval]))`}).
		transformations(append(rename(jobNames, "%s (.*)", "%s $1"), rename(jobOutcomes, "(.*) %s", "$1 – %s")...)...).
		fieldConfig(timeseriesDefaults("short", true),
			obj{"matcher": obj{"id": "byRegexp", "options": ".*(fel|krasch)"}, "properties": []obj{prop("color", obj{"mode": "fixed", "fixedColor": "red"})}},
			obj{"matcher": obj{"id": "byRegexp", "options": ".*överhoppad"}, "properties": []obj{prop("color", obj{"mode": "fixed", "fixedColor": "orange"})}}).
		options(timeseriesOptions()))
	l.add(newPanel("timeseries", "Körtid per jobb (median och 95:e percentil)",
		"Körtid från effekt_job_duration_seconds (histogram): median och 95:e percentilen per jobb över intervallet.", 12, 8).
		targets(
			target{refID: "A", range_: true, legend: "{{pipeline_job}} median", expr: `histogram_quantile(0.5, sum by (pipeline_job, le) (rate(effekt_job_duration_seconds_bucket[$__rate_interval])))`},
			target{refID: "B", range_: true, legend: "{{pipeline_job}} p95", expr: `histogram_quantile(0.95, sum by (pipeline_job, le) (rate(effekt_job_duration_seconds_bucket[$__rate_interval])))`}).
		transformations(append(rename(jobNames, "%s (.*)", "%s $1"), rename(map[string]string{"median": "median", "p95": "95:e percentilen"}, "(.*) %s", "$1 – %s")...)...).
		fieldConfig(timeseriesDefaults("s", false)).
		options(timeseriesOptions()))
	l.add(newPanel("stat", "Misslyckade körningar",
		"Körningar som slutade med fel eller panik (effekt_job_runs_total, outcome failed|panic) under vald tidsperiod, per jobb.", 6, 5).
		transformations(rename(jobNames, "%s", "%s")...).
		targets(target{refID: "A", legend: "{{pipeline_job}}", expr: orZero(`increase(`+runs+`{outcome=~"failed|panic"}[$__range])`, `increase(`+runs+`[$__range])`, "pipeline_job")}).
		fieldConfig(obj{"unit": "short", "decimals": 0, "color": obj{"mode": "thresholds"}, "thresholds": thresholds("green", 1, "red")}).
		options(statOptions("value_and_name")))
	l.add(newPanel("stat", "Överhoppade körningar",
		"Schemalagda körningar som hoppades över för att föregående körning av samma jobb fortfarande pågick (outcome skipped), under vald tidsperiod.", 6, 5).
		transformations(rename(jobNames, "%s", "%s")...).
		targets(target{refID: "A", legend: "{{pipeline_job}}", expr: orZero(`increase(`+runs+`{outcome="skipped"}[$__range])`, `increase(`+runs+`[$__range])`, "pipeline_job")}).
		fieldConfig(obj{"unit": "short", "decimals": 0, "color": obj{"mode": "thresholds"}, "thresholds": thresholds("green", 1, "orange")}).
		options(statOptions("value_and_name")))
	l.add(newPanel("stat", "Senaste lyckade körning",
		"När varje jobb senast slutade med ok (effekt_job_last_success_timestamp_seconds).", 6, 5).
		transformations(rename(jobNames, "%s", "%s")...).
		targets(target{refID: "A", legend: "{{pipeline_job}}", expr: `effekt_job_last_success_timestamp_seconds * 1000`}).
		fieldConfig(obj{"unit": "dateTimeFromNow", "color": obj{"mode": "fixed", "fixedColor": "blue"}}).
		options(statOptions("value_and_name")))
	l.add(newPanel("stat", "Pågår nu",
		"1 om jobbet kör just nu (effekt_job_running), annars 0.", 6, 5).
		transformations(rename(jobNames, "%s", "%s")...).
		targets(target{refID: "A", legend: "{{pipeline_job}}", expr: `effekt_job_running`}).
		fieldConfig(obj{"unit": "none", "decimals": 0, "color": obj{"mode": "thresholds"}, "thresholds": thresholds("text", 1, "blue"),
			"mappings": []obj{{"type": "value", "options": obj{"0": obj{"text": "nej", "index": 0}, "1": obj{"text": "ja", "index": 1}}}}}).
		options(statOptions("value_and_name")))

	l.row("Insamling av mätvärden")
	l.add(newPanel("stat", "Insamlare som lyckas",
		"1 när insamlaren kunde läsa sina värden ur databasen vid senaste skrapningen (effekt_scrape_collector_success), 0 vid fel.", 12, 4).
		targets(target{refID: "A", legend: "{{collector}}", expr: `effekt_scrape_collector_success`}).
		fieldConfig(obj{"unit": "none", "decimals": 0, "color": obj{"mode": "thresholds"}, "thresholds": thresholds("red", 1, "green"),
			"mappings": []obj{{"type": "value", "options": obj{"0": obj{"text": "fel", "index": 0}, "1": obj{"text": "ok", "index": 1}}}}}).
		options(statOptions("value_and_name")))
	l.add(newPanel("stat", "Insamlingstid",
		"Hur lång tid varje insamlare tog vid senaste skrapningen (effekt_scrape_collector_duration_seconds).", 12, 4).
		targets(target{refID: "A", legend: "{{collector}}", expr: `effekt_scrape_collector_duration_seconds`}).
		fieldConfig(obj{"unit": "s", "decimals": 3, "color": obj{"mode": "thresholds"}, "thresholds": thresholds("green", 1, "orange", 5, "red")}).
		options(statOptions("value_and_name")))
	return b
}
