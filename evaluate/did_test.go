package evaluate

import (
	"errors"
	"math"
	"testing"
	"time"
)

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestEventYear(t *testing.T) {
	j := day("2010-12-01")
	for _, tc := range []struct {
		d    string
		want int
	}{
		{"2010-12-01", 0}, {"2011-11-30", 0}, {"2011-12-01", 1}, {"2010-11-30", -1}, {"2009-12-01", -1}, {"2009-11-30", -2},
	} {
		if got := eventYear(j, day(tc.d)); got != tc.want {
			t.Errorf("eventYear(2010-12-01, %s) = %d, want %d", tc.d, got, tc.want)
		}
	}
}

// fixture: members A and A2 join 2020-01-01 (the same rows each); B and C
// never join.
//
//	window      A, A2      B     C     controls' mean
//	e=−2 2018   0,0,1,1    1     0     .5
//	e=−1 2019   0,1        0     1     .5
//	e= 0 2020   1,1        1     0     .5
//
// ATT(0) = (1 − .5) − (.5 − .5) = .5 → 50 pp; θ(−2) = (.5 − .5) − 0 = 0.
// Influence of θ(0) per municipality (×100): A and A2 0 (their cells'
// deviations cancel); B −(1−.5)/2 + (0−.5)/2 = −.5, times the CR1 factor
// √(2/1) of two-municipality cells → −70.71, C +70.71; so θ* − θ =
// 70.71·(v_C − v_B). With Webb weights (two members) |v_C − v_B| is 2√1.5 =
// 2.449 with probability 2/36 = 5.6 % > 5 %, so the 95th percentile of
// |θ* − θ| is 70.71·2.449 = 173.2, stretched by t(1)/z = 12.7062/1.95996
// for df = min(2, 2) − 1 = 1. p = share of k·70.71·|v_C − v_B| ≥ 50, i.e.
// every draw but v_C = v_B (6/36): 30/36.
func fixture() []Obs {
	var obs []Obs
	add := func(m, d string, ys ...float64) {
		for _, y := range ys {
			obs = append(obs, Obs{m, day(d), y})
		}
	}
	add("A", "2018-03-01", 0, 0, 1, 1)
	add("A", "2019-03-01", 0, 1)
	add("A", "2020-03-01", 1, 1)
	add("A2", "2018-03-01", 0, 0, 1, 1)
	add("A2", "2019-03-01", 0, 1)
	add("A2", "2020-03-01", 1, 1)
	add("B", "2018-03-01", 1)
	add("B", "2019-03-01", 0)
	add("B", "2020-03-01", 1)
	add("C", "2018-03-01", 0)
	add("C", "2019-03-01", 1)
	add("C", "2020-03-01", 0)
	return obs
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestEstimateHandComputed(t *testing.T) {
	members := map[string]Spell{"A": {Joined: day("2020-01-01")}, "A2": {Joined: day("2020-01-01")}}
	got, err := Estimate(fixture(), members, DiDOptions{Scale: 100, MinCell: -1})
	if err != nil {
		t.Fatal(err)
	}
	c := 12.706204736174705 / 1.959963984540054 * 50 * math.Sqrt2 * 2 * math.Sqrt(1.5)
	if !near(got.ATT, 50, 1e-9) || !near(got.CILow, 50-c, 1e-9) || !near(got.CIHigh, 50+c, 1e-9) {
		t.Errorf("ATT %.4f [%.4f, %.4f], want 50 [%.4f, %.4f]", got.ATT, got.CILow, got.CIHigh, 50-c, 50+c)
	}
	if !near(got.PValue, 30.0/36, 0.02) {
		t.Errorf("p = %.4f, want ≈ 0.833", got.PValue)
	}
	if got.Clusters != 4 || got.TreatedClusters != 2 || got.ControlClusters != 2 || got.DF != 1 || got.Weights != WeightsWebb || got.Treated != 4 {
		t.Errorf("clusters %d (%d treated, %d control), df %d, weights %s, treated rows %d; want 4 (2, 2), 1, webb, 4",
			got.Clusters, got.TreatedClusters, got.ControlClusters, got.DF, got.Weights, got.Treated)
	}
	wantE := []EventCoef{{E: -2, Treated: 8, Control: 2}, {E: -1, Treated: 4, Control: 2}, {E: 0, Coef: 50, Treated: 4, Control: 2}}
	if len(got.Events) != len(wantE) {
		t.Fatalf("events %+v", got.Events)
	}
	for i, w := range wantE {
		g := got.Events[i]
		if g.E != w.E || !near(g.Coef, w.Coef, 1e-9) || g.Treated != w.Treated || g.Control != w.Control {
			t.Errorf("event %d = %+v, want e %d coef %v rows %d/%d", i, g, w.E, w.Coef, w.Treated, w.Control)
		}
	}
	if got.PretrendP == nil || *got.PretrendP != 1 || got.PretrendDF != 1 {
		t.Errorf("pretrend p %v df %d, want 1 (θ(−2) is exactly 0) and 1", got.PretrendP, got.PretrendDF)
	}
	if got.First != "2018-03-01" || got.Last != "2020-03-01" || len(got.Groups) != 1 || got.Groups[0].JoinedOn != "2020-01-01" {
		t.Errorf("first %s last %s groups %+v", got.First, got.Last, got.Groups)
	}
}

// TestEstimateLeftOn: rows after left_on (a member's, and every control's
// in that group's post windows) stay out; the estimate is the fixture's.
func TestEstimateLeftOn(t *testing.T) {
	obs := append(fixture(), Obs{"A", day("2020-06-01"), 0}, Obs{"B", day("2020-07-01"), 1}, Obs{"C", day("2020-07-01"), 1})
	left := Spell{Joined: day("2020-01-01"), Left: day("2020-05-31"), HasLeft: true}
	members := map[string]Spell{"A": left, "A2": left}
	got, err := Estimate(obs, members, DiDOptions{Scale: 100, MinCell: -1})
	if err != nil {
		t.Fatal(err)
	}
	if !near(got.ATT, 50, 1e-9) || got.Groups[0].LeftOn != "2020-05-31" {
		t.Errorf("ATT %.4f, groups %+v; want 50 with left_on 2020-05-31", got.ATT, got.Groups)
	}
}

// TestEstimateStaggered: two groups joining a year apart; each ATT(g,e)
// uses only never-members, and θ(0) weighs the groups by treated rows.
//
// A joins 2020-01-01, D joins 2021-01-01, C never. C's mean is 0 in every
// year; A: 0 in 2019, 1 in 2020 (ATT(A,0) = 1); D: 0 in 2020 (two rows),
// .5 in 2021 (0,1: ATT(D,0) = .5). θ(0) = (2·1 + 2·.5)/4 = .75 → 75 pp.
// A is treated in 2021 but is never a control for D.
func TestEstimateStaggered(t *testing.T) {
	var obs []Obs
	add := func(m, d string, ys ...float64) {
		for _, y := range ys {
			obs = append(obs, Obs{m, day(d), y})
		}
	}
	add("A", "2019-05-01", 0, 0)
	add("A", "2020-05-01", 1, 1)
	add("A", "2021-05-01", 1, 1)
	add("D", "2020-05-01", 0, 0)
	add("D", "2021-05-01", 0, 1)
	for _, c := range []string{"C", "C2"} {
		add(c, "2019-05-01", 0)
		add(c, "2020-05-01", 0)
		add(c, "2021-05-01", 0)
	}
	members := map[string]Spell{"A": {Joined: day("2020-01-01")}, "D": {Joined: day("2021-01-01")}}
	got, err := Estimate(obs, members, DiDOptions{Scale: 100, MinCell: -1})
	if err != nil {
		t.Fatal(err)
	}
	var e0, e1 float64
	for _, e := range got.Events {
		switch e.E {
		case 0:
			e0 = e.Coef
		case 1:
			e1 = e.Coef
		}
	}
	// overall: ATT(A,0)=100 (2 rows), ATT(A,1)=100 (2 rows), ATT(D,0)=50 (2 rows) → 250/3
	if !near(e0, 75, 1e-9) || !near(e1, 100, 1e-9) || !near(got.ATT, 250.0/3, 1e-9) {
		t.Errorf("θ(0) %.4f θ(1) %.4f ATT %.4f, want 75, 100, 83.333", e0, e1, got.ATT)
	}
	if len(got.Groups) != 2 || got.ControlClusters != 2 || got.TreatedClusters != 2 {
		t.Errorf("groups %+v, clusters %d treated %d control", got.Groups, got.TreatedClusters, got.ControlClusters)
	}
}

func TestEstimateErrors(t *testing.T) {
	members := map[string]Spell{"A": {Joined: day("2020-01-01")}, "A2": {Joined: day("2020-01-01")}}
	var onlyA []Obs
	for _, o := range fixture() {
		if o.Municipality == "A" || o.Municipality == "A2" {
			onlyA = append(onlyA, o)
		}
	}
	if _, err := Estimate(onlyA, members, DiDOptions{MinCell: -1}); !errors.Is(err, ErrNoMembers) {
		t.Errorf("only members: err = %v, want ErrNoMembers (no ATT(g,e) without controls)", err)
	}
	if _, err := Estimate(fixture(), map[string]Spell{"A": {Joined: day("2030-01-01")}}, DiDOptions{MinCell: -1}); !errors.Is(err, ErrNoMembers) {
		t.Errorf("joined after the data: err = %v, want ErrNoMembers", err)
	}
	one := map[string]Spell{"A": {Joined: day("2020-01-01")}}
	var noA2 []Obs
	for _, o := range fixture() {
		if o.Municipality != "A2" {
			noA2 = append(noA2, o)
		}
	}
	got, err := Estimate(noA2, one, DiDOptions{Scale: 100, MinCell: -1})
	if !errors.Is(err, ErrFewClusters) || !near(got.ATT, 50, 1e-9) {
		t.Errorf("one member: ATT %v err = %v, want the point estimate 50 and ErrFewClusters", got.ATT, err)
	}
}
