package models

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/effekt/effekt/internal/fixture"
	"github.com/effekt/effekt/transform"
)

func TestCatalogue(t *testing.T) {
	want := []struct {
		id, title string
		unit      Unit
		kolada    string
		target    float64 // 0: none
	}{
		{"EF101", "Samhällsorientering slutförd inom 12 månader, andel (%)", Percent, "", 0},
		{"EF102", "Dagar från anmälan till första tillfälle, median", Days, "", 0},
		{"EF103", "Samhällsorientering på modersmål eller annat språk än svenska, andel (%)", Percent, "", 0},
		{"EF104", "Kostnad per person som slutfört samhällsorientering (kr)", Kronor, "", 0},
		{"EF105", "Anmälda till samhällsorientering inom 90 dagar från kommunmottagande, andel (%)", Percent, "", 0},
		{"EF201", "SFI: klarat minst en kurs inom 12 månader, andel (%)", Percent, "N18409", 30},
		{"EF301", "I arbete eller studier 90 dagar efter avslutad etableringsplan, andel (%)", Percent, "N00973", 0},
		{"EF302", "I osubventionerat arbete 90 dagar efter avslutad etableringsplan, andel (%)", Percent, "", 0},
		{"EF303", "Dagar från uppehållstillstånd till kommunmottagande, median", Days, "", 0},
		{"EF401", "Arbete eller studier efter avslutad kommunal arbetsmarknadsinsats, andel (%)", Percent, "U40455", 0},
		{"EF402", "Insatsdeltaganden hos annan kommun, andel (%)", Percent, "", 0},
	}
	cat := Catalogue()
	if len(cat) != len(want) {
		t.Fatalf("catalogue has %d indicators, want %d", len(cat), len(want))
	}
	for i, w := range want {
		ind := cat[i]
		if ind.ID != w.id || ind.TitleSV != w.title || ind.Unit != w.unit || ind.KoladaRef != w.kolada {
			t.Errorf("%d: got %s %q %s %q, want %s %q %s %q", i, ind.ID, ind.TitleSV, ind.Unit, ind.KoladaRef, w.id, w.title, w.unit, w.kolada)
		}
		if (ind.Target == nil) != (w.target == 0) || (ind.Target != nil && *ind.Target != w.target) {
			t.Errorf("%s: target %v, want %v", ind.ID, ind.Target, w.target)
		}
		if ind.TitleEN == "" || ind.Description == "" || ind.Cohort == "" || ind.Denominator == "" || ind.Direction == "" || len(ind.SourceKinds) == 0 || !ind.ByGender {
			t.Errorf("%s: incomplete metadata: %+v", ind.ID, ind)
		}
		if (ind.Unit == Days) != (ind.Numerator == "") {
			t.Errorf("%s: numerator text %q for unit %s", ind.ID, ind.Numerator, ind.Unit)
		}
		if got, ok := Lookup(w.id); !ok || got.ID != w.id {
			t.Errorf("Lookup(%s) = %v, %v", w.id, got.ID, ok)
		}
	}
	if _, ok := Lookup("EF999"); ok {
		t.Error("Lookup(EF999) found something")
	}
	// Catalogue returns copies: changing one does not change the next call.
	cat[5].Target = nil
	cat[0].SourceKinds[0] = "x"
	if again := Catalogue(); again[5].Target == nil || again[0].SourceKinds[0] == "x" {
		t.Error("Catalogue shares its data with callers")
	}
}

// transformedConn builds db's transform tables and returns a connection
// prepared for a compute as of asOf (closed with the test).
func transformedConn(t *testing.T, db *sql.DB, asOf time.Time) *sql.Conn {
	t.Helper()
	ctx := context.Background()
	if err := transform.Run(ctx, db); err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if err := prepare(ctx, conn, asOf, nil); err != nil {
		t.Fatal(err)
	}
	return conn
}

// TestMicroSQLShape: every indicator's SQL yields (municipality, period,
// gender, cohort_date, age_band, x) with the declared types.
func TestMicroSQLShape(t *testing.T) {
	ctx := context.Background()
	conn := transformedConn(t, openDB(t), time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	const want = "municipality VARCHAR, period INTEGER, gender VARCHAR, cohort_date DATE, age_band UTINYINT, x DOUBLE"
	for _, ind := range Catalogue() {
		q, err := ind.MicroSQL()
		if err != nil {
			t.Fatal(err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT * FROM (`+q+`) LIMIT 0`)
		if err != nil {
			t.Fatalf("%s: %v", ind.ID, err)
		}
		types, err := rows.ColumnTypes()
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range types {
			got = append(got, c.Name()+" "+c.DatabaseTypeName())
		}
		rows.Close()
		if strings.Join(got, ", ") != want {
			t.Errorf("%s: columns %s, want %s", ind.ID, strings.Join(got, ", "), want)
		}
	}
}

// TestMicroAgeBand: every indicator's age_band is the age band of its
// cohort row's person at the indicator's own cohort_date (the transform
// stores the band at each cohort date an indicator uses: EF401's is the
// participation's end, EF402's its start), checked on the fixtures of
// every cohort table against the age worked out here from the birth date.
func TestMicroAgeBand(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	loadFixture(t, db, "so", "settle", "sfi", "plans", "participations")
	// a participant who turns 25 during the participation: the band at
	// its start (EF402) and at its end (EF401) differ
	fixture.Exec(t, db, `INSERT INTO intervention_participations (person, birth_date, gender, intervention_id, municipality, started_on, ended_on, outcome, file_id, line)
		VALUES ('qb', '1998-05-01', 'K', 'I1', '0136', '2023-01-10', '2023-06-01', 'arbete', 99, 1)`)
	conn := transformedConn(t, db, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	bands := []string{"saknas", "−24", "25–34", "35–44", "45+"}
	for _, ind := range Catalogue() {
		q, err := ind.MicroSQL()
		if err != nil {
			t.Fatal(err)
		}
		// the cohort table's birth date beside the micro columns
		q = strings.Replace(q, "SELECT", "SELECT birth_date AS test_birth,", 1)
		rows, err := conn.QueryContext(ctx, `SELECT test_birth, cohort_date, age_band FROM (`+q+`)`)
		if err != nil {
			t.Fatalf("%s: %v", ind.ID, err)
		}
		n := 0
		for rows.Next() {
			var birth, at sql.NullTime
			var band int
			if err := rows.Scan(&birth, &at, &band); err != nil {
				t.Fatal(err)
			}
			n++
			want := "saknas"
			if birth.Valid && at.Valid {
				b, d := birth.Time, at.Time
				age := d.Year() - b.Year()
				if d.Month()*100+time.Month(d.Day()) < b.Month()*100+time.Month(b.Day()) {
					age--
				}
				switch {
				case age < 25:
					want = "−24"
				case age < 35:
					want = "25–34"
				case age < 45:
					want = "35–44"
				default:
					want = "45+"
				}
			}
			if band < 0 || band >= len(bands) || bands[band] != want {
				t.Errorf("%s: born %v, cohort date %v: band %d, want %s", ind.ID, birth.Time, at.Time, band, want)
			}
		}
		rows.Close()
		if n == 0 {
			t.Errorf("%s: no micro rows in the fixtures", ind.ID)
		}
	}
	if strings.Join(transform.AgeBands, " ") != strings.Join(bands, " ") {
		t.Errorf("transform.AgeBands = %v, want %v", transform.AgeBands, bands)
	}
}

// TestCompanionOfAndUnitOf: the copy-free accessors agree with Lookup.
func TestCompanionOfAndUnitOf(t *testing.T) {
	for _, c := range []struct {
		id, base, kind string
		unit           Unit
	}{
		{"EF401", "", "", Percent}, {"EF401F", "EF401", CompanionExpected, Percent},
		{"EF101A", "EF101", CompanionDeviation, PercentagePoints}, {"EF402K", "EF402", CompanionRatio, Ratio},
		{"EF303", "", "", Days}, {"EF303F", "", "", ""}, {"EF999", "", "", ""},
	} {
		base, kind := CompanionOf(c.id)
		if base != c.base || kind != c.kind || UnitOf(c.id) != c.unit {
			t.Errorf("%s: CompanionOf = %q, %q; UnitOf = %q; want %q, %q, %q", c.id, base, kind, UnitOf(c.id), c.base, c.kind, c.unit)
		}
		if ind, ok := Lookup(c.id); ok && (ind.CompanionOf != base || ind.Companion != kind || ind.Unit != UnitOf(c.id)) {
			t.Errorf("%s: Lookup gives %q %q %q", c.id, ind.CompanionOf, ind.Companion, ind.Unit)
		}
	}
	for id, want := range map[string]bool{"0127": true, "2584": true, "0001": false, "0000": false, "G0002": false, "G001": false} {
		if IsMunicipality(id) != want {
			t.Errorf("IsMunicipality(%s) = %v, want %v", id, !want, want)
		}
	}
}
