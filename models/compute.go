package models

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/transform"
)

//go:embed compute/*.sql
var computeSQL embed.FS

// DefaultSOFee is the civic-orientation fee per registered person (kr) used
// by EF104 when none is configured.
const DefaultSOFee = 5500

// ComputeOptions tune Compute.
type ComputeOptions struct {
	// AsOf is the reference date; zero means the latest event date in the
	// loaded data (not after today), or today when nothing is loaded, or
	// with MonthEnd the last day of the latest month that date completes.
	AsOf time.Time
	// MonthEnd: a zero AsOf stands for the end of the latest complete
	// month (config indicators.release: month), so that the published
	// values change once a month, not with every day's data: every
	// release is protected against every other (package disclosure), and
	// each one hides more of the periods still open.
	MonthEnd bool
	// SOFee is the fee per registered person for EF104; 0 means DefaultSOFee.
	SOFee float64
	// Groups are the configured groups of municipalities (config.DefaultGroups()).
	Groups []config.Group
	// Now gives computed_at (and "today" for the default AsOf); nil means
	// time.Now. Tests fix it to make the whole table reproducible.
	Now func() time.Time
	// Steps add indicator rows computed above models (the case-mix
	// companions of package evaluate) in the same transaction, after the
	// catalogue's own: one compute publishes both or neither.
	Steps []Step
	// Rebuild rebuilds the transform tables even when transform.Refresh
	// would keep or update them.
	Rebuild bool
	// UpdateFiles, when set, updates the transform tables for the persons
	// of these files (ids; transform.Update) instead of refreshing them:
	// what a compute after loads of those files does. The bench measures
	// that update on a loaded database with it.
	UpdateFiles []int64
}

// Step adds rows to indicator_values inside Compute's transaction. It runs
// with as_of set, the Wilson macros and effekt_area_groups in place and the
// catalogue's rows inserted, and returns the rows it wrote per kpi.
//
// Prepare, when set, runs first, on the compute's connection before its
// transaction begins (as_of, the macros and effekt_area_groups in place):
// for temporary tables that Run then reads, computed from the tables the
// compute's transform has just committed. Only the transform writes those
// (persons and the cohort tables), and it runs inside Compute, so the
// transaction sees what Prepare saw. DuckDB scans a temporary table made
// inside a transaction about half as fast, on fewer cores, as one made
// outside it. Cleanup, when set, runs on that connection after the
// transaction ends, committed or not, and after a failed Prepare.
type Step struct {
	Name    string
	Prepare func(ctx context.Context, conn *sql.Conn, asOf time.Time) error
	Run     func(ctx context.Context, tx *sql.Tx, asOf, computedAt time.Time) (map[string]int, error)
	Cleanup func(ctx context.Context, conn *sql.Conn)
}

// ComputeResult reports what Compute wrote.
type ComputeResult struct {
	AsOf   time.Time
	Rows   int
	PerKPI map[string]int
	// Transform is what was done with the transform tables: kept as built
	// by an earlier compute from the same sources, updated for the persons
	// loads since touched, or rebuilt.
	Transform transform.Outcome
}

// computeMu serialises Compute within the process: two runs rebuilding the
// same tables at once would fail with a DuckDB transaction conflict.
var computeMu sync.Mutex

// Compute brings the transform tables up to date (transform.Refresh: kept
// when nothing was loaded since they were built, updated for the persons
// the loads since touched, else rebuilt; or rebuilt with Rebuild), then replaces
// every row of indicator_values in one transaction: each indicator of the
// catalogue per municipality, county, Riket and group, period and gender. Concurrent calls
// in one process run one after the other.
func Compute(ctx context.Context, db *sql.DB, opt ComputeOptions) (ComputeResult, error) {
	computeMu.Lock()
	defer computeMu.Unlock()
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.SOFee == 0 {
		opt.SOFee = DefaultSOFee
	}
	now := opt.Now().UTC()
	start := time.Now()
	var tr transform.Outcome
	var err error
	switch {
	case opt.Rebuild:
		tr, err = transform.Outcome{Action: transform.Rebuilt, Reason: "asked for"}, transform.Run(ctx, db)
	case len(opt.UpdateFiles) > 0:
		tr, err = transform.Update(ctx, db, opt.UpdateFiles)
	default:
		tr, err = transform.Refresh(ctx, db)
	}
	if err != nil {
		return ComputeResult{}, fmt.Errorf("compute: %w", err)
	}
	slog.Debug("transform done", "action", tr.Action, "persons", tr.Persons, "reason", tr.Reason, "duration", time.Since(start))
	asOf := opt.AsOf
	if asOf.IsZero() {
		if asOf, err = LatestEventDate(ctx, db, now); err != nil {
			return ComputeResult{}, err
		}
		if opt.MonthEnd {
			asOf = MonthEnd(asOf)
		}
	}
	asOf = time.Date(asOf.Year(), asOf.Month(), asOf.Day(), 0, 0, 0, 0, time.UTC)
	res := ComputeResult{AsOf: asOf, PerKPI: map[string]int{}, Transform: tr}

	conn, err := db.Conn(ctx)
	if err != nil {
		return res, fmt.Errorf("compute: connection: %w", err)
	}
	defer conn.Close()
	if err := prepare(ctx, conn, asOf, opt.Groups); err != nil {
		return res, err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS effekt_area_groups`) //nolint:errcheck // a temporary table of the compute's own connection
	for _, st := range opt.Steps {
		if st.Cleanup != nil {
			defer st.Cleanup(context.WithoutCancel(ctx), conn)
		}
		if st.Prepare == nil {
			continue
		}
		start := time.Now()
		if err := st.Prepare(ctx, conn, asOf); err != nil {
			return res, fmt.Errorf("compute: %s: %w", st.Name, err)
		}
		slog.Debug("compute step", "step", st.Name+": prepare", "duration", time.Since(start))
	}
	// the previous values, which changed_at.sql compares the new ones
	// with, are copied before the transaction too (its join reads them
	// 0.1–0.2 s faster), and checked unchanged inside it
	start = time.Now()
	defer conn.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS effekt_prev`) //nolint:errcheck // a temporary table of the compute's own connection
	prev, err := keepPrevious(ctx, conn)
	if err != nil {
		return res, err
	}
	slog.Debug("compute step", "step", "previous values", "duration", time.Since(start))
	if beforeTx != nil {
		beforeTx(ctx, conn)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return res, fmt.Errorf("compute: begin: %w", err)
	}
	defer tx.Rollback()
	if now, err := valuesStateOf(ctx, tx); err != nil {
		return res, err
	} else if now != prev {
		return res, errors.New("compute: indicator_values changed while the compute ran (another writer?), nothing was changed")
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM indicator_values`); err != nil {
		return res, fmt.Errorf("compute: clear indicator_values: %w", err)
	}
	for _, ind := range Catalogue() {
		start := time.Now()
		n, err := computeOne(ctx, tx, ind, asOf, now, opt.SOFee)
		if err != nil {
			return res, err
		}
		res.PerKPI[ind.ID] = n
		res.Rows += n
		slog.Debug("computed indicator", "kpi", ind.ID, "rows", n, "duration", time.Since(start))
	}
	for _, st := range opt.Steps {
		start := time.Now()
		per, err := st.Run(ctx, tx, asOf, now)
		if err != nil {
			return res, fmt.Errorf("compute: %s: %w", st.Name, err)
		}
		for kpi, n := range per {
			res.PerKPI[kpi] = n
			res.Rows += n
		}
		slog.Debug("compute step", "step", st.Name, "kpis", len(per), "duration", time.Since(start))
	}
	start = time.Now()
	if err := changedAt(ctx, tx); err != nil {
		return res, err
	}
	slog.Debug("compute step", "step", "changed_at", "duration", time.Since(start))
	if _, err := tx.ExecContext(ctx, `DROP TABLE IF EXISTS effekt_cells`); err != nil {
		return res, fmt.Errorf("compute: clean up: %w", err)
	}
	start = time.Now()
	if err := tx.Commit(); err != nil {
		return res, fmt.Errorf("compute: commit: %w", err)
	}
	slog.Debug("indicator values committed", "rows", res.Rows, "commit", time.Since(start))
	return res, nil
}

// beforeTx, when set (by a test), runs on the compute's connection after
// its preparations and before its transaction begins.
var beforeTx func(ctx context.Context, conn *sql.Conn)

// valuesState identifies what indicator_values holds: a compute writes
// all its rows with one computed_at, so another compute (or any write)
// changes the count or the latest computed_at.
type valuesState struct {
	rows   int64
	latest sql.NullTime
}

// keepPrevious copies indicator_values into effekt_prev on conn (outside
// a transaction) and returns the state it copied.
func keepPrevious(ctx context.Context, conn *sql.Conn) (valuesState, error) {
	// the state first: a write after it, even before the copy, fails the check
	st, err := valuesStateOf(ctx, conn)
	if err != nil {
		return valuesState{}, err
	}
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE effekt_prev AS
		SELECT kpi, municipality, period, gender, numerator, denominator, value, ci_low, ci_high, status, as_of, computed_at FROM indicator_values`); err != nil {
		return valuesState{}, fmt.Errorf("compute: keep previous values: %w", err)
	}
	return st, nil
}

// valuesStateOf reads the state of indicator_values on q (the compute's
// connection, or its transaction).
func valuesStateOf(ctx context.Context, q transform.Queryer) (valuesState, error) {
	var st valuesState
	if err := q.QueryRowContext(ctx, `SELECT count(*), max(computed_at) FROM indicator_values`).Scan(&st.rows, &st.latest); err != nil {
		return valuesState{}, fmt.Errorf("compute: previous values: %w", err)
	}
	return st, nil
}

// changedAt brings indicator_changes in step with the new indicator_values
// (changed_at.sql), and repairs it when it then holds more rows than there
// are cells (changed_repair.sql).
func changedAt(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, mustRead(computeSQL, "compute/changed_at.sql")); err != nil {
		return fmt.Errorf("compute: changed_at: %w", err)
	}
	var extra int64
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM indicator_changes) - (SELECT count(*) FROM indicator_values)`).Scan(&extra); err != nil {
		return fmt.Errorf("compute: changed_at: %w", err)
	}
	switch {
	case extra == 0:
		return nil
	case extra < 0: // changed_at.sql gives every cell a row
		return fmt.Errorf("compute: changed_at: %d cells without a row", -extra)
	}
	slog.Debug("indicator_changes repaired", "extra rows", extra)
	if _, err := tx.ExecContext(ctx, mustRead(computeSQL, "compute/changed_repair.sql")); err != nil {
		return fmt.Errorf("compute: changed_at: repair: %w", err)
	}
	return nil
}

// MonthEnd is d when it is the last day of its month, else the last day of
// the month before: the end of the latest month d completes.
func MonthEnd(d time.Time) time.Time {
	d = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	if d.AddDate(0, 0, 1).Month() != d.Month() {
		return d
	}
	return time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
}

// LatestEventDate returns the latest event date in the loaded data that is
// not after today, or today (as a date) when nothing is loaded.
func LatestEventDate(ctx context.Context, db *sql.DB, today time.Time) (time.Time, error) {
	q := mustRead(computeSQL, "compute/latest_event.sql")
	day := today.UTC().Format(time.DateOnly)
	var d sql.NullTime
	if err := db.QueryRowContext(ctx, q, day).Scan(&d); err != nil {
		return time.Time{}, fmt.Errorf("latest event date: %w", err)
	}
	if !d.Valid {
		t, _ := time.Parse(time.DateOnly, day)
		return t, nil
	}
	return d.Time.UTC(), nil
}

// prepare sets as_of, the Wilson macros and the group membership table on
// the compute's connection, before its transaction.
func prepare(ctx context.Context, conn *sql.Conn, asOf time.Time, groups []config.Group) error {
	stmts := []string{
		fmt.Sprintf(`SET VARIABLE as_of = DATE '%s'`, asOf.Format(time.DateOnly)),
		mustRead(computeSQL, "compute/wilson.sql"),
		`CREATE OR REPLACE TEMP TABLE effekt_area_groups (gid VARCHAR NOT NULL, member VARCHAR NOT NULL)`,
	}
	for _, s := range stmts {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("compute: prepare: %w", err)
		}
	}
	for _, g := range groups {
		for _, m := range g.Members {
			if _, err := conn.ExecContext(ctx, `INSERT INTO effekt_area_groups VALUES (?, ?)`, g.ID, m); err != nil {
				return fmt.Errorf("compute: group %s: %w", g.ID, err)
			}
		}
	}
	return nil
}

// computeOne aggregates one indicator into effekt_cells and inserts its rows.
func computeOne(ctx context.Context, tx *sql.Tx, ind Indicator, asOf, now time.Time, fee float64) (int, error) {
	micro, err := ind.MicroSQL()
	if err != nil {
		return 0, err
	}
	byGender := "false"
	if ind.ByGender {
		byGender = "true"
	}
	tmpl := "compute/cells.sql" // counts: proportions and costs
	if ind.Unit == Days {
		tmpl = "compute/cells_median.sql"
	}
	cells := strings.NewReplacer("{{micro}}", strings.TrimRight(strings.TrimSpace(micro), ";"), "{{by_gender}}", byGender).
		Replace(mustRead(computeSQL, tmpl))
	if _, err := tx.ExecContext(ctx, cells); err != nil {
		return 0, fmt.Errorf("compute %s: cells: %w", ind.ID, err)
	}
	args := []any{ind.ID, asOf.Format(time.DateOnly), now}
	var insert string
	switch ind.Unit {
	case Percent:
		insert = "compute/insert_percent.sql"
	case Days:
		insert = "compute/insert_days.sql"
	case Kronor:
		insert = "compute/insert_kronor.sql"
		args = append(args, fee)
	default:
		return 0, fmt.Errorf("compute %s: unknown unit %q", ind.ID, ind.Unit)
	}
	r, err := tx.ExecContext(ctx, mustRead(computeSQL, insert), args...)
	if err != nil {
		return 0, fmt.Errorf("compute %s: insert: %w", ind.ID, err)
	}
	n, err := r.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("compute %s: rows: %w", ind.ID, err)
	}
	return int(n), nil
}

func mustRead(fsys embed.FS, name string) string {
	b, err := fsys.ReadFile(name)
	if err != nil {
		panic(fmt.Sprintf("models: embedded %s: %v", name, err)) // names are constants
	}
	return string(b)
}
