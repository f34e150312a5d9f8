package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/effekt/effekt/api"
	"github.com/effekt/effekt/models"
)

// TestGolden compares whole responses with hand-checked JSON files.
func TestGolden(t *testing.T) {
	h := api.New(openFixture(t), testOptions(&fakeJobs{}))
	tests := []struct {
		name, target string
		status       int
	}{
		// municipalities: ids (one unknown), title filter, type filters
		{"municipality_ids", "/v3/municipality/0127,0001,0000,9999", 200},
		{"municipality_title", "/v3/municipality?title=BOTKYR", 200},
		{"municipality_title_type_L", "/v3/municipality?title=stockholm&type=L", 200},
		{"municipality_title_region_type_K", "/v3/municipality?title=stockholm&region_type=K", 200},
		{"municipality_unknown", "/v3/municipality/9999", 200},
		// groups
		{"groups", "/v3/municipality_groups", 200},
		{"groups_id", "/v3/municipality_groups/G0002,G9999", 200},
		{"kpi_groups", "/v3/kpi_groups", 200},
		{"kpi_groups_id_title", "/v3/kpi_groups/EFG1,EFG3,EFG9?title=etabl", 200},
		// from_date: only Botkyrka 2020 was computed (changed) on 2021-07-02;
		// suppressed cells (2019 K and M) count as changed by every compute
		{"data_from_date", "/v3/data/kpi/EF101/municipality/0127?from_date=2021-07-02", 200},
		{"data_from_date_query", "/v3/data?kpi_id=EF101,EF102&year=2019,2020&from_date=2021-07-01", 200},
		// data, the four path forms
		{"data_kpi_municipality_year", "/v3/data/kpi/EF101/municipality/0127,0001,G0001/year/2019", 200},
		{"data_kpi_year", "/v3/data/kpi/EF101,EF102/year/2019", 200},
		{"data_kpi_municipality", "/v3/data/kpi/EF101/municipality/0127", 200},
		{"data_municipality_year", "/v3/data/municipality/0182/year/2020,2021", 200},
		{"data_region_riket", "/v3/data/kpi/EF101/municipality/0000,0001/year/2019", 200},
		{"data_unknown", "/v3/data/kpi/N00973/municipality/0127/year/2019", 200},
		// the query form, with and without the trailing slash, repeated keys and comma lists
		{"data_query", "/v3/data/?kpi_id=EF101&municipality_id=0136&year=2019", 200},
		{"data_query_noslash_repeated", "/v3/data?kpi_id=EF101&kpi_id=EF102&municipality_id=0127&year=2019", 200},
		{"data_query_two_keys", "/v3/data?kpi_id=EF301,EF101&year=2020", 200},
		// effekt's own endpoints
		{"v1_values", "/api/v1/values?kpi=EF101&municipality=0127,0136&period=2019", 200},
		{"v1_values_gender", "/api/v1/values?kpi=EF101&gender=T&period=2019", 200},
		{"v1_files", "/api/v1/files", 200},
		{"v1_files_page2", "/api/v1/files?per_page=2&page=2", 200},
		{"v1_files_kind", "/api/v1/files?kind=settlements", 200},
		{"v1_rejects", "/api/v1/rejects", 200},
		{"v1_rejects_file", "/api/v1/rejects?file=2", 200},
		{"v1_jobs", "/api/v1/jobs", 200},
		// errors
		{"err_too_many_ids", "/v3/data/kpi/" + strings.Repeat("EF101,", 25) + "EF102/year/2019", 400},
		{"err_bad_year", "/v3/data/kpi/EF101/year/19x9", 400},
		{"err_empty_id", "/v3/kpi/EF101,,EF102", 400},
		{"err_per_page", "/v3/kpi?per_page=5001", 400},
		{"err_page", "/v3/municipality?page=0", 400},
		{"err_type", "/v3/municipality?type=X", 400},
		{"err_query_one_key", "/v3/data/?kpi_id=EF101", 400},
		{"err_query_none", "/v3/data", 400},
		{"err_gender", "/api/v1/values?gender=X", 400},
		{"err_rejects_file", "/api/v1/rejects?file=abc", 400},
		{"err_from_date", "/v3/data/kpi/EF101/year/2019?from_date=2021-13-01", 400},
		{"err_not_found", "/v3/nothing", 404},
		{"err_not_found_root", "/", 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := call(t, h, http.MethodGet, tc.target, asEvaluator)
			if rec.Code != tc.status {
				t.Fatalf("GET %s: status %d, want %d: %s", tc.target, rec.Code, tc.status, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			checkGolden(t, tc.name, rec.Body.Bytes())
		})
	}
}

// TestMethodNotAllowed: a known path with the wrong method is a JSON 405
// naming the allowed methods.
func TestMethodNotAllowed(t *testing.T) {
	h := api.New(openFixture(t), testOptions(&fakeJobs{}))
	tests := []struct{ method, target, allow string }{
		{http.MethodPost, "/v3/kpi", "GET, HEAD"},
		{http.MethodDelete, "/v3/data/kpi/EF101/year/2019", "GET, HEAD"},
		{http.MethodPut, "/api/v1/values", "GET, HEAD"},
		{http.MethodGet, "/api/v1/jobs/ingest/run", "POST"},
	}
	for _, tc := range tests {
		rec := call(t, h, tc.method, tc.target, nil)
		var body struct{ Error string }
		decode(t, rec.Body.Bytes(), &body)
		if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != tc.allow || body.Error == "" {
			t.Errorf("%s %s: status %d, Allow %q, body %s; want 405, Allow %q", tc.method, tc.target, rec.Code, rec.Header().Get("Allow"), rec.Body, tc.allow)
		}
	}
}

// TestSuppression: cells with a denominator below min_n carry no value, a
// non-empty status, and count still says 1 (Kolada's meaning).
func TestSuppression(t *testing.T) {
	db := openFixture(t)
	tests := []struct {
		minN                 int
		municipality, gender string
		wantValue            *float64
		wantStatus           string
	}{
		{5, "0127", "K", nil, models.StatusSuppressed}, // denominator 4
		{5, "0127", "M", nil, models.StatusSuppressed}, // complementary: T − M would give K away
		{5, "0136", "M", nil, models.StatusSuppressed}, // denominator 3
		{5, "0136", "K", nil, models.StatusSuppressed}, // denominator 5, complementary to M (3): T − K = M
		{4, "0127", "K", ptr(75.0), ""},                // min_n 4 lets denominator 4 through
		{6, "0136", "K", nil, models.StatusSuppressed}, // min_n 6 hides denominator 5
		{0, "0127", "K", nil, models.StatusSuppressed}, // unset min_n means the default 5
		{0, "0136", "K", nil, models.StatusSuppressed},
		{1, "0136", "K", ptr(40.0), ""}, // min_n 1 hides nothing
	}
	for _, tc := range tests {
		opt := testOptions(nil)
		opt.MinN = tc.minN
		h := api.New(db, opt)
		rec := call(t, h, http.MethodGet, "/v3/data/kpi/EF101/municipality/"+tc.municipality+"/year/2019", nil)
		var env struct {
			Values []struct {
				Values []struct {
					Gender string
					Count  int
					Status string
					Value  *float64
				}
			}
		}
		decode(t, rec.Body.Bytes(), &env)
		if len(env.Values) != 1 {
			t.Fatalf("min_n %d %s: %d rows, want 1", tc.minN, tc.municipality, len(env.Values))
		}
		found := false
		for _, v := range env.Values[0].Values {
			if v.Gender != tc.gender {
				continue
			}
			found = true
			if (v.Value == nil) != (tc.wantValue == nil) || (v.Value != nil && *v.Value != *tc.wantValue) || v.Status != tc.wantStatus || v.Count != 1 {
				t.Errorf("min_n %d %s %s: value %v status %q count %d; want %v %q 1", tc.minN, tc.municipality, tc.gender, v.Value, v.Status, v.Count, tc.wantValue, tc.wantStatus)
			}
		}
		if !found {
			t.Errorf("min_n %d %s: no gender %s", tc.minN, tc.municipality, tc.gender)
		}
		// the rich rows hide numerator and denominator too
		rec = call(t, h, http.MethodGet, "/api/v1/values?kpi=EF101&period=2019&municipality="+tc.municipality+"&gender="+tc.gender, nil)
		var rich struct{ Values []models.Row }
		decode(t, rec.Body.Bytes(), &rich)
		if len(rich.Values) != 1 {
			t.Fatalf("v1 %s %s: %d rows", tc.municipality, tc.gender, len(rich.Values))
		}
		v := rich.Values[0]
		suppressed := tc.wantStatus == models.StatusSuppressed
		if suppressed != (v.Numerator == nil && v.Denominator == nil && v.Value == nil && v.CILow == nil && v.CIHigh == nil) || v.Status != tc.wantStatus {
			t.Errorf("v1 min_n %d %s %s: %+v", tc.minN, tc.municipality, tc.gender, v)
		}
	}
}

// TestAggregateCount: count of an aggregate is the number of member
// municipalities with data in the cell.
func TestAggregateCount(t *testing.T) {
	h := api.New(openFixture(t), testOptions(nil))
	rec := call(t, h, http.MethodGet, "/v3/data/kpi/EF101/municipality/0000,0001,G0001,G0002,0127/year/2019", nil)
	var env struct {
		Values []struct {
			Municipality string
			Values       []struct {
				Gender string
				Count  int
			}
		}
	}
	decode(t, rec.Body.Bytes(), &env)
	got := map[string]int{}
	for _, row := range env.Values {
		for _, v := range row.Values {
			got[row.Municipality+"/"+v.Gender] = v.Count
		}
	}
	// 0127 and 0136 both have T cells in 2019 and are both in Stockholm
	// county and in Södertörn; G0002 has no row of its own in the fixture.
	want := map[string]int{"0000/T": 2, "0001/T": 2, "G0001/T": 2, "0127/T": 1, "0127/K": 1, "0127/M": 1}
	if len(got) != len(want) {
		t.Errorf("got cells %v, want %v", got, want)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: count %d, want %d", k, got[k], w)
		}
	}
}

// TestGenderOrder: inside a data row the total comes first, then K, M.
func TestGenderOrder(t *testing.T) {
	h := api.New(openFixture(t), testOptions(nil))
	rec := call(t, h, http.MethodGet, "/v3/data/kpi/EF101/municipality/0127/year/2019", nil)
	var env struct {
		Values []struct{ Values []struct{ Gender string } }
	}
	decode(t, rec.Body.Bytes(), &env)
	var got []string
	for _, v := range env.Values[0].Values {
		got = append(got, v.Gender)
	}
	if strings.Join(got, ",") != "T,K,M" {
		t.Errorf("genders %v, want T,K,M", got)
	}
}

// TestNoKoladaSourceLabel: effekt's figures are never labelled as Kolada's.
func TestNoKoladaSourceLabel(t *testing.T) {
	h := api.New(openFixture(t), testOptions(nil))
	for _, target := range []string{"/v3/kpi", "/v3/data/kpi/EF101/year/2019", "/api/v1/values?kpi=EF101"} {
		body := call(t, h, http.MethodGet, target, nil).Body.String()
		if strings.Contains(strings.ToLower(body), "källa: kolada") {
			t.Errorf("%s says Källa: Kolada", target)
		}
	}
}

func ptr(f float64) *float64 { return &f }

// rawTypes returns the JSON type of each field of an object, in order.
func rawTypes(t *testing.T, obj json.RawMessage) (keys []string, types map[string]string) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(obj)))
	types = map[string]string{}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", obj)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		key := tok.(string)
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, key)
		switch v.(type) {
		case nil:
			types[key] = "null"
		case bool:
			types[key] = "bool"
		case string:
			types[key] = "string"
		case float64:
			types[key] = "number"
		case []any:
			types[key] = "array"
		default:
			types[key] = "object"
		}
	}
	return keys, types
}
