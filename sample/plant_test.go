package sample

import (
	"math"
	"testing"
	"time"
)

// TestPlantedOutcome: the planted effect only ever turns a failure of a
// member's participation ended on or after joining into "arbete", at the
// rate that adds PP points to the success share; everything else is left
// as drawn.
func TestPlantedOutcome(t *testing.T) {
	joined := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	p := newPlanted(Options{Effect: &Effect{Joined: map[string]time.Time{"0127": joined}, PP: 8}})
	p.seed(1, 1)
	member := person{muni: "0127"}
	other := person{muni: "0180"}
	after, before := dayFromTime(joined), dayFromTime(joined)-1
	for _, tc := range []struct {
		drawn string
		pr    person
		ended day
	}{
		{"", member, after}, {"arbete", member, after}, {"Studier", member, after},
		{"annat", other, after}, {"avbrott", member, before},
	} {
		for i := 0; i < 100; i++ {
			if got := p.outcome(tc.drawn, tc.pr, tc.ended); got != tc.drawn {
				t.Fatalf("outcome(%q, %s, after=%v) = %q, want it unchanged", tc.drawn, tc.pr.muni, tc.ended == after, got)
			}
		}
	}
	// a failure flips with probability 0.08 / (1 − 45/85) = 0.17
	const n = 20000
	flipped := 0
	for i := 0; i < n; i++ {
		switch p.outcome("annat", member, after) {
		case "arbete":
			flipped++
		case "annat":
		default:
			t.Fatal("a failure became something other than arbete or itself")
		}
	}
	want := 0.08 / (1 - 45.0/85)
	if got := float64(flipped) / n; math.Abs(got-want) > 4*math.Sqrt(want*(1-want)/n) {
		t.Errorf("flip rate %.4f, want %.4f", got, want)
	}
	if newPlanted(Options{}) != nil {
		t.Error("no Effect and no CaseMix must plant nothing (nil)")
	}
}

// TestCaseMixP: the case-mix model's probabilities, by hand from its logit.
func TestCaseMixP(t *testing.T) {
	for _, tc := range []struct {
		edu  string
		age  int
		male bool
		z    float64
	}{
		{"förgymnasial", 30, false, -0.6},
		{"eftergymnasial", 30, true, -0.6 + 1.4 + 0.3},
		{"gymnasial", 40, false, -0.6 + 0.6 - 0.4},
	} {
		want := 1 / (1 + math.Exp(-tc.z))
		if got := caseMixP(tc.edu, tc.age, tc.male); math.Abs(got-want) > 1e-12 {
			t.Errorf("caseMixP(%s, %d, %v) = %.6f, want %.6f", tc.edu, tc.age, tc.male, got, want)
		}
	}
}
