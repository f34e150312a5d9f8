package api_test

import (
	"net/http"
	"os"
	"slices"
	"testing"

	"github.com/effekt/effekt/api"
	"github.com/effekt/effekt/kolada"
	"github.com/effekt/effekt/models"
)

// koladaFields are the twelve fields of a Kolada v3 kpi object, in order.
var koladaFields = []string{"id", "title", "description", "is_divided_by_gender", "municipality_type", "auspice",
	"operating_area", "perspective", "prel_publication_date", "publication_date", "publ_period", "has_ou_data"}

// TestKPIShapeMatchesKolada decodes real Kolada v3 kpi objects
// (testdata/kolada_kpi_examples.json, a copy of
// ../shared/data/kolada_kpi_examples.json) and checks that every effekt kpi
// object starts with exactly Kolada's twelve fields, in Kolada's order, with
// the same JSON types.
func TestKPIShapeMatchesKolada(t *testing.T) {
	b, err := os.ReadFile("testdata/kolada_kpi_examples.json")
	if err != nil {
		t.Fatal(err)
	}
	// the shared original, where the checkout has it, must equal the copy
	if orig, err := os.ReadFile("../../shared/data/kolada_kpi_examples.json"); err == nil && string(orig) != string(b) {
		t.Fatal("testdata/kolada_kpi_examples.json differs from ../shared/data/kolada_kpi_examples.json: copy it again")
	}
	var examples envelope
	decode(t, b, &examples)
	if len(examples.Values) == 0 {
		t.Fatal("no Kolada examples")
	}
	// the JSON types Kolada uses for each field, over all examples
	// (publication_date and publ_period are null for an unpublished kpi)
	wantTypes := map[string][]string{}
	for _, ex := range examples.Values {
		keys, types := rawTypes(t, ex)
		if !slices.Equal(keys, koladaFields) {
			t.Fatalf("Kolada example fields %v, want %v", keys, koladaFields)
		}
		for k, typ := range types {
			if !slices.Contains(wantTypes[k], typ) {
				wantTypes[k] = append(wantTypes[k], typ)
			}
		}
	}
	if !slices.Equal(wantTypes["publ_period"], []string{"string", "null"}) || !slices.Equal(wantTypes["has_ou_data"], []string{"bool"}) {
		t.Fatalf("unexpected Kolada types %v", wantTypes)
	}

	h := api.New(openFixture(t), testOptions(nil))
	rec := call(t, h, http.MethodGet, "/v3/kpi", nil)
	var env envelope
	decode(t, rec.Body.Bytes(), &env)
	if len(env.Values) != len(models.Published()) {
		t.Fatalf("%d kpis, want %d", len(env.Values), len(models.Published()))
	}
	for _, obj := range env.Values {
		keys, types := rawTypes(t, obj)
		if len(keys) < len(koladaFields) || !slices.Equal(keys[:len(koladaFields)], koladaFields) {
			t.Errorf("kpi fields %v, want Kolada's %v first", keys, koladaFields)
			continue
		}
		for _, k := range koladaFields {
			if !slices.Contains(wantTypes[k], types[k]) {
				t.Errorf("%s: field %s is %s, Kolada has %s", obj[:20], k, types[k], wantTypes[k])
			}
		}
		wantOwn := []string{"unit", "numerator", "denominator", "direction", "target", "kolada_ref", "title_en", "cohort", "source_kinds"}
		if !slices.Equal(keys[len(koladaFields):], wantOwn) {
			t.Errorf("effekt's own fields %v, want %v", keys[len(koladaFields):], wantOwn)
		}
	}
}

// TestKPIs checks the kpi endpoint against the catalogue and the fixture's
// publication metadata.
func TestKPIs(t *testing.T) {
	h := api.New(openFixture(t), testOptions(nil))
	var all []string
	for _, ind := range models.Published() {
		all = append(all, ind.ID)
	}
	tests := []struct {
		target string
		want   []string
	}{
		{"/v3/kpi", all},
		{"/v3/kpi/EF301,EF101,N00973", []string{"EF101", "EF301"}}, // catalogue order; unknown ids dropped
		{"/v3/kpi/N00973", nil},
		{"/v3/kpi?title=sfi", []string{"EF201", "EF201A", "EF201F", "EF201K"}}, // with its case-mix companions
		{"/v3/kpi?title=kvot", []string{"EF101K", "EF103K", "EF105K", "EF201K", "EF301K", "EF302K", "EF401K", "EF402K"}},
		{"/v3/kpi?title=MEDIAN", []string{"EF102", "EF303"}},
		{"/v3/kpi/EF101,EF102,EF303?title=median", []string{"EF102", "EF303"}},
	}
	for _, tc := range tests {
		rec := call(t, h, http.MethodGet, tc.target, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", tc.target, rec.Code, rec.Body)
		}
		var env kolada.Envelope[kolada.KPI]
		decode(t, rec.Body.Bytes(), &env)
		var got []string
		for _, k := range env.Values {
			got = append(got, k.ID)
		}
		if !slices.Equal(got, tc.want) || env.Count != len(tc.want) || env.NextURL != nil || env.PreviousURL != nil {
			t.Errorf("%s: ids %v count %d next %s; want %v", tc.target, got, env.Count, str(env.NextURL), tc.want)
		}
	}

	// field by field for indicators with and without data
	rec := call(t, h, http.MethodGet, "/v3/kpi/EF101,EF102,EF104,EF201,EF301", nil)
	var env kolada.Envelope[kolada.KPI]
	decode(t, rec.Body.Bytes(), &env)
	pub := map[string][2]string{ // publication_date, publ_period from the fixture
		"EF101": {"2021-07-02", "2020"}, // 2020 row computed a day later
		"EF102": {"2021-07-01", "2019"},
		"EF104": {"<null>", "<null>"}, // no data
		"EF201": {"<null>", "<null>"},
		"EF301": {"2021-07-01", "2020"},
	}
	for _, k := range env.Values {
		ind, ok := models.Lookup(k.ID)
		if !ok {
			t.Fatalf("%s not in the catalogue", k.ID)
		}
		if k.Title != ind.TitleSV || k.Description != ind.Description || k.IsDividedByGender != ind.ByGender ||
			k.OperatingArea != ind.OperatingArea || k.TitleEN != ind.TitleEN || k.Unit != string(ind.Unit) ||
			k.Direction != string(ind.Direction) || k.Cohort != ind.Cohort || !slices.Equal(k.SourceKinds, ind.SourceKinds) {
			t.Errorf("%s: %+v does not carry the catalogue entry %+v", k.ID, k, ind)
		}
		if k.MunicipalityType != "K" || k.Auspice != "T" || k.PrelPublicationDate != nil || k.HasOUData {
			t.Errorf("%s: Kolada constants wrong: %+v", k.ID, k)
		}
		if str(k.PublicationDate) != pub[k.ID][0] || str(k.PublPeriod) != pub[k.ID][1] {
			t.Errorf("%s: publication %q %q, want %q %q", k.ID, str(k.PublicationDate), str(k.PublPeriod), pub[k.ID][0], pub[k.ID][1])
		}
		wantPerspective := "Kvalitet och resultat"
		if k.ID == "EF104" {
			wantPerspective = "Resurser" // a cost
		}
		if k.Perspective != wantPerspective {
			t.Errorf("%s: perspective %q, want %q", k.ID, k.Perspective, wantPerspective)
		}
	}
	// target and kolada_ref: EF201 has both (30 %, N18409), EF101 neither
	raw := call(t, h, http.MethodGet, "/v3/kpi/EF101,EF201", nil).Body.Bytes()
	var objs struct{ Values []map[string]any }
	decode(t, raw, &objs)
	if objs.Values[0]["target"] != nil || objs.Values[0]["kolada_ref"] != nil {
		t.Errorf("EF101 target/kolada_ref %v %v, want null", objs.Values[0]["target"], objs.Values[0]["kolada_ref"])
	}
	if objs.Values[1]["target"] != 30.0 || objs.Values[1]["kolada_ref"] != "N18409" {
		t.Errorf("EF201 target/kolada_ref %v %v, want 30 N18409", objs.Values[1]["target"], objs.Values[1]["kolada_ref"])
	}
}
