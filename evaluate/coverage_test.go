package evaluate

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/effekt/effekt/sample"
)

// The simulation's collaboration: six municipalities join on 2023-01-01 and
// three on 2023-07-01 (staggered), with +8 percentage points planted on
// EF401 for their participations ended on or after joining. The placebo
// collaborations are never-members "joining" with nothing planted,
// estimated on the same data without the real members' rows: each seed
// gives one planted and up to four null estimates (the four share controls,
// so they are not independent of each other; a placebo whose base year has
// a cell under DiDOptions.MinCell rows gives no estimate, as it would for a
// user).
var (
	plantedMembers = map[string]string{
		"0127": "2023-01-01", "0126": "2023-01-01", "0181": "2023-01-01", "0114": "2023-01-01", "0123": "2023-01-01", "0163": "2023-01-01",
		"0138": "2023-07-01", "0182": "2023-07-01", "0191": "2023-07-01",
	}
	placebos = []struct {
		joined  string
		members []string
	}{
		{"2023-01-01", []string{"0136", "0184", "0183", "0160", "0186"}},
		{"2022-07-01", []string{"0115", "0117", "0120", "0125", "0128", "0139"}},
		{"2023-07-01", []string{"0140", "0162", "0187", "0188", "0192", "0136"}},
		{"2023-01-01", []string{"0184", "0183", "0160", "0186", "0115", "0117", "0120"}},
	}
)

const plantedPP = 8

// simSeeds is how many samples the coverage test draws: 10 seeds, each a
// planted and up to four placebo estimates. "≥ 90 %" is then at least 9 of
// 10 planted and 90 % of at least 30 placebo intervals. With a true coverage of 95 %, 9
// or more of 10 happens with probability 0.91, so a failure is not proof of
// a bad interval, and 10 of 10 does not prove 95 %: this checks that the
// interval is not badly off, nothing finer.
const simSeeds = 10

// TestCoverage: the 95 % interval covers the planted +8 pp in ≥ 90 % of
// seeds and covers 0 for the placebo collaboration in ≥ 90 %.
func TestCoverage(t *testing.T) {
	if testing.Short() {
		t.Skip("simulation: 10 samples written, ingested and estimated")
	}
	joined := map[string]time.Time{}
	spells := map[string]Spell{}
	for m, d := range plantedMembers {
		joined[m] = day(d)
		spells[m] = Spell{Joined: day(d)}
	}
	ctx := context.Background()
	opt := DiDOptions{Scale: 100, Draws: 1999}
	var covered, nullCovered, nullN, rejected, preTested, preRejected int
	for seed := int64(1); seed <= simSeeds; seed++ {
		_, d := simulate(t, sample.Options{Seed: seed, Effect: &sample.Effect{Joined: joined, PP: plantedPP}})
		obs, err := d.Obs(ctx, ef401(t))
		if err != nil {
			t.Fatal(err)
		}
		got, err := Estimate(obs, spells, opt)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		var rest []Obs
		for _, o := range obs {
			if _, ok := plantedMembers[o.Municipality]; !ok {
				rest = append(rest, o)
			}
		}
		if got.CILow <= plantedPP && plantedPP <= got.CIHigh {
			covered++
		}
		if got.CILow > 0 {
			rejected++
		}
		t.Logf("seed %2d: planted %+.1f [%+.1f, %+.1f] (%d/%d clusters, %d rows)",
			seed, got.ATT, got.CILow, got.CIHigh, got.TreatedClusters, got.ControlClusters, got.Treated)
		for _, pl := range placebos {
			sp := map[string]Spell{}
			for _, m := range pl.members {
				sp[m] = Spell{Joined: day(pl.joined)}
			}
			null, err := Estimate(rest, sp, opt)
			if errors.Is(err, ErrNoMembers) { // a base-year cell under MinCell rows: no estimate, as for a user
				t.Logf("seed %2d: placebo %v from %s: no estimate (%v)", seed, pl.members, pl.joined, err)
				continue
			}
			if err != nil {
				t.Fatalf("seed %d placebo %v: %v", seed, pl.members, err)
			}
			nullN++
			if null.PretrendP != nil {
				preTested++
				if *null.PretrendP < 0.05 {
					t.Logf("seed %2d: placebo %v from %s: pre-trend p %.3f (%d coefficients)", seed, pl.members, pl.joined, *null.PretrendP, null.PretrendDF)
					preRejected++
				}
			}
			if null.CILow <= 0 && 0 <= null.CIHigh {
				nullCovered++
			} else {
				t.Logf("seed %2d: placebo %v from %s misses 0: %+.1f [%+.1f, %+.1f]", seed, pl.members, pl.joined, null.ATT, null.CILow, null.CIHigh)
			}
		}
	}
	t.Logf("planted +%d pp covered in %d/%d seeds (0 excluded in %d); placebo intervals cover 0 in %d/%d; placebo pre-trend tests reject at 5 %% in %d/%d",
		plantedPP, covered, simSeeds, rejected, nullCovered, nullN, preRejected, preTested)
	if covered*10 < simSeeds*9 {
		t.Errorf("the interval covers the planted effect in %d of %d seeds, want ≥ 90 %%", covered, simSeeds)
	}
	if nullN < 30 || nullCovered*10 < nullN*9 {
		t.Errorf("the placebo intervals cover 0 in %d of %d, want ≥ 90 %% of at least 30", nullCovered, nullN)
	}
}
