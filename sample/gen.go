package sample

import (
	"log/slog"
	"math/rand/v2"
)

// The eight kinds, as SPEC §2 names them.
const (
	kindRegistrations  = "so_registrations"
	kindAttendance     = "so_attendance"
	kindCertificates   = "so_certificates"
	kindSettlements    = "settlements"
	kindSFI            = "sfi_courses"
	kindInterventions  = "interventions"
	kindParticipations = "intervention_participations"
	kindAFPlans        = "af_plans"
)

// Headers as the sources write them: Swedish or English, odd case and
// spacing, and one column the ingest does not know (sfi "Studietakt").
var (
	hdrRegistrations  = []string{"Personnummer", "Hemkommun", "Anmälningsdatum", "Språk", "Anmäld av"}
	hdrAttendance     = []string{"Personnummer", "Datum", "Timmar", "Grupp", "Närvarande"}
	hdrCertificates   = []string{"Personnummer", "Intygsdatum", "Timmar totalt"}
	hdrSettlements    = []string{"Personnummer", " Mottagande kommun ", "uppehållstillstånd", "Kommunmottagen", "Utbildningsnivå", "Födelseland"}
	hdrSFI            = []string{"Person_ID", " Municipality", "COURSE", "started on", "Grade ", "graded_on", "Discontinued-On", "Studietakt"}
	hdrInterventions  = append([]string{"Insats-ID", "Namn", "Anordnande kommun", "Kategori"}, hdrCatalogue...)
	hdrParticipations = []string{"Personnummer", "Insatsid", "Hemkommun", "Startdatum", "Slutdatum", "Utfall"}
	hdrAFPlans        = []string{"Personnummer", "Folkbokföringskommun", "Planstart", "Planslut", "Status 90 dagar", "Mätdatum"}
)

var (
	styleSO     = csvStyle{sep: ';', cp1252: true}
	styleMuni   = csvStyle{sep: ',', bom: true}
	styleMuniQ  = csvStyle{sep: ',', bom: true, quoteAll: true}
	styleAF     = csvStyle{sep: ','}
	resendLimit = 20000 // corrected SFI rows kept for the re-send
)

// gen holds the state of one Write.
type gen struct {
	dir    string
	sc     scale
	seed   uint64
	today  day
	start  day     // first settlement day
	cum    []int64 // cumulative reception weight per day from start
	log    *slog.Logger
	record func(path string, line int64, reason string)

	pcg    *rand.PCG
	r      *rand.Rand
	munis  *muniTable
	serial map[int64]int // (birth day, coord, gender) -> persons given a number

	kinds                                            []*kindOut
	reg, att, cert, settle, sfi, ins, part, af, sfix *kindOut

	rows     int64
	oldForms bool     // the current person is 100 or older
	row      []val    // reused row buffer
	fixes    []sfiRow // candidates for the corrected re-send
	plant    *planted // Options.Effect and CaseMix; nil when both are off
}

func newGen(dir string, sc scale, opt Options) *gen {
	pcg := rand.NewPCG(0, 0)
	g := &gen{
		dir: dir, sc: sc, seed: uint64(opt.Seed), today: dayFromTime(opt.Today),
		log: opt.Logger, record: opt.record,
		pcg: pcg, r: rand.New(pcg), munis: newMuniTable(sc.prefixes...),
		serial: map[int64]int{}, plant: newPlanted(opt),
	}
	g.start = g.today - day(sc.years*365)
	g.cum = settlementDays(g.start, g.today)
	csvKind := func(name string, st csvStyle, hdr []string, split bool) *kindOut {
		return &kindOut{name: name, ext: "csv", split: split, files: map[int]*fileOut{},
			open: func(path string, _ day) (sink, error) { return newCSVSink(path, st, hdr) }}
	}
	xlsxKind := func(name, sheet string, hdr []string, split bool) *kindOut {
		return &kindOut{name: name, ext: "xlsx", split: split, files: map[int]*fileOut{},
			open: func(path string, created day) (sink, error) { return newXLSXSink(path, sheet, hdr, created) }}
	}
	g.reg = csvKind(kindRegistrations, styleSO, hdrRegistrations, sc.split)
	g.att = csvKind(kindAttendance, styleSO, hdrAttendance, sc.split)
	g.cert = csvKind(kindCertificates, styleSO, hdrCertificates, sc.split)
	g.settle = xlsxKind(kindSettlements, "Mottagna", hdrSettlements, sc.split)
	g.sfi = csvKind(kindSFI, styleMuni, hdrSFI, sc.split)
	g.ins = xlsxKind(kindInterventions, "Insatser", hdrInterventions, false)
	g.part = csvKind(kindParticipations, styleMuniQ, hdrParticipations, sc.split)
	g.af = csvKind(kindAFPlans, styleAF, hdrAFPlans, sc.split)
	g.sfix = csvKind(kindSFI, styleMuni, hdrSFI, false)
	g.sfix.suffix = "_korrigerad"
	g.kinds = []*kindOut{g.reg, g.att, g.cert, g.settle, g.sfi, g.ins, g.part, g.af, g.sfix}
	return g
}

// seedFor makes g.r the generator of one stream (a person, the catalogue).
func (g *gen) seedFor(stream uint64) { g.pcg.Seed(g.seed, stream) }

// chance reports true with probability p.
func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// between returns a uniform integer in [lo, hi].
func (g *gen) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

// weighted picks an index by weights.
func (g *gen) weighted(w []int) int {
	total := 0
	for _, x := range w {
		total += x
	}
	x := g.r.IntN(total)
	for i, v := range w {
		if x < v {
			return i
		}
		x -= v
	}
	return len(w) - 1
}

// pickS picks one of the strings uniformly.
func (g *gen) pickS(s ...string) string { return s[g.r.IntN(len(s))] }

// rowBuf returns the reused row buffer, emptied.
func (g *gen) rowBuf() []val { return g.row[:0] }
