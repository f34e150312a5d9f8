package transform

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestCaseCov: the case-mix covariates of a settlement, worked out by hand
// from its columns and named back by CaseLevels. Months from permit to
// settlement are whole calendar months (date_diff('month')): 1, 2, 3, 6
// and 7 below.
func TestCaseCov(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	rows := []struct {
		education, country, permit, settled string // "NULL" for a missing value
		l2, l3, l4                          string
		code                                int // 1 + e·32 + r·4 + b, by hand
	}{
		{"gymnasial", "Syrien", "2024-01-15", "2024-03-14", "gymnasial", "Mellanöstern och Nordafrika", "0–2", 1 + 2*32 + 6*4 + 1},    // 1 month
		{"gymnasial", "  SYRIEN ", "2024-01-15", "2024-03-15", "gymnasial", "Mellanöstern och Nordafrika", "0–2", 1 + 2*32 + 6*4 + 1}, // 2 months
		{"gymnasial", "syrien", "2024-01-15", "2024-04-15", "gymnasial", "Mellanöstern och Nordafrika", "3–6", 1 + 2*32 + 6*4 + 2},    // 3 months
		{"", "Eritrea", "2024-01-15", "2024-07-15", "saknas", "Afrika söder om Sahara", "3–6", 1 + 0*32 + 2*4 + 2},                    // 6 months
		{"NULL", "Narnia", "2024-01-15", "2024-08-15", "saknas", "övriga", "7+", 1 + 0*32 + 1*4 + 3},                                  // 7 months
		{"eftergymnasial", " ", "NULL", "2024-08-15", "eftergymnasial", "saknas", "saknas", 1 + 3*32 + 0*4 + 0},
		{"eftergymnasial", "NULL", "2024-01-15", "NULL", "eftergymnasial", "saknas", "saknas", 1 + 3*32},
		{"förgymnasial", "Statslös", "2023-11-30", "2024-01-01", "förgymnasial", "Statslös", "0–2", 1 + 1*32 + 7*4 + 1},
		{"okänd", "KUBA", "2024-01-01", "2025-01-01", "okänd", "Latinamerika", "7+", 1 + 4*32 + 5*4 + 3},
		{"doktor", "Vietnam", "2024-01-01", "2024-01-01", "okänd", "Asien", "0–2", 1 + 4*32 + 3*4 + 1}, // not a value the loader writes
		{"NULL", "Ukraina", "NULL", "NULL", "saknas", "Europa", "saknas", 1 + 4*4},
		{"gymnasial", "STATSLÖS", "NULL", "NULL", "gymnasial", "Statslös", "saknas", 1 + 2*32 + 7*4},     // lower() folds Ö
		{"gymnasial", "Statslo\u0308s", "NULL", "NULL", "gymnasial", "övriga", "saknas", 1 + 2*32 + 1*4}, // ö decomposed: not the table's spelling
		{"gymnasial", strings.Repeat("ä", 100000), "NULL", "NULL", "gymnasial", "övriga", "saknas", 1 + 2*32 + 1*4},
		{"gymnasial", "syrien'; DROP TABLE src; --", "NULL", "NULL", "gymnasial", "övriga", "saknas", 1 + 2*32 + 1*4},
	}
	val := func(s string) any { // bound as a parameter: the values are the hostile part
		if s == "NULL" {
			return nil
		}
		return s
	}
	if _, err := db.ExecContext(ctx, `CREATE TEMP TABLE src (person_key UBIGINT, education VARCHAR, birth_country VARCHAR, permit_on DATE, settled_on DATE)`); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if _, err := db.ExecContext(ctx, `INSERT INTO src VALUES (hash(?), ?, ?, ?::DATE, ?::DATE)`,
			fmt.Sprintf("p%d", i), val(r.education), val(r.country), val(r.permit), val(r.settled)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.ExecContext(ctx, caseCovSQL("src")); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM effekt_case_cov`).Scan(&n); err != nil || n != len(rows) {
		t.Fatalf("effekt_case_cov: %d rows, %v; want one per settlement, %d", n, err, len(rows))
	}
	for i, r := range rows {
		var code int
		if err := db.QueryRowContext(ctx, `SELECT case_cov FROM effekt_case_cov WHERE pk = hash(?)`, fmt.Sprintf("p%d", i)).Scan(&code); err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
		l2, l3, l4, settled, ok := CaseLevels(code)
		if code != r.code || !ok || !settled || l2 != r.l2 || l3 != r.l3 || l4 != r.l4 {
			t.Errorf("row %d (%q, %q, %s, %s): case_cov %d = %q %q %q (settled %v, ok %v); want %d = %q %q %q",
				i, r.education, r.country, r.permit, r.settled, code, l2, l3, l4, settled, ok, r.code, r.l2, r.l3, r.l4)
		}
	}
	if l2, l3, l4, settled, ok := CaseLevels(0); !ok || settled || l2 != "saknas" || l3 != "saknas" || l4 != "saknas" {
		t.Errorf("CaseLevels(0) = %q %q %q %v %v, want saknas ×3, not settled", l2, l3, l4, settled, ok)
	}
	for _, c := range []int{-1, 1 + 5*32, 1 + 4*32 + 8*4} {
		if _, _, _, _, ok := CaseLevels(c); ok {
			t.Errorf("CaseLevels(%d) ok, want not a case_cov number", c)
		}
	}
}

// TestCaseCovStored: every cohort row stores its person's case_cov: the
// code of the person's settlement, 0 without one.
func TestCaseCovStored(t *testing.T) {
	ctx := context.Background()
	db := fixtureDB(t)
	if err := Run(ctx, db); err != nil {
		t.Fatal(err)
	}
	// the settlements' numbers as TestCaseCov checks them
	if _, err := db.ExecContext(ctx, caseCovSQL("settlements")); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"so_cohort", "settlement_cohort", "sfi_cohort", "plan_cohort", "participation_cohort"} {
		var rows, wrong, settled int
		q := fmt.Sprintf(`SELECT count(*), count(*) FILTER (WHERE c.case_cov IS DISTINCT FROM coalesce(s.case_cov, 0)), count(*) FILTER (WHERE c.case_cov > 0)
			FROM %s c LEFT JOIN effekt_case_cov s ON s.pk = c.person_key`, table)
		if err := db.QueryRowContext(ctx, q).Scan(&rows, &wrong, &settled); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		if rows == 0 || wrong != 0 || settled == 0 {
			t.Errorf("%s: %d rows, %d with another case_cov than their settlement's, %d settled; want rows, 0, some", table, rows, wrong, settled)
		}
	}
}

// TestAgeBand: the age band is whole years at the date (a birthday on the
// date counts, the day before does not; a person born on 29 February
// turns a year older on 1 March in a common year and on 29 February in a
// leap year), in AgeBands' bands: 1 −24, 2 25–34, 3 35–44, 4 45+, 0
// without a birth date or a date.
func TestAgeBand(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	tests := []struct {
		birth, at string // "" for NULL
		want      string
	}{
		{"1999-01-02", "2024-01-01", "−24"},   // 24 the day before the birthday
		{"1999-01-02", "2024-01-02", "25–34"}, // 25 on it
		{"2000-02-29", "2025-02-28", "−24"},   // 24: no 29 February in 2025
		{"2000-02-29", "2025-03-01", "25–34"}, // 25
		{"1999-02-28", "2024-02-28", "25–34"}, // 25 on the day in a leap year
		{"1999-03-01", "2024-02-29", "−24"},   // 24 on 29 February
		{"1984-02-29", "2024-02-29", "35–44"}, // 40: a birthday on 29 February in a leap year
		{"1989-12-31", "2024-12-30", "25–34"}, // 34
		{"1989-12-31", "2024-12-31", "35–44"}, // 35
		{"1979-06-15", "2024-06-14", "35–44"}, // 44
		{"1979-06-15", "2024-06-15", "45+"},   // 45
		{"2024-06-16", "2024-06-15", "−24"},   // born after the date: −1
		{"", "2024-06-15", "saknas"},          // no birth date
		{"1979-06-15", "", "saknas"},          // no date (an open participation's end)
	}
	for _, tc := range tests {
		val := func(s string) any {
			if s == "" {
				return nil
			}
			return s
		}
		var band int
		q := "SELECT " + ageBandSQL("year(b)", "month(b) * 100 + day(b)", "d") + " FROM (SELECT ?::DATE AS b, ?::DATE AS d)"
		if err := db.QueryRowContext(ctx, q, val(tc.birth), val(tc.at)).Scan(&band); err != nil {
			t.Fatal(err)
		}
		if band < 0 || band >= len(AgeBands) || AgeBands[band] != tc.want {
			t.Errorf("born %q, at %q: band %d, want %s", tc.birth, tc.at, band, tc.want)
		}
	}
}

// TestRenderedHash: the models' hash, which decides whether the tables
// were built by the models as they are, follows what the templates'
// functions write as well as the templates: another birth country's
// region, or another education level, changes it (the tables are then
// rebuilt); rendering twice gives the same hash (a hash that moved by
// itself would rebuild on every compute).
func TestRenderedHash(t *testing.T) {
	base := renderedHash()
	if again := renderedHash(); again != base {
		t.Fatalf("renderedHash moved between two calls: %s, %s", base, again)
	}
	if base != modelsHash() {
		t.Errorf("modelsHash %s is not renderedHash %s", modelsHash(), base)
	}
	tests := []struct {
		name   string
		change func() (undo func())
	}{
		{"a birth country's region", func() func() {
			c := "syrien"
			was, ok := BirthRegions[c]
			if !ok {
				t.Fatalf("BirthRegions has no %q", c)
			}
			other := RegionLevels[2]
			if other == was {
				other = RegionLevels[3]
			}
			BirthRegions[c] = other
			return func() { BirthRegions[c] = was }
		}},
		{"an education level", func() func() {
			was := EducationLevels[1]
			EducationLevels[1] = was + " (annan)"
			return func() { EducationLevels[1] = was }
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			undo := tc.change()
			got := renderedHash()
			undo()
			if got == base {
				t.Errorf("renderedHash unchanged after %s", tc.name)
			}
			if back := renderedHash(); back != base {
				t.Errorf("renderedHash %s after the undo, want %s", back, base)
			}
		})
	}
}
