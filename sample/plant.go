package sample

import (
	"math"
	"math/rand/v2"
	"time"
)

// Effect plants a known effect of joining a collaboration in the sample, so
// that tests can check that effekt evaluate finds it: a member's
// participations (EF401) ended on or after its joined_on end in work or
// studies with a probability PP percentage points higher than they
// otherwise would.
type Effect struct {
	Joined map[string]time.Time // kommunkod → joined_on of the members
	PP     float64              // percentage points added to EF401's probability of arbete/studier
}

// CaseMix makes EF401's outcome depend on the person alone and the
// municipalities differ in whom they receive: the share with post-secondary
// education is 10 % in some municipalities and 55 % in others (by the
// kommunkod's parity), and a participation with an outcome ends in work or
// studies with probability
//
//	logit p = −0.6 + 0.6·gymnasial + 1.4·eftergymnasial − 0.04·(age − 30) + 0.3·man
//
// whatever the municipality. Observed shares then differ between
// municipalities while the case-mix expected ratio O/E is 1 everywhere.
type CaseMix struct{}

// planted draws, from a stream of its own, what the options Effect and
// CaseMix change, so the rest of a person's rows are the same with and
// without them (and Options without them give the same bytes as before).
type planted struct {
	effect  *Effect
	caseMix *CaseMix
	joined  map[string]day
	pcg     *rand.PCG
	r       *rand.Rand
}

func newPlanted(opt Options) *planted {
	if opt.Effect == nil && opt.CaseMix == nil {
		return nil
	}
	p := &planted{effect: opt.Effect, caseMix: opt.CaseMix, pcg: rand.NewPCG(0, 0)}
	p.r = rand.New(p.pcg)
	if opt.Effect != nil {
		p.joined = map[string]day{}
		for m, d := range opt.Effect.Joined {
			p.joined[m] = dayFromTime(d)
		}
	}
	return p
}

// seed starts person i's stream.
func (p *planted) seed(seed uint64, i int) { p.pcg.Seed(seed^0x9e3779b97f4a7c15, uint64(i)+7) }

// education redraws the education level by the municipality's case mix.
func (p *planted) education(muni string) string {
	high := 0.10
	if muni[len(muni)-1]%2 == 0 {
		high = 0.55
	}
	switch x := p.r.Float64(); {
	case x < high:
		return "eftergymnasial"
	case x < high+(1-high)/2:
		return "gymnasial"
	}
	return "förgymnasial"
}

// success is the probability that a participation with an outcome ends in
// work or studies under CaseMix.
func caseMixP(edu string, age int, male bool) float64 {
	z := -0.6 - 0.04*float64(age-30)
	switch edu {
	case "gymnasial":
		z += 0.6
	case "eftergymnasial":
		z += 1.4
	}
	if male {
		z += 0.3
	}
	return 1 / (1 + math.Exp(-z))
}

// outcome returns the participation outcome as changed by the options:
// drawn from the case-mix model when CaseMix is set, then raised by the
// planted effect for a member's participation ended on or after joining.
// An empty outcome (none recorded) stays empty.
func (p *planted) outcome(drawn string, pr person, ended day) string {
	if p == nil || drawn == "" {
		return drawn
	}
	base := 45.0 / 85 // P(arbete or studier | an outcome) of the unplanted sample
	success := drawn == "arbete" || drawn == "studier" || drawn == "Arbete" || drawn == "Studier"
	if p.caseMix != nil {
		base = caseMixP(pr.edu, pr.age, pr.id.male())
		success = p.r.Float64() < base
	}
	if p.effect != nil && !success {
		if j, ok := p.joined[pr.muni]; ok && ended >= j {
			// raise P(success) from base to base + PP: flip a failure with
			// probability PP / (1 − base)
			if q := p.effect.PP / 100 / (1 - base); p.r.Float64() < q {
				success = true
			}
		}
	}
	switch {
	case success && (drawn == "arbete" || drawn == "studier" || drawn == "Arbete" || drawn == "Studier"):
		return drawn
	case success:
		return "arbete"
	case drawn == "annat" || drawn == "avbrott":
		return drawn
	}
	return "annat"
}
