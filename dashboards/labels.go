package dashboards

import (
	"regexp"
	"sort"
	"strings"

	"github.com/grafana-tools/sdk"

	"github.com/effekt/effekt/models"
)

// kpiVar is the indicator picker: a custom variable whose options read
// "EF101 Samhällsorientering slutförd …" and whose value is the id, built
// from the catalogue (Grafana's custom syntax "text : value", commas in a
// text escaped as \,).
func kpiVar(cat []models.Indicator) sdk.TemplateVar {
	var pairs []string
	var opts []sdk.Option
	for i, ind := range cat {
		text := ind.ID + " " + ind.TitleSV
		pairs = append(pairs, strings.ReplaceAll(text, ",", `\,`)+" : "+ind.ID)
		opts = append(opts, sdk.Option{Text: text, Value: ind.ID, Selected: i == 0})
	}
	v := sdk.TemplateVar{
		Name:    "kpi",
		Label:   "Indikator",
		Type:    "custom",
		Query:   strings.Join(pairs, ","),
		Options: opts,
		Refresh: sdk.BoolInt{Flag: true, Value: ptr(int64(0))}, // custom: never queried
	}
	if len(cat) > 0 {
		v.Current = sdk.Current{Text: &sdk.StringSliceString{Value: []string{opts[0].Text}, Valid: true}, Value: opts[0].Value}
	}
	return v
}

// kindNames are the Swedish names of the file kinds in legends.
var kindNames = map[string]string{
	"so_registrations":            "Anmälningar till samhällsorientering",
	"so_attendance":               "Närvaro",
	"so_certificates":             "Intyg samhällsorientering",
	"settlements":                 "Kommunmottagande",
	"sfi_courses":                 "SFI-kurser",
	"interventions":               "Insatser",
	"intervention_participations": "Insatsdeltagande",
	"af_plans":                    "Etableringsplaner",
	"unknown":                     "Okänd filtyp",
}

// rowOutcomes, fileStatuses and jobOutcomes name the outcome and status
// labels of rows, files and job runs.
var (
	rowOutcomes  = map[string]string{"loaded": "inlästa rader", "rejected": "avvisade rader"}
	fileStatuses = map[string]string{"loaded": "inlästa filer", "failed": "filer med fel", "skipped": "redan inlästa filer"}
	jobOutcomes  = map[string]string{"ok": "ok", "failed": "fel", "panic": "krasch", "skipped": "överhoppad"}
)

// reasonNames are the Swedish names of the reject reasons (ingest and
// ingest/parse; a test keeps them complete).
var reasonNames = map[string]string{
	"invalid_person_id":    "Ogiltigt personnummer",
	"invalid_date":         "Ogiltigt datum",
	"date_out_of_range":    "Datum utanför rimligt intervall",
	"invalid_municipality": "Okänd kommun",
	"invalid_hours":        "Ogiltigt antal timmar",
	"invalid_language":     "Ogiltigt språk",
	"invalid_course":       "Ogiltig kurs",
	"invalid_grade":        "Ogiltigt betyg",
	"invalid_present":      "Ogiltig närvaromarkering",
	"invalid_outcome":      "Ogiltigt utfall",
	"missing_value":        "Värde saknas",
	"wrong_field_count":    "Fel antal fält",
	"date_order":           "Datum i fel ordning",
	"missing_dependent":    "Beroende värde saknas",
	"superseded":           "Ersatt av senare rad",
	"invalid_text":         "Otillåtet tecken i text",
	"personnummer_in_id":   "Personnummer i id-kolumn",
}

// jobNames are the Swedish names of the pipeline jobs.
var jobNames = map[string]string{"ingest": "Inläsning", "compute": "Beräkning", "export": "Export"}

// rename is Grafana renameByRegex transformations that turn the raw label
// values in series names into Swedish: pattern holds %s where a label
// value goes and $1 where the rest of the name stays, e.g. "%s (.*)" with
// kindNames turns "so_attendance loaded" into "Närvaro loaded"; with is
// likewise the replacement, e.g. "$1 – %s rader".
func rename(names map[string]string, pattern, with string) []obj {
	var out []obj
	for _, k := range sortedKeys(names) {
		out = append(out, obj{"id": "renameByRegex", "options": obj{
			"regex":         strings.Replace(pattern, "%s", regexp.QuoteMeta(k), 1),
			"renamePattern": strings.Replace(with, "%s", names[k], 1),
		}})
	}
	return out
}

// valueNames maps a table column's raw values to Swedish names.
func valueNames(names map[string]string) obj {
	opts := obj{}
	for i, k := range sortedKeys(names) {
		opts[k] = obj{"text": names[k], "index": i}
	}
	return prop("mappings", []obj{{"type": "value", "options": opts}})
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
