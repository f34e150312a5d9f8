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
}

// Compute measures models.Compute (rebuilding the transform tables), of the
// indicators alone and of every KPI with the case-mix companions, against
// the limit: one independent SQL query computing EF101's
// cells straight from the loaded tables. Runs alternate effekt and limit so
// both see the same load. It rewrites indicator_values (as a compute does)
// and checks that the limit query gives effekt's EF101 cells.
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

	var effekt, effektCPU, base, baseCPU, limit, limitCPU []float64
	steps := map[string][]float64{}
	var order []string
	var cells, baseCells int
	for i := 0; i < opt.Runs; i++ {
		// the eleven indicators alone (what the target was set
		// for), then all KPIs with the case-mix companions, which leaves
		// indicator_values as a compute does
		c0, t0 := cpuSeconds(), time.Now()
		res, err := models.Compute(ctx, db, models.ComputeOptions{AsOf: asOf, SOFee: opt.SOFee, Groups: opt.Groups})
		if err != nil {
			return nil, fmt.Errorf("bench compute: %w", err)
		}
		base = append(base, time.Since(t0).Seconds())
		baseCPU = append(baseCPU, cpuSeconds()-c0)
		baseCells = res.Rows

		rec := &stepRecorder{}
		c0, t0 = cpuSeconds(), time.Now()
		res, err = withSteps(rec, func() (models.ComputeResult, error) {
			return models.Compute(ctx, db, models.ComputeOptions{AsOf: asOf, SOFee: opt.SOFee, Groups: opt.Groups, Steps: []models.Step{evaluate.CompanionStep()}})
		})
		if err != nil {
			return nil, fmt.Errorf("bench compute: %w", err)
		}
		effekt = append(effekt, time.Since(t0).Seconds())
		effektCPU = append(effektCPU, cpuSeconds()-c0)
		cells = res.Rows
		for _, s := range rec.steps {
			if _, ok := steps[s.name]; !ok {
				order = append(order, s.name)
			}
			steps[s.name] = append(steps[s.name], s.d.Seconds())
		}

		c0, t0 = cpuSeconds(), time.Now()
		if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE bench_ef101 AS "+limitSQL); err != nil {
			return nil, fmt.Errorf("bench compute: limit query: %w", err)
		}
		limit = append(limit, time.Since(t0).Seconds())
		limitCPU = append(limitCPU, cpuSeconds()-c0)
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
	eleven := Row{Name: fmt.Sprintf("compute, the %d indicators", nBase), Unit: "s", Better: Lower, Effekt: NewStat(base)}
	eleven.withLimit(limitName, NewStat(limit), 2)
	eleven.Note = fmt.Sprintf("%d cells written; the limit query gives %d EF101 cells, %d differ from effekt's (numerator, denominator)", baseCells, limitCells, mismatched)
	elevenAbs := Row{Name: fmt.Sprintf("compute, the %d indicators (absolute)", nBase), Unit: "s", Better: Lower, Effekt: eleven.Effekt}
	elevenAbs.withBound(5)
	all := Row{Name: fmt.Sprintf("compute, all %d KPIs (with case-mix companions)", nAll), Unit: "s", Better: Lower, Effekt: NewStat(effekt)}
	all.withLimit(limitName, NewStat(limit), 2)
	all.Note = fmt.Sprintf("%d cells written", cells)
	abs := Row{Name: fmt.Sprintf("compute, all %d KPIs (absolute)", nAll), Unit: "s", Better: Lower, Effekt: all.Effekt}
	abs.withBound(5)
	cpu := Row{Name: fmt.Sprintf("compute CPU time, all %d KPIs (user+sys)", nAll), Unit: "s", Better: Lower, Effekt: NewStat(effektCPU)}
	cpu.withLimit(limitName, NewStat(limitCPU), 0)
	cpuBase := Row{Name: fmt.Sprintf("compute CPU time, the %d indicators", nBase), Unit: "s", Better: Lower, Effekt: NewStat(baseCPU)}
	cpuBase.withLimit(limitName, NewStat(limitCPU), 0)
	rep.Rows = []Row{eleven, elevenAbs, all, abs, cpuBase, cpu}
	rep.StepsOf = all.Name
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

// limitQuery fills the placeholders of the EF101 limit query.
func limitQuery(asOf time.Time, groups []config.Group) string {
	var vals []string
	for _, g := range groups {
		for _, m := range g.Members {
			vals = append(vals, fmt.Sprintf("(%s, %s)", sqlString(g.ID), sqlString(m)))
		}
	}
	grp := "SELECT NULL::VARCHAR, NULL::VARCHAR WHERE false"
	if len(vals) > 0 {
		grp = "VALUES " + strings.Join(vals, ", ")
	}
	return strings.NewReplacer("{{as_of}}", "DATE '"+asOf.Format(time.DateOnly)+"'", "{{groups}}", grp).Replace(ef101Limit)
}

func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

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
		case "model", "kpi":
			label = a.Value.String()
		case "duration", "commit":
			d = a.Value.Duration()
		}
		return true
	})
	switch rec.Message {
	case "transform model":
		name = "transform " + label
	case "computed indicator":
		name = "indicator " + label
	case "indicator values committed":
		name = "commit"
	case "case-mix covariates":
		name = "companions: covariates"
	case "case-mix companions":
		name = "companions " + label
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
