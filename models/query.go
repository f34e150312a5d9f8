package models

import (
	"slices"
	"time"
)

// StatusSuppressed is the status of a cell hidden by disclosure control (a cohort below
// min_n, or a complementary cell; package snapshot)
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
	// ChangedAt is when the cell's computed content last changed (Kolada's
	// from_date filters on it).
	ChangedAt time.Time
}

// Filter selects outward values; empty slices select everything.
type Filter struct {
	KPIs           []string
	Municipalities []string
	Periods        []int
	Genders        []string
	// ChangedSince, when set, keeps cells changed at or after it (from_date).
	ChangedSince time.Time
}

// Match reports whether v passes every condition of f.
func (f Filter) Match(v Value) bool {
	return (len(f.KPIs) == 0 || slices.Contains(f.KPIs, v.KPI)) &&
		(len(f.Municipalities) == 0 || slices.Contains(f.Municipalities, v.Municipality)) &&
		(len(f.Periods) == 0 || slices.Contains(f.Periods, v.Period)) &&
		(len(f.Genders) == 0 || slices.Contains(f.Genders, v.Gender)) &&
		(f.ChangedSince.IsZero() || !v.ChangedAt.Before(f.ChangedSince))
}
