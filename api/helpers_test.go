package api_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/effekt/effekt/access"
	"github.com/effekt/effekt/api"
	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/store"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

const (
	testHost       = "effekt.test"
	testToken      = "s3cret-token"               // operator
	evaluatorToken = "evaluator-token-0123456789" // evaluator "anna"
	viewerToken    = "viewer-token-0123456789"    // viewer "site"
)

// auditPath is the audit log of the handlers testOptions builds.
var (
	auditOnce sync.Once
	auditPath string
	auditLog  *access.AuditLog
)

func testAudit() *access.AuditLog {
	auditOnce.Do(func() {
		dir, err := os.MkdirTemp("", "effekt-api-audit-")
		if err != nil {
			panic(err)
		}
		auditPath = filepath.Join(dir, "audit.jsonl")
		if auditLog, err = access.OpenAudit(auditPath); err != nil {
			panic(err)
		}
	})
	return auditLog
}

// asEvaluator is the header of the evaluator token.
var asEvaluator = http.Header{"Authorization": {"Bearer " + evaluatorToken}}

// openFixture opens a fresh database holding testdata/fixture.sql.
func openFixture(t testing.TB) *sql.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "api.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	fixture, err := os.ReadFile("testdata/fixture.sql")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, string(fixture)); err != nil {
		t.Fatalf("load fixture: %v", err)
	}
	return db
}

// fakeJobs is a scheduler with two jobs; compute is running.
type fakeJobs struct {
	mu        sync.Mutex
	triggered []string
}

func (f *fakeJobs) Status(ctx context.Context) ([]api.JobStatus, error) {
	started := time.Date(2021, 7, 1, 2, 30, 0, 0, time.UTC)
	finished := started.Add(90 * time.Second)
	return []api.JobStatus{
		{Name: "ingest", Spec: "*/15 * * * *", Next: time.Date(2021, 7, 1, 10, 45, 0, 0, time.UTC), LastRuns: []api.JobRun{
			{RunID: 7, Job: "ingest", Trigger: "schedule", Outcome: "ok", StartedAt: started, FinishedAt: &finished, Rows: 23},
			{RunID: 5, Job: "ingest", Trigger: "api", Outcome: "failed", Error: "file okand.csv: the header row matches no file kind", StartedAt: started.Add(-time.Hour), FinishedAt: &finished, Rows: 0},
		}},
		{Name: "compute", Spec: "off", Running: true, LastRuns: []api.JobRun{
			{RunID: 8, Job: "compute", Trigger: "chain", Outcome: "running", StartedAt: finished},
		}},
	}, nil
}

func (f *fakeJobs) Trigger(ctx context.Context, name string) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch name {
	case "ingest", "export":
		f.triggered = append(f.triggered, name)
		return 41 + int64(len(f.triggered)), nil
	case "compute":
		return 0, api.ErrJobBusy
	default:
		return 0, api.ErrUnknownJob
	}
}

// operators are operator tokens holding the hashes of ts.
func operators(ts ...string) []config.Token {
	out := []config.Token{}
	for i, t := range ts {
		out = append(out, config.Token{Name: fmt.Sprintf("op%d", i), Role: config.RoleOperator, SHA256: config.HashToken(t)})
	}
	return out
}

func testOptions(jobs api.Jobs) api.Options {
	return api.Options{
		MinN:   5,
		Groups: config.DefaultGroups(),
		Tokens: append(operators("other-token-0123456789", testToken),
			config.Token{Name: "anna", Role: config.RoleEvaluator, SHA256: config.HashToken(evaluatorToken)},
			config.Token{Name: "site", Role: config.RoleViewer, SHA256: config.HashToken(viewerToken)}),
		Jobs:   jobs,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Audit:  testAudit(),
	}
}

// call serves one request to h as if sent to http://effekt.test.
func call(t *testing.T, h http.Handler, method, target string, header http.Header) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	req.Host = testHost
	for k, vs := range header {
		req.Header[k] = vs
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// checkGolden compares a JSON body, indented, with testdata/golden/name.json.
func checkGolden(t *testing.T, name string, body []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, body, "", "  "); err != nil {
		t.Fatalf("%s: response is not JSON: %v\n%s", name, err, body)
	}
	buf.WriteByte('\n')
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("%s: response differs from %s\ngot:\n%s", name, path, buf.String())
	}
}

// decode unmarshals a JSON body into v.
func decode(t *testing.T, body []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("decode %s: %v", strings.TrimSpace(string(body)), err)
	}
}

// envelope is the generic Kolada envelope for checks.
type envelope struct {
	Values      []json.RawMessage `json:"values"`
	Count       int               `json:"count"`
	NextURL     *string           `json:"next_url"`
	PreviousURL *string           `json:"previous_url"`
}

func str(p *string) string {
	if p == nil {
		return "<null>"
	}
	return *p
}
