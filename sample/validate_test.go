package sample

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/effekt/effekt/geo"
)

// rule is what makes a row of one kind acceptable, written from SPEC §2
// independently of the generator. Columns are named by their header text.
type rule struct {
	person   string
	muni     string
	orAF     bool                // muni may also be Arbetsförmedlingen (interventions' provider, issue 12)
	dates    []string            // required dates
	optDates []string            // optional dates
	order    [][2]string         // first ≤ second when both are present
	codes    map[string][]string // column -> accepted values (lower case, trimmed)
	check    func(get func(string) string) error
	key      []string // natural key columns besides the person
}

var (
	presentValues = []string{"ja", "j", "1", "x", "true", "nej", "n", "0", "false", ""}
	outcomeValues = []string{"arbete", "studier", "annat", "avbrott", ""}
	afValues      = []string{"osubventionerat arbete", "subventionerat arbete", "studier", "arbetssökande", "övrigt",
		"arb", "sub", "stu", "sok", "sök", "ovr", "övr", ""}
	gradeValues = []string{"a", "b", "c", "d", "e", "f", ""}
)

var rules = map[string]rule{
	kindRegistrations: {person: "Personnummer", muni: "Hemkommun", dates: []string{"Anmälningsdatum"},
		key: []string{"Anmälningsdatum"},
		check: func(get func(string) string) error {
			if get("Språk") == "" {
				return fmt.Errorf("no language")
			}
			return nil
		}},
	kindAttendance: {person: "Personnummer", dates: []string{"Datum"}, key: []string{"Datum", "Grupp"},
		codes: map[string][]string{"Närvarande": presentValues},
		check: func(get func(string) string) error {
			h, err := strconv.ParseFloat(strings.Replace(get("Timmar"), ",", ".", 1), 64)
			if err != nil || h <= 0 || h > 12 {
				return fmt.Errorf("hours %q", get("Timmar"))
			}
			return nil
		}},
	kindCertificates: {person: "Personnummer", dates: []string{"Intygsdatum"}, key: []string{"Intygsdatum"}},
	kindSettlements: {person: "Personnummer", muni: "Mottagande kommun", dates: []string{"uppehållstillstånd", "Kommunmottagen"},
		order: [][2]string{{"uppehållstillstånd", "Kommunmottagen"}}},
	kindSFI: {person: "Person_ID", muni: "Municipality", dates: []string{"started on"}, optDates: []string{"graded_on", "Discontinued-On"},
		order: [][2]string{{"started on", "graded_on"}}, key: []string{"COURSE", "started on"},
		codes: map[string][]string{"Grade": gradeValues},
		check: func(get func(string) string) error {
			c := strings.ToUpper(get("COURSE"))
			c = strings.TrimPrefix(strings.TrimPrefix(c, "SFI "), "KURS ")
			if len(c) != 1 || c[0] < 'A' || c[0] > 'D' {
				return fmt.Errorf("course %q", get("COURSE"))
			}
			if get("Grade") != "" && get("graded_on") == "" {
				return fmt.Errorf("grade without graded_on")
			}
			return nil
		}},
	kindInterventions: {muni: "Anordnande kommun", orAF: true, key: []string{"Insats-ID"},
		check: func(get func(string) string) error {
			if get("Insats-ID") == "" || get("Namn") == "" {
				return fmt.Errorf("no id or name")
			}
			return nil
		}},
	kindParticipations: {person: "Personnummer", muni: "Hemkommun", dates: []string{"Startdatum"}, optDates: []string{"Slutdatum"},
		order: [][2]string{{"Startdatum", "Slutdatum"}}, key: []string{"Insatsid", "Startdatum"},
		codes: map[string][]string{"Utfall": outcomeValues}},
	kindAFPlans: {person: "Personnummer", muni: "Folkbokföringskommun", dates: []string{"Planstart"}, optDates: []string{"Planslut", "Mätdatum"},
		order: [][2]string{{"Planstart", "Planslut"}}, key: []string{"Planstart"},
		codes: map[string][]string{"Status 90 dagar": afValues}},
}

// checked is a row that passed its rule.
type checked struct {
	person string // canonical 12 digits, "" for interventions
	key    string // natural key, values normalised
}

// validate applies the rule of kind to row i of tb.
func validate(kind string, tb table, i int, today time.Time) (checked, error) {
	ru := rules[kind]
	row := tb.rows[i]
	get := func(h string) string {
		c := tb.col(h)
		if c < 0 || c >= len(row) {
			return ""
		}
		return strings.TrimSpace(row[c])
	}
	isDate := func(h string) bool { return tb.dates != nil && tb.dates[[2]int{i, tb.col(h)}] }
	var out checked
	if ru.person != "" {
		p, _, err := canonPnr(get(ru.person), today)
		if err != nil {
			return out, err
		}
		out.person = p
	}
	if ru.muni != "" {
		if m := strings.ToLower(get(ru.muni)); ru.orAF && (m == "af" || m == "arbetsförmedlingen") {
			// the provider is Arbetsförmedlingen
		} else if _, ok := geo.Resolve(get(ru.muni)); !ok {
			return out, fmt.Errorf("municipality %q", get(ru.muni))
		}
	}
	dates := map[string]time.Time{}
	low := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, h := range append(append([]string{}, ru.dates...), ru.optDates...) {
		v := get(h)
		if v == "" {
			if slices.Contains(ru.dates, h) {
				return out, fmt.Errorf("%s missing", h)
			}
			continue
		}
		d, err := parseDate(v, isDate(h))
		if err != nil {
			return out, fmt.Errorf("%s: %w", h, err)
		}
		if d.Before(low) || d.After(today) {
			return out, fmt.Errorf("%s %s out of range", h, d.Format(time.DateOnly))
		}
		dates[h] = d
	}
	for _, o := range ru.order {
		a, okA := dates[o[0]]
		b, okB := dates[o[1]]
		if okA && okB && b.Before(a) {
			return out, fmt.Errorf("%s after %s", o[0], o[1])
		}
	}
	for h, allowed := range ru.codes {
		if !slices.Contains(allowed, strings.ToLower(get(h))) {
			return out, fmt.Errorf("%s %q", h, get(h))
		}
	}
	if ru.check != nil {
		if err := ru.check(get); err != nil {
			return out, err
		}
	}
	out.key = out.person
	for _, h := range ru.key {
		v := get(h)
		if d, ok := dates[h]; ok {
			v = d.Format(time.DateOnly)
		}
		if h == "COURSE" {
			v = v[len(v)-1:]
		}
		out.key += "|" + strings.ToUpper(v)
	}
	return out, nil
}
