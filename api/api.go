// Package api serves effekt over HTTP: Kolada's v3 read API (kpi,
// municipality, municipality_groups, data) so Kolada clients work unchanged,
// effekt's own /api/v1 (rich values, file log, rejected rows, jobs), and
// /healthz and /readyz. Every outward value passes models.Query, where
// disclosure control happens.
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
	MinN           int            // cells with a smaller denominator are suppressed
	Groups         []config.Group // municipality groups (G…)
	Tokens         []string       // bearer tokens allowed to trigger jobs; none: nobody can
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

// DefaultRequestTimeout is the per-request deadline when Options leave it 0.
const DefaultRequestTimeout = 30 * time.Second

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
		opt.MinN = 1
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
