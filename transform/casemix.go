package transform

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/effekt/effekt/store"
)

// The case-mix covariates that come from a person's settlement (the
// evaluation's expected values adjust for them), stored as one small
// number in every cohort row, case_cov, so that evaluate's case rows read
// them with the row instead of joining every cohort row to the person's
// settlement at each compute:
//
//	0: no settlement (every level "saknas")
//	1 + e·32 + r·4 + b otherwise, with
//	e: EducationLevels index (education as loaded; blank → saknas, and a
//	   value the loader would not write → okänd, as it would have stored it)
//	r: RegionLevels index (birth country grouped by BirthRegions, any case,
//	   surrounding spaces ignored; blank → saknas, others → övriga)
//	b: BandLevels index (whole months from permit to settlement;
//	   either date missing → saknas)
//
// The numbers do not depend on the data, so rows written by a rebuild and
// by an update agree, and evaluate names them with CaseLevels.
var (
	EducationLevels = []string{"saknas", "förgymnasial", "gymnasial", "eftergymnasial", "okänd"}
	RegionLevels    = []string{"saknas", "övriga", "Afrika söder om Sahara", "Asien", "Europa", "Latinamerika", "Mellanöstern och Nordafrika", "Statslös"}
	BandLevels      = []string{"saknas", "0–2", "3–6", "7+"}
)

// BirthRegions groups birth countries as written in settlements (Swedish
// names, lower case) into regions of birth (RegionLevels).
var BirthRegions = map[string]string{
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

// CaseLevels names the levels of a case_cov number: education, region of
// birth and months from permit to settlement; settled is false for 0 (no
// settlement). ok is false for a number no settlement gets.
func CaseLevels(code int) (education, region, band string, settled, ok bool) {
	if code == 0 {
		return "saknas", "saknas", "saknas", false, true
	}
	c := code - 1
	e, r, b := c/32, c%32/4, c%4
	if c < 0 || e >= len(EducationLevels) || r >= len(RegionLevels) {
		return "", "", "", false, false
	}
	return EducationLevels[e], RegionLevels[r], BandLevels[b], true, true
}

// AgeBands names the age bands every cohort row stores as age_band (and
// participation_cohort also as age_band_ended): the person's age in whole
// years at the cohort date, the case-mix model's age group. A birthday on
// the date counts, the day before does not, and a person born on 29
// February turns a year older on 1 March in a common year; 0 is a missing
// birth date (or cohort date). Stored with the row, so that the
// companions' case rows (5.6 M nationally, read twice per compute) do not
// compute it again from two dates each time (0.2 s per compute).
var AgeBands = []string{"saknas", "−24", "25–34", "35–44", "45+"}

// ageBandSQL is the expression of the AgeBands index at the date at of a
// person born in the year birthYear on the day birthMonthDay (month · 100
// + day): SQL expressions, the first two as effekt_persons holds them
// (birth_year, birth_md), worked out once per person rather than from the
// birth date for every cohort row.
func ageBandSQL(birthYear, birthMonthDay, at string) string {
	age := fmt.Sprintf("(year(%[3]s) - %[1]s - CASE WHEN month(%[3]s) * 100 + day(%[3]s) < %[2]s THEN 1 ELSE 0 END)", birthYear, birthMonthDay, at)
	return fmt.Sprintf("(CASE WHEN %[1]s IS NULL THEN 0 WHEN %[1]s < 25 THEN 1 WHEN %[1]s < 35 THEN 2 WHEN %[1]s < 45 THEN 3 ELSE 4 END)::UTINYINT", age)
}

// caseCovSQL is the statement that builds effekt_case_cov: per settled
// person (pk) of the settlements rows in src, case_cov. The region of each
// distinct birth country is found once: a CASE over the 44 countries on
// every row cost 0.7–1 s of a national rebuild. The literals (education
// levels, region numbers) are EducationLevels' and RegionLevels' indices
// (TestCaseCov names every number back).
func caseCovSQL(src string) string {
	countries := make([]string, 0, len(BirthRegions))
	for c := range BirthRegions {
		countries = append(countries, c)
	}
	sort.Strings(countries)
	rows := make([]string, len(countries))
	for i, c := range countries {
		idx := slices.Index(RegionLevels, BirthRegions[c])
		if idx < 2 { // 0 saknas and 1 övriga are no country's region
			panic("transform: birth region " + BirthRegions[c] + " is not in RegionLevels")
		}
		rows[i] = fmt.Sprintf("(%s, %d)", store.Literal(c), idx)
	}
	edu := make([]string, 0, len(EducationLevels))
	for i, l := range EducationLevels[1 : len(EducationLevels)-1] {
		edu = append(edu, fmt.Sprintf("WHEN s.education = %s THEN %d", store.Literal(l), i+1))
	}
	return fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE effekt_case_cov AS
WITH regions(country, r) AS (VALUES %s),
countries AS (
    SELECT b.birth_country,
           CASE WHEN b.birth_country IS NULL OR trim(b.birth_country) = '' THEN 0 ELSE coalesce(g.r, 1) END AS r
    FROM (SELECT DISTINCT birth_country FROM %s) b
    LEFT JOIN regions g ON g.country = lower(trim(b.birth_country))
)
SELECT s.person_key AS pk,
       (1 + 32 * CASE WHEN s.education IS NULL OR s.education = '' THEN 0 %s ELSE %d END
          + 4 * c.r
          + CASE WHEN s.permit_on IS NULL OR s.settled_on IS NULL THEN 0
                 WHEN date_diff('month', s.permit_on, s.settled_on) <= 2 THEN 1
                 WHEN date_diff('month', s.permit_on, s.settled_on) <= 6 THEN 2
                 ELSE 3 END)::SMALLINT AS case_cov
FROM %s s
JOIN countries c ON c.birth_country IS NOT DISTINCT FROM s.birth_country`,
		strings.Join(rows, ", "), src, strings.Join(edu, " "), len(EducationLevels)-1, src)
}
