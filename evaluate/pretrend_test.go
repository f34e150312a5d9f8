package evaluate

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/effekt/effekt/sample"
)

// pretrendReps is how many outcome draws TestPretrendCalibration makes on
// the sample's cohort rows.
const pretrendReps = 40

// TestPretrendCalibration: the pre-trend test rejects true parallel trends
// at 5 % in at most 15 % of null draws, and finds a planted pre-trend in
// most draws. The cohort rows (municipality and date of every EF401 row)
// are the small sample's (seed 1, written and ingested once); each draw
// replaces their outcomes by independent Bernoulli(0.53) draws — the
// sample's own model of EF401, where no municipality or year differs — so
// a draw costs milliseconds and the rate is read from many of them. Null:
// the four placebo collaborations of TestCoverage on every draw. Planted:
// the nine members of TestCoverage, whose rows two or more years before
// joining succeed 40 percentage points less often (members catching up
// before they joined: a pre-trend the test must see; the years two and
// more before joining are thin in the sample, 25 pp is found in only a
// third of draws).
func TestPretrendCalibration(t *testing.T) {
	if testing.Short() {
		t.Skip("simulation: a sample written and ingested, 40 outcome draws estimated")
	}
	ctx := context.Background()
	_, d := simulate(t, sample.Options{Seed: 1})
	rows, err := d.Obs(ctx, ef401(t))
	if err != nil {
		t.Fatal(err)
	}
	members := map[string]Spell{}
	for m, j := range plantedMembers {
		members[m] = Spell{Joined: day(j)}
	}
	opt := DiDOptions{Scale: 100, Draws: 999}
	const base, planted = 0.53, 0.40
	var nullN, nullRej, plantN, plantRej int
	start := time.Now()
	for rep := 0; rep < pretrendReps; rep++ {
		r := rand.New(rand.NewPCG(uint64(rep), 0x9e37))
		null := make([]Obs, 0, len(rows))
		shifted := make([]Obs, 0, len(rows))
		for _, o := range rows {
			u := r.Float64()
			o.Y = 0
			if u < base {
				o.Y = 1
			}
			if s, ok := members[o.Municipality]; !ok {
				null = append(null, o) // placebos are estimated without the real members, as in TestCoverage
			} else if eventYear(s.Joined, o.Date) <= -2 {
				o.Y = 0
				if u < base-planted {
					o.Y = 1
				}
			}
			shifted = append(shifted, o)
		}
		for _, pl := range placebos {
			sp := map[string]Spell{}
			for _, m := range pl.members {
				sp[m] = Spell{Joined: day(pl.joined)}
			}
			got, err := Estimate(null, sp, opt)
			if errors.Is(err, ErrNoMembers) {
				continue
			}
			if err != nil {
				t.Fatalf("draw %d placebo %v: %v", rep, pl.members, err)
			}
			if got.PretrendP == nil {
				continue
			}
			nullN++
			if *got.PretrendP < 0.05 {
				nullRej++
			}
		}
		got, err := Estimate(shifted, members, opt)
		if err != nil {
			t.Fatalf("draw %d planted: %v", rep, err)
		}
		if got.PretrendP == nil {
			t.Fatalf("draw %d planted: no pre-trend test (events %+v)", rep, got.Events)
		}
		plantN++
		if *got.PretrendP < 0.05 {
			plantRej++
		}
	}
	t.Logf("pre-trend test at 5 %%: rejects true parallel trends in %d/%d placebo estimates, finds a planted −%.0f pp pre-trend in %d/%d draws (%v)",
		nullRej, nullN, planted*100, plantRej, plantN, time.Since(start).Round(time.Millisecond))
	if nullN < 2*pretrendReps {
		t.Errorf("only %d placebo pre-trend tests, want at least %d", nullN, 2*pretrendReps)
	}
	if nullRej*100 > nullN*15 {
		t.Errorf("the pre-trend test rejects true parallel trends in %d of %d, want ≤ 15 %%", nullRej, nullN)
	}
	if plantRej*100 < plantN*60 {
		t.Errorf("the pre-trend test finds the planted pre-trend in %d of %d draws, want ≥ 60 %%", plantRej, plantN)
	}
}
