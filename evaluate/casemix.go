package evaluate

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/effekt/effekt/models"
)

// Covariates names the case-mix covariates in words (the companions' KPI
// text says the same).
const Covariates = models.CaseMixCovariates

// factorNames are the covariates of the case-mix model, in the order of
// effekt_case's level columns l0…l5.
var factorNames = [...]string{"kön", "åldersgrupp", "utbildning", "födelseregion", "månader tillstånd–mottagande", "kohortår"}

var selectRE = regexp.MustCompile(`(?im)^\s*SELECT\b`)

// personMicro is the indicator's micro SQL with its id as eff_kpi and the
// cohort table's person_key (the transform's hash of the pseudonym) and
// birth_date added as eff_key and eff_birth_date, and with person the
// pseudonym itself as eff_person. Every indicator reads one cohort table,
// and every cohort table has the three columns (TestPersonMicro runs them
// all). A column added is read even when unused: the case rows are a
// UNION ALL BY NAME of the indicators' micro SQL, through which DuckDB
// pushes no projection, and reading the 64-character pseudonyms of the
// 5.6 M national cohort rows cost 0.4 s of the case rows' 2.1 s when the
// join is on the key.
func personMicro(ind models.Indicator, person bool) (string, error) {
	q, err := ind.MicroSQL()
	if err != nil {
		return "", err
	}
	loc := selectRE.FindStringIndex(q)
	if loc == nil {
		return "", fmt.Errorf("evaluate %s: no SELECT in the micro SQL", ind.ID)
	}
	q = strings.TrimRight(strings.TrimSpace(q), ";")
	loc = selectRE.FindStringIndex(q)
	cols := " AS eff_kpi, person_key AS eff_key, birth_date AS eff_birth_date,"
	if person {
		cols = " AS eff_kpi, person AS eff_person, person_key AS eff_key, birth_date AS eff_birth_date,"
	}
	return q[:loc[1]] + "\n    " + sqlString(ind.ID) + cols + q[loc[1]:], nil
}

// regions groups birth countries as written in settlements (Swedish names,
// any case, surrounding spaces ignored) into regions of birth; others are
// "övriga", none "saknas" (expected_case.sql applies it).
var regions = map[string]string{
	"syrien": "Mellanöstern och Nordafrika", "irak": "Mellanöstern och Nordafrika", "iran": "Mellanöstern och Nordafrika",
	"palestina": "Mellanöstern och Nordafrika", "jemen": "Mellanöstern och Nordafrika", "libanon": "Mellanöstern och Nordafrika",
	"turkiet": "Mellanöstern och Nordafrika", "libyen": "Mellanöstern och Nordafrika", "egypten": "Mellanöstern och Nordafrika",
	"marocko": "Mellanöstern och Nordafrika", "sudan": "Mellanöstern och Nordafrika", "jordanien": "Mellanöstern och Nordafrika",
	"eritrea": "Afrika söder om Sahara", "somalia": "Afrika söder om Sahara", "etiopien": "Afrika söder om Sahara",
	"nigeria": "Afrika söder om Sahara", "uganda": "Afrika söder om Sahara", "kongo (drc)": "Afrika söder om Sahara",
	"kongo": "Afrika söder om Sahara", "burundi": "Afrika söder om Sahara", "elfenbenskusten": "Afrika söder om Sahara",
	"gambia": "Afrika söder om Sahara", "sydsudan": "Afrika söder om Sahara", "rwanda": "Afrika söder om Sahara",
	"afghanistan": "Asien", "myanmar": "Asien", "pakistan": "Asien", "bangladesh": "Asien", "kina": "Asien", "vietnam": "Asien",
	"ryssland": "Europa", "ukraina": "Europa", "belarus": "Europa", "vitryssland": "Europa", "georgien": "Europa",
	"bosnien och hercegovina": "Europa", "kosovo": "Europa", "albanien": "Europa",
	"colombia": "Latinamerika", "venezuela": "Latinamerika", "kuba": "Latinamerika", "chile": "Latinamerika",
	"statslös": "Statslös",
}

// regionValues is the regions table as SQL VALUES rows (country, region);
// the literals are this file's own, quotes doubled all the same.
func regionValues() string {
	countries := make([]string, 0, len(regions))
	for c := range regions {
		countries = append(countries, c)
	}
	sort.Strings(countries)
	rows := make([]string, len(countries))
	for i, c := range countries {
		rows[i] = "(" + sqlString(c) + ", " + sqlString(regions[c]) + ")"
	}
	return strings.Join(rows, ", ")
}

func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
