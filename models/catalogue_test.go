package models

import (
	"context"
	"strings"
	"testing"
	"time"

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

// TestMicroSQLShape: every indicator's SQL yields (municipality, period,
// gender, cohort_date, x) with the declared types.
func TestMicroSQLShape(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	if err := transform.Run(ctx, db); err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := prepare(ctx, conn, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), nil); err != nil {
		t.Fatal(err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	const want = "municipality VARCHAR, period INTEGER, gender VARCHAR, cohort_date DATE, x DOUBLE"
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
