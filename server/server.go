// Package server runs `effekt serve`: the scheduler and one HTTP server with
// the API (Kolada v3, /api/v1, /healthz, /readyz) and /metrics, until its
// context ends; then it shuts both down gracefully.
//
// Evaluators' SQL (POST /api/v1/sql) runs on the server's own DuckDB
// instance: a second, sandboxed read-only instance of the same file cannot
// be opened in one process ("different configuration") and another process
// cannot open a file this one holds for writing. The microdata runner's
// checks (DuckDB's parser: one SELECT, allowed functions and tables; the
// prepared statement's type) are what keep it reading; every micro-data
// access is audited to paths.audit. While Serve runs it records its address
// and a per-run local token in <database>.serve.json (package serveinfo),
// so `effekt sql` can reach it.
package server

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/effekt/effekt/access"
	"github.com/effekt/effekt/api"
	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/insatser"
	"github.com/effekt/effekt/metrics"
	"github.com/effekt/effekt/microdata"
	"github.com/effekt/effekt/schedules"
	"github.com/effekt/effekt/server/serveinfo"
	"github.com/effekt/effekt/snapshot"
	"github.com/effekt/effekt/store"
)

// httpShutdownTimeout bounds how long in-flight requests get on shutdown.
const httpShutdownTimeout = 10 * time.Second

// Options tune a Server.
type Options struct {
	Version string
	Logger  *slog.Logger
	// Jobs replaces the jobs built from the configuration (tests).
	Jobs []schedules.Job
}

// StoreOptions are the options `effekt serve` opens its database with: no
// SQL on the instance reads or writes a file (the exports' Parquet is
// written on a scratch instance), and the instance, which also runs
// evaluators' SQL, is bounded by serve.memory_limit and
// serve.max_temp_directory_size, so a runaway query fails with DuckDB's
// out-of-memory error instead of growing the process.
func StoreOptions(cfg config.Config) store.Options {
	return store.Options{NoExternalAccess: true, MemoryLimit: cfg.Serve.MemoryLimit, MaxTempDirectorySize: cfg.Serve.MaxTempDirectorySize}
}

// Server is a configured, not yet running `effekt serve`.
type Server struct {
	cfg       config.Config
	log       *slog.Logger
	Scheduler *schedules.Scheduler
	Metrics   *metrics.Metrics
	Handler   http.Handler // API and /metrics
	// LocalToken is this run's token for local commands (the serve file).
	LocalToken string
	audit      *access.AuditLog
}

// New builds the metrics, the scheduler (not started) and the HTTP handler.
func New(ctx context.Context, cfg config.Config, db *sql.DB, opt Options) (*Server, error) {
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	// the jobs' ingest would give every person a second pseudonym
	if _, _, err := store.CheckKey(ctx, db, []byte(cfg.Pseudonym.Key)); err != nil {
		return nil, fmt.Errorf("%s: %w", cfg.Paths.Database, err)
	}
	snaps := new(snapshot.Store)
	snapOpt := snapshot.Options{MinN: cfg.Indicators.MinN, Groups: cfg.Groups}
	m := metrics.New(db, metrics.Options{
		MinN: cfg.Indicators.MinN, Groups: cfg.Groups, Periods: cfg.Metrics.Periods,
		Timeout: cfg.Metrics.ScrapeTimeout, Logger: opt.Logger, Snapshots: snaps,
	})
	// publish swaps in the values of the compute just committed; it runs
	// inside the compute job, holding the writer slot, so snapshots are
	// published in the order of the computes.
	publish := func(ctx context.Context) error {
		snap, err := snaps.Refresh(ctx, db, snapOpt)
		if err != nil {
			return err
		}
		opt.Logger.Info("published values", "cells", snap.Len(), "suppressed_primary", snap.Primary, "suppressed_complementary", snap.Complementary)
		return m.Prime(ctx)
	}
	if err := publish(ctx); err != nil {
		return nil, fmt.Errorf("publish the computed values: %w", err)
	}
	jobs := opt.Jobs
	if jobs == nil {
		var err error
		if jobs, err = Jobs(cfg, db, opt.Version, opt.Logger, Publisher{Store: snaps, Publish: publish}); err != nil {
			return nil, err
		}
	}
	sched, err := schedules.New(ctx, db, jobs, schedules.Options{
		Logger: opt.Logger, Observer: m, Grace: cfg.Schedules.StopGrace,
	})
	if err != nil {
		return nil, err
	}
	local, err := serveinfo.NewToken()
	if err != nil {
		return nil, err
	}
	apiOpt := api.Options{
		MinN: cfg.Indicators.MinN, Groups: cfg.Groups, Tokens: cfg.API.Tokens, LocalToken: local, PublicURL: publicURL(cfg),
		Jobs: apiJobs{sched}, Logger: opt.Logger, RequestTimeout: cfg.API.RequestTimeout, Snapshots: snaps,
		Ready: readiness(db, sched),
	}
	var audit *access.AuditLog
	if cfg.Paths.Audit == "" {
		opt.Logger.Warn("paths.audit is empty: micro data (SQL, rejects, files) is not served")
	} else if audit, err = access.OpenAudit(cfg.Paths.Audit); err != nil {
		return nil, err
	}
	if audit != nil {
		apiOpt.Audit = audit
		// two queries at once: they share the instance (and its memory) with the pipeline
		apiOpt.SQL = microdata.NewRunner(db, microdata.Limits{Rows: cfg.SQL.RowLimit, Timeout: cfg.SQL.Timeout, Concurrent: 2, MemoryLimit: cfg.Serve.MemoryLimit}, audit)
		apiOpt.SQL.SetLogger(opt.Logger)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", m.Handler()) // GET and HEAD only
	mux.Handle("/", api.New(db, apiOpt))
	insatser.Register(mux, db, insatser.Options{MinN: cfg.Indicators.MinN, Snapshots: snaps, Logger: opt.Logger, Timeout: cfg.API.RequestTimeout, PublicURL: publicURL(cfg)}) // issue 12: /insatser, /v3/ou, /v3/oudata
	return &Server{cfg: cfg, log: opt.Logger, Scheduler: sched, Metrics: m, Handler: api.SecurityHeaders(mux), LocalToken: local, audit: audit}, nil
}

// Serve starts the scheduler and serves HTTP on ln until ctx ends, then
// stops taking requests, lets running jobs finish (or cancels them after
// schedules.stop_grace, rolling them back) and returns nil.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	s.Scheduler.Start()
	s.log.Info("effekt serving", "listen", ln.Addr().String(), "metrics", "http://"+ln.Addr().String()+"/metrics",
		"ingest", s.cfg.Schedules.Ingest, "compute", s.cfg.Schedules.Compute, "export", s.cfg.Schedules.Export)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()

	var serveErr error
	select {
	case <-ctx.Done():
		s.log.Info("shutting down")
	case serveErr = <-errc:
		s.log.Error("http server stopped", "err", serveErr)
	}
	sctx, cancel := context.WithTimeout(context.Background(), httpShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		s.log.Warn("http shutdown", "err", err)
	}
	// Wait out the grace period, then the cancelled jobs' rollback.
	jctx, jcancel := context.WithTimeout(context.Background(), s.cfg.Schedules.StopGrace+time.Minute)
	defer jcancel()
	stopErr := s.Scheduler.Stop(jctx)
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("serve http: %w", serveErr)
	}
	if s.audit != nil {
		if err := s.audit.Close(); err != nil {
			s.log.Warn("close audit log", "err", err)
		}
	}
	if stopErr != nil {
		return stopErr
	}
	s.log.Info("stopped")
	return nil
}

// Serve runs effekt serve on cfg.Listen until ctx ends.
func Serve(ctx context.Context, cfg config.Config, db *sql.DB, opt Options) error {
	s, err := New(ctx, cfg, db, opt)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s (config listen / --listen): %w", cfg.Listen, err)
	}
	if cfg.Paths.Database != "" && cfg.Paths.Database != ":memory:" {
		remove, err := serveinfo.Write(cfg.Paths.Database, serveinfo.Info{
			PID: os.Getpid(), Listen: ln.Addr().String(), URL: serveinfo.LocalURL(ln.Addr()), Token: s.LocalToken,
		})
		if err != nil {
			ln.Close()
			return err
		}
		defer func() {
			if err := remove(); err != nil {
				s.log.Warn("remove serve file", "err", err)
			}
		}()
	}
	return s.Serve(ctx, ln)
}

// publicURL is the base of the API's links: api.public_url, else the listen
// address when it names one host (http://127.0.0.1:8080), so that Kolada
// clients following next_url literally work; relative links when serve
// listens on every interface and no public URL is configured. Never the
// request's Host header.
func publicURL(cfg config.Config) string {
	if cfg.API.PublicURL != "" {
		return cfg.API.PublicURL
	}
	host, _, err := net.SplitHostPort(cfg.Listen)
	if err != nil {
		return ""
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		return ""
	}
	return "http://" + cfg.Listen
}
