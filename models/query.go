package models

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/effekt/effekt/config"
)

// StatusSuppressed is the status of a cell whose denominator is below min_n
// in every outward view (API, exports, metrics, dashboards, CLI).
const StatusSuppressed = "suppressed"

// Value is one outward cell of indicator_values, with disclosure control
// applied: when Status is StatusSuppressed, Numerator, Denominator, Value and
// the interval are nil.
type Value struct {
	KPI          string
	Municipality string // 0127, 00LL, 0000 or G…
	Period       int
	Gender       string // T | K | M
	Numerator    *int64
	Denominator  *int64
	Value        *float64
	CILow        *float64
	CIHigh       *float64
	Status       string
	AsOf         time.Time
	// Members is Kolada's count: 1 for a municipality; for a region, Riket or
	// a group the number of member municipalities with a cell of their own
	// for the same kpi, period and gender.
	Members int
}

// Filter selects outward values; empty slices select everything.
type Filter struct {
	KPIs           []string
	Municipalities []string
	Periods        []int
	Genders        []string
}

// Query returns the outward view of indicator_values for f, suppressing
// cells with a denominator below minN, ordered by kpi, municipality, period
// and gender. groups gives the members of G… areas for their Members count.
func Query(ctx context.Context, db *sql.DB, f Filter, minN int, groups []config.Group) ([]Value, error) {
	// The member counts only need the cells of the requested kpis, periods
	// and genders: filtering inside the CTE keeps a small request small.
	var where, muniWhere []string
	var args, muniArgs []any
	in := func(col string, vals []any, inner bool) {
		if len(vals) == 0 {
			return
		}
		marks := " IN (" + strings.TrimSuffix(strings.Repeat("?,", len(vals)), ",") + ")"
		where = append(where, "v."+col+marks)
		args = append(args, vals...)
		if inner {
			muniWhere = append(muniWhere, col+marks)
			muniArgs = append(muniArgs, vals...)
		}
	}
	in("kpi", anys(f.KPIs), true)
	in("municipality", anys(f.Municipalities), false)
	in("period", anys(f.Periods), true)
	in("gender", anys(f.Genders), true)
	var groupRows []string
	for _, g := range groups {
		for _, m := range g.Members {
			groupRows = append(groupRows, fmt.Sprintf("('%s','%s')", sqlQuote(g.ID), sqlQuote(m)))
		}
	}
	groupCTE := "SELECT NULL::VARCHAR AS gid, NULL::VARCHAR AS member WHERE false"
	if len(groupRows) > 0 {
		groupCTE = "SELECT * FROM (VALUES " + strings.Join(groupRows, ",") + ") g(gid, member)"
	}
	q := `
WITH grp AS (` + groupCTE + `),
muni AS (
    SELECT kpi, period, gender, municipality FROM indicator_values
    WHERE length(municipality) = 4 AND municipality NOT LIKE '00%'` + andWhere(muniWhere) + `
),
members AS (
    SELECT kpi, period, gender, '00' || substr(municipality, 1, 2) AS area, count(*) AS n FROM muni GROUP BY ALL
    UNION ALL
    SELECT kpi, period, gender, '0000', count(*) FROM muni GROUP BY ALL
    UNION ALL
    SELECT m.kpi, m.period, m.gender, grp.gid, count(*) FROM muni m JOIN grp ON grp.member = m.municipality GROUP BY ALL
)
SELECT v.kpi, v.municipality, v.period, v.gender, v.numerator, v.denominator, v.value, v.ci_low, v.ci_high,
       v.status, v.as_of, coalesce(mb.n, 1) AS members
FROM indicator_values v
LEFT JOIN members mb ON mb.kpi = v.kpi AND mb.period = v.period AND mb.gender = v.gender AND mb.area = v.municipality`
	if len(where) > 0 {
		q += "\nWHERE " + strings.Join(where, " AND ")
	}
	q += "\nORDER BY v.kpi, v.municipality, v.period, v.gender"
	rows, err := db.QueryContext(ctx, q, append(muniArgs, args...)...)
	if err != nil {
		return nil, fmt.Errorf("query indicator values: %w", err)
	}
	defer rows.Close()
	var out []Value
	for rows.Next() {
		var v Value
		var num sql.NullInt64
		var den int64
		var val, lo, hi sql.NullFloat64
		if err := rows.Scan(&v.KPI, &v.Municipality, &v.Period, &v.Gender, &num, &den, &val, &lo, &hi, &v.Status, &v.AsOf, &v.Members); err != nil {
			return nil, fmt.Errorf("scan indicator value: %w", err)
		}
		if den < int64(minN) {
			v.Status = StatusSuppressed
		} else {
			v.Denominator = &den
			if num.Valid {
				v.Numerator = &num.Int64
			}
			if val.Valid {
				v.Value = &val.Float64
			}
			if lo.Valid {
				v.CILow = &lo.Float64
			}
			if hi.Valid {
				v.CIHigh = &hi.Float64
			}
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read indicator values: %w", err)
	}
	return out, nil
}

func andWhere(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " AND " + strings.Join(conds, " AND ")
}

func anys[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

func sqlQuote(s string) string { return strings.ReplaceAll(s, "'", "''") }
