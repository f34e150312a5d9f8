// Package metrics exposes effekt on /metrics for Prometheus: indicator
// values per area (with disclosure control), pipeline health read from the
// database at scrape time, and job runs reported by the scheduler.
//
// Metric names and labels are the contract in docs/ARCHITECTURE.md; the
// dashboards query exactly these. No sample carries a timestamp.
package metrics

import (
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/snapshot"
)

const namespace = "effekt"

// Kinds are the file kinds whose series exist from the start (at zero).
var Kinds = []string{
	"so_registrations", "so_attendance", "so_certificates", "settlements",
	"sfi_courses", "interventions", "intervention_participations", "af_plans",
}

// Jobs are the scheduler's jobs whose series exist from the start.
var Jobs = []string{"ingest", "compute", "export"}

// jobOutcomes are the outcomes effekt_job_runs_total counts.
var jobOutcomes = []string{"ok", "failed", "panic", "skipped"}

// Options configure the metrics.
type Options struct {
	// MinN suppresses indicator cells with a smaller denominator.
	MinN int
	// Groups are the configured groups of municipalities (names, members).
	Groups []config.Group
	// Periods is how many of each indicator's latest periods are exposed.
	Periods int
	// Timeout bounds each collector's database queries in one scrape.
	Timeout time.Duration
	// Now is the clock for freshness; nil is time.Now.
	Now    func() time.Time
	Logger *slog.Logger
	// Snapshots holds the published values; nil: a snapshot is built from
	// the database at every scrape (tests, one-off tools).
	Snapshots *snapshot.Store
}

// Metrics is effekt's registry. It implements the scheduler's Observer.
type Metrics struct {
	db          *sql.DB
	opt         Options
	reg         *prometheus.Registry
	jobRuns     *prometheus.CounterVec
	jobDuration *prometheus.HistogramVec
	jobRunning  *prometheus.GaugeVec
}

// New builds the registry: the database collectors and the job metrics.
func New(db *sql.DB, opt Options) *Metrics {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 10 * time.Second
	}
	if opt.Periods <= 0 {
		opt.Periods = 3
	}
	m := &Metrics{
		db:  db,
		opt: opt,
		reg: prometheus.NewPedanticRegistry(),
		jobRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "job_runs_total",
			Help: "Job runs finished since the process started, by job and outcome (ok, failed, panic, skipped).",
		}, []string{"pipeline_job", "outcome"}),
		jobDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "job_duration_seconds",
			Help:    "Duration of job runs (skipped runs excluded).",
			Buckets: []float64{0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600},
		}, []string{"pipeline_job"}),
		jobRunning: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: namespace, Name: "job_running",
			Help: "1 while a run of the job is in progress.",
		}, []string{"pipeline_job"}),
	}
	for _, j := range Jobs {
		for _, o := range jobOutcomes {
			m.jobRuns.WithLabelValues(j, o)
		}
		m.jobDuration.WithLabelValues(j)
		m.jobRunning.WithLabelValues(j)
	}
	m.reg.MustRegister(m.jobRuns, m.jobDuration, m.jobRunning, newDBCollector(db, opt, &indicatorSource{m}))
	return m
}

// current is the snapshot a scrape publishes.
func (m *Metrics) current(ctx context.Context) (*snapshot.Snapshot, error) {
	if m.opt.Snapshots != nil {
		return m.opt.Snapshots.Load(), nil
	}
	return snapshot.Build(ctx, m.db, snapshot.Options{MinN: m.opt.MinN, Groups: m.opt.Groups})
}

// Gatherer gathers everything /metrics serves: the registry and the current
// snapshot's indicator series (for tests and tools; the handler writes the
// series' rendered text instead).
func (m *Metrics) Gatherer() prometheus.Gatherer {
	return prometheus.Gatherers{m.reg, prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) {
		snap, err := m.current(context.Background())
		if err != nil {
			return nil, err
		}
		e := m.rendered(snap)
		return e.families, e.err
	})}
}

// Prime renders the indicator series of the current snapshot, so that the
// first scrape after a compute does not pay for it.
func (m *Metrics) Prime(ctx context.Context) error {
	snap, err := m.current(ctx)
	if err != nil {
		return err
	}
	return m.rendered(snap).err
}

// Registry returns the registry, to gather from or to add collectors to.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry and the current snapshot's indicator series
// in the Prometheus text format, to GET and HEAD only.
func (m *Metrics) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed: /metrics answers GET and HEAD", http.StatusMethodNotAllowed)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), time.Minute)
		defer cancel()
		// The registry first: its indicators collector renders the
		// snapshot's series when they are not rendered yet.
		mfs, gerr := m.reg.Gather()
		if gerr != nil {
			m.opt.Logger.Warn("gather metrics", "err", gerr)
		}
		var ind []byte
		if snap, err := m.current(ctx); err == nil {
			ind = m.rendered(snap).text
		}
		format := expfmt.NewFormat(expfmt.TypeTextPlain)
		w.Header().Set("Content-Type", string(format))
		if r.Method == http.MethodHead {
			return
		}
		enc := expfmt.NewEncoder(w, format)
		for _, mf := range mfs {
			if err := enc.Encode(mf); err != nil {
				m.opt.Logger.Warn("write metrics", "err", err)
				return
			}
		}
		w.Write(ind)
	})
}

// JobRunning sets effekt_job_running.
func (m *Metrics) JobRunning(job string, running bool) {
	v := 0.0
	if running {
		v = 1
	}
	m.jobRunning.WithLabelValues(job).Set(v)
}

// JobDone counts a finished run and observes its duration.
func (m *Metrics) JobDone(job, outcome string, d time.Duration) {
	m.jobRuns.WithLabelValues(job, outcome).Inc()
	if outcome != "skipped" {
		m.jobDuration.WithLabelValues(job).Observe(d.Seconds())
	}
}
