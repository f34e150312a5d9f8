package api_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/effekt/effekt/access"
	"github.com/effekt/effekt/api"
	"github.com/effekt/effekt/ingest/parse"
)

var timeStamps = regexp.MustCompile(`"time":"[^"]*"|time=\S+`)

// TestURIMasked: a personnummer in a request's query or path, however it
// is escaped, reaches neither the audit log nor the request log
// (2026-12-02: "/api/v1/rejects?kind=af_plans&q=19800101-1234" was
// audited as written).
func TestURIMasked(t *testing.T) {
	db := openFixture(t)
	opt := testOptions(nil)
	auditFile := filepath.Join(t.TempDir(), "audit.jsonl")
	audit, err := access.OpenAudit(auditFile)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { audit.Close() })
	opt.Audit = audit
	var logs bytes.Buffer
	opt.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := api.New(db, opt)

	requests := []struct {
		target      string
		wantRequest string // the audit record's Request, "" for none
	}{
		{"/api/v1/rejects?kind=af_plans&q=19800101-1234", "/api/v1/rejects?kind=af_plans&q=19800101-****"},
		{"/api/v1/rejects?kind=so_registrations&q=800101%2D1234", "/api/v1/rejects?kind=so_registrations&q=19800101-****"},
		{"/api/v1/rejects?q=800101%20%20%20-%20%20%201234", "/api/v1/rejects?q=19800101-****"},
		{"/api/v1/rejects?q=800101+-+1234&kind=x", "/api/v1/rejects?q=19800101-****&kind=x"},
		{"/api/v1/rejects?q=800101%252D1234", "/api/v1/rejects?q=19800101-****"},
		{"/no/such/19800101-1234?q=800101%E2%80%931234", ""},
	}
	for _, rq := range requests {
		call(t, h, "GET", rq.target, asEvaluator)
	}
	// what the requests held, as written and decoded
	raw := []string{"19800101-1234", "800101-1234", "800101%2D1234", "800101%20%20%20-%20%20%201234", "800101+-+1234", "800101%252D1234", "800101%E2%80%931234", "800101   -   1234", "800101 - 1234"}

	b, err := os.ReadFile(auditFile)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		var rec access.Record
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		got = append(got, rec.Request)
	}
	var want []string
	for _, rq := range requests {
		if rq.wantRequest != "" {
			want = append(want, rq.wantRequest)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for where, text := range map[string]string{"audit log": string(b), "request log": logs.String()} {
		for _, r := range raw {
			if strings.Contains(text, r) {
				t.Errorf("the %s holds %q:\n%s", where, r, text)
			}
		}
		// time stamps (15:04:01.997 reads as a date and three digits) are not requests
		text = timeStamps.ReplaceAllString(text, "")
		if sp := parse.FindPNRs(text); len(sp) > 0 {
			t.Errorf("the %s holds the personnummer shape %q", where, text[sp[0].Start:sp[0].End])
		}
	}
	if n := strings.Count(logs.String(), "msg=\"http request\""); n != len(requests) {
		t.Errorf("%d request lines, want %d:\n%s", n, len(requests), logs.String())
	}
	if !strings.Contains(logs.String(), "path=/no/such/19800101-****") {
		t.Errorf("the request log does not show the masked path:\n%s", logs.String())
	}
}
