package schedules

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// recordTimeout bounds each write to job_runs.
const recordTimeout = 10 * time.Second

// maxErrorLen bounds the error text kept in job_runs.
const maxErrorLen = 2000

// Run is one row of job_runs.
type Run struct {
	RunID      int64
	Job        string
	Trigger    string
	StartedAt  time.Time
	FinishedAt *time.Time
	Outcome    string
	Rows       int64
	Error      string
}

func (s *Scheduler) now() time.Time { return s.opt.Now().UTC() }

func (s *Scheduler) recordStart(ctx context.Context, job, trigger string) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx,
		`INSERT INTO job_runs (run_id, job, trigger, started_at, outcome) VALUES (nextval('run_id_seq'), ?, ?, ?, ?) RETURNING run_id`,
		job, trigger, s.now(), OutcomeRunning).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("record start of %s: %w", job, err)
	}
	return id, nil
}

func (s *Scheduler) recordEnd(ctx context.Context, id int64, outcome string, rows int64, runErr error) error {
	var msg any
	if runErr != nil {
		m := runErr.Error()
		if len(m) > maxErrorLen {
			m = m[:maxErrorLen] + "…"
		}
		msg = m
	}
	_, err := s.db.ExecContext(ctx,
		`UPDATE job_runs SET finished_at = ?, outcome = ?, rows = ?, error = ? WHERE run_id = ?`,
		s.now(), outcome, rows, msg, id)
	if err != nil {
		return fmt.Errorf("record end of run %d: %w", id, err)
	}
	return nil
}

func (s *Scheduler) recordSkipped(ctx context.Context, job, trigger string) error {
	now := s.now()
	_, err := s.db.ExecContext(ctx,
		`INSERT INTO job_runs (run_id, job, trigger, started_at, finished_at, outcome, error) VALUES (nextval('run_id_seq'), ?, ?, ?, ?, ?, ?)`,
		job, trigger, now, now, OutcomeSkipped, "previous run still running")
	if err != nil {
		return fmt.Errorf("record skipped run of %s: %w", job, err)
	}
	return nil
}

// recoverStale marks runs left "running" by a process that stopped without
// finishing them as failed.
func (s *Scheduler) recoverStale(ctx context.Context) error {
	res, err := s.db.ExecContext(ctx,
		`UPDATE job_runs SET outcome = ?, finished_at = ?, error = 'interrupted: the process stopped during the run' WHERE outcome = ?`,
		OutcomeFailed, s.now(), OutcomeRunning)
	if err != nil {
		return fmt.Errorf("recover stale job runs: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		s.log.Warn("marked interrupted job runs as failed", "runs", n)
	}
	return nil
}

const runColumns = `run_id, job, trigger, started_at, finished_at, outcome, rows, coalesce(error, '')`

func scanRun(sc interface{ Scan(...any) error }) (Run, error) {
	var r Run
	var fin sql.NullTime
	if err := sc.Scan(&r.RunID, &r.Job, &r.Trigger, &r.StartedAt, &fin, &r.Outcome, &r.Rows, &r.Error); err != nil {
		return r, err
	}
	if fin.Valid {
		t := fin.Time
		r.FinishedAt = &t
	}
	return r, nil
}

func (s *Scheduler) run(ctx context.Context, id int64) (Run, error) {
	r, err := scanRun(s.db.QueryRowContext(ctx, `SELECT `+runColumns+` FROM job_runs WHERE run_id = ?`, id))
	if err != nil {
		return r, fmt.Errorf("read run %d: %w", id, err)
	}
	return r, nil
}

// Status is the state of one job.
type Status struct {
	Name     string
	Spec     string // "off" when it runs only when triggered
	Next     time.Time
	Running  bool
	LastRuns []Run // newest first
}

// Status returns every job with its next scheduled time and its last runs
// (at most last per job).
func (s *Scheduler) Status(ctx context.Context, last int) ([]Status, error) {
	out := make([]Status, 0, len(s.order))
	for _, name := range s.order {
		j := s.jobs[name]
		st := Status{Name: name, Spec: j.Spec, Running: j.running.Load()}
		if st.Spec == "" {
			st.Spec = "off"
		}
		if j.entry != 0 {
			st.Next = s.cron.Entry(j.entry).Next
		}
		runs, err := s.Runs(ctx, name, last)
		if err != nil {
			return nil, err
		}
		st.LastRuns = runs
		out = append(out, st)
	}
	return out, nil
}

// Runs returns the newest runs of a job ("" for every job), newest first.
func (s *Scheduler) Runs(ctx context.Context, job string, limit int) ([]Run, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT `+runColumns+` FROM job_runs WHERE ? = '' OR job = ? ORDER BY run_id DESC LIMIT ?`, job, job, limit)
	if err != nil {
		return nil, fmt.Errorf("read job runs: %w", err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("scan job run: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read job runs: %w", err)
	}
	return out, nil
}

// chainDue reports whether job produced rows after then last started.
func (s *Scheduler) chainDue(ctx context.Context, job, then string) (bool, error) {
	var due sql.NullBool
	err := s.db.QueryRowContext(ctx, `
SELECT (SELECT max(finished_at) FROM job_runs WHERE job = ? AND rows > 0 AND outcome IN ('ok', 'failed'))
     > coalesce((SELECT max(started_at) FROM job_runs WHERE job = ? AND outcome <> 'skipped'), TIMESTAMPTZ '1970-01-01 00:00:00+00')`,
		job, then).Scan(&due)
	if err != nil {
		return false, fmt.Errorf("read job runs: %w", err)
	}
	return due.Valid && due.Bool, nil
}
