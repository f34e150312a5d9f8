package server

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/effekt/effekt/api"
	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/evaluate"
	"github.com/effekt/effekt/export"
	"github.com/effekt/effekt/ingest"
	"github.com/effekt/effekt/models"
	"github.com/effekt/effekt/schedules"
	"github.com/effekt/effekt/snapshot"
	"github.com/effekt/effekt/store"
)

// Job names.
const (
	JobIngest  = "ingest"
	JobCompute = "compute"
	JobExport  = "export"
)

// Publisher is where the compute job publishes and the export job reads the
// published values.
type Publisher struct {
	Store *snapshot.Store
	// Publish builds the snapshot of the committed compute and swaps it in.
	Publish func(ctx context.Context) error
}

// Jobs returns effekt's three jobs wired to cfg: ingest (chaining compute
// when it loaded rows), compute (then publishing its values) and export (of
// the published values).
func Jobs(cfg config.Config, db *sql.DB, version string, log *slog.Logger, pub Publisher) ([]schedules.Job, error) {
	asOf, err := cfg.Indicators.AsOfDate()
	if err != nil {
		return nil, fmt.Errorf("indicators.as_of: %w", err)
	}
	return []schedules.Job{
		{
			Name: JobIngest, Spec: cfg.Schedules.Ingest, Then: JobCompute,
			Run: func(ctx context.Context) (int64, error) {
				sum, err := ingest.Run(ctx, db, ingest.Options{
					Inbox: cfg.Paths.Inbox, Archive: cfg.Paths.Archive, Failed: cfg.Paths.Failed,
					Key: []byte(cfg.Pseudonym.Key), Logger: log,
				}.Configured(cfg.Ingest, cfg.Paths.Temp))
				if sum.Failed > 0 {
					log.Warn("ingest: files failed; see GET /api/v1/files and the .error.txt files", "failed", sum.Failed, "folder", cfg.Paths.Failed)
				}
				checkpoint(ctx, db, log, JobIngest)
				return sum.RowsLoaded, err
			},
		},
		{
			Name: JobCompute, Spec: cfg.Schedules.Compute,
			Run: func(ctx context.Context) (int64, error) {
				res, err := models.Compute(ctx, db, models.ComputeOptions{AsOf: asOf, SOFee: cfg.Indicators.SOFee, Groups: cfg.Groups, MonthEnd: cfg.Indicators.Release == config.ReleaseMonth, Steps: []models.Step{evaluate.CompanionStep(),
					snapshot.ReleaseStep(snapshot.Options{MinN: cfg.Indicators.MinN, Groups: cfg.Groups})}})
				if err != nil {
					return int64(res.Rows), err
				}
				if err := pub.Publish(ctx); err != nil {
					return int64(res.Rows), fmt.Errorf("publish: %w", err)
				}
				// the values are published: the log is folded into the
				// file after, not in the compute's commits (store.CheckpointThreshold)
				checkpoint(ctx, db, log, JobCompute)
				return int64(res.Rows), nil
			},
		},
		{
			Name: JobExport, Spec: cfg.Schedules.Export,
			Run: func(ctx context.Context) (int64, error) {
				m, err := export.Write(ctx, db, cfg.Paths.Exports, export.Options{MinN: cfg.Indicators.MinN, Groups: cfg.Groups, Version: version, Snapshot: pub.Store.Load()})
				// The cells exported (values.csv and values.parquet hold one
				// row each); municipality.json always lists the 312 areas.
				return int64(m.Rows[export.FileCSV]), err
			},
		},
	}, nil
}

// checkpoint folds the write-ahead log into the database file after a job;
// a failure only leaves the log for the next checkpoint, so it is logged.
func checkpoint(ctx context.Context, db *sql.DB, log *slog.Logger, job string) {
	start := time.Now()
	if err := store.Checkpoint(ctx, db); err != nil {
		log.Warn("checkpoint after job failed; the log is folded in later", "job", job, "err", err)
		return
	}
	log.Debug("checkpoint after job", "job", job, "duration", time.Since(start))
}

// lastRuns is how many runs per job the API's job status lists.
const lastRuns = 10

// apiJobs adapts the scheduler to api.Jobs.
type apiJobs struct{ s *schedules.Scheduler }

func (a apiJobs) Status(ctx context.Context) ([]api.JobStatus, error) {
	st, err := a.s.Status(ctx, lastRuns)
	if err != nil {
		return nil, err
	}
	out := make([]api.JobStatus, len(st))
	for i, s := range st {
		out[i] = api.JobStatus{Name: s.Name, Spec: s.Spec, Next: s.Next, Running: s.Running}
		for _, r := range s.LastRuns {
			out[i].LastRuns = append(out[i].LastRuns, api.JobRun{
				RunID: r.RunID, Job: r.Job, Trigger: r.Trigger, Outcome: r.Outcome, Error: r.Error,
				StartedAt: r.StartedAt, FinishedAt: r.FinishedAt, Rows: r.Rows,
			})
		}
	}
	return out, nil
}

func (a apiJobs) Trigger(ctx context.Context, name string) (int64, error) {
	id, err := a.s.Trigger(ctx, name, schedules.TriggerAPI)
	switch {
	case errors.Is(err, schedules.ErrUnknownJob):
		return 0, fmt.Errorf("%w: %s", api.ErrUnknownJob, name)
	case errors.Is(err, schedules.ErrBusy), errors.Is(err, schedules.ErrStopped):
		return 0, fmt.Errorf("%w: %v", api.ErrJobBusy, err)
	}
	return id, err
}
