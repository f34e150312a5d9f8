package kolada

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/models"
)

func f(v float64) *float64 { return &v }

// TestRows: values ordered by kpi, area, period, gender (K, M, T) become one
// row per kpi, area and period with T first.
func TestRows(t *testing.T) {
	in := []models.Value{
		{KPI: "EF101", Municipality: "0127", Period: 2019, Gender: "K", Status: models.StatusSuppressed, Members: 1},
		{KPI: "EF101", Municipality: "0127", Period: 2019, Gender: "M", Value: f(50), Members: 1},
		{KPI: "EF101", Municipality: "0127", Period: 2019, Gender: "T", Value: f(60), Members: 1},
		{KPI: "EF101", Municipality: "0127", Period: 2020, Gender: "T", Value: f(100), Members: 1},
		{KPI: "EF101", Municipality: "G0001", Period: 2019, Gender: "T", Value: f(61.1), Members: 2},
		{KPI: "EF102", Municipality: "0127", Period: 2019, Gender: "T", Value: f(14.5), Members: 1},
	}
	got, err := json.Marshal(Rows(in))
	if err != nil {
		t.Fatal(err)
	}
	want := `[` +
		`{"kpi":"EF101","municipality":"0127","period":2019,"values":[` +
		`{"gender":"T","count":1,"status":"","value":60,"isdeleted":false},` +
		`{"gender":"K","count":1,"status":"suppressed","value":null,"isdeleted":false},` +
		`{"gender":"M","count":1,"status":"","value":50,"isdeleted":false}]},` +
		`{"kpi":"EF101","municipality":"0127","period":2020,"values":[{"gender":"T","count":1,"status":"","value":100,"isdeleted":false}]},` +
		`{"kpi":"EF101","municipality":"G0001","period":2019,"values":[{"gender":"T","count":2,"status":"","value":61.1,"isdeleted":false}]},` +
		`{"kpi":"EF102","municipality":"0127","period":2019,"values":[{"gender":"T","count":1,"status":"","value":14.5,"isdeleted":false}]}]`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if Rows(nil) != nil {
		t.Error("no values must give no rows")
	}
}

// TestEnvelope: an empty page is an empty list, never null.
func TestEnvelope(t *testing.T) {
	next := "http://h/v3/kpi?page=2"
	tests := []struct {
		env  any
		want string
	}{
		{NewEnvelope[Municipality](nil, nil, nil), `{"values":[],"count":0,"next_url":null,"previous_url":null}`},
		{NewEnvelope([]Municipality{{ID: "0127", Title: "Botkyrka", Type: "K"}}, &next, nil),
			`{"values":[{"id":"0127","title":"Botkyrka","type":"K"}],"count":1,"next_url":"http://h/v3/kpi?page=2","previous_url":null}`},
	}
	for _, tc := range tests {
		got, _ := json.Marshal(tc.env)
		if string(got) != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
}

// TestGroups: members resolved to codes with Kolada titles, in the order
// configured; a name in the config becomes its code.
func TestGroups(t *testing.T) {
	got, _ := json.Marshal(Groups([]config.Group{{ID: "G0009", Title: "Test", Members: []string{"0127", "Nacka kommun", "180"}}}))
	want := `[{"id":"G0009","title":"Test","members":[{"member_id":"0127","member_title":"Botkyrka"},{"member_id":"0182","member_title":"Nacka"},{"member_id":"0180","member_title":"Stockholm"}]}]`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if n := len(Municipalities()); n != 312 {
		t.Errorf("%d municipalities, want 290 + 21 regions + Riket = 312", n)
	}
}

// TestAreaTitle names municipalities, regions, Riket and groups.
func TestAreaTitle(t *testing.T) {
	groups := config.DefaultGroups()
	for id, want := range map[string]string{"0127": "Botkyrka", "0001": "Region Stockholm", "0000": "Riket", "G0002": "Introduktion Södertörn", "9999": "9999"} {
		if got := AreaTitle(id, groups); got != want {
			t.Errorf("AreaTitle(%s) = %q, want %q", id, got, want)
		}
	}
}

// TestNewKPI: Kolada constants, the publication from the data, null
// publication and kolada_ref when absent, cost as the Resurser perspective.
func TestNewKPI(t *testing.T) {
	ind := models.Indicator{ID: "EF999", TitleSV: "Test", Unit: models.Kronor, Direction: models.LowerIsBetter, ByGender: true, KoladaRef: "N00973", SourceKinds: []string{"af_plans"}}
	k := NewKPI(ind, Publication{Period: 2024, Date: time.Date(2025, 7, 1, 23, 30, 0, 0, time.FixedZone("CEST", 2*3600))})
	got, _ := json.Marshal(k)
	want := `{"id":"EF999","title":"Test","description":"","is_divided_by_gender":true,"municipality_type":"K","auspice":"T","operating_area":"","perspective":"Resurser","prel_publication_date":null,"publication_date":"2025-07-01","publ_period":"2024","has_ou_data":false,"unit":"kronor","numerator":"","denominator":"","direction":"lower_is_better","target":null,"kolada_ref":"N00973","title_en":"","cohort":"","source_kinds":["af_plans"]}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	ind.KoladaRef, ind.SourceKinds, ind.Unit = "", nil, models.Percent
	got, _ = json.Marshal(NewKPI(ind, Publication{}))
	want = `{"id":"EF999","title":"Test","description":"","is_divided_by_gender":true,"municipality_type":"K","auspice":"T","operating_area":"","perspective":"Kvalitet och resultat","prel_publication_date":null,"publication_date":null,"publ_period":null,"has_ou_data":false,"unit":"percent","numerator":"","denominator":"","direction":"lower_is_better","target":null,"kolada_ref":null,"title_en":"","cohort":"","source_kinds":[]}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestRound(t *testing.T) {
	for _, tt := range []struct{ in, want float64 }{
		{63.24999, 63.2}, {63.25, 63.3}, {54.123711340206185, 54.1}, {100, 100}, {0.04, 0}, {66.66666666666667, 66.7},
	} {
		in := tt.in
		if got := Round(&in); *got != tt.want {
			t.Errorf("Round(%v) = %v, want %v", tt.in, *got, tt.want)
		}
	}
	if Round(nil) != nil {
		t.Error("Round(nil) != nil")
	}
}

// TestHasOUData: EF401 has values per intervention (/v3/oudata); no other
// indicator has.
func TestHasOUData(t *testing.T) {
	for _, k := range KPIs(models.Catalogue(), nil) {
		if want := k.ID == "EF401"; k.HasOUData != want {
			t.Errorf("%s has_ou_data %v, want %v", k.ID, k.HasOUData, want)
		}
	}
}

func TestFromDate(t *testing.T) {
	for _, tt := range []struct {
		in, want, err string
	}{
		{"", "0001-01-01", ""},
		{"2024-01-31", "2024-01-31", ""},
		{"2024-13-01", "", `from_date: "2024-13-01" is not a date YYYY-MM-DD`},
		{"20240131", "", `from_date: "20240131" is not a date YYYY-MM-DD`},
	} {
		got, err := FromDate(tt.in)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("FromDate(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got.Format("2006-01-02") != tt.want {
			t.Errorf("FromDate(%q) = %s, %v; want %s", tt.in, got.Format("2006-01-02"), err, tt.want)
		}
	}
}
