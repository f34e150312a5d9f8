// Package api serves effekt over HTTP: Kolada's v3 read API so Kolada
// clients (rKolada, koladapy) work unchanged, effekt's own /api/v1, and
// health checks. Every outward value passes models.Query, where disclosure
// control happens.
//
//	GET  /v3/kpi[/{ids}]                      ?title= (case-insensitive substring)
//	GET  /v3/municipality[/{ids}]             ?title= &type=K|L &region_type=K|L
//	GET  /v3/municipality_groups[/{ids}]      ?title=
//	GET  /v3/data/kpi/{ids}/municipality/{ids}/year/{years}   and the two-of-three forms
//	GET  /v3/data[/]?kpi_id=&municipality_id=&year=           at least two, repeated or comma lists
//	GET  /api/v1/values                       ?kpi= &municipality= &period= &gender=
//	GET  /api/v1/files                        ?kind= &status=   (newest first, 100 a page)
//	GET  /api/v1/rejects                      ?kind= &file=     (counts by kind and reason, 3 samples)
//	GET  /api/v1/jobs
//	POST /api/v1/jobs/{name}/run              Authorization: Bearer <token> → 202 {"run_id", "job"}
//	GET  /healthz, /readyz
//
// Lists come in Kolada's envelope {"values", "count", "next_url",
// "previous_url"} with page (from 1) and per_page (1…5000, default 5000);
// at most 25 ids per segment. Errors are {"error": "..."}: 400 for a
// malformed request, 401 without a valid token, 404 for an unknown path or
// job, 405 for a wrong method, 409 for a busy job, 503 when not ready, timed
// out or without a scheduler, 500 (cause logged, never shown).
package api

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/effekt/effekt/config"
)

// Options configure the handler.
type Options struct {
	MinN           int            // cells with a smaller denominator are suppressed; < 1: DefaultMinN
	Groups         []config.Group // municipality groups (G…)
	Tokens         []config.Token // named tokens with a role (hashes only); none: nobody can
	Jobs           Jobs           // nil: the job endpoints answer 503
	Logger         *slog.Logger   // nil: slog.Default()
	RequestTimeout time.Duration  // per-request deadline; 0: 30 s
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
	db  *sql.DB
	opt Options
	log *slog.Logger
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
	s := &server{db: db, opt: opt, log: opt.Logger}
	mux := http.NewServeMux()
	s.routes(mux)
	var h http.Handler = jsonFallbacks(mux)
	h = timeout(opt.RequestTimeout)(h)
	h = recoverPanics(s.log)(h)
	h = logRequests(s.log)(h)
	return h
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
	mux.HandleFunc("GET /v3/data/kpi/{kpi}/municipality/{municipality}/year/{year}", s.dataPath)
	mux.HandleFunc("GET /v3/data/kpi/{kpi}/year/{year}", s.dataPath)
	mux.HandleFunc("GET /v3/data/kpi/{kpi}/municipality/{municipality}", s.dataPath)
	mux.HandleFunc("GET /v3/data/municipality/{municipality}/year/{year}", s.dataPath)
	mux.HandleFunc("GET /v3/data", s.dataQuery)
	mux.HandleFunc("GET /v3/data/{$}", s.dataQuery)

	mux.HandleFunc("GET /api/v1/values", s.values)
	mux.HandleFunc("GET /api/v1/files", s.files)
	mux.HandleFunc("GET /api/v1/rejects", s.rejects)
	mux.HandleFunc("GET /api/v1/jobs", s.jobs)
	mux.HandleFunc("POST /api/v1/jobs/{name}/run", s.runJob)
}
