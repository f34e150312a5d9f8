package evaluate

import (
	"cmp"
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/models"
	"github.com/effekt/effekt/store"
	"github.com/effekt/effekt/transform"
)

var (
	//go:embed sql/expected_case.sql
	expectedCaseSQL string
	//go:embed sql/expected_cells.sql
	expectedCellsSQL string
	//go:embed sql/insert_companions.sql
	insertCompanionsSQL string
)

// z95 is the normal 97.5 % quantile, as models' Wilson intervals use it.
const z95 = 1.959964

// Expected is one area's observed and case-mix expected value of a
// proportion indicator in one period. Shares and differences are in
// percent and percentage points; Ratio is O/E. A suppressed cell has
// Suppressed set and no values.
type Expected struct {
	KPI        string  `json:"kpi"`
	Area       string  `json:"municipality"` // kommunkod, 00LL county, 0000 Riket or a group id
	Period     int     `json:"period"`
	Gender     string  `json:"gender"`
	N          int     `json:"denominator"`
	Suppressed bool    `json:"suppressed"`
	O          float64 `json:"observed_count"`
	E          float64 `json:"expected_count"`
	Observed   float64 `json:"observed"`
	ObsLow     float64 `json:"observed_ci_low"` // Wilson
	ObsHigh    float64 `json:"observed_ci_high"`
	Expected   float64 `json:"expected"`
	Diff       float64 `json:"difference"` // observed − expected, percentage points
	DiffLow    float64 `json:"difference_ci_low"`
	DiffHigh   float64 `json:"difference_ci_high"`
	Ratio      float64 `json:"ratio"` // O/E
	RatioLow   float64 `json:"ratio_ci_low"`
	RatioHigh  float64 `json:"ratio_ci_high"`
	v          float64 // Σ p(1 − p)
}

// querier is a connection or a transaction: the case-mix tables are temp
// tables of whichever runs them.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// CompanionStep is the compute step that publishes every proportion
// indicator's case-mix companions (models.Companions: expected value,
// deviation and O/E) from the cohort tables the compute just built. An
// indicator whose model cannot be fitted (no cohort rows, or an outcome
// the same for everyone) gets no companion rows and a warning.
//
// Its Prepare creates the case rows' view, fits the models and builds
// effekt_expected on the compute's connection before the compute's
// transaction (models.Step says why that sees the same tables); Run
// inserts the companions inside it. What Prepare found waits in the
// step's own variables, so a step serves one compute at a time, as
// models.Compute runs them.
func CompanionStep() models.Step {
	var (
		inds   []models.Indicator
		counts map[string]int // effekt_expected's cells per fitted indicator; nil with none fitted
	)
	return models.Step{
		Name: "case-mix companions",
		Prepare: func(ctx context.Context, conn *sql.Conn, asOf time.Time) error {
			inds, counts = nil, nil
			for _, ind := range models.Catalogue() {
				if ind.Unit == models.Percent {
					inds = append(inds, ind)
				}
			}
			start := time.Now()
			fitted, err := modelCells(ctx, conn, inds)
			if err != nil {
				return err
			}
			if len(fitted) > 0 { // else modelCells built no effekt_expected
				if counts, err = expectedCounts(ctx, conn); err != nil {
					return err
				}
			}
			slog.Debug("case-mix companions", "kpi", "all", "duration", time.Since(start))
			return nil
		},
		Run: func(ctx context.Context, tx *sql.Tx, asOf, computedAt time.Time) (map[string]int, error) {
			per := map[string]int{}
			if counts != nil {
				t0 := time.Now()
				if err := insertCompanions(ctx, tx, asOf, computedAt); err != nil {
					return nil, err
				}
				slog.Debug("case-mix step", "step", "insert", "duration", time.Since(t0))
				for _, ind := range inds {
					if n, ok := counts[ind.ID]; ok {
						for _, c := range models.Companions(ind) {
							per[c.ID] = n
						}
					}
				}
			}
			return per, nil
		},
		Cleanup: func(ctx context.Context, conn *sql.Conn) {
			if _, err := conn.ExecContext(ctx, dropCaseTables); err != nil {
				slog.Warn("case-mix companions: clean up", "err", err)
			}
		},
	}
}

// insertCompanions inserts effekt_expected's companion cells into
// indicator_values with preserve_insertion_order off for the statement
// (every reader of indicator_values orders what it reads): with it on,
// DuckDB appends the three companions' rows on one thread, 0.56 s for the
// 228 k national rows against 0.30 s.
func insertCompanions(ctx context.Context, tx *sql.Tx, asOf, computedAt time.Time) error {
	if _, err := store.ExecUnordered(ctx, tx, insertCompanionsSQL, asOf.Format(time.DateOnly), computedAt); err != nil {
		return fmt.Errorf("companions: insert: %w", err)
	}
	return nil
}

// expectedCounts is the number of effekt_expected cells per indicator.
func expectedCounts(ctx context.Context, q querier) (map[string]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT kpi, count(*) FROM effekt_expected GROUP BY kpi`)
	if err != nil {
		return nil, fmt.Errorf("companions: count: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var kpi string
		var n int
		if err := rows.Scan(&kpi, &n); err != nil {
			return nil, fmt.Errorf("companions: count: %w", err)
		}
		out[kpi] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("companions: count: %w", err)
	}
	return out, nil
}

const dropCaseTables = `DROP VIEW IF EXISTS effekt_case; DROP TABLE IF EXISTS effekt_p; DROP TABLE IF EXISTS effekt_models; DROP TABLE IF EXISTS effekt_expected`

// modelCells creates the view effekt_case for inds, fits each indicator's
// model and builds effekt_expected. It returns the indicators it fitted;
// one without a model to fit is left out with a warning.
func modelCells(ctx context.Context, q querier, inds []models.Indicator) ([]string, error) {
	micros := make([]string, 0, len(inds))
	byGender := make(map[string]bool, len(inds))
	for _, ind := range inds {
		m, err := personMicro(ind)
		if err != nil {
			return nil, err
		}
		micros = append(micros, "(\n"+m+"\n)")
		byGender[ind.ID] = ind.ByGender
	}
	if len(micros) == 0 {
		return nil, nil
	}
	caseSQL := strings.Replace(expectedCaseSQL, "{{micro}}", strings.Join(micros, "\nUNION ALL BY NAME\n"), 1)
	if _, err := q.ExecContext(ctx, caseSQL); err != nil {
		return nil, notComputed(fmt.Errorf("expected values: case rows: %w", err))
	}
	return fitCells(ctx, q, byGender)
}

// fitCells fits each indicator's model on effekt_case (byGender: the
// indicators, whether each is divided by gender), computes every pattern's
// probability into effekt_p and builds effekt_expected. It returns the
// indicators it fitted, in order; with none it builds no tables.
func fitCells(ctx context.Context, q querier, byGender map[string]bool) ([]string, error) {
	start := time.Now()
	pats, err := readPatterns(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("expected values: %w", err)
	}
	slog.Debug("case-mix step", "step", "patterns", "duration", time.Since(start))
	start = time.Now()
	kpis := make([]string, 0, len(byGender))
	for k := range byGender {
		kpis = append(kpis, k)
	}
	sort.Strings(kpis)
	// the indicators' models are independent: fitted side by side, one
	// per core, each the same computation as alone
	type fit struct {
		beta []float64
		cols []level
		err  error
	}
	fits := make([]fit, len(kpis))
	var wg sync.WaitGroup
	next := atomic.Int64{}
	for range min(runtime.GOMAXPROCS(0), len(kpis)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(kpis); i = int(next.Add(1) - 1) {
				if ps := pats[kpis[i]]; len(ps) > 0 {
					fits[i].beta, fits[i].cols, fits[i].err = fitPatterns(ps)
				}
			}
		})
	}
	wg.Wait()
	var fitted []string
	var probs []prob
	for i, kpi := range kpis {
		ps := pats[kpi]
		if len(ps) == 0 {
			continue
		}
		if err := fits[i].err; err != nil {
			slog.Warn("no case-mix model: expected values left out", "kpi", kpi, "err", err)
			continue
		}
		fitted = append(fitted, kpi)
		probs = appendProbs(probs, kpi, ps, fits[i].beta, fits[i].cols)
	}
	if len(fitted) == 0 {
		return nil, nil
	}
	if err := storeModels(ctx, q, fitted, byGender, probs); err != nil {
		return nil, fmt.Errorf("expected values: %w", err)
	}
	slog.Debug("case-mix step", "step", "fit", "duration", time.Since(start))
	start = time.Now()
	if _, err := q.ExecContext(ctx, expectedCellsSQL); err != nil {
		return nil, fmt.Errorf("expected values: cells: %w", err)
	}
	slog.Debug("case-mix step", "step", "expected cells", "duration", time.Since(start))
	return fitted, nil
}

// pattern is one combination of covariate levels with its persons: its
// key as effekt_case holds it, and its level names.
type pattern struct {
	period      int
	gender      string
	a           uint8
	cov         int32
	levels      [len(factorNames)]string
	succ, total float64
}

// readPatterns reads effekt_case's patterns per indicator, with their
// level names, in the order fitPatterns reads them (parsePatterns sorts
// them; the query leaves them in no order).
func readPatterns(ctx context.Context, q querier) (map[string][]pattern, error) {
	// one row per indicator, its patterns as text: scanning 50 k national
	// patterns of seven columns through database/sql took 0.2 s, twice the
	// query's own time; parsing the same text takes milliseconds. The
	// numbers are DuckDB's exact text of them (k a DOUBLE, shortest form
	// that reads back to the same bits).
	rows, err := q.QueryContext(ctx, `WITH pats AS (
			SELECT kpi, period, gender, a, cov, sum(x) AS k, count(*)::DOUBLE AS n FROM effekt_case GROUP BY ALL)
		SELECT kpi, count(*), string_agg(concat_ws(',', period, a, cov, k, n, gender), ';')
		FROM pats GROUP BY kpi ORDER BY kpi`)
	if err != nil {
		return nil, fmt.Errorf("case patterns: %w", err)
	}
	defer rows.Close()
	out := map[string][]pattern{}
	for rows.Next() {
		var kpi, text string
		var n int
		if err := rows.Scan(&kpi, &n, &text); err != nil {
			return nil, fmt.Errorf("case patterns: %w", err)
		}
		pats, err := parsePatterns(text, n)
		if err != nil {
			return nil, fmt.Errorf("case patterns of %s: %w", kpi, err)
		}
		out[kpi] = pats
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("case patterns: %w", err)
	}
	return out, nil
}

// parsePatterns parses n patterns written as readPatterns' query writes
// them: "period,a,cov,k,n,gender" joined by ";", and names their levels
// (cov by transform.CaseLevels). A gender holding "," or ";" (or none:
// concat_ws leaves a NULL out) does not parse, as it did not scan into a
// string before. The patterns come back ordered by period, gender, age
// band, settled or not and the names of education, region and months:
// the order in which the fit adds them up, so that the same patterns give
// the same bits whatever numbers their combinations have.
func parsePatterns(text string, n int) ([]pattern, error) {
	out := make([]pattern, 0, n)
	for rec := range strings.SplitSeq(text, ";") {
		f := strings.Split(rec, ",")
		if len(f) != 6 {
			return nil, fmt.Errorf("pattern %q: want 6 fields", rec)
		}
		var p pattern
		period, err1 := strconv.ParseInt(f[0], 10, 32)
		a, err2 := strconv.ParseUint(f[1], 10, 8)
		cov, err3 := strconv.ParseInt(f[2], 10, 32)
		succ, err4 := strconv.ParseFloat(f[3], 64)
		total, err5 := strconv.ParseFloat(f[4], 64)
		if err := errors.Join(err1, err2, err3, err4, err5); err != nil {
			return nil, fmt.Errorf("pattern %q: %w", rec, err)
		}
		p.period, p.a, p.cov, p.succ, p.total, p.gender = int(period), uint8(a), int32(cov), succ, total, f[5]
		if int(p.a) >= len(transform.AgeBands) {
			return nil, fmt.Errorf("age band %d", p.a)
		}
		edu, region, band, _, ok := transform.CaseLevels(int(p.cov))
		if !ok {
			return nil, fmt.Errorf("covariate combination %d is not a case_cov number", p.cov)
		}
		l := &p.levels
		l[0], l[1], l[2], l[3], l[4], l[5] = p.gender, transform.AgeBands[p.a], edu, region, band, strconv.Itoa(p.period)
		out = append(out, p)
	}
	if len(out) != n {
		return nil, fmt.Errorf("%d patterns, want %d", len(out), n)
	}
	slices.SortFunc(out, func(x, y pattern) int {
		return cmp.Or(cmp.Compare(x.period, y.period), strings.Compare(x.gender, y.gender), cmp.Compare(x.a, y.a),
			cmp.Compare(min(x.cov, 1), min(y.cov, 1)), // no settlement (0) first
			strings.Compare(x.levels[2], y.levels[2]), strings.Compare(x.levels[3], y.levels[3]), strings.Compare(x.levels[4], y.levels[4]))
	})
	return out, nil
}

// level is one dummy column: factor f at level name.
type level struct {
	f    int
	name string
}

// fitPatterns fits the logistic model on the patterns: the intercept, and a
// dummy for every level of each factor but the most common (ties:
// alphabetical), the reference. It returns β and the level of each column
// (cols[0] is the intercept's zero level).
func fitPatterns(pats []pattern) ([]float64, []level, error) {
	cols := []level{{f: -1}}
	index := map[level]int{}
	for f := range factorNames {
		count := map[string]float64{}
		for _, p := range pats {
			count[p.levels[f]] += p.total
		}
		ls := make([]string, 0, len(count))
		for l := range count {
			ls = append(ls, l)
		}
		sort.Slice(ls, func(i, j int) bool {
			if count[ls[i]] != count[ls[j]] {
				return count[ls[i]] > count[ls[j]]
			}
			return ls[i] < ls[j]
		})
		for _, l := range ls[1:] {
			index[level{f, l}] = len(cols)
			cols = append(cols, level{f, l})
		}
	}
	x := mat.NewDense(len(pats), len(cols), nil)
	succ, total := make([]float64, len(pats)), make([]float64, len(pats))
	var sumSucc, sumTotal float64
	for i, p := range pats {
		x.Set(i, 0, 1)
		for f, l := range p.levels {
			if c, ok := index[level{f, l}]; ok {
				x.Set(i, c, 1)
			}
		}
		succ[i], total[i] = p.succ, p.total
		sumSucc += p.succ
		sumTotal += p.total
	}
	if sumSucc == 0 || sumSucc == sumTotal {
		return nil, nil, fmt.Errorf("the outcome is the same for all %.0f persons", sumTotal)
	}
	beta, err := fitLogit(x, succ, total)
	if err != nil {
		return nil, nil, err
	}
	return beta, cols, nil
}

// prob is one pattern's probability under its indicator's model.
type prob struct {
	kpi string
	pat *pattern
	p   float64
}

// appendProbs appends each pattern's probability p = 1/(1 + e^−z) under
// the fitted model: z is the intercept plus the coefficients of the
// pattern's levels (a reference level has none).
func appendProbs(out []prob, kpi string, pats []pattern, beta []float64, cols []level) []prob {
	index := make(map[level]int, len(cols))
	for i, c := range cols[1:] {
		index[c] = i + 1
	}
	for i := range pats {
		z := beta[0]
		for f, l := range pats[i].levels {
			if c, ok := index[level{f, l}]; ok {
				z += beta[c]
			}
		}
		out = append(out, prob{kpi, &pats[i], logistic(z)})
	}
	return out
}

// storeModels writes effekt_models (the fitted indicators, whether each is
// divided by gender) and effekt_p (each pattern's probability, keyed as
// effekt_case is, as its exactTerms: expected_cells.sql reads only those).
// Values go one parameter per column, joined by commas and split in SQL:
// binding or parsing thousands of rows of VALUES costs far more.
func storeModels(ctx context.Context, q querier, fitted []string, byGender map[string]bool, probs []prob) error {
	if _, err := q.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE effekt_models (kpi VARCHAR NOT NULL, by_gender BOOLEAN NOT NULL);
		CREATE OR REPLACE TEMP TABLE effekt_p (kpi VARCHAR NOT NULL, period INTEGER NOT NULL, gender VARCHAR NOT NULL, a UTINYINT NOT NULL, cov INTEGER NOT NULL,
			pe BIGINT NOT NULL, pv BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("model tables: %w", err)
	}
	for _, kpi := range fitted {
		if _, err := q.ExecContext(ctx, `INSERT INTO effekt_models VALUES (?, ?)`, kpi, byGender[kpi]); err != nil {
			return fmt.Errorf("model tables: %w", err)
		}
	}
	if len(probs) == 0 {
		return nil
	}
	var kpi, period, gender, a, cov, pe, pv []string
	for _, r := range probs {
		if strings.Contains(r.pat.gender, ",") || strings.Contains(r.kpi, ",") {
			return fmt.Errorf("model tables: gender %q of %s", r.pat.gender, r.kpi)
		}
		kpi = append(kpi, r.kpi)
		period = append(period, strconv.Itoa(r.pat.period))
		gender = append(gender, r.pat.gender)
		a = append(a, strconv.Itoa(int(r.pat.a)))
		cov = append(cov, strconv.Itoa(int(r.pat.cov)))
		e, v := exactTerms(r.p)
		pe = append(pe, strconv.FormatInt(e, 10))
		pv = append(pv, strconv.FormatInt(v, 10))
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO effekt_p
		SELECT unnest(string_split($1, ',')), unnest(string_split($2, ','))::INTEGER, unnest(string_split($3, ',')),
		       unnest(string_split($4, ','))::UTINYINT, unnest(string_split($5, ','))::INTEGER,
		       unnest(string_split($6, ','))::BIGINT, unnest(string_split($7, ','))::BIGINT`,
		strings.Join(kpi, ","), strings.Join(period, ","), strings.Join(gender, ","), strings.Join(a, ","), strings.Join(cov, ","),
		strings.Join(pe, ","), strings.Join(pv, ",")); err != nil {
		return fmt.Errorf("model tables: %w", err)
	}
	return nil
}

// exactTerms are a person's terms of e = Σ p and v = Σ p(1 − p) in
// expected_cells.sql: p and p(1 − p) in whole units of 10⁻¹⁸, rounded half
// away from zero. Integer sums do not depend on the order they are added
// in; 0 ≤ p ≤ 1 keeps both below 2⁶³.
func exactTerms(p float64) (e, v int64) {
	return int64(math.Round(p * 1e18)), int64(math.Round(p * (1 - p) * 1e18))
}

// logistic is 1/(1 + e^−z), computed without overflow for any z.
func logistic(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// ExpectedValues fits the case-mix model of a proportion indicator (one
// model over all periods, the cohort year a covariate) on d's connection and
// returns observed and expected values, with the raw counts, for every
// municipality, county, Riket and configured group with cohort rows, genders
// T (and K, M for an indicator divided by gender); cells with fewer than
// minN persons are suppressed. This is the model behind the published
// companions, for tests and the simulation; what effekt publishes comes
// from the snapshot (FromPublished), with complementary suppression.
func (d *Data) ExpectedValues(ctx context.Context, ind models.Indicator, groups []config.Group, minN int) ([]Expected, error) {
	if ind.Unit != models.Percent {
		return nil, fmt.Errorf("expected %s: only proportion indicators have expected values", ind.ID)
	}
	if err := d.built(ctx); err != nil {
		return nil, err
	}
	if err := areaGroups(ctx, d.conn, groups); err != nil {
		return nil, err
	}
	defer d.conn.ExecContext(context.WithoutCancel(ctx), dropCaseTables)
	fitted, err := modelCells(ctx, d.conn, []models.Indicator{ind})
	if err != nil || len(fitted) == 0 {
		return nil, err
	}
	return readExpected(ctx, d.conn, ind.ID, minN)
}

// areaGroups creates effekt_area_groups as models' compute does.
func areaGroups(ctx context.Context, q querier, groups []config.Group) error {
	if _, err := q.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE effekt_area_groups (gid VARCHAR NOT NULL, member VARCHAR NOT NULL)`); err != nil {
		return fmt.Errorf("expected: groups: %w", err)
	}
	for _, g := range groups {
		for _, m := range g.Members {
			if _, err := q.ExecContext(ctx, `INSERT INTO effekt_area_groups VALUES (?, ?)`, g.ID, m); err != nil {
				return fmt.Errorf("expected: group %s: %w", g.ID, err)
			}
		}
	}
	return nil
}

// readExpected reads effekt_expected and finishes each cell.
func readExpected(ctx context.Context, q querier, kpi string, minN int) ([]Expected, error) {
	rows, err := q.QueryContext(ctx, `SELECT area, period, gender, n, o, e, v FROM effekt_expected WHERE kpi = ? ORDER BY area, period, gender`, kpi)
	if err != nil {
		return nil, fmt.Errorf("expected %s: %w", kpi, err)
	}
	defer rows.Close()
	var out []Expected
	for rows.Next() {
		c := Expected{KPI: kpi}
		if err := rows.Scan(&c.Area, &c.Period, &c.Gender, &c.N, &c.O, &c.E, &c.v); err != nil {
			return nil, fmt.Errorf("expected %s: %w", kpi, err)
		}
		c.finish(minN)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("expected %s: %w", kpi, err)
	}
	return out, nil
}

// finish computes the shares, O − E and O/E with their 95 % intervals:
// Wilson for the observed share; for O − E and O/E the variance Σp(1 − p)
// of O when the model holds (Spiegelhalter 2005). insert_companions.sql
// computes the published companions with the same formulas
// (TestCompanionsMatchExpectedValues).
func (c *Expected) finish(minN int) {
	if c.N < minN {
		*c = Expected{KPI: c.KPI, Area: c.Area, Period: c.Period, Gender: c.Gender, Suppressed: true}
		return
	}
	n := float64(c.N)
	c.Observed, c.Expected = 100*c.O/n, 100*c.E/n
	c.ObsLow, c.ObsHigh = models.Wilson(c.O, n)
	half := z95 * math.Sqrt(c.v)
	c.Diff = 100 * (c.O - c.E) / n
	c.DiffLow, c.DiffHigh = c.Diff-100*half/n, c.Diff+100*half/n
	if c.E > 0 {
		c.Ratio = c.O / c.E
		c.RatioLow, c.RatioHigh = math.Max(0, c.Ratio-half/c.E), c.Ratio+half/c.E // a ratio of counts is not negative
	}
}
