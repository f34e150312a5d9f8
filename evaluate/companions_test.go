package evaluate

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/disclosure"
	"github.com/effekt/effekt/models"
	"github.com/effekt/effekt/sample"
	"github.com/effekt/effekt/snapshot"
)

// TestCompanionsPublished: a compute with CompanionStep publishes, for every
// proportion indicator, <kpi>F, <kpi>A and <kpi>K beside it. Read back from
// the published snapshot (FromPublished) they equal the model computed on
// its own (ExpectedValues, Go's formulas) cell for cell; they have their
// indicator's denominator; they are hidden exactly where their indicator is;
// and the disclosure audit finds no cell recoverable by subtraction.
func TestCompanionsPublished(t *testing.T) {
	if testing.Short() {
		t.Skip("simulation: a sample written and ingested")
	}
	ctx := context.Background()
	db, d := simulate(t, sample.Options{Seed: 5, CaseMix: &sample.CaseMix{}})
	groups := config.DefaultGroups()
	fixed := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	res, err := models.Compute(ctx, db, models.ComputeOptions{AsOf: simToday, Groups: groups, Now: func() time.Time { return fixed },
		Steps: []models.Step{CompanionStep()}})
	if err != nil {
		t.Fatal(err)
	}
	const minN = 10
	snap, err := snapshot.Build(ctx, db, snapshot.Options{MinN: minN, Groups: groups})
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		kpi, area string
		period    int
		gender    string
	}
	base := map[key]models.Value{}
	for _, v := range snap.All() {
		base[key{v.KPI, v.Municipality, v.Period, v.Gender}] = v
	}
	published := map[key]Expected{}
	for _, e := range FromPublished(snap.All()) {
		published[key{e.KPI, e.Area, e.Period, e.Gender}] = e
	}
	checked := 0
	for _, ind := range models.Catalogue() {
		if ind.Unit != models.Percent {
			continue
		}
		if res.PerKPI[ind.ID+"F"] == 0 || res.PerKPI[ind.ID+"F"] != res.PerKPI[ind.ID+"A"] || res.PerKPI[ind.ID+"F"] != res.PerKPI[ind.ID+"K"] {
			t.Errorf("%s: companion rows F %d, A %d, K %d; want equal and > 0", ind.ID, res.PerKPI[ind.ID+"F"], res.PerKPI[ind.ID+"A"], res.PerKPI[ind.ID+"K"])
		}
		want, err := d.ExpectedValues(ctx, ind, groups, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			k := key{ind.ID, w.Area, w.Period, w.Gender}
			b, ok := base[k]
			if !ok {
				t.Errorf("%v: expected value without a cell of its indicator", k)
				continue
			}
			got := published[k]
			for _, c := range []string{"F", "A", "K"} {
				cv := base[key{ind.ID + c, w.Area, w.Period, w.Gender}]
				if (cv.Status == models.StatusSuppressed) != (b.Status == models.StatusSuppressed) {
					t.Errorf("%v%s: suppressed %v, its indicator %v", k, c, cv.Status == models.StatusSuppressed, b.Status == models.StatusSuppressed)
				}
			}
			if b.Status == models.StatusSuppressed {
				if !got.Suppressed {
					t.Errorf("%v: published %+v, want suppressed as its indicator", k, got)
				}
				continue
			}
			if got.N != w.N || got.Suppressed {
				t.Errorf("%v: n %d (suppressed %v), want the indicator's %d", k, got.N, got.Suppressed, w.N)
				continue
			}
			for _, c := range []struct {
				name      string
				got, want float64
			}{
				{"observed", got.Observed, w.Observed}, {"expected", got.Expected, w.Expected}, {"O", got.O, w.O}, {"E", got.E, w.E},
				{"O−E", got.Diff, w.Diff}, {"O−E low", got.DiffLow, w.DiffLow}, {"O−E high", got.DiffHigh, w.DiffHigh},
				{"O/E", got.Ratio, w.Ratio}, {"O/E low", got.RatioLow, w.RatioLow}, {"O/E high", got.RatioHigh, w.RatioHigh},
				{"Wilson low", got.ObsLow, w.ObsLow}, {"Wilson high", got.ObsHigh, w.ObsHigh},
			} {
				if math.Abs(c.got-c.want) > 1e-9*math.Max(1, math.Abs(c.want)) {
					t.Errorf("%v %s: published %.12g, model %.12g", k, c.name, c.got, c.want)
				}
			}
			checked++
		}
	}
	if checked < 200 {
		t.Errorf("%d published cells compared, want ≥ 200", checked)
	}
	cells, sup := snapshot.Cells(snap)
	areas := snapshot.Areas(groups)
	areas.MinN = minN
	if leaks := disclosure.Audit(cells, sup, areas); len(leaks) != 0 {
		t.Errorf("%d cells recoverable by subtraction, e.g. %+v", len(leaks), leaks[0])
	}
	t.Logf("%d cells compared; %d primary and %d complementary suppressions", checked, snap.Primary, snap.Complementary)

	// A recompute of the same data changes no companion cell (their floating
	// sums must not make them look changed to from_date).
	if _, err := models.Compute(ctx, db, models.ComputeOptions{AsOf: simToday, Groups: groups, Now: func() time.Time { return fixed.Add(time.Hour) },
		Steps: []models.Step{CompanionStep()}}); err != nil {
		t.Fatal(err)
	}
	var changed, all int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE changed_at <> ?), count(*) FROM indicator_changes`, fixed).Scan(&changed, &all); err != nil {
		t.Fatal(err)
	}
	if changed != 0 || all != res.Rows {
		t.Errorf("after a recompute of the same data %d of %d cells are marked changed (want 0 of %d)", changed, all, res.Rows)
	}
}
