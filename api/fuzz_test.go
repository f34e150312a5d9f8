package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/effekt/effekt/api"
	"github.com/effekt/effekt/config"
)

// FuzzRequest sends arbitrary paths and query strings to the API: it never
// panics, never answers 5xx, and every answer but /healthz is a JSON object
// (an envelope, or {"error": …} for 4xx).
func FuzzRequest(f *testing.F) {
	for _, s := range [][2]string{
		{"/v3/kpi", ""},
		{"/v3/kpi/EF101,EF201", "title=sfi"},
		{"/v3/municipality", "type=K&region_type=L&title=bot"},
		{"/v3/municipality/0127,G0001", ""},
		{"/v3/municipality_groups", ""},
		{"/v3/data/kpi/EF101/municipality/0127/year/2020", "per_page=1&page=2"},
		{"/v3/data/kpi/EF101/year/2020,2021", ""},
		{"/v3/data/municipality/0000/year/2020", ""},
		{"/v3/data/", "kpi_id=EF101&municipality_id=0127,0001&year=2020"},
		{"/v3/data", "kpi_id=EF101&kpi_id=EF102&year=abcd"},
		{"/api/v1/values", "kpi=EF101&gender=X"},
		{"/api/v1/files", "page=0"},
		{"/api/v1/rejects", ""},
		{"/api/v1/jobs", ""},
		{"/v3/data/kpi/%00/year/-1", "per_page=99999999999999999999"},
		{"/v3/kpi/" + strings.Repeat("A,", 30), ""},
		// pages whose offset overflowed int (a panic, 500, before)
		{"/v3/kpi", "page=9223372036854775807"},
		{"/v3/municipality", "page=1844674407370957&per_page=5000"},
		{"/v3/data/kpi/EF101/year/2019", "page=9223372036854775807&per_page=2"},
		{"/api/v1/values", "page=1844674407370958&per_page=5000"},
		{"/api/v1/files", "page=9223372036854775807"},
		{"/v3/kpi", "page=99999999999999999999999"},
	} {
		f.Add(s[0], s[1])
	}
	db := openFixture(f)
	h := api.New(db, api.Options{MinN: 5, Groups: config.DefaultGroups(), Tokens: operators(testToken), Jobs: &fakeJobs{}})
	f.Fuzz(func(t *testing.T, path, query string) {
		if !strings.HasPrefix(path, "/") {
			return
		}
		// Built by hand: a server hands the handler whatever the client sent.
		req := httptest.NewRequest(http.MethodGet, "http://"+testHost+"/", nil)
		req.URL = &url.URL{Path: path, RawQuery: query}
		req.RequestURI = req.URL.RequestURI()
		target := req.RequestURI
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 && rec.Code != http.StatusServiceUnavailable {
			t.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body.String())
		}
		if req.URL.Path == "/healthz" || rec.Code == http.StatusMovedPermanently || rec.Code == http.StatusTemporaryRedirect || rec.Code == http.StatusPermanentRedirect {
			return
		}
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("GET %s: %d, body is not a JSON object: %v: %q", target, rec.Code, err, rec.Body.String())
		}
		if rec.Code >= 400 {
			if _, ok := body["error"].(string); !ok {
				t.Fatalf("GET %s: %d without an error message: %s", target, rec.Code, rec.Body.String())
			}
		}
	})
}
