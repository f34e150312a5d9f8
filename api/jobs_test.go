package api_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/effekt/effekt/api"
)

// TestRunJob covers POST /api/v1/jobs/{name}/run: the token, the job's
// answers and the scheduler being absent.
func TestRunJob(t *testing.T) {
	db := openFixture(t)
	bearer := func(tok string) http.Header { return http.Header{"Authorization": {tok}} }
	tests := []struct {
		name    string
		jobs    bool
		tokens  []string
		target  string
		header  http.Header
		status  int
		body    string // substring of the JSON body
		trigger []string
	}{
		{"ok", true, nil, "/api/v1/jobs/ingest/run", bearer("Bearer " + testToken), 202, `{"run_id":42,"job":"ingest"}`, []string{"ingest"}},
		{"ok second token, lower-case scheme", true, nil, "/api/v1/jobs/export/run", bearer("bearer other-token-0123456789"), 202, `{"run_id":42,"job":"export"}`, []string{"export"}},
		{"no header", true, nil, "/api/v1/jobs/ingest/run", nil, 401, `"error":"a valid bearer token is required`, nil},
		{"evaluator", true, nil, "/api/v1/jobs/ingest/run", bearer("Bearer " + evaluatorToken), 403, `"error":"token anna has role evaluator; this needs operator or above"`, nil},
		{"viewer", true, nil, "/api/v1/jobs/ingest/run", bearer("Bearer " + viewerToken), 403, `"error":"token site has role viewer; this needs operator or above"`, nil},
		{"wrong token", true, nil, "/api/v1/jobs/ingest/run", bearer("Bearer nope"), 401, "bearer token", nil},
		{"token prefix", true, nil, "/api/v1/jobs/ingest/run", bearer("Bearer s3cret"), 401, "bearer token", nil},
		{"basic auth", true, nil, "/api/v1/jobs/ingest/run", bearer("Basic " + testToken), 401, "bearer token", nil},
		{"no tokens configured", true, []string{}, "/api/v1/jobs/ingest/run", bearer("Bearer "), 401, "bearer token", nil},
		{"unknown job", true, nil, "/api/v1/jobs/vacuum/run", bearer("Bearer " + testToken), 404, `"error":"unknown job: vacuum"`, nil},
		{"busy", true, nil, "/api/v1/jobs/compute/run", bearer("Bearer " + testToken), 409, `"error":"job compute is already running"`, nil},
		{"no scheduler", false, nil, "/api/v1/jobs/ingest/run", bearer("Bearer " + testToken), 503, "effekt serve", nil},
		{"no scheduler, no token", false, nil, "/api/v1/jobs/ingest/run", nil, 401, "bearer token", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fj := &fakeJobs{}
			opt := testOptions(nil)
			if tc.jobs {
				opt.Jobs = fj
			}
			if tc.tokens != nil {
				opt.Tokens = operators(tc.tokens...)
			}
			rec := call(t, api.New(db, opt), http.MethodPost, tc.target, tc.header)
			if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.body) {
				t.Errorf("status %d body %s; want %d containing %s", rec.Code, rec.Body, tc.status, tc.body)
			}
			if tc.status == 401 && rec.Header().Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
			if !slices.Equal(fj.triggered, tc.trigger) {
				t.Errorf("triggered %v, want %v", fj.triggered, tc.trigger)
			}
		})
	}
}

// TestJobsWithoutScheduler: GET /api/v1/jobs answers 503 without Jobs.
func TestJobsWithoutScheduler(t *testing.T) {
	rec := call(t, api.New(openFixture(t), testOptions(nil)), http.MethodGet, "/api/v1/jobs", nil)
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), `"error"`) {
		t.Errorf("status %d body %s", rec.Code, rec.Body)
	}
}

// failingJobs fails with an internal error that must not reach the client.
type failingJobs struct{}

func (failingJobs) Status(ctx context.Context) ([]api.JobStatus, error) {
	return nil, errors.New("select from job_runs: IO Error: /secret/path/effekt.duckdb")
}
func (failingJobs) Trigger(ctx context.Context, name string) (int64, error) {
	return 0, errors.New("IO Error: /secret/path/effekt.duckdb")
}

// TestInternalErrorsHidden: a 500 says "internal error", nothing more.
func TestInternalErrorsHidden(t *testing.T) {
	opt := testOptions(failingJobs{})
	h := api.New(openFixture(t), opt)
	for _, r := range []struct{ method, target string }{
		{http.MethodGet, "/api/v1/jobs"},
		{http.MethodPost, "/api/v1/jobs/ingest/run"},
	} {
		rec := call(t, h, r.method, r.target, http.Header{"Authorization": {"Bearer " + testToken}})
		if rec.Code != 500 || strings.TrimSpace(rec.Body.String()) != `{"error":"internal error"}` {
			t.Errorf("%s %s: %d %s", r.method, r.target, rec.Code, rec.Body)
		}
	}
}

// TestHealth covers /healthz and /readyz, including a readiness check that
// fails and one that outlives the request timeout.
func TestHealth(t *testing.T) {
	db := openFixture(t)
	tests := []struct {
		name, target string
		ready        func(context.Context) error
		status       int
		body         string
	}{
		{"healthz", "/healthz", nil, 200, "ok\n"},
		{"readyz pings the database", "/readyz", nil, 200, `{"status":"ready"}` + "\n"},
		{"readyz custom ok", "/readyz", func(context.Context) error { return nil }, 200, `{"status":"ready"}` + "\n"},
		{"readyz failing", "/readyz", func(context.Context) error { return errors.New("database migration 0003 pending") }, 503, `{"error":"not ready"}` + "\n"},
		{"readyz timing out", "/readyz", func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }, 503, `{"error":"not ready"}` + "\n"},
	}
	for _, tc := range tests {
		opt := testOptions(nil)
		opt.Ready = tc.ready
		opt.RequestTimeout = 50 * time.Millisecond
		rec := call(t, api.New(db, opt), http.MethodGet, tc.target, nil)
		if rec.Code != tc.status || rec.Body.String() != tc.body {
			t.Errorf("%s: %d %q, want %d %q", tc.name, rec.Code, rec.Body, tc.status, tc.body)
		}
	}
	// a closed database is not ready
	closed := openFixture(t)
	closed.Close()
	rec := call(t, api.New(closed, testOptions(nil)), http.MethodGet, "/readyz", nil)
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("closed database: readyz %d", rec.Code)
	}
}
