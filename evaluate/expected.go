package evaluate

import (
	"context"
	_ "embed"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/models"
)

//go:embed sql/expected.sql
var expectedSQL string

// z95 is the normal 97.5 % quantile, as models' Wilson intervals use it.
const z95 = 1.959964

// Expected is one area's observed and case-mix expected value of a
// proportion indicator in one period. Shares and differences are in
// percent and percentage points; Ratio is O/E. A cell with fewer persons
// than min_n has Suppressed set and no values.
type Expected struct {
	KPI        string  `json:"kpi"`
	Area       string  `json:"municipality"` // kommunkod, 00LL county, 0000 Riket or a group id
	Period     int     `json:"period"`
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

// CaseRows reads a proportion indicator's cohort rows with their covariates.
func (d *Data) caseRows(ctx context.Context, ind models.Indicator) ([]caseRow, error) {
	micro, err := personMicro(ind)
	if err != nil {
		return nil, err
	}
	rows, err := d.conn.QueryContext(ctx, strings.Replace(expectedSQL, "{{micro}}", micro, 1))
	if err != nil {
		return nil, notComputed(fmt.Errorf("expected %s: %w", ind.ID, err))
	}
	defer rows.Close()
	var out []caseRow
	for rows.Next() {
		var (
			r            caseRow
			gender       string
			age          int
			edu, country *string
			months       *int
		)
		if err := rows.Scan(&r.municipality, &r.period, &gender, &r.y, &age, &edu, &country, &months); err != nil {
			return nil, fmt.Errorf("expected %s: %w", ind.ID, err)
		}
		r.levels = [len(factorNames)]string{gender, ageBand(age), educationLevel(edu), birthRegion(country), monthsBand(months), strconv.Itoa(r.period)}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("expected %s: %w", ind.ID, err)
	}
	return out, nil
}

// ExpectedValues fits the case-mix model of a proportion indicator (one
// model over all periods, the cohort year a covariate) and returns observed and expected values for every municipality,
// county, Riket and configured group with cohort rows; cells with fewer
// than minN persons are suppressed.
func (d *Data) ExpectedValues(ctx context.Context, ind models.Indicator, groups []config.Group, minN int) ([]Expected, error) {
	if ind.Unit != models.Percent {
		return nil, fmt.Errorf("expected %s: only proportion indicators have expected values", ind.ID)
	}
	rows, err := d.caseRows(ctx, ind)
	if err != nil {
		return nil, err
	}
	return expectedValues(ind.ID, rows, groups, minN)
}

// expectedValues fits one model and sums each area's persons per period.
func expectedValues(kpi string, rows []caseRow, groups []config.Group, minN int) ([]Expected, error) {
	memberOf := map[string][]string{}
	for _, g := range groups {
		for _, m := range g.Members {
			memberOf[m] = append(memberOf[m], g.ID)
		}
	}
	cells := map[string]*Expected{}
	if len(rows) == 0 {
		return nil, nil
	}
	p, err := predict(rows)
	if err != nil {
		return nil, fmt.Errorf("expected %s: %w", kpi, err)
	}
	for i, r := range rows {
		areas := append([]string{r.municipality, "00" + r.municipality[:2], "0000"}, memberOf[r.municipality]...)
		for _, a := range areas {
			key := fmt.Sprintf("%s|%d", a, r.period)
			c := cells[key]
			if c == nil {
				c = &Expected{KPI: kpi, Area: a, Period: r.period}
				cells[key] = c
			}
			c.N++
			c.O += r.y
			c.E += p[i]
			c.v += p[i] * (1 - p[i])
		}
	}
	out := make([]Expected, 0, len(cells))
	for _, c := range cells {
		c.finish(minN)
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Area != out[j].Area {
			return out[i].Area < out[j].Area
		}
		return out[i].Period < out[j].Period
	})
	return out, nil
}

// finish computes the shares, O − E and O/E with their 95 % intervals:
// Wilson for the observed share; for O − E and O/E the variance Σp(1 − p)
// of O when the model holds (Spiegelhalter 2005).
func (c *Expected) finish(minN int) {
	if c.N < minN {
		*c = Expected{KPI: c.KPI, Area: c.Area, Period: c.Period, Suppressed: true}
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

// predict fits the logistic model on rows and returns each
// row's predicted probability. Covariates are dummies of every level but
// the most common of each factor; persons are collapsed into covariate
// patterns first.
func predict(rows []caseRow) ([]float64, error) {
	// levels per factor, the most common (ties: alphabetical) as reference
	type lv struct {
		name string
		n    int
	}
	cols := map[[2]string]int{} // (factor, level) -> column
	k := 1
	for f := range factorNames {
		count := map[string]int{}
		for _, r := range rows {
			count[r.levels[f]]++
		}
		var ls []lv
		for l, n := range count {
			ls = append(ls, lv{l, n})
		}
		sort.Slice(ls, func(i, j int) bool {
			if ls[i].n != ls[j].n {
				return ls[i].n > ls[j].n
			}
			return ls[i].name < ls[j].name
		})
		for _, l := range ls[1:] {
			cols[[2]string{factorNames[f], l.name}] = k
			k++
		}
	}
	pattern := map[[len(factorNames)]string]int{}
	var succ, total []float64
	of := make([]int, len(rows))
	for i, r := range rows {
		j, ok := pattern[r.levels]
		if !ok {
			j = len(succ)
			pattern[r.levels] = j
			succ, total = append(succ, 0), append(total, 0)
		}
		succ[j] += r.y
		total[j]++
		of[i] = j
	}
	x := mat.NewDense(len(succ), k, nil)
	for lev, j := range pattern {
		x.Set(j, 0, 1)
		for f, l := range lev {
			if c, ok := cols[[2]string{factorNames[f], l}]; ok {
				x.Set(j, c, 1)
			}
		}
	}
	beta, err := fitLogit(x, succ, total)
	if err != nil {
		return nil, err
	}
	pp := make([]float64, len(succ))
	for j := range pp {
		pp[j] = sigmoid(mat.Dot(x.RowView(j), mat.NewVecDense(k, beta)))
	}
	out := make([]float64, len(rows))
	for i := range rows {
		out[i] = pp[of[i]]
	}
	return out, nil
}
