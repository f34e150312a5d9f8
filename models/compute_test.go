package models

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/transform"
)

// cell is one expected row of indicator_values. num −1 means NULL; NaN
// value or bounds mean NULL.
type cell struct {
	kpi, area string
	period    int
	gender    string
	num, den  int64
	value     float64
	lo, hi    float64
}

// key identifies a cell that must not exist.
type key struct {
	kpi, area string
	period    int
	gender    string
}

var none = math.NaN()

// p is a proportion cell: k of n, value and Wilson bounds computed by hand
// (centre (k+z²/2)/(n+z²), half z·sqrt(k(n−k)/n+z²/4)/(n+z²), z = 1.959964).
func p(kpi, area string, period int, gender string, k, n int64, value, lo, hi float64) cell {
	return cell{kpi, area, period, gender, k, n, value, lo, hi}
}

// m is a median cell.
func m(kpi, area string, period int, gender string, n int64, median float64) cell {
	return cell{kpi, area, period, gender, -1, n, median, none, none}
}

func TestIndicatorValues(t *testing.T) {
	asOf := date("2024-06-30")
	tests := []struct {
		name    string
		fixture string
		want    []cell
		absent  []key
		perKPI  map[string]int
	}{
		{
			// p01 registered 2023-07-01: window ends on as_of (in); p02
			// 2023-07-02: one day later (out). p03 registered twice: the
			// earliest (0127, Somali) counts; an absent session and one a day
			// after the window leave him at 50 h. p04 completes by a
			// certificate in the window, p05's certificate is too late.
			name: "civic orientation", fixture: "so",
			want: []cell{
				p("EF101", "0127", 2023, "T", 2, 4, 50, 15.00, 85.00),
				p("EF101", "0127", 2023, "K", 2, 3, 66.67, 20.77, 93.85),
				p("EF101", "0127", 2023, "M", 0, 1, 0, 0, 79.35),
				p("EF101", "0136", 2023, "T", 1, 1, 100, 20.65, 100),
				p("EF101", "0136", 2023, "M", 1, 1, 100, 20.65, 100),
				// county 3/5 = 60 %, not the mean of 50 % and 100 %
				p("EF101", "0001", 2023, "T", 3, 5, 60, 23.07, 88.24),
				p("EF101", "0000", 2023, "T", 3, 5, 60, 23.07, 88.24),
				p("EF101", "G0001", 2023, "T", 3, 5, 60, 23.07, 88.24),
				p("EF101", "G0002", 2023, "M", 1, 2, 50, 9.45, 90.55),
				// days to first session: p01 9, p03 14, p05 0; K even: (0+9)/2
				m("EF102", "0127", 2023, "T", 3, 9),
				m("EF102", "0127", 2023, "K", 2, 4.5),
				m("EF102", "0127", 2023, "M", 1, 14),
				m("EF102", "0001", 2023, "T", 3, 9),
				// languages: p01 ar, p02 sv, p03 so, p04 ti, p05 sv (p02 has no window)
				p("EF103", "0127", 2023, "T", 3, 5, 60, 23.07, 88.24),
				p("EF103", "0127", 2023, "K", 2, 3, 66.67, 20.77, 93.85),
				p("EF103", "0127", 2023, "M", 1, 2, 50, 9.45, 90.55),
				p("EF103", "0136", 2023, "T", 1, 1, 100, 20.65, 100),
				// 5 500 × cohort ÷ completers
				{"EF104", "0127", 2023, "T", 2, 4, 11000, none, none},
				{"EF104", "0127", 2023, "K", 2, 3, 8250, none, none},
				{"EF104", "0127", 2023, "M", 0, 1, none, none, none},
				{"EF104", "0001", 2023, "T", 3, 5, 9166.67, none, none},
			},
			absent: []key{{"EF101", "0127", 2024, "T"}, {"EF102", "0136", 2023, "T"}, {"EF101", "0136", 2023, "K"}},
			// EF101: 0127 TKM, 0136 TM, 0001/0000/G0001/G0002 TKM
			perKPI: map[string]int{"EF101": 17, "EF104": 17, "EF103": 17, "EF102": 15},
		},
		{
			// s1 settled 2024-04-01 (window ends on as_of) in 0127, registered
			// in 0136 on settled+90; s2 settled a day later (out of EF105, in
			// EF303). s3 registered settled−31 (no), s4 settled−30 (yes), s6
			// settled+90 (yes), s5 never.
			name: "settlement", fixture: "settle",
			want: []cell{
				p("EF105", "0127", 2023, "T", 2, 4, 50, 15.00, 85.00),
				p("EF105", "0127", 2023, "K", 1, 2, 50, 9.45, 90.55),
				p("EF105", "0127", 2023, "M", 1, 2, 50, 9.45, 90.55),
				p("EF105", "0127", 2024, "T", 1, 1, 100, 20.65, 100),
				p("EF105", "0127", 2024, "K", 1, 1, 100, 20.65, 100),
				// permit → settled: s3 31, s4 61, s5 9, s6 92; s1 91, s2 32
				m("EF303", "0127", 2023, "T", 4, 46),
				m("EF303", "0127", 2023, "K", 2, 35),
				m("EF303", "0127", 2023, "M", 2, 61.5),
				m("EF303", "0127", 2024, "T", 2, 61.5),
				m("EF303", "0127", 2024, "K", 1, 91),
				m("EF303", "0127", 2024, "M", 1, 32),
				m("EF303", "0001", 2023, "T", 4, 46),
			},
			absent: []key{{"EF105", "0127", 2024, "M"}, {"EF105", "0136", 2024, "T"}},
		},
		{
			// f1 starts 2023-07-01 (window ends on as_of) and passes on its
			// last day; f5 starts a day later (out). f2's E comes a day after
			// the window; f4 starts two courses the same day: C in 1281 counts.
			name: "sfi", fixture: "sfi",
			want: []cell{
				p("EF201", "1280", 2023, "T", 1, 1, 100, 20.65, 100),
				p("EF201", "1281", 2023, "T", 1, 3, 33.33, 6.15, 79.23),
				p("EF201", "1281", 2023, "K", 0, 1, 0, 0, 79.35),
				p("EF201", "1281", 2023, "M", 1, 2, 50, 9.45, 90.55),
				// Skåne: 1/1 and 1/3 give 2/4 = 50 %, not 66.7 %
				p("EF201", "0012", 2023, "T", 2, 4, 50, 15.00, 85.00),
				p("EF201", "0012", 2023, "K", 1, 2, 50, 9.45, 90.55),
				p("EF201", "0000", 2023, "T", 2, 4, 50, 15.00, 85.00),
			},
			absent: []key{{"EF201", "1280", 2023, "M"}, {"EF201", "G0001", 2023, "T"}},
			perKPI: map[string]int{"EF201": 11},
		},
		{
			// a1 ends two plans in 2023: the latest (SOK) counts, not STU. a4
			// has no outcome, a7 no end, a6 ends a day too late; a5 ends
			// 2024-04-01 (window ends on as_of). a9's plans end in 2022 and 2023.
			name: "af plans", fixture: "plans",
			want: []cell{
				p("EF301", "0127", 2023, "T", 3, 5, 60, 23.07, 88.24),
				p("EF301", "0127", 2023, "K", 1, 2, 50, 9.45, 90.55),
				p("EF301", "0127", 2023, "M", 2, 3, 66.67, 20.77, 93.85),
				p("EF301", "0127", 2022, "T", 1, 1, 100, 20.65, 100),
				p("EF301", "0127", 2024, "T", 0, 1, 0, 0, 79.35),
				p("EF302", "0127", 2023, "T", 1, 5, 20, 3.62, 62.45),
				p("EF302", "0127", 2023, "K", 0, 2, 0, 0, 65.76),
				p("EF302", "0127", 2023, "M", 1, 3, 33.33, 6.15, 79.23),
			},
			absent: []key{{"EF301", "0127", 2024, "M"}},
		},
		{
			// q4's intervention I3 is not in the catalogue: in EF401, not in
			// EF402. q5 has no end and no outcome: EF402 only. q1's second
			// participation ends after as_of: EF402 only. q6 starts after as_of.
			name: "participations", fixture: "participations",
			want: []cell{
				p("EF401", "0127", 2023, "T", 2, 4, 50, 15.00, 85.00),
				p("EF401", "0127", 2023, "K", 1, 2, 50, 9.45, 90.55),
				p("EF401", "0127", 2023, "M", 1, 2, 50, 9.45, 90.55),
				p("EF402", "0127", 2023, "T", 3, 5, 60, 23.07, 88.24),
				p("EF402", "0127", 2023, "K", 2, 4, 50, 15.00, 85.00),
				p("EF402", "0127", 2023, "M", 1, 1, 100, 20.65, 100),
			},
			absent: []key{{"EF401", "0127", 2024, "T"}, {"EF402", "0136", 2024, "T"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			db := openDB(t)
			loadFixture(t, db, tt.fixture)
			res, err := Compute(ctx, db, ComputeOptions{AsOf: asOf, Groups: config.DefaultGroups(), Now: fixedNow})
			if err != nil {
				t.Fatal(err)
			}
			if !res.AsOf.Equal(asOf) {
				t.Errorf("as_of = %s, want %s", res.AsOf, asOf)
			}
			for _, w := range tt.want {
				got, ok := readCell(t, db, key{w.kpi, w.area, w.period, w.gender})
				if !ok {
					t.Errorf("%s %s %d %s: no row", w.kpi, w.area, w.period, w.gender)
					continue
				}
				if d := diffCell(got, w); d != "" {
					t.Errorf("%s %s %d %s: %s", w.kpi, w.area, w.period, w.gender, d)
				}
			}
			for _, k := range tt.absent {
				if _, ok := readCell(t, db, k); ok {
					t.Errorf("%v: row exists, want none", k)
				}
			}
			for kpi, n := range tt.perKPI {
				if res.PerKPI[kpi] != n {
					t.Errorf("rows for %s = %d, want %d", kpi, res.PerKPI[kpi], n)
				}
			}
		})
	}
}

func readCell(t *testing.T, db *sql.DB, k key) (cell, bool) {
	t.Helper()
	var num sql.NullInt64
	var v, lo, hi sql.NullFloat64
	c := cell{kpi: k.kpi, area: k.area, period: k.period, gender: k.gender}
	var status string
	err := db.QueryRow(`SELECT numerator, denominator, value, ci_low, ci_high, status FROM indicator_values
		WHERE kpi = ? AND municipality = ? AND period = ? AND gender = ?`, k.kpi, k.area, k.period, k.gender).
		Scan(&num, &c.den, &v, &lo, &hi, &status)
	if err == sql.ErrNoRows {
		return c, false
	}
	if err != nil {
		t.Fatal(err)
	}
	if status != "" {
		t.Errorf("%v: status %q in the table, want ''", k, status)
	}
	c.num = -1
	if num.Valid {
		c.num = num.Int64
	}
	nf := func(f sql.NullFloat64) float64 {
		if f.Valid {
			return f.Float64
		}
		return none
	}
	c.value, c.lo, c.hi = nf(v), nf(lo), nf(hi)
	return c, true
}

func diffCell(got, want cell) string {
	close := func(a, b float64) bool {
		if math.IsNaN(a) || math.IsNaN(b) {
			return math.IsNaN(a) && math.IsNaN(b)
		}
		return math.Abs(a-b) <= 0.005
	}
	if got.num != want.num || got.den != want.den || !close(got.value, want.value) || !close(got.lo, want.lo) || !close(got.hi, want.hi) {
		return fmt.Sprintf("got %d/%d value %.4f [%.4f, %.4f], want %d/%d value %.2f [%.2f, %.2f]",
			got.num, got.den, got.value, got.lo, got.hi, want.num, want.den, want.value, want.lo, want.hi)
	}
	return ""
}

func TestWilson(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := prepare(ctx, conn, date("2024-01-01"), nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		k, n   int64
		lo, hi float64
	}{
		{5, 10, 23.66, 76.34},
		{0, 5, 0, 43.45},
		{5, 5, 56.55, 100},
		{1, 3, 6.15, 79.23},
		{2, 4, 15.00, 85.00},
		{1, 1, 20.65, 100},
		{4, 5, 37.55, 96.38},
	}
	for _, tt := range tests {
		var lo, hi float64
		if err := conn.QueryRowContext(ctx, `SELECT effekt_wilson_low(?::BIGINT, ?::BIGINT), effekt_wilson_high(?::BIGINT, ?::BIGINT)`, tt.k, tt.n, tt.k, tt.n).Scan(&lo, &hi); err != nil {
			t.Fatal(err)
		}
		if math.Abs(lo-tt.lo) > 0.005 || math.Abs(hi-tt.hi) > 0.005 {
			t.Errorf("wilson(%d, %d) = [%.4f, %.4f], want [%.2f, %.2f]", tt.k, tt.n, lo, hi, tt.lo, tt.hi)
		}
		if lo < 0 || hi > 100 {
			t.Errorf("wilson(%d, %d) = [%v, %v] outside [0, 100]", tt.k, tt.n, lo, hi)
		}
		if glo, ghi := Wilson(float64(tt.k), float64(tt.n)); math.Abs(glo-lo) > 1e-9 || math.Abs(ghi-hi) > 1e-9 {
			t.Errorf("Wilson(%d, %d) = [%v, %v] in Go, [%v, %v] in SQL", tt.k, tt.n, glo, ghi, lo, hi)
		}
	}
}

func TestDefaultAsOf(t *testing.T) {
	tests := []struct {
		name  string
		today string
		want  string
	}{
		// latest event: p01's session on 2024-06-30
		{"latest event", "2025-01-01", "2024-06-30"},
		// events after today are ignored: p03's session on 2024-03-01 is the latest left
		{"future events ignored", "2024-06-15", "2024-03-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openDB(t)
			loadFixture(t, db, "so")
			now := func() time.Time { return date(tt.today).Add(10 * time.Hour) }
			res, err := Compute(context.Background(), db, ComputeOptions{Now: now})
			if err != nil {
				t.Fatal(err)
			}
			if got := res.AsOf.Format(time.DateOnly); got != tt.want {
				t.Errorf("as_of = %s, want %s", got, tt.want)
			}
		})
	}
	t.Run("empty database", func(t *testing.T) {
		db := openDB(t)
		res, err := Compute(context.Background(), db, ComputeOptions{Now: fixedNow})
		if err != nil {
			t.Fatal(err)
		}
		if got := res.AsOf.Format(time.DateOnly); got != "2025-01-02" || res.Rows != 0 {
			t.Errorf("as_of %s rows %d, want 2025-01-02 and 0", got, res.Rows)
		}
	})
}

// TestSOFee: EF104 uses the configured fee: 6 000 × 4 persons ÷ 2 completers.
func TestSOFee(t *testing.T) {
	db := openDB(t)
	loadFixture(t, db, "so")
	if _, err := Compute(context.Background(), db, ComputeOptions{AsOf: date("2024-06-30"), SOFee: 6000, Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	got, ok := readCell(t, db, key{"EF104", "0127", 2023, "T"})
	if !ok {
		t.Fatal("no EF104 row")
	}
	if d := diffCell(got, cell{"EF104", "0127", 2023, "T", 2, 4, 12000, none, none}); d != "" {
		t.Error(d)
	}
	// no groups configured: no G rows
	if _, ok := readCell(t, db, key{"EF104", "G0001", 2023, "T"}); ok {
		t.Error("G0001 row without configured groups")
	}
}

// TestComputeConcurrent: two Computes at once (a schedule and an API
// trigger) both succeed and leave the same table.
func TestComputeConcurrent(t *testing.T) {
	db := openDB(t)
	loadFixture(t, db, "so")
	errs := make(chan error, 2)
	for i := 0; i < 2; i++ {
		go func() {
			_, err := Compute(context.Background(), db, ComputeOptions{AsOf: date("2024-06-30"), Now: fixedNow})
			errs <- err
		}()
	}
	for i := 0; i < 2; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM indicator_values WHERE kpi = 'EF101'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	// 0127 TKM, 0136 TM, 0001 TKM, 0000 TKM (no groups configured)
	if n != 11 {
		t.Errorf("EF101 rows = %d, want 11", n)
	}
}

// TestComputeKeepsTransform: a second compute with nothing loaded keeps the
// cohort tables and publishes the same cells; a file loaded meanwhile makes
// it update them for that file's persons, and the new person counts; rows
// no recorded load accounts for make it rebuild them; Rebuild always
// rebuilds.
func TestComputeKeepsTransform(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	loadFixture(t, db, "so")
	opt := ComputeOptions{AsOf: date("2024-06-30"), Now: fixedNow}
	ef101 := func() (num, den int64) {
		t.Helper()
		c, ok := readCell(t, db, key{"EF101", "0127", 2023, "T"})
		if !ok {
			t.Fatal("no EF101 0127 2023 T cell")
		}
		return c.num, c.den
	}
	// fileRow records file id as a load of one so_registrations row
	fileRow := func(id int) string {
		return fmt.Sprintf(`INSERT INTO files (file_id, path, name, kind, sha256, size_bytes, rows_read, rows_loaded, rows_rejected,
			status, started_at, finished_at, duration_ms, rows_replaced)
			VALUES (%d, 'f%d.csv', 'f%d.csv', 'so_registrations', 'sha%d', 1, 1, 1, 0, 'loaded', now(), now(), 0, 0)`, id, id, id, id)
	}
	steps := []struct {
		name    string
		before  string // SQL run before the compute
		rebuild bool
		want    transform.Action
		persons int64 // Updated: persons in scope
		den     int64 // EF101 0127 2023 T denominator after it
	}{
		{"first", "", false, transform.Rebuilt, 0, 4},
		{"nothing loaded", "", false, transform.Kept, 0, 4},
		// a later file registers one more person in 0127 in 2023
		{"a file loaded", fileRow(99) + `; INSERT INTO so_registrations VALUES ('p99', DATE '1990-01-01', 'K', '0127', DATE '2023-06-15', 'ar', NULL, 99, 2, hash('p99'))`,
			false, transform.Updated, 1, 5},
		{"nothing loaded again", "", false, transform.Kept, 0, 5},
		// a row no load accounts for
		{"a row without a file", `INSERT INTO so_registrations VALUES ('p98', DATE '1990-01-01', 'K', '0127', DATE '2023-06-16', 'ar', NULL, 98, 2, hash('p98'))`,
			false, transform.Rebuilt, 0, 6},
		{"rebuild asked for", "", true, transform.Rebuilt, 0, 6},
	}
	for _, s := range steps {
		if s.before != "" {
			if _, err := db.ExecContext(ctx, s.before); err != nil {
				t.Fatal(err)
			}
		}
		opt.Rebuild = s.rebuild
		res, err := Compute(ctx, db, opt)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if res.Transform.Action != s.want || res.Transform.Persons != s.persons {
			t.Errorf("%s: transform %v for %d persons, want %v for %d", s.name, res.Transform.Action, res.Transform.Persons, s.want, s.persons)
		}
		if _, den := ef101(); den != s.den {
			t.Errorf("%s: EF101 0127 2023 T denominator %d, want %d", s.name, den, s.den)
		}
	}
}

// TestComputeOneRowPerCell: a step that writes a cell twice fails the
// compute, and the published values stay as they were (indicator_changes
// has no key constraint: compute checks it).
func TestComputeOneRowPerCell(t *testing.T) {
	ctx := context.Background()
	db, opt := computedSO(t)
	var before int
	if err := db.QueryRow(`SELECT count(*) FROM indicator_values`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	opt.Steps = []Step{{Name: "duplicate", Run: func(ctx context.Context, tx *sql.Tx, asOf, computedAt time.Time) (map[string]int, error) {
		_, err := tx.ExecContext(ctx, `INSERT INTO indicator_values SELECT * FROM indicator_values WHERE kpi = 'EF101' AND municipality = '0127' AND period = 2023 AND gender = 'T'`)
		return map[string]int{"EF101": 1}, err
	}}}
	_, err := Compute(ctx, db, opt)
	if err == nil || !strings.Contains(err.Error(), "two indicator rows share a cell") {
		t.Fatalf("Compute with a duplicate cell: %v, want the one-row-per-cell error", err)
	}
	var after, changes int
	if err := db.QueryRow(`SELECT (SELECT count(*) FROM indicator_values), (SELECT count(*) FROM indicator_changes)`).Scan(&after, &changes); err != nil {
		t.Fatal(err)
	}
	if after != before || changes != before {
		t.Errorf("after the failed compute: %d values and %d changes, want %d of each", after, changes, before)
	}
}

// TestValuesChangedBeforeTx: the previous values are copied before the
// compute's transaction; a write to indicator_values between the copy and
// the transaction (here one row deleted) fails the compute with nothing
// changed, and leaves no copy behind; the next compute succeeds.
func TestValuesChangedBeforeTx(t *testing.T) {
	ctx := context.Background()
	db, opt := computedSO(t)
	db.SetMaxOpenConns(1) // the compute's connection is the one queried after it
	var before int
	if err := db.QueryRow(`SELECT count(*) FROM indicator_values`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	beforeTx = func(ctx context.Context, conn *sql.Conn) {
		if _, err := conn.ExecContext(ctx, `DELETE FROM indicator_values WHERE kpi = 'EF101' AND municipality = '0127' AND period = 2023 AND gender = 'T'`); err != nil {
			t.Error(err)
		}
	}
	_, err := Compute(ctx, db, opt)
	beforeTx = nil
	if err == nil || !strings.Contains(err.Error(), "indicator_values changed while the compute ran") {
		t.Fatalf("Compute with a write before its transaction: %v, want the changed error", err)
	}
	var after, changes, temps int
	if err := db.QueryRow(`SELECT (SELECT count(*) FROM indicator_values), (SELECT count(*) FROM indicator_changes),
		(SELECT count(*) FROM duckdb_tables() WHERE temporary)`).Scan(&after, &changes, &temps); err != nil {
		t.Fatal(err)
	}
	if after != before-1 || changes != before || temps != 0 {
		t.Errorf("after the failed compute: %d values (want %d: only the deleted row gone), %d changes (want %d), %d temporary tables (want 0)",
			after, before-1, changes, before, temps)
	}
	if _, err := Compute(ctx, db, opt); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM indicator_values`).Scan(&after); err != nil || after != before {
		t.Errorf("after the next compute: %d values, %v; want %d", after, err, before)
	}
}

// TestChangedRows: indicator_changes keeps one row per cell of
// indicator_values when a compute writes only the rows that differ: a row
// of a cell no longer computed goes, a cell without a row gets one at this
// compute's time, a cell with two rows keeps its latest, and unchanged
// cells keep theirs.
func TestChangedRows(t *testing.T) {
	ctx := context.Background()
	db, opt := computedSO(t)
	// a stray row for a cell that is not computed, a computed cell's row
	// gone, and a second, older row for an unchanged cell
	if _, err := db.Exec(`INSERT INTO indicator_changes VALUES ('EF101', '9999', 2023, 'T', TIMESTAMPTZ '2020-01-01 00:00:00+00');
		DELETE FROM indicator_changes WHERE kpi = 'EF101' AND municipality = '0127' AND period = 2023 AND gender = 'T'`); err != nil {
		t.Fatal(err)
	}
	var dk key
	if err := db.QueryRow(`SELECT kpi, municipality, period, gender FROM indicator_changes WHERE municipality <> '9999' ORDER BY ALL LIMIT 1`).Scan(&dk.kpi, &dk.area, &dk.period, &dk.gender); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO indicator_changes VALUES (?, ?, ?, ?, TIMESTAMPTZ '2020-01-01 00:00:00+00')`, dk.kpi, dk.area, dk.period, dk.gender); err != nil {
		t.Fatal(err)
	}
	later := fixedNow().Add(time.Hour)
	opt.Now = func() time.Time { return later }
	if _, err := Compute(ctx, db, opt); err != nil {
		t.Fatal(err)
	}
	var values, changes, stray, atLater, atFirst int
	var missing time.Time
	if err := db.QueryRow(`SELECT (SELECT count(*) FROM indicator_values), (SELECT count(*) FROM indicator_changes),
		(SELECT count(*) FROM indicator_changes WHERE municipality = '9999'),
		(SELECT count(*) FROM indicator_changes WHERE changed_at = ?), (SELECT count(*) FROM indicator_changes WHERE changed_at = ?),
		(SELECT changed_at FROM indicator_changes WHERE kpi = 'EF101' AND municipality = '0127' AND period = 2023 AND gender = 'T')`,
		later, fixedNow()).Scan(&values, &changes, &stray, &atLater, &atFirst, &missing); err != nil {
		t.Fatal(err)
	}
	if values < 10 || changes != values || stray != 0 {
		t.Errorf("%d values, %d change rows, %d stray; want as many rows as values (≥ 10) and no stray", values, changes, stray)
	}
	if !missing.Equal(later) || atLater != 1 || atFirst != values-1 {
		t.Errorf("the cell without a row: changed_at %v (want %v); %d rows at the later time (want 1), %d at the first (want %d)",
			missing, later, atLater, atFirst, values-1)
	}
	var kept time.Time
	if err := db.QueryRow(`SELECT changed_at FROM indicator_changes WHERE kpi = ? AND municipality = ? AND period = ? AND gender = ?`,
		dk.kpi, dk.area, dk.period, dk.gender).Scan(&kept); err != nil || !kept.Equal(fixedNow()) {
		t.Errorf("the cell %v with two rows: changed_at %v, %v; want one row at %v", dk, kept, err, fixedNow())
	}
	var joined int
	if err := db.QueryRow(`SELECT count(*) FROM indicator_values v JOIN indicator_changes c USING (kpi, municipality, period, gender)`).Scan(&joined); err != nil || joined != values {
		t.Errorf("%d values with their change row, %v; want %d", joined, err, values)
	}
}

// computedSO is a database with the "so" fixture computed as of
// 2024-06-30 at fixedNow, and the options that computed it.
func computedSO(t *testing.T) (*sql.DB, ComputeOptions) {
	t.Helper()
	db := openDB(t)
	loadFixture(t, db, "so")
	opt := ComputeOptions{AsOf: date("2024-06-30"), Now: fixedNow}
	if _, err := Compute(context.Background(), db, opt); err != nil {
		t.Fatal(err)
	}
	return db, opt
}

// TestMonthEnd: the end of the latest month a date completes.
func TestMonthEnd(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"2026-11-30", "2026-11-30"}, {"2026-12-02", "2026-11-30"}, {"2026-12-31", "2026-12-31"},
		{"2026-01-15", "2025-12-31"}, {"2024-02-29", "2024-02-29"}, {"2024-02-28", "2024-01-31"}, {"2026-03-01", "2026-02-28"},
	} {
		d, _ := time.Parse(time.DateOnly, tc.in)
		if got := MonthEnd(d).Format(time.DateOnly); got != tc.want {
			t.Errorf("MonthEnd(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
