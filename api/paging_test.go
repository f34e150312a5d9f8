package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"testing"

	"github.com/effekt/effekt/api"
)

// TestPagination: next_url is exactly this request with page+1 (the rest of
// the query as written), null on the last page; previous_url page-1, null on
// the first.
func TestPagination(t *testing.T) {
	h := api.New(openFixture(t), testOptions(nil))
	const base = "" // links are relative without api.public_url
	null := "<null>"
	tests := []struct {
		target     string
		count      int
		next, prev string
	}{
		// 312 areas: 4 pages of 100, the last with 12
		{"/v3/municipality?per_page=100", 100, base + "/v3/municipality?per_page=100&page=2", null},
		{"/v3/municipality?per_page=100&page=2", 100, base + "/v3/municipality?per_page=100&page=3", base + "/v3/municipality?per_page=100&page=1"},
		{"/v3/municipality?page=4&per_page=100", 12, null, base + "/v3/municipality?page=3&per_page=100"},
		{"/v3/municipality?page=5&per_page=100", 0, null, base + "/v3/municipality?page=4&per_page=100"},
		{"/v3/municipality", 312, null, null}, // default per_page 5000
		{"/v3/municipality?type=K&per_page=290", 290, null, null},
		{"/v3/municipality?type=K&per_page=289", 289, base + "/v3/municipality?type=K&per_page=289&page=2", null},
		// EF101 2019 has 5 rows (0000, 0001, 0127, 0136, G0001)
		{"/v3/data/kpi/EF101/year/2019?per_page=2", 2, base + "/v3/data/kpi/EF101/year/2019?per_page=2&page=2", null},
		{"/v3/data/kpi/EF101/year/2019?per_page=2&page=3", 1, null, base + "/v3/data/kpi/EF101/year/2019?per_page=2&page=2"},
		{"/v3/data/?kpi_id=EF101&year=2019&per_page=4", 4, base + "/v3/data/?kpi_id=EF101&year=2019&per_page=4&page=2", null},
		{"/v3/data?year=2019&kpi_id=EF101,EF102&per_page=3&page=2", 3, null, base + "/v3/data?year=2019&kpi_id=EF101,EF102&per_page=3&page=1"},
		// a percent-encoded query is kept as written
		{"/v3/municipality?title=G%C3%B6teborg&per_page=1", 1, null, null},
		{"/v3/municipality?title=stockholm&per_page=1", 1, base + "/v3/municipality?title=stockholm&per_page=1&page=2", null},
		// files: 3 in the log
		{"/api/v1/files?per_page=2", 2, base + "/api/v1/files?per_page=2&page=2", null},
		{"/api/v1/files?per_page=2&page=2", 1, null, base + "/api/v1/files?per_page=2&page=1"},
		{"/api/v1/files?per_page=3", 3, null, null},
		{"/api/v1/values?kpi=EF101&period=2019&per_page=8", 8, base + "/api/v1/values?kpi=EF101&period=2019&per_page=8&page=2", null}, // 9 cells
		{"/api/v1/values?kpi=EF101&period=2019&per_page=8&page=2", 1, null, base + "/api/v1/values?kpi=EF101&period=2019&per_page=8&page=1"},
	}
	for _, tc := range tests {
		rec := call(t, h, http.MethodGet, tc.target, asEvaluator)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", tc.target, rec.Code, rec.Body)
		}
		var env envelope
		decode(t, rec.Body.Bytes(), &env)
		if env.Count != tc.count || len(env.Values) != tc.count || str(env.NextURL) != tc.next || str(env.PreviousURL) != tc.prev {
			t.Errorf("%s:\n got count %d (%d values) next %s prev %s\nwant count %d next %s prev %s",
				tc.target, env.Count, len(env.Values), str(env.NextURL), str(env.PreviousURL), tc.count, tc.next, tc.prev)
		}
	}
}

// TestKoladaClient behaves like rKolada and koladapy against a real
// server: ask for a page, follow next_url until it is null, concatenate the
// values; and, as some clients do, ask for page+1 themselves. Both must give
// every row exactly once, equal to the single-page answer.
func TestKoladaClient(t *testing.T) {
	// next_url is absolute on api.public_url, here the test server's URL
	var h http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	defer srv.Close()
	opt := testOptions(nil)
	opt.PublicURL = srv.URL
	h = api.New(openFixture(t), opt)
	get := func(u string) envelope {
		t.Helper()
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %v %s", u, resp.StatusCode, err, b)
		}
		var env envelope
		decode(t, b, &env)
		return env
	}
	for _, path := range []string{
		"/v3/data/kpi/EF101,EF102,EF301/year/2019,2020",
		"/v3/data/?kpi_id=EF101&municipality_id=0127,0136,0001,0000,G0001&year=2019",
		"/v3/municipality",
		"/v3/kpi",
	} {
		whole := get(srv.URL + path)
		if whole.NextURL != nil {
			t.Fatalf("%s: one page expected without per_page", path)
		}
		for _, perPage := range []int{1, 2, 7} {
			// follow next_url
			u, _ := url.Parse(srv.URL + path)
			q := u.Query()
			q.Set("per_page", strconv.Itoa(perPage))
			u.RawQuery = q.Encode()
			var followed []json.RawMessage
			pages := 0
			for next := u.String(); next != ""; pages++ {
				env := get(next)
				followed = append(followed, env.Values...)
				next = ""
				if env.NextURL != nil {
					next = *env.NextURL
				}
				if pages > 1000 {
					t.Fatal("next_url never ends")
				}
			}
			// count pages themselves
			var counted []json.RawMessage
			for page := 1; ; page++ {
				q.Set("page", strconv.Itoa(page))
				u.RawQuery = q.Encode()
				env := get(u.String())
				counted = append(counted, env.Values...)
				if env.NextURL == nil {
					break
				}
			}
			wantPages := (len(whole.Values) + perPage - 1) / perPage
			if pages != max(wantPages, 1) || !sameRows(followed, whole.Values) || !sameRows(counted, whole.Values) {
				t.Errorf("%s per_page %d: %d pages (want %d), followed %d rows, counted %d rows, want %d",
					path, perPage, pages, wantPages, len(followed), len(counted), len(whole.Values))
			}
		}
	}
}

func sameRows(a, b []json.RawMessage) bool {
	return slices.EqualFunc(a, b, func(x, y json.RawMessage) bool { return string(x) == string(y) })
}
