// Package api serves effekt over HTTP: Kolada's v3 read API so Kolada
// clients (rKolada, koladapy) work unchanged, effekt's own /api/v1, and
// health checks. Every outward value comes from the published snapshot
// (package snapshot), where disclosure control happens.
//
//	GET  /v3/kpi[/{ids}]                      ?title= (case-insensitive substring)
//	GET  /v3/municipality[/{ids}]             ?title= &type=K|L &region_type=K|L
//	GET  /v3/municipality_groups[/{ids}]      ?title=
//	GET  /v3/kpi_groups[/{ids}]               ?title=
//	GET  /v3/data/kpi/{ids}/municipality/{ids}/year/{years}   and the two-of-three forms
//	GET  /v3/data[/]?kpi_id=&municipality_id=&year=           at least two, repeated or comma lists
//	GET  /api/v1/values                       ?kpi= &municipality= &period= &gender=
//	GET  /api/v1/files                        ?kind= &status=   (newest first, 100 a page)     evaluator
//	GET  /api/v1/rejects                      ?kind= &file=     (counts by kind and reason,    evaluator
//	                                                             3 samples, values masked)
//	POST /api/v1/sql                          {"sql", "limit", "format": json|csv}             evaluator
//	GET  /api/v1/jobs
//	POST /api/v1/jobs/{name}/run              → 202 {"run_id", "job"}                          operator
//	GET  /healthz, /readyz
//
// Roles come from bearer tokens (Authorization: Bearer <token>, see package
// access): the public endpoints need none; micro data (files, rejects, SQL)
// needs evaluator or operator and every access is written to the audit log;
// running jobs needs operator.
//
// Lists come in Kolada's envelope {"values", "count", "next_url",
// "previous_url"} with page (1…1e9) and per_page (1…5000, default 5000);
// at most 25 ids per segment. Links are built on Options.PublicURL, or
// relative (/v3/kpi?page=2) when it is empty: never from the request's Host.
// Errors are {"error": "..."}: 400 for a malformed request or a refused
// query, 401 without a valid token, 403 for a token whose role is too weak,
// 404 for an unknown path or job, 405 for a wrong method, 409 for a busy
// job, 503 when not ready, timed out or without a scheduler, 500 (cause
// logged, never shown). Every answer carries X-Content-Type-Options,
// Referrer-Policy and a Content-Security-Policy that allows nothing.
package api

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/effekt/effekt/access"
	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/microdata"
	"github.com/effekt/effekt/snapshot"
)

// Options configure the handler.
type Options struct {
	MinN   int            // cells with a smaller denominator are suppressed; < 1: DefaultMinN
	Groups []config.Group // municipality groups (G…)
	Tokens []config.Token // named tokens with a role (hashes only); none: nobody can
	// LocalToken, when set, is the per-run token of the serve file
	// (server/serveinfo), accepted as an operator named local:<X-Effekt-User>.
	LocalToken string
	// PublicURL is the base of next_url and previous_url (api.public_url);
	// empty: relative links.
	PublicURL string
	// Audit records every micro-data access; nil: micro data answers 503.
	Audit *access.AuditLog
	// SQL runs evaluators' queries (POST /api/v1/sql); nil: 503.
	SQL *microdata.Runner
	// Snapshots holds the published values every data endpoint serves;
	// nil: one snapshot is built from the database when the handler is made
	// (tests and one-off tools).
	Snapshots      *snapshot.Store
	Jobs           Jobs          // nil: the job endpoints answer 503
	Logger         *slog.Logger  // nil: slog.Default()
	RequestTimeout time.Duration // per-request deadline; 0: 30 s
	// Ready reports whether the service can answer; nil pings the database.
	Ready func(ctx context.Context) error
}

// Jobs is what the scheduler offers the API.
type Jobs interface {
	Status(ctx context.Context) ([]JobStatus, error)
	// Trigger starts the named job now. Errors: ErrUnknownJob, ErrJobBusy.
	Trigger(ctx context.Context, name string) (runID int64, err error)
}

// JobStatus is the state of one scheduled job.
type JobStatus struct {
	Name     string
	Spec     string
	Next     time.Time
	Running  bool
	LastRuns []JobRun
}

// JobRun is one recorded run of a job (table job_runs).
type JobRun struct {
	RunID      int64
	Job        string
	Trigger    string
	Outcome    string
	Error      string
	StartedAt  time.Time
	FinishedAt *time.Time
	Rows       int64
}

// Errors a Jobs implementation returns from Trigger.
var (
	ErrUnknownJob = errors.New("unknown job")
	ErrJobBusy    = errors.New("job is already running")
)

// Defaults for Options left zero.
const (
	DefaultRequestTimeout = 30 * time.Second
	DefaultMinN           = 5 // SPEC §5: never serve cells below 5 by accident
)

type server struct {
	db   *sql.DB
	opt  Options
	log  *slog.Logger
	auth *access.Authenticator
}

// New returns the handler serving every endpoint of the API.
func New(db *sql.DB, opt Options) http.Handler {
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.RequestTimeout <= 0 {
		opt.RequestTimeout = DefaultRequestTimeout
	}
	if opt.MinN < 1 {
		opt.MinN = DefaultMinN
	}
	auth, err := access.NewAuthenticator(opt.Tokens)
	if err != nil {
		// config.Validate refuses such tokens; here, refuse every token
		opt.Logger.Error("api tokens are not usable; every token is refused", "err", err)
		auth, _ = access.NewAuthenticator(nil)
	}
	if opt.LocalToken != "" {
		auth.AddLocal(opt.LocalToken)
	}
	if opt.Snapshots == nil {
		opt.Snapshots = new(snapshot.Store)
		if _, err := opt.Snapshots.Refresh(context.Background(), db, snapshot.Options{MinN: opt.MinN, Groups: opt.Groups}); err != nil {
			opt.Logger.Error("api: build the published snapshot", "err", err)
		}
	}
	s := &server{db: db, opt: opt, log: opt.Logger, auth: auth}
	mux := http.NewServeMux()
	s.routes(mux)
	var h http.Handler = jsonFallbacks(mux)
	h = timeout(opt.RequestTimeout, "/api/v1/sql")(h) // SQL has its own timeout (sql.timeout)
	h = links(opt.PublicURL)(h)
	h = recoverPanics(s.log)(h)
	h = logRequests(s.log)(h)
	return SecurityHeaders(h)
}

func (s *server) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)

	mux.HandleFunc("GET /v3/kpi", s.kpis)
	mux.HandleFunc("GET /v3/kpi/{ids}", s.kpis)
	mux.HandleFunc("GET /v3/municipality", s.municipalities)
	mux.HandleFunc("GET /v3/municipality/{ids}", s.municipalities)
	mux.HandleFunc("GET /v3/municipality_groups", s.groups)
	mux.HandleFunc("GET /v3/municipality_groups/{ids}", s.groups)
	mux.HandleFunc("GET /v3/kpi_groups", s.kpiGroups)
	mux.HandleFunc("GET /v3/kpi_groups/{ids}", s.kpiGroups)
	mux.HandleFunc("GET /v3/data/kpi/{kpi}/municipality/{municipality}/year/{year}", s.dataPath)
	mux.HandleFunc("GET /v3/data/kpi/{kpi}/year/{year}", s.dataPath)
	mux.HandleFunc("GET /v3/data/kpi/{kpi}/municipality/{municipality}", s.dataPath)
	mux.HandleFunc("GET /v3/data/municipality/{municipality}/year/{year}", s.dataPath)
	mux.HandleFunc("GET /v3/data", s.dataQuery)
	mux.HandleFunc("GET /v3/data/{$}", s.dataQuery)

	mux.HandleFunc("GET /api/v1/values", s.values)
	mux.HandleFunc("GET /api/v1/files", s.require(access.Evaluator, s.files))
	mux.HandleFunc("GET /api/v1/rejects", s.require(access.Evaluator, s.rejects))
	mux.HandleFunc("POST /api/v1/sql", s.require(access.Evaluator, s.sql))
	mux.HandleFunc("GET /api/v1/jobs", s.jobs)
	mux.HandleFunc("POST /api/v1/jobs/{name}/run", s.require(access.Operator, s.runJob))
}
