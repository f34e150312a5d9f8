package evaluate

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/effekt/effekt/models"
)

// Covariates names the case-mix covariates in words, for the KPI text of
// the expected values.
const Covariates = "åldersgrupp vid kohortdatum (−24, 25–34, 35–44, 45+), kön, utbildningsnivå (förgymnasial, gymnasial, " +
	"eftergymnasial, okänd, saknas), födelseregion (grupperad från födelseland) och månader från uppehållstillstånd till " +
	"kommunmottagande (0–2, 3–6, 7+, saknas) och kohortår; en modell per indikator över alla år"

// factorNames are the covariates of a case-mix row, in order.
var factorNames = [...]string{"kön", "åldersgrupp", "utbildning", "födelseregion", "månader tillstånd–mottagande", "kohortår"}

// caseRow is one cohort row with its covariate levels.
type caseRow struct {
	municipality string
	period       int
	y            float64
	levels       [len(factorNames)]string
}

var selectRE = regexp.MustCompile(`(?im)^\s*SELECT\b`)

// personMicro is the indicator's micro SQL with the cohort table's person
// and birth_date added as eff_person and eff_birth_date. Every indicator
// reads one cohort table, and every cohort table has both columns
// (TestPersonMicro runs them all).
func personMicro(ind models.Indicator) (string, error) {
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
	return q[:loc[1]] + "\n    person AS eff_person, birth_date AS eff_birth_date," + q[loc[1]:], nil
}

func ageBand(age int) string {
	switch {
	case age < 25:
		return "−24"
	case age < 35:
		return "25–34"
	case age < 45:
		return "35–44"
	}
	return "45+"
}

func monthsBand(m *int) string {
	switch {
	case m == nil:
		return "saknas"
	case *m <= 2:
		return "0–2"
	case *m <= 6:
		return "3–6"
	}
	return "7+"
}

func educationLevel(e *string) string {
	if e == nil || *e == "" {
		return "saknas"
	}
	return *e
}

// regions groups birth countries as written in settlements (Swedish names,
// any case) into regions of birth; others are "övriga", none "saknas".
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

func birthRegion(c *string) string {
	if c == nil || strings.TrimSpace(*c) == "" {
		return "saknas"
	}
	if r, ok := regions[strings.ToLower(strings.TrimSpace(*c))]; ok {
		return r
	}
	return "övriga"
}
