package server

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/effekt/effekt/schedules"
)

// readiness answers /readyz: the database answers and no job's latest
// finished run failed or panicked (running and skipped runs do not count).
func readiness(db *sql.DB, sched *schedules.Scheduler) func(context.Context) error {
	return func(ctx context.Context) error {
		if err := db.PingContext(ctx); err != nil {
			return fmt.Errorf("database: %w", err)
		}
		st, err := sched.Status(ctx, 10)
		if err != nil {
			return fmt.Errorf("job runs: %w", err)
		}
		for _, j := range st {
			for _, r := range j.LastRuns { // newest first
				if r.Outcome == schedules.OutcomeRunning || r.Outcome == schedules.OutcomeSkipped {
					continue
				}
				if r.Outcome == schedules.OutcomeFailed || r.Outcome == schedules.OutcomePanic {
					return fmt.Errorf("job %s: last run %d %s: %s", j.Name, r.RunID, r.Outcome, r.Error)
				}
				break
			}
		}
		return nil
	}
}
