package transform

import (
	"fmt"
	"sort"
	"strings"
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

// caseCovSQL is the SQL expression of the case_cov number (never 0) of
// the settlements row s.
func caseCovSQL(s string) string {
	var b strings.Builder
	b.WriteString("(1 + 32 * CASE ")
	// education is one of the four the loader writes, or NULL
	fmt.Fprintf(&b, "WHEN %[1]s.education IS NULL OR %[1]s.education = '' THEN 0 ", s)
	for i, l := range EducationLevels[1 : len(EducationLevels)-1] {
		fmt.Fprintf(&b, "WHEN %s.education = %s THEN %d ", s, sqlString(l), i+1)
	}
	fmt.Fprintf(&b, "ELSE %d END", len(EducationLevels)-1)
	fmt.Fprintf(&b, " + 4 * CASE WHEN %[1]s.birth_country IS NULL OR trim(%[1]s.birth_country) = '' THEN 0 ELSE CASE lower(trim(%[1]s.birth_country)) ", s)
	countries := make([]string, 0, len(BirthRegions))
	for c := range BirthRegions {
		countries = append(countries, c)
	}
	sort.Strings(countries)
	for _, c := range countries {
		idx := -1
		for i, r := range RegionLevels {
			if r == BirthRegions[c] {
				idx = i
			}
		}
		if idx < 2 {
			panic("transform: birth region " + BirthRegions[c] + " is not in RegionLevels")
		}
		fmt.Fprintf(&b, "WHEN %s THEN %d ", sqlString(c), idx)
	}
	b.WriteString("ELSE 1 END END")
	fmt.Fprintf(&b, " + CASE WHEN %[1]s.permit_on IS NULL OR %[1]s.settled_on IS NULL THEN 0 "+
		"WHEN date_diff('month', %[1]s.permit_on, %[1]s.settled_on) <= 2 THEN 1 "+
		"WHEN date_diff('month', %[1]s.permit_on, %[1]s.settled_on) <= 6 THEN 2 ELSE 3 END)::SMALLINT", s)
	return b.String()
}

func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
