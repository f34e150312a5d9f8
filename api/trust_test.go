package api_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/effekt/effekt/access"
	"github.com/effekt/effekt/api"
	"github.com/effekt/effekt/microdata"
)

func bearer(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }

// TestRoles: micro data (files, rejects, SQL) needs evaluator or operator,
// jobs operator; the public endpoints need nothing.
func TestRoles(t *testing.T) {
	db := openFixture(t)
	opt := testOptions(&fakeJobs{})
	opt.SQL = microdata.NewRunner(db, microdata.Limits{Rows: 10}, opt.Audit)
	h := api.New(db, opt)
	const sqlBody = `{"sql": "SELECT 1 AS one"}`
	const none, bad, viewer, eval, op = "none", "bad", "viewer", "evaluator", "operator"
	headers := map[string]http.Header{none: nil, bad: bearer("not-a-token-0123456789"), viewer: bearer(viewerToken), eval: asEvaluator, op: bearer(testToken)}
	tests := []struct {
		method, target string
		want           map[string]int
	}{
		{"GET", "/v3/kpi", map[string]int{none: 200, bad: 200, viewer: 200, eval: 200, op: 200}},
		{"GET", "/api/v1/values?kpi=EF101", map[string]int{none: 200, viewer: 200, eval: 200, op: 200}},
		{"GET", "/api/v1/jobs", map[string]int{none: 200, viewer: 200}},
		{"GET", "/api/v1/rejects", map[string]int{none: 401, bad: 401, viewer: 403, eval: 200, op: 200}},
		{"GET", "/api/v1/files", map[string]int{none: 401, bad: 401, viewer: 403, eval: 200, op: 200}},
		{"POST", "/api/v1/sql", map[string]int{none: 401, bad: 401, viewer: 403, eval: 200, op: 200}},
		{"POST", "/api/v1/jobs/ingest/run", map[string]int{none: 401, bad: 401, viewer: 403, eval: 403, op: 202}},
	}
	for _, tc := range tests {
		for w, status := range tc.want {
			req := httptest.NewRequest(tc.method, tc.target, strings.NewReader(sqlBody))
			for k, v := range headers[w] {
				req.Header[k] = v
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != status {
				t.Errorf("%s %s as %s: %d %s, want %d", tc.method, tc.target, w, rec.Code, rec.Body, status)
			}
			if status == 401 && rec.Header().Get("WWW-Authenticate") == "" {
				t.Errorf("%s %s as %s: 401 without WWW-Authenticate", tc.method, tc.target, w)
			}
			if status >= 400 && !json.Valid(rec.Body.Bytes()) {
				t.Errorf("%s %s as %s: error body is not JSON: %s", tc.method, tc.target, w, rec.Body)
			}
		}
	}
}

// TestSecurityHeaders: every answer, errors and panics included.
func TestSecurityHeaders(t *testing.T) {
	h := api.New(openFixture(t), testOptions(nil))
	for _, tc := range []struct{ method, target string }{
		{"GET", "/v3/kpi"}, {"GET", "/healthz"}, {"GET", "/nothing"}, {"POST", "/v3/kpi"},
		{"GET", "/api/v1/rejects"}, {"GET", "/v3/kpi?page=x"}, {"GET", "/v3/kpi?page=9223372036854775807"},
	} {
		rec := call(t, h, tc.method, tc.target, nil)
		for k, want := range map[string]string{
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "no-referrer",
			"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
		} {
			if got := rec.Header().Get(k); got != want {
				t.Errorf("%s %s (%d): %s %q, want %q", tc.method, tc.target, rec.Code, k, got, want)
			}
		}
	}
}

// TestLinksIgnoreHost: next_url never echoes the Host header; it is built
// on api.public_url, or relative.
func TestLinksIgnoreHost(t *testing.T) {
	db := openFixture(t)
	for _, tc := range []struct{ public, want string }{
		{"", "/v3/municipality?per_page=1&page=2"},
		{"https://effekt.example.se", "https://effekt.example.se/v3/municipality?per_page=1&page=2"},
		{"https://effekt.example.se/", "https://effekt.example.se/v3/municipality?per_page=1&page=2"},
	} {
		opt := testOptions(nil)
		opt.PublicURL = tc.public
		req := httptest.NewRequest("GET", "/v3/municipality?per_page=1", nil)
		req.Host = "evil.example"
		req.Header.Set("X-Forwarded-Host", "evil.example")
		rec := httptest.NewRecorder()
		api.New(db, opt).ServeHTTP(rec, req)
		var env envelope
		decode(t, rec.Body.Bytes(), &env)
		if str(env.NextURL) != tc.want || strings.Contains(rec.Body.String(), "evil") {
			t.Errorf("public_url %q: next_url %s, want %s", tc.public, str(env.NextURL), tc.want)
		}
	}
}

// TestPageOverflow: pages whose offset overflowed int panicked (500,
// "slice bounds out of range"); now 400 with a message, and a page merely
// past the data is an empty page.
func TestPageOverflow(t *testing.T) {
	h := api.New(openFixture(t), testOptions(nil))
	for _, path := range []string{"/v3/kpi", "/v3/municipality", "/v3/municipality_groups", "/v3/data/kpi/EF101/year/2019",
		"/v3/data?kpi_id=EF101&year=2019", "/api/v1/values", "/api/v1/files", "/api/v1/rejects"} {
		for _, q := range []string{"page=9223372036854775807", "page=1844674407370957&per_page=5000", "page=1000000001",
			"page=4611686018427387904&per_page=2", "page=99999999999999999999"} {
			target := path + "?" + q
			if strings.Contains(path, "?") {
				target = path + "&" + q
			}
			rec := call(t, h, "GET", target, asEvaluator)
			var body struct{ Error string }
			decode(t, rec.Body.Bytes(), &body)
			if rec.Code != 400 || !strings.Contains(body.Error, "page:") {
				t.Errorf("GET %s: %d %s, want 400 naming page", target, rec.Code, rec.Body)
			}
		}
		rec := call(t, h, "GET", path+map[bool]string{true: "&", false: "?"}[strings.Contains(path, "?")]+"page=1000000000", asEvaluator)
		var env envelope
		decode(t, rec.Body.Bytes(), &env)
		if rec.Code != 200 || env.Count != 0 || env.NextURL != nil {
			t.Errorf("GET %s page 1e9: %d %s, want an empty page", path, rec.Code, rec.Body)
		}
	}
}

// TestSQLEndpoint: POST /api/v1/sql runs evaluators' SQL with the same
// checks and limits as effekt sql, in JSON (column order kept) and CSV
// (counts as trailers), and audits each run under the token's name.
func TestSQLEndpoint(t *testing.T) {
	db := openFixture(t)
	opt := testOptions(nil)
	opt.SQL = microdata.NewRunner(db, microdata.Limits{Rows: 3, Timeout: time.Minute}, opt.Audit)
	srv := httptest.NewServer(api.New(db, opt))
	defer srv.Close()
	post := func(body string, header http.Header) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest("POST", srv.URL+"/api/v1/sql", strings.NewReader(body))
		for k, v := range header {
			req.Header[k] = v
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	tests := []struct {
		name, body string
		status     int
		want       string
	}{
		{"json", `{"sql": "SELECT 'b' AS zeta, 1 AS alpha"}`, 200,
			`{"columns":["zeta","alpha"],"rows":[` + "\n" + `{"zeta":"b","alpha":1}],` + "\n" + `"count":1,"truncated":false,"limit":3}` + "\n"},
		{"cut at the row limit", `{"sql": "SELECT * FROM range(100000000)"}`, 200,
			`{"columns":["range"],"rows":[` + "\n" + `{"range":0},` + "\n" + `{"range":1},` + "\n" + `{"range":2}],` + "\n" + `"count":3,"truncated":true,"limit":3}` + "\n"},
		{"smaller limit", `{"sql": "SELECT * FROM range(10)", "limit": 1}`, 200,
			`{"columns":["range"],"rows":[` + "\n" + `{"range":0}],` + "\n" + `"count":1,"truncated":true,"limit":1}` + "\n"},
		{"csv", `{"sql": "SELECT 2 AS b, 'x,y' AS a", "format": "csv"}`, 200, "b,a\n2,\"x,y\"\n"},
		{"copy refused", `{"sql": "COPY (SELECT 1) TO '/tmp/effekt-api-leak.csv'"}`, 400,
			`{"error":"COPY statements are not allowed: only SELECT statements run (evaluators' SQL only reads)"}` + "\n"},
		{"file reader refused", `{"sql": "SELECT * FROM read_csv('/etc/passwd')"}`, 400, "table function read_csv() is not allowed"},
		{"two statements refused", `{"sql": "SELECT 1; SELECT 2"}`, 400, "run one SELECT statement at a time"},
		{"query error", `{"sql": "SELECT nothing FROM indicator_values"}`, 400, "Binder Error"},
		{"syntax", `{"sql": "SELEC 1"}`, 400, "syntax error"},
		{"empty", `{"sql": " "}`, 400, "give one SELECT statement"},
		{"not json", `SELECT 1`, 400, "body: want JSON"},
		{"unknown field", `{"query": "SELECT 1"}`, 400, "body: want JSON"},
		{"bad format", `{"sql": "SELECT 1", "format": "xml"}`, 400, "format"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := post(tc.body, asEvaluator)
			if resp.StatusCode != tc.status || !strings.Contains(body, tc.want) {
				t.Fatalf("%d %q\nwant %d containing %q", resp.StatusCode, body, tc.status, tc.want)
			}
			if resp.Header.Get("Cache-Control") != "no-store" {
				t.Error("micro data without Cache-Control: no-store")
			}
			if tc.name == "csv" && (resp.Trailer.Get(api.HeaderRows) != "1" || resp.Trailer.Get(api.HeaderTruncated) != "false") {
				t.Errorf("csv trailers %v", resp.Trailer)
			}
		})
	}
	if _, err := os.Stat("/tmp/effekt-api-leak.csv"); err == nil {
		t.Fatal("COPY wrote a file")
	}
	// the audit log names the token's holder, never a row
	resp, _ := post(`{"sql": "SELECT 'ROW-VALUE-' || range AS v FROM range(2)"}`, asEvaluator)
	if resp.StatusCode != 200 {
		t.Fatal(resp.Status)
	}
	call(t, api.New(db, opt), "GET", "/api/v1/rejects?kind=so_registrations", asEvaluator)
	call(t, api.New(db, opt), "GET", "/api/v1/files?per_page=2", bearer(testToken))
	var last []access.Record
	f, _ := os.Open(auditPath)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var rec access.Record
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		last = append(last, rec)
		if bytes.Contains(sc.Bytes(), []byte("ROW-VALUE-0")) {
			t.Fatalf("audit log holds a result row: %s", sc.Text())
		}
	}
	if len(last) < 3 {
		t.Fatalf("%d audit records", len(last))
	}
	q, r, fl := last[len(last)-3], last[len(last)-2], last[len(last)-1]
	if q.Who != "anna" || q.Role != "evaluator" || q.Via != "api" || q.Action != "sql" || q.Rows != 2 || q.Outcome != "ok" ||
		q.SQL != "SELECT 'ROW-VALUE-' || range AS v FROM range(2)" {
		t.Errorf("sql record %+v", q)
	}
	if r.Who != "anna" || r.Action != "rejects" || r.Request != "/api/v1/rejects?kind=so_registrations" || r.Outcome != "ok" || r.SQL != "" {
		t.Errorf("rejects record %+v", r)
	}
	if fl.Who != "op1" || fl.Role != "operator" || fl.Action != "files" || fl.Request != "/api/v1/files?per_page=2" || fl.Rows != 2 || fl.Outcome != "ok" {
		t.Errorf("files record %+v", fl)
	}
}
