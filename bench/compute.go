package bench

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/evaluate"
	"github.com/effekt/effekt/models"
	"github.com/effekt/effekt/store"
	"github.com/effekt/effekt/transform"
)

//go:embed sql/ef101_limit.sql
var ef101Limit string

//go:embed sql/ef101_compare.sql
var ef101Compare string

// ComputeOptions configure Compute.
type ComputeOptions struct {
	Runs   int            // 0: 3
	AsOf   time.Time      // zero: the latest event date in the data
	SOFee  float64        // 0: models.DefaultSOFee
	Groups []config.Group // configured groups (both sides place cells in them)
	Steps  []models.Step  // the compute's steps for every KPI (nil: the case-mix companions)
}

// Compute measures models.Compute, of the indicators alone and of every KPI
// with the case-mix companions, each after a load that touched most
// persons (the transform tables rebuilt), after loads of the newest file of
// each kind (updated for their persons) and with nothing loaded since the
// last compute (kept), against the limit: one independent SQL query
// computing EF101's cells straight from the loaded tables. Runs alternate
// effekt and limit so both see the same load; each starts after a
// sync(2), so that it does not pay for writing back what the one before
// wrote. It rewrites indicator_values (as a compute does) and checks that
// the limit query gives effekt's EF101 cells.
func Compute(ctx context.Context, db *sql.DB, opt ComputeOptions) (*Report, error) {
	if opt.Runs <= 0 {
		opt.Runs = 3
	}
	rep := newReport("compute", opt.Runs)
	asOf := opt.AsOf
	if asOf.IsZero() {
		var err error
		if asOf, err = models.LatestEventDate(ctx, db, time.Now()); err != nil {
			return nil, err
		}
	}
	limitSQL := limitQuery(asOf, opt.Groups)
	conn, err := db.Conn(ctx) // the limit's temp table lives on this connection
	if err != nil {
		return nil, fmt.Errorf("bench compute: %w", err)
	}
	defer conn.Close()

	// the newest loaded file of each kind with persons: a compute after
	// loads of those (a year's exports) updates the transform tables for
	// their persons
	newest, err := newestFiles(ctx, db)
	if err != nil {
		return nil, err
	}

	// six computes per run: the eleven indicators alone (what the
	// issue's target was set for) and all KPIs with the case-mix
	// companions, each after a load that changes most persons (the
	// transform tables rebuilt), after loads of the newest file of each
	// kind (updated for their persons) and with nothing loaded since the
	// last compute (kept). The last leaves indicator_values as a compute
	// does.
	type variant struct {
		all       bool
		tr        transform.Action
		wall, cpu []float64
		ckpt      []float64 // the checkpoint after the compute
		cells     int
		persons   int64
	}
	var vs []*variant
	for _, all := range []bool{false, true} {
		for _, a := range []transform.Action{transform.Rebuilt, transform.Updated, transform.Kept} {
			vs = append(vs, &variant{all: all, tr: a})
		}
	}
	var limit, limitCPU, floor []float64
	var floorRows int64
	steps := map[string][]float64{}
	var order []string
	for i := 0; i < opt.Runs; i++ {
		for _, v := range vs {
			co := models.ComputeOptions{AsOf: asOf, SOFee: opt.SOFee, Groups: opt.Groups, Rebuild: v.tr == transform.Rebuilt}
			if v.tr == transform.Updated {
				// the update rewrites every row of those files'
				// persons, as after loads of those files: that they
				// come out as they were changes nothing it does
				co.UpdateFiles = newest
			}
			if v.all {
				co.Steps = opt.Steps
				if co.Steps == nil {
					co.Steps = []models.Step{evaluate.CompanionStep()}
				}
			}
			rec := &stepRecorder{}
			settle()
			c0, t0 := cpuSeconds(), time.Now()
			res, err := withSteps(rec, func() (models.ComputeResult, error) { return models.Compute(ctx, db, co) })
			if err != nil {
				return nil, fmt.Errorf("bench compute: %w", err)
			}
			v.wall = append(v.wall, time.Since(t0).Seconds())
			v.cpu = append(v.cpu, cpuSeconds()-c0)
			// a job checkpoints after publishing (store.CheckpointThreshold):
			// timed apart, and done before the next compute as a job does
			t1 := time.Now()
			if err := store.Checkpoint(ctx, db); err != nil {
				return nil, fmt.Errorf("bench compute: %w", err)
			}
			v.ckpt = append(v.ckpt, time.Since(t1).Seconds())
			v.cells = res.Rows
			if res.Transform.Action != v.tr {
				return nil, fmt.Errorf("bench compute: the transform tables were %v, wanted %v", res.Transform.Action, v.tr)
			}
			v.persons = res.Transform.Persons
			if !v.all {
				continue
			}
			for _, s := range rec.steps {
				name := s.name
				switch v.tr {
				case transform.Updated:
					name = "updated: " + name
				case transform.Kept:
					name = "kept: " + name
				}
				if _, ok := steps[name]; !ok {
					order = append(order, name)
				}
				steps[name] = append(steps[name], s.d.Seconds())
			}
		}

		settle()
		c0, t0 := cpuSeconds(), time.Now()
		if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE bench_ef101 AS "+limitSQL); err != nil {
			return nil, fmt.Errorf("bench compute: limit query: %w", err)
		}
		limit = append(limit, time.Since(t0).Seconds())
		limitCPU = append(limitCPU, cpuSeconds()-c0)

		if floorRows, err = writeFloor(ctx, db, conn, &floor); err != nil {
			return nil, err
		}
	}
	var mismatched, limitCells int
	if err := conn.QueryRowContext(ctx, ef101Compare).Scan(&mismatched, &limitCells); err != nil {
		return nil, fmt.Errorf("bench compute: compare EF101: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "DROP TABLE IF EXISTS bench_ef101"); err != nil {
		return nil, fmt.Errorf("bench compute: %w", err)
	}

	const limitName = "one independent SQL query for EF101's cells from the loaded tables"
	nBase, nAll := len(models.Catalogue()), len(models.Published())
	for _, v := range vs {
		what := fmt.Sprintf("the %d indicators", nBase)
		if v.all {
			what = fmt.Sprintf("all %d KPIs (with case-mix companions)", nAll)
		}
		when := "after a load (transform rebuilt)"
		switch v.tr {
		case transform.Updated:
			when = "after loads of the newest file of each kind (transform updated)"
		case transform.Kept:
			when = "nothing loaded since (transform kept)"
		}
		r := Row{Name: fmt.Sprintf("compute, %s, %s", what, when), Unit: "s", Better: Lower, Effekt: NewStat(v.wall)}
		r.withLimit(limitName, NewStat(limit), 2)
		r.Note = fmt.Sprintf("%d cells written", v.cells)
		if v.tr == transform.Updated {
			r.Note += fmt.Sprintf("; %d persons updated, from files %v", v.persons, newest)
		}
		if !v.all && v.tr == transform.Rebuilt {
			r.Note += fmt.Sprintf("; the limit query gives %d EF101 cells, %d differ from effekt's (numerator, denominator)", limitCells, mismatched)
		}
		abs := Row{Name: r.Name + " (absolute)", Unit: "s", Better: Lower, Effekt: r.Effekt}
		abs.withBound(5)
		cpu := Row{Name: fmt.Sprintf("compute CPU time (user+sys), %s, %s", what, when), Unit: "s", Better: Lower, Effekt: NewStat(v.cpu)}
		cpu.withLimit(limitName, NewStat(limitCPU), 0)
		ck := Row{Name: fmt.Sprintf("checkpoint after the compute (its values committed before it), %s, %s", what, when), Unit: "s", Better: Lower, Effekt: NewStat(v.ckpt)}
		rep.Rows = append(rep.Rows, r, abs, cpu, ck)
		if v.tr == transform.Rebuilt {
			// a rebuild writes persons and every cohort table: how long
			// DuckDB takes to write those rows alone, beside it (no target:
			// the is the EF101 ratio above)
			w := Row{Name: r.Name + ", against DuckDB writing its tables", Unit: "s", Better: Lower, Effekt: r.Effekt}
			w.withLimit(floorName, NewStat(floor), 0)
			w.Note = fmt.Sprintf("the limit writes %d rows", floorRows)
			rep.Rows = append(rep.Rows, w)
		}
		if v.all && v.tr == transform.Rebuilt {
			rep.StepsOf = r.Name + "; \"updated:\" and \"kept:\" the same compute's steps after loads of the newest files and with nothing loaded since"
		}
	}
	for _, name := range order {
		rep.Steps = append(rep.Steps, Row{Name: name, Unit: "s", Better: Lower, Effekt: NewStat(steps[name])})
	}
	rep.Setup = append(rep.Setup, "as_of "+asOf.Format(time.DateOnly))
	if mismatched > 0 {
		rep.Notes = append(rep.Notes, "the limit query and effekt disagree on EF101: the comparison is not like for like")
	}
	rep.finish()
	return rep, nil
}

const floorName = "the transform's tables copied into new tables in one transaction, preserve_insertion_order off"

// writeFloor times how long DuckDB takes to write the rows a rebuild
// writes, on conn: every transform table (persons and the cohort tables)
// copied, in one transaction, into a new table of the same database and
// the same columns (transform.Model.Columns), with
// preserve_insertion_order off (DuckDB's fastest way to write them; the
// rebuild computes its rows as well, and keeps their order). It appends
// the seconds to floor and returns the rows copied. The copies are dropped
// and the database checkpointed afterwards, untimed.
func writeFloor(ctx context.Context, db *sql.DB, conn *sql.Conn, floor *[]float64) (rows int64, err error) {
	var tables, cols []string
	for _, m := range transform.Models() {
		c, err := m.Columns()
		if err != nil {
			return 0, fmt.Errorf("bench compute: write floor: %w", err)
		}
		tables, cols = append(tables, m.Name), append(cols, c)
	}
	drop := func() error {
		for _, t := range tables {
			if _, err := conn.ExecContext(ctx, "DROP TABLE IF EXISTS bench_floor_"+t); err != nil {
				return fmt.Errorf("bench compute: write floor: %w", err)
			}
		}
		return store.Checkpoint(ctx, db)
	}
	if err := drop(); err != nil {
		return 0, err
	}
	settle()
	stmts := []string{"BEGIN TRANSACTION"}
	for i, t := range tables { // the same columns, compression included
		stmts = append(stmts, "CREATE TABLE bench_floor_"+t+" ("+cols[i]+")", "INSERT INTO bench_floor_"+t+" SELECT * FROM "+t)
	}
	t0 := time.Now()
	if _, err := store.ExecUnordered(ctx, conn, strings.Join(append(stmts, "COMMIT"), ";\n")); err != nil {
		conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK") //nolint:errcheck // after the error reported; none open when the COMMIT ran
		return 0, fmt.Errorf("bench compute: write floor: %w", err)
	}
	*floor = append(*floor, time.Since(t0).Seconds())
	for _, t := range tables {
		var n int64
		if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM bench_floor_"+t).Scan(&n); err != nil {
			return 0, fmt.Errorf("bench compute: write floor: %w", err)
		}
		rows += n
	}
	return rows, drop()
}

// newestFiles returns the id of the newest loaded file of each kind with
// persons (not the intervention catalogue).
func newestFiles(ctx context.Context, db *sql.DB) ([]int64, error) {
	rows, err := db.QueryContext(ctx, `SELECT max(file_id) FROM files
		WHERE status = 'loaded' AND rows_loaded > 0 AND kind <> 'interventions' GROUP BY kind ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("bench compute: newest files: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("bench compute: newest files: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("bench compute: newest files: %w", err)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("bench compute: no file loaded")
	}
	return ids, nil
}

// limitQuery fills the placeholders of the EF101 limit query.
func limitQuery(asOf time.Time, groups []config.Group) string {
	var vals []string
	for _, g := range groups {
		for _, m := range g.Members {
			vals = append(vals, fmt.Sprintf("(%s, %s)", store.Literal(g.ID), store.Literal(m)))
		}
	}
	grp := "SELECT NULL::VARCHAR, NULL::VARCHAR WHERE false"
	if len(vals) > 0 {
		grp = "VALUES " + strings.Join(vals, ", ")
	}
	return strings.NewReplacer("{{as_of}}", "DATE '"+asOf.Format(time.DateOnly)+"'", "{{groups}}", grp).Replace(ef101Limit)
}

// step is one timed part of a compute, as Compute logs it.
type step struct {
	name string
	d    time.Duration
}

// stepRecorder is a slog.Handler keeping the durations Compute and
// transform log at debug level: one per model, KPI and the commit.
type stepRecorder struct {
	mu    sync.Mutex
	steps []step
}

func (r *stepRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *stepRecorder) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *stepRecorder) WithGroup(string) slog.Handler            { return r }

func (r *stepRecorder) Handle(_ context.Context, rec slog.Record) error {
	var name, label string
	var d time.Duration
	rec.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "model", "kpi", "step":
			label = a.Value.String()
		case "duration", "commit":
			d = a.Value.Duration()
		}
		return true
	})
	switch rec.Message {
	case "transform model", "transform step":
		name = "transform " + label
	case "transform rows in scope": // an update's copies of the shared sources' rows in scope
		name = "transform rows in scope"
	case "computed indicator":
		name = "indicator " + label
	case "indicator values committed":
		name = "commit"
	case "case-mix companions":
		name = "companions " + label
	case "case-mix step":
		name = "companions: " + label
	case "compute step":
		if label == "case-mix companions" { // the step as a whole: its parts are above
			return nil
		}
		name = label
	default:
		return nil
	}
	r.mu.Lock()
	r.steps = append(r.steps, step{name, d})
	r.mu.Unlock()
	return nil
}

// benchMu serialises the swap of the default logger.
var benchMu sync.Mutex

// withSteps runs f with the default logger replaced by rec, which is how
// Compute's per-step timings (logged at debug level) reach the bench.
func withSteps[T any](rec *stepRecorder, f func() (T, error)) (T, error) {
	benchMu.Lock()
	defer benchMu.Unlock()
	prev := slog.Default()
	slog.SetDefault(slog.New(rec))
	defer slog.SetDefault(prev)
	return f()
}
