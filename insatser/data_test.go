package insatser

import (
	"context"
	"math"
	"testing"
	"time"
)

func near(a, b float64) bool { return math.Abs(a-b) < 0.005 }

// TestFigures checks every figure of the fixture against the hand-computed
// values in fixture_test.go, disclosure control included.
func TestFigures(t *testing.T) {
	db, _ := newFixture(t)
	asOf, _ := time.Parse(time.DateOnly, fixtureAsOf)
	d, err := load(context.Background(), db, asOf, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Interventions) != 5 {
		t.Fatalf("%d interventions, want 5", len(d.Interventions))
	}
	type want struct {
		participants                      int64 // 0: suppressed (unless none)
		none                              bool  // no participations at all: a published zero
		n, k                              int64
		value, low, high                  float64
		suppressed, complementary, cohort bool
		median                            float64 // -1: suppressed
	}
	cases := map[string]want{
		"K-1":  {participants: 9, n: 8, k: 5, value: 62.5, low: 30.57, high: 86.32, cohort: true, median: 110},
		"K-2":  {suppressed: true, cohort: true, median: -1},
		"AF-1": {participants: 7, suppressed: true, complementary: true, cohort: true, median: 80},
		"K-3":  {participants: 5, suppressed: true, cohort: true, median: 30},
		"K-4":  {none: true, suppressed: true, median: -1},
	}
	for id, w := range cases {
		in, ok := d.Lookup(id)
		if !ok {
			t.Fatalf("%s missing", id)
		}
		f := in.Figures
		if (w.participants == 0 && !w.none) != f.Participants.Suppressed || f.Participants.N != w.participants {
			t.Errorf("%s participants %+v, want %d", id, f.Participants, w.participants)
		}
		s := f.Share
		if s.Suppressed != w.suppressed || s.SuppressedComplementary != w.complementary || s.HasCohort != w.cohort {
			t.Errorf("%s share %+v, want suppressed=%v complementary=%v cohort=%v", id, s, w.suppressed, w.complementary, w.cohort)
		}
		if !w.suppressed && (s.N != w.n || s.K != w.k || !near(s.Value, w.value) || !near(math.Round(s.Low*100)/100, w.low) || !near(math.Round(s.High*100)/100, w.high)) {
			t.Errorf("%s share %+v, want %d of %d = %v (%v–%v)", id, s, w.k, w.n, w.value, w.low, w.high)
		}
		if w.suppressed && (s.N != 0 || s.K != 0 || s.Value != 0) {
			t.Errorf("%s: a suppressed share carries numbers: %+v", id, s)
		}
		if w.median < 0 != f.Median.Suppressed || (w.median >= 0 && f.Median.Value != w.median) {
			t.Errorf("%s median %+v, want %v", id, f.Median, w.median)
		}
	}
	cat := d.Categories["arbete"].Share
	if cat.Suppressed || cat.N != 17 || cat.K != 8 || !near(cat.Value, 47.06) || !near(math.Round(cat.Low*100)/100, 26.17) || !near(math.Round(cat.High*100)/100, 69.04) {
		t.Errorf("category arbete %+v, want 8 of 17 = 47.06 (26.17–69.04)", cat)
	}
	if s := d.Categories["språk"].Share; !s.Suppressed {
		t.Errorf("category språk %+v: n = 4 must be suppressed", s)
	}
	// oudata: K-1 2024 T 8 (published), K 5 published but M 3 suppressed → K suppressed too
	got := map[string]Share{}
	for _, c := range d.OU {
		if c.ID == "K-1" && c.Period == 2024 {
			got[c.Gender] = c.Share
		}
	}
	if s := got["T"]; s.Suppressed || !near(s.Value, 62.5) {
		t.Errorf("oudata K-1 2024 T %+v, want 62.5", s)
	}
	if !got["M"].Suppressed || !got["K"].Suppressed || !got["K"].SuppressedComplementary {
		t.Errorf("oudata K-1 2024 K %+v M %+v: want both suppressed, K complementary", got["K"], got["M"])
	}
}

// TestOtherModels: cohort tables another version's models built (or with
// no recorded state) are not read: the catalogue is published without
// figures, as before any compute, until the next compute rebuilds them.
func TestOtherModels(t *testing.T) {
	tests := []struct{ name, change string }{
		{"other models", `UPDATE transform_state SET models = 'an older effekt'`},
		{"no recorded state", `DELETE FROM transform_state`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db, _ := newFixture(t)
			if _, err := db.Exec(tc.change); err != nil {
				t.Fatal(err)
			}
			asOf, _ := time.Parse(time.DateOnly, fixtureAsOf)
			d, err := load(context.Background(), db, asOf, 5)
			if err != nil {
				t.Fatal(err)
			}
			if d.Computed || len(d.Interventions) != 5 || len(d.Categories) != 0 || len(d.OU) != 0 {
				t.Fatalf("computed %v, %d interventions, %d categories, %d oudata: want the 5 without figures", d.Computed, len(d.Interventions), len(d.Categories), len(d.OU))
			}
			if in, _ := d.Lookup("K-1"); in.Figures.Share.N != 0 {
				t.Errorf("K-1 figures %+v read from other models' tables", in.Figures)
			}
		})
	}
}

// TestWilson: the interval against values worked out by hand.
func TestWilson(t *testing.T) {
	cases := []struct {
		k, n      int64
		low, high float64
	}{{5, 8, 30.57, 86.32}, {8, 17, 26.17, 69.04}, {0, 10, 0, 27.75}, {10, 10, 72.25, 100}}
	for _, c := range cases {
		lo, hi := wilson(c.k, c.n)
		if !near(math.Round(lo*100)/100, c.low) || !near(math.Round(hi*100)/100, c.high) {
			t.Errorf("wilson(%d, %d) = %.4f–%.4f, want %v–%v", c.k, c.n, lo, hi, c.low, c.high)
		}
	}
}
