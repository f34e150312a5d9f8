package snapshot

import (
	"bytes"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/disclosure"
	"github.com/effekt/effekt/internal/fixture"
	"github.com/effekt/effekt/models"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

var fixedNow = func() time.Time { return time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC) }

func computed(t *testing.T, fixtures ...string) *sql.DB {
	t.Helper()
	db := fixture.OpenDB(t)
	fixture.Load(t, db, "../models/testdata", fixtures...)
	asOf, _ := time.Parse(time.DateOnly, "2024-06-30")
	if _, err := models.Compute(context.Background(), db, models.ComputeOptions{AsOf: asOf, Groups: config.DefaultGroups(), Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	return db
}

func build(t *testing.T, db *sql.DB, minN int) *Snapshot {
	t.Helper()
	s, err := Build(context.Background(), db, Options{MinN: minN, Groups: config.DefaultGroups()})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func fmtInt(p *int64) string {
	if p == nil {
		return "-"
	}
	return strconv.FormatInt(*p, 10)
}

func TestQuery(t *testing.T) {
	db := computed(t, "so", "sfi")
	tests := []struct {
		name string
		f    models.Filter
		minN int
		// want: one line per value: area gender num/den status members
		want []string
	}{
		{
			// EF101 Botkyrka 2023 has 4 persons: suppressed at min_n 5. EF103
			// has 5, but Haninge's 1 is suppressed and Stockholms län (6) =
			// Botkyrka + Haninge would give it away: Botkyrka, the smaller
			// of the two other terms, is the complementary cell.
			name: "cohort of 4 suppressed, of 5 complementary",
			f:    models.Filter{KPIs: []string{"EF101", "EF103"}, Municipalities: []string{"0127", "0136", "0001"}, Genders: []string{"T"}},
			minN: 5,
			want: []string{"EF101 0001 2023 T 3/5  2", "EF101 0127 2023 T -/- suppressed 1", "EF101 0136 2023 T -/- suppressed 1",
				"EF103 0001 2023 T 4/6  2", "EF103 0127 2023 T -/- suppressed 1", "EF103 0136 2023 T -/- suppressed 1"},
		},
		{
			name: "min_n 1 shows everything",
			f:    models.Filter{KPIs: []string{"EF101"}, Municipalities: []string{"0127"}, Periods: []int{2023}},
			minN: 1,
			want: []string{"EF101 0127 2023 K 2/3  1", "EF101 0127 2023 M 0/1  1", "EF101 0127 2023 T 2/4  1"},
		},
		{
			// min_n 2, EF101 2023: Botkyrka M = 1 is primary, so is Haninge's
			// T = M = 1. Relations in order: Botkyrka T = K + M has one
			// suppressed term, so K (3, smaller than T's 4) is complementary;
			// Stockholms län T (5) = Botkyrka T (4) + Haninge T then needs
			// Botkyrka T too. Smallest-first is not minimal, but it is safe.
			name: "complementary across the hierarchy",
			f:    models.Filter{KPIs: []string{"EF101"}, Municipalities: []string{"0127", "0136"}, Periods: []int{2023}},
			minN: 2,
			want: []string{"EF101 0127 2023 K -/- suppressed 1", "EF101 0127 2023 M -/- suppressed 1", "EF101 0127 2023 T -/- suppressed 1",
				"EF101 0136 2023 M -/- suppressed 1", "EF101 0136 2023 T -/- suppressed 1"},
		},
		{
			// members: municipalities with a cell of their own in the same
			// kpi/period/gender (min_n 1: at min_n 3 these totals of 4 and 5
			// are hidden too, since their suppressed parts would hold 1–2
			// persons each)
			name: "members of county, Riket and groups",
			f:    models.Filter{KPIs: []string{"EF101", "EF201"}, Municipalities: []string{"0001", "0012", "0000", "G0001"}, Genders: []string{"T", "M"}},
			minN: 1,
			want: []string{
				"EF101 0000 2023 M 1/2  2", "EF101 0000 2023 T 3/5  2",
				"EF101 0001 2023 M 1/2  2", "EF101 0001 2023 T 3/5  2",
				"EF101 G0001 2023 M 1/2  2", "EF101 G0001 2023 T 3/5  2",
				"EF201 0000 2023 M 1/2  1", "EF201 0000 2023 T 2/4  2",
				"EF201 0012 2023 M 1/2  1", "EF201 0012 2023 T 2/4  2",
			},
		},
		{
			name: "no match",
			f:    models.Filter{KPIs: []string{"EF201"}, Periods: []int{2019}},
			minN: 5,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, v := range build(t, db, tt.minN).Query(tt.f) {
				if v.Status == models.StatusSuppressed && (v.Value != nil || v.CILow != nil || v.CIHigh != nil || v.Numerator != nil || v.Denominator != nil) {
					t.Errorf("%+v: suppressed cell carries numbers", v)
				}
				got = append(got, strings.Join([]string{v.KPI, v.Municipality, strconv.Itoa(v.Period), v.Gender,
					fmtInt(v.Numerator) + "/" + fmtInt(v.Denominator), v.Status, strconv.Itoa(v.Members)}, " "))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestNoLeakByDifference: the published snapshot of every fixture together
// leaves no suppressed cell recoverable by one subtraction, and it
// suppresses more than the primary cells (the fixtures need complementary
// cells).
func TestNoLeakByDifference(t *testing.T) {
	db := computed(t, "so", "settle", "sfi", "plans", "participations")
	s := build(t, db, 5)
	if s.Complementary == 0 || s.Primary == 0 {
		t.Errorf("primary %d complementary %d: want both > 0 on the fixtures", s.Primary, s.Complementary)
	}
	cells, sup := Cells(s)
	areas := Areas(config.DefaultGroups())
	areas.MinN = 5
	if leaks := disclosure.Audit(cells, sup, areas); len(leaks) != 0 {
		t.Errorf("%d leaks, first %+v", len(leaks), leaks[0])
	}
}

// TestGolden compares the full `effekt indicators --format csv` output for
// every fixture loaded together with testdata/golden/expected.csv
// (go test ./snapshot -run TestGolden -update rewrites it).
func TestGolden(t *testing.T) {
	db := computed(t, "so", "settle", "sfi", "plans", "participations")
	var buf bytes.Buffer
	if err := models.WriteValues(&buf, models.FormatCSV, build(t, db, 5).All(), config.DefaultGroups()); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "golden", "expected.csv")
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("csv output differs from %s (run with -update and review the diff):\n%s", path, buf.String())
	}
}

// TestChangedAt: a second compute at a later time keeps changed_at of
// unchanged cells; a changed cell gets the new time; from_date filters.
func TestChangedAt(t *testing.T) {
	db := computed(t, "so", "sfi")
	later := func() time.Time { return fixedNow().Add(48 * time.Hour) }
	// One more EF103 registration in Botkyrka 2023 changes EF103 cells there.
	if _, err := db.Exec(`INSERT INTO so_registrations (person, birth_date, gender, municipality, registered_on, language, file_id, line, person_key)
		VALUES ('p-new', DATE '1990-01-01', 'K', '0127', DATE '2023-03-01', 'ar', 0, 999, hash('p-new'))`); err != nil {
		t.Fatal(err)
	}
	asOf, _ := time.Parse(time.DateOnly, "2024-06-30")
	if _, err := models.Compute(context.Background(), db, models.ComputeOptions{AsOf: asOf, Groups: config.DefaultGroups(), Now: later}); err != nil {
		t.Fatal(err)
	}
	s := build(t, db, 1)
	changed := s.Query(models.Filter{KPIs: []string{"EF103"}, Municipalities: []string{"0127"}, Periods: []int{2023}, Genders: []string{"T"}})
	same := s.Query(models.Filter{KPIs: []string{"EF201"}, Periods: []int{2023}, Genders: []string{"T"}})
	if len(changed) != 1 || !changed[0].ChangedAt.Equal(later()) {
		t.Fatalf("changed cell: %+v, want changed_at %v", changed, later())
	}
	if len(same) == 0 {
		t.Fatal("no EF201 cells")
	}
	for _, v := range same {
		if !v.ChangedAt.Equal(fixedNow()) {
			t.Errorf("unchanged %s %s: changed_at %v, want %v", v.KPI, v.Municipality, v.ChangedAt, fixedNow())
		}
	}
	since := s.Query(models.Filter{ChangedSince: fixedNow().Add(24 * time.Hour)})
	for _, v := range since {
		if !v.ChangedAt.Equal(later()) {
			t.Errorf("from_date kept %+v", v)
		}
	}
	if len(since) == 0 || len(since) == s.Len() {
		t.Errorf("from_date kept %d of %d cells", len(since), s.Len())
	}
}

// TestNestsHold: the catalogue's nestings (models.Nests) hold in every
// cell of every fixture computed together: a nesting that did not would
// give the disclosure check a false inequality. Each nesting must also be
// exercised (some cell of Sub has a Super cell).
func TestNestsHold(t *testing.T) {
	db := computed(t, "so", "settle", "sfi", "plans", "participations")
	type key struct {
		kpi, area string
		period    int
		gender    string
	}
	type nk struct {
		n int64
		k sql.NullInt64
	}
	at := map[key]nk{}
	rows, err := db.Query(`SELECT kpi, municipality, period, gender, denominator, numerator FROM indicator_values`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k key
		var v nk
		if err := rows.Scan(&k.kpi, &k.area, &k.period, &k.gender, &v.n, &v.k); err != nil {
			t.Fatal(err)
		}
		at[k] = v
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	of := func(v nk, q string) int64 {
		switch q {
		case "k":
			return v.k.Int64
		case "f":
			return v.n - v.k.Int64
		}
		return v.n
	}
	for _, n := range models.Nests() {
		pairs := 0
		for k, sub := range at {
			if k.kpi != n.Sub {
				continue
			}
			sk := k
			sk.kpi = n.Super
			sup, ok := at[sk]
			if !ok {
				if n.Of == "n" {
					t.Errorf("%v: %s has the cell, %s not", k, n.Sub, n.Super)
				}
				continue
			}
			if n.Of != "n" && (!sub.k.Valid || !sup.k.Valid) {
				continue
			}
			pairs++
			if a, b := of(sub, n.Of), of(sup, n.Of); a > b {
				t.Errorf("%v: %s %s %d > %s %d", k, n.Of, n.Sub, a, n.Super, b)
			}
		}
		if pairs == 0 {
			t.Errorf("%+v: no cell pairs in the fixtures", n)
		}
	}
}

// releaseFixture is a database with the models' fixtures loaded, and the
// default groups.
func releaseFixture(t *testing.T) (*sql.DB, []config.Group) {
	t.Helper()
	db := fixture.OpenDB(t)
	fixture.Load(t, db, "../models/testdata", "so", "settle", "sfi", "plans", "participations")
	return db, config.DefaultGroups()
}

// TestReleases: computes of the fixtures at 2023-12-31, 2024-03-31 and
// 2024-06-30 (later cohorts grow), each with ReleaseStep. After the first
// there is no release before; after the second, the first's base cells
// with the pattern its snapshot published, every block; after the third,
// the second's blocks that differ from the first's. A compute that
// changes nothing adds no release. Each snapshot is protected against
// every release before it (the audit of them all finds nothing), and a
// compute back at 2023-12-31 (a correction's --force) hides every cell
// the first publication of that date hid.
func TestReleases(t *testing.T) {
	ctx := context.Background()
	db, groups := releaseFixture(t)
	opt := Options{MinN: 5, Groups: groups}
	compute := func(asOf string) {
		t.Helper()
		d, _ := time.Parse(time.DateOnly, asOf)
		if _, err := models.Compute(ctx, db, models.ComputeOptions{AsOf: d, Groups: groups, Now: fixedNow, Steps: []models.Step{ReleaseStep(opt)}}); err != nil {
			t.Fatal(err)
		}
	}
	type release struct {
		asOf          string
		cells, hidden int
	}
	releases := func() []release {
		t.Helper()
		rows, err := db.Query(`SELECT coalesce(strftime(r.as_of, '%Y-%m-%d'), ''), count(c.kpi), count(*) FILTER (WHERE c.suppressed)
			FROM releases r LEFT JOIN release_cells c USING (release) GROUP BY r.release, r.as_of ORDER BY r.release`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []release
		for rows.Next() {
			var r release
			if err := rows.Scan(&r.asOf, &r.cells, &r.hidden); err != nil {
				t.Fatal(err)
			}
			out = append(out, r)
		}
		return out
	}
	audit := func(s *Snapshot) {
		t.Helper()
		hist, err := readHistory(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		cells, sup, err := TrueCells(ctx, db, s)
		if err != nil {
			t.Fatal(err)
		}
		areas := Areas(groups)
		areas.MinN, areas.History, areas.AsOf = 5, hist, s.AsOf.Format(time.DateOnly)
		if leaks := disclosure.Audit(cells, sup, areas); len(leaks) != 0 {
			t.Errorf("as_of %s with %d releases before: %d leaks, first %+v", areas.AsOf, len(hist), len(leaks), leaks[0])
		}
	}
	base := func(s *Snapshot) (n, hidden int, hid map[disclosure.Key]bool) {
		hid = map[disclosure.Key]bool{}
		for _, v := range s.All() {
			if b, _ := models.CompanionOf(v.KPI); b == "" {
				n++
				if v.Status == models.StatusSuppressed {
					hidden++
					hid[disclosure.Key{KPI: v.KPI, Area: v.Municipality, Period: v.Period, Gender: v.Gender}] = true
				}
			}
		}
		return n, hidden, hid
	}
	compute("2023-12-31")
	if r := releases(); len(r) != 0 {
		t.Fatalf("after the first compute: %v, want no release", r)
	}
	first := build(t, db, 5)
	n1, h1, hid1 := base(first)
	compute("2024-03-31")
	if r := releases(); len(r) != 1 || r[0] != (release{"2023-12-31", n1, h1}) || h1 == 0 {
		t.Errorf("after the second compute: %v, want [{2023-12-31 %d %d}]", r, n1, h1)
	}
	audit(build(t, db, 5))
	compute("2024-06-30")
	r := releases()
	if len(r) != 2 || r[1].asOf != "2024-03-31" || r[1].cells == 0 || r[1].cells >= n1 {
		t.Errorf("after the third compute: %v, want a second release of 2024-03-31 holding its changed blocks only", r)
	}
	third := build(t, db, 5)
	if third.Primary+third.Complementary == 0 {
		t.Fatal("the third snapshot hides nothing")
	}
	audit(third)
	compute("2024-06-30")
	if got := releases(); !slices.Equal(got, r) {
		t.Errorf("after a compute changing nothing: %v, want %v kept", got, r)
	}
	// back at the first date: its cells again, hidden at least where the
	// first publication hid them
	compute("2023-12-31")
	if got := releases(); len(got) != 3 || got[2].asOf != "2024-06-30" {
		t.Errorf("after the compute back: %v, want a third release of 2024-06-30", got)
	}
	back := build(t, db, 5)
	_, _, hidBack := base(back)
	for k := range hid1 {
		if !hidBack[k] {
			t.Errorf("%v: hidden by the first publication of 2023-12-31, published by the second", k)
		}
	}
	audit(back)
}

// TestStoredPattern: the compute stores the pattern of its values
// (published_pattern) and Build publishes with it while the values,
// min_n, groups and releases are the ones it was computed from: a key
// put into the stored pattern by hand is hidden by Build (it is read, not
// computed), and not at another min_n or once a value changed, where
// Build computes the pattern itself, the same as with no stored pattern.
func TestStoredPattern(t *testing.T) {
	ctx := context.Background()
	db, groups := releaseFixture(t)
	for _, asOf := range []string{"2023-12-31", "2024-06-30"} {
		d, _ := time.Parse(time.DateOnly, asOf)
		if _, err := models.Compute(ctx, db, models.ComputeOptions{AsOf: d, Groups: groups, Now: fixedNow, Steps: []models.Step{ReleaseStep(Options{MinN: 5, Groups: groups})}}); err != nil {
			t.Fatal(err)
		}
	}
	pattern := func(s *Snapshot) map[string]bool {
		m := map[string]bool{}
		for _, v := range s.All() {
			if v.Status == models.StatusSuppressed {
				m[fmt.Sprintf("%s %s %d %s", v.KPI, v.Municipality, v.Period, v.Gender)] = true
			}
		}
		return m
	}
	var stored, states int
	if err := db.QueryRow(`SELECT (SELECT count(*) FROM published_pattern), (SELECT count(*) FROM published_pattern_state)`).Scan(&stored, &states); err != nil {
		t.Fatal(err)
	}
	withStored := build(t, db, 5)
	base := 0
	for k := range pattern(withStored) {
		if b, _ := models.CompanionOf(strings.Fields(k)[0]); b == "" {
			base++
		}
	}
	if states != 1 || stored == 0 || stored != base {
		t.Fatalf("stored: %d hidden keys, %d states; want the %d hidden base cells, 1 state", stored, states, base)
	}
	// a published cell of a large cohort, hidden in the stored pattern by hand
	var kpi, area, gender string
	var period int
	if err := db.QueryRow(`SELECT kpi, municipality, period, gender FROM indicator_values WHERE length(kpi) = 5 AND denominator >= 5
		AND (kpi, municipality, period, gender) NOT IN (SELECT * FROM published_pattern) ORDER BY denominator DESC, kpi, municipality, period, gender LIMIT 1`).Scan(&kpi, &area, &period, &gender); err != nil {
		t.Fatal(err)
	}
	key := fmt.Sprintf("%s %s %d %s", kpi, area, period, gender)
	if _, err := db.Exec(`INSERT INTO published_pattern VALUES (?, ?, ?, ?)`, kpi, area, period, gender); err != nil {
		t.Fatal(err)
	}
	if !pattern(build(t, db, 5))[key] {
		t.Errorf("%s: published, want hidden (Build reads the stored pattern)", key)
	}
	// Build with no stored pattern (its state taken away, then put back)
	fresh := func(minN int) map[string]bool {
		t.Helper()
		for _, q := range []string{`CREATE OR REPLACE TABLE saved_state AS SELECT * FROM published_pattern_state`, `DELETE FROM published_pattern_state`} {
			if _, err := db.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		defer db.Exec(`INSERT INTO published_pattern_state SELECT * FROM saved_state`) //nolint:errcheck // checked by the next Build
		s, err := Build(ctx, db, Options{MinN: minN, Groups: groups})
		if err != nil {
			t.Fatal(err)
		}
		return pattern(s)
	}
	if got := pattern(build(t, db, 7)); got[key] || !maps.Equal(got, fresh(7)) {
		t.Errorf("min_n 7: %s hidden %v, or not as computed without the stored pattern", key, got[key])
	}
	if got := fresh(5); got[key] || !maps.Equal(pattern(withStored), got) {
		t.Error("the stored pattern is not the one Build computes")
	}
	if !pattern(build(t, db, 5))[key] {
		t.Fatalf("%s: published after the state was put back, want hidden", key)
	}
	// another as_of: other values to a reader, the pattern computed again
	if _, err := db.Exec(`UPDATE indicator_values SET as_of = as_of + 1`); err != nil {
		t.Fatal(err)
	}
	if got := pattern(build(t, db, 5)); got[key] {
		t.Errorf("after the values changed: %s hidden, want the pattern computed again", key)
	}
}

// TestStoredPatternKept: a compute that changes no cell keeps the stored
// pattern when the previous compute wrote it (and marks it as the new
// values'); when a compute without the release step changed the values
// in between (here at the same as_of, without the group G0002), the next
// one with it stores their pattern anew although it changes nothing
// itself.
func TestStoredPatternKept(t *testing.T) {
	ctx := context.Background()
	db, groups := releaseFixture(t)
	fewer := slices.DeleteFunc(slices.Clone(groups), func(g config.Group) bool { return g.ID == "G0002" })
	clock := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	compute := func(gs []config.Group, step bool) {
		t.Helper()
		clock = clock.Add(time.Minute)
		now := clock
		d, _ := time.Parse(time.DateOnly, "2024-06-30")
		opt := models.ComputeOptions{AsOf: d, Groups: gs, Now: func() time.Time { return now }}
		if step {
			opt.Steps = []models.Step{ReleaseStep(Options{MinN: 5, Groups: groups})}
		}
		if _, err := models.Compute(ctx, db, opt); err != nil {
			t.Fatal(err)
		}
	}
	// whether the stored pattern is for the cells now, and marked as the
	// values' of the last compute
	current := func() (cells, marked bool) {
		t.Helper()
		cs, err := readCells(ctx, db, `SELECT kpi, municipality, period, gender, denominator, numerator FROM indicator_values WHERE length(kpi) = 5`)
		if err != nil {
			t.Fatal(err)
		}
		st, err := storedState(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		var at time.Time
		if err := db.QueryRow(`SELECT max(computed_at) FROM indicator_values`).Scan(&at); err != nil {
			t.Fatal(err)
		}
		return st.cells == cellsPrint(cs), st.computedAt.Valid && st.computedAt.Time.Equal(at)
	}
	compute(groups, true)
	if c, m := current(); !c || !m {
		t.Fatalf("after the first compute: for its cells %v, marked %v; want both", c, m)
	}
	compute(groups, true) // changes nothing
	if c, m := current(); !c || !m {
		t.Errorf("after a compute changing nothing: for its cells %v, marked %v; want both", c, m)
	}
	compute(fewer, false) // other values, no pattern stored
	if c, _ := current(); c {
		t.Fatal("a compute without the step: the stored pattern is still for the cells (the test proves nothing)")
	}
	compute(fewer, true) // changes nothing itself
	if c, m := current(); !c || !m {
		t.Errorf("after a compute with the step: for its cells %v, marked %v; want both", c, m)
	}
}
