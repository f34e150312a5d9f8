package sample

import (
	"fmt"
	"strings"
)

// settlement writes the person's reception in the municipality (XLSX).
func (g *gen) settlement(p person) error {
	form := g.muniPnrForm()
	df := fmtISO
	if g.chance(0.5) {
		df = fmtCompact // built-in date format 14 in the workbook
	}
	edu := p.edu
	if edu != "" && g.chance(0.2) {
		edu = capitalize(edu)
	}
	countries := langs[p.lang].countries
	country := countries[g.r.IntN(len(countries))]
	if g.chance(0.05) {
		country = ""
	}
	row := append(g.rowBuf(), txt(p.id.format(form)), g.muniVal(p.muni, []int{25, 25, 20, 15, 15}, true),
		dt(p.permit, df), dt(p.settled, df), txt(edu), txt(country))
	reason := ""
	if g.isBad(g.settle) {
		switch reason = g.pickS(badPersonID, badDate, badMuni, badOrder, badDup); reason {
		case badPersonID:
			row[0] = g.badPnr(p.id, form)
		case badDate:
			if g.chance(0.5) {
				row[2] = g.badDateVal(p.permit, df)
			} else {
				row[3] = g.badDateVal(p.settled, df)
			}
		case badMuni:
			row[1] = g.badMuniVal()
		case badOrder: // settled before the permit
			row[2] = dt(min(p.settled+day(g.between(1, 90)), g.today), df)
			if p.settled == g.today {
				row[3] = dt(p.settled-1, df)
			}
		}
	}
	return g.put(g.settle, p.settled.year(), row, reason)
}

// sfiRow is one written SFI course, kept for the corrected re-send.
type sfiRow struct {
	id            pnr
	muni          string
	course, grade byte
	start, graded day
	discontinued  day
}

// sfiCourses writes the person's SFI courses: a first course after
// settlement that fits the education, then, after a pass, maybe the next.
func (g *gen) sfiCourses(p person) error {
	if p.age >= 60 || !g.chance(0.72) {
		return nil
	}
	start := p.settled + day(g.between(30, 240))
	var course byte
	switch p.edu {
	case "förgymnasial":
		course = g.pickB("AB", []int{20, 80})
	case "gymnasial":
		course = g.pickB("BC", []int{40, 60})
	case "eftergymnasial":
		course = g.pickB("CD", []int{40, 60})
	default:
		course = g.pickB("BC", []int{50, 50})
	}
	muni := p.muni
	if g.chance(0.03) {
		muni = g.munis.neighbour(p.muni, g.r.IntN(64))
	}
	form := g.muniPnrForm()
	id := txt(p.id.format(form))
	df := dateFmt(g.weighted([]int{80, 10, 10}))
	pace := txt(g.pickW([]string{"1,0", "0,5", "0,75"}, []int{60, 25, 15}))
	for c := 0; c < 3 && start <= g.today; c++ {
		r := sfiRow{id: p.id, muni: muni, course: course, start: start}
		switch x := g.r.Float64(); {
		case x < 0.60:
			r.graded, r.grade = start+day(g.between(60, 365)), g.passGrade()
		case x < 0.68:
			r.graded, r.grade = start+day(g.between(60, 365)), 'F'
		case x < 0.80:
			r.discontinued = start + day(g.between(20, 200))
		case x < 0.90:
			r.graded, r.grade = start+day(g.between(366, 540)), g.passGrade()
		}
		if r.graded > g.today {
			r.graded, r.grade = 0, 0
		}
		if r.discontinued > g.today {
			r.discontinued = 0
		}
		row := append(g.rowBuf(), id, g.muniVal(muni, []int{30, 20, 20, 15, 15}, false), txt(g.courseText(course)),
			dt(start, df), txt(gradeText(r.grade, g.chance(0.1))), optDate(r.graded, df), optDate(r.discontinued, df), pace)
		reason := ""
		if g.isBad(g.sfi) {
			switch reason = g.pickS(badPersonID, badDate, badMuni, badCode, badCode, badOrder, badNoGraded, badDup); reason {
			case badPersonID:
				row[0] = g.badPnr(p.id, form)
			case badDate:
				row[3] = g.badDateVal(start, df)
			case badMuni:
				row[1] = g.badMuniVal()
			case badCode:
				if g.chance(0.5) {
					row[2] = txt(g.pickS("E", "SFI E", "kurs F"))
				} else {
					row[4], row[5] = txt(g.pickS("G", "VG", "H")), dt(start, df)
				}
			case badOrder: // graded before the course started
				row[4], row[5] = txt("C"), dt(start-day(g.between(1, 60)), df)
			case badNoGraded:
				row[4], row[5] = txt(g.pickS("C", "D", "E")), txt("")
			}
		}
		if err := g.put(g.sfi, start.year(), row, reason); err != nil {
			return err
		}
		if reason == "" && len(g.fixes) < resendLimit && g.chance(0.03) {
			g.fixes = append(g.fixes, r)
		}
		if r.grade == 0 || r.grade == 'F' || course >= 'D' || !g.chance(0.55) {
			break
		}
		start = r.graded + day(g.between(7, 45))
		course++
	}
	return nil
}

func (g *gen) pickB(s string, w []int) byte { return s[g.weighted(w)] }

// passGrade draws a pass grade A–E, mostly C–E.
func (g *gen) passGrade() byte { return g.pickB("ABCDE", []int{10, 15, 25, 25, 25}) }

func gradeText(gr byte, lower bool) string {
	if gr == 0 {
		return ""
	}
	if lower {
		gr += 'a' - 'A'
	}
	return string(gr)
}

func (g *gen) courseText(c byte) string {
	s := string(c)
	switch x := g.r.Float64(); {
	case x < 0.15:
		return "SFI " + s
	case x < 0.25:
		return "kurs " + s
	case x < 0.35:
		return strings.ToLower(s)
	case x < 0.40:
		return "Sfi " + s
	}
	return s
}

// resend writes the corrected re-send of SFI courses: the same keys (under
// another form of the same personnummer) with a grade given, changed or a
// discontinuation moved. It is delivered last, so it replaces the originals.
func (g *gen) resend() error {
	g.seedFor(1 << 62)
	for _, r := range g.fixes {
		switch {
		case r.grade == 'F':
			r.grade = 'E'
		case r.grade != 0:
			r.grade = "BABCD"[r.grade-'A']
		case r.discontinued != 0:
			r.discontinued = min(r.discontinued+7, g.today)
		default:
			r.grade, r.graded = 'D', min(r.start+150, g.today)
		}
		row := append(g.rowBuf(), txt(r.id.format(form12)), txt(muniText(r.muni, muniCode)), txt(string(r.course)),
			dt(r.start, fmtISO), txt(gradeText(r.grade, false)), optDate(r.graded, fmtISO), optDate(r.discontinued, fmtISO), txt("1,0"))
		if err := g.put(g.sfix, 0, row, ""); err != nil {
			return err
		}
	}
	return nil
}

// interventionNames are the municipalities' labour-market interventions.
var interventionNames = []struct{ name, category string }{
	{"Jobbspår vård och omsorg", "arbete"}, {"Yrkessvenska", "språk"}, {"Språkpraktik", "språk"},
	{"Arbetsmarknadsutbildning bygg", "utbildning"}, {"Extratjänst", "arbete"}, {"Introduktionsjobb", "arbete"},
	{"Studie- och yrkesvägledning", "utbildning"}, {"Jobbcoachning", "arbete"}, {"Hälsoskola", "hälsa"},
	{"Körkortsteori på modersmål", "utbildning"}, {"Praktik i kommunal verksamhet", "arbete"},
	{"Validering av yrkeskompetens", "utbildning"}, {"Starta eget", "arbete"}, {"Samhällskommunikatörer", "övrigt"},
	{"Föräldrastöd", "övrigt"}, {"Kvinnor till arbete", "arbete"}, {"Lärlingsplats", "utbildning"},
	{"Jobbspår barnskötare", "arbete"}, {"Sommarjobb unga vuxna", "arbete"}, {"Motivationsgrupp", "hälsa"},
	{"Digital kompetens", "utbildning"}, {"Jobbspår bussförare", "arbete"},
}

// interventionID names intervention k (1-based) of a municipality.
func interventionID(code string, k int) string { return fmt.Sprintf("%s-%03d", code, k) }

// interventions writes the catalogue: perMuni interventions per
// municipality, each provided by that municipality.
func (g *gen) interventions() error {
	g.seedFor(0)
	for mi, code := range g.munis.codes {
		for k := 1; k <= g.sc.perMuni; k++ {
			in := interventionNames[(k-1+mi*7)%len(interventionNames)]
			cat := in.category
			if g.chance(0.1) {
				cat = ""
			}
			row := append(g.rowBuf(), txt(interventionID(code, k)), txt(in.name),
				g.muniVal(code, []int{30, 30, 20, 10, 10}, true), txt(cat))
			row = g.catalogueCells(row, code, k, in.name)
			reason := ""
			if g.isBad(g.ins) {
				if reason = g.pickS(badMuni, badDup); reason == badMuni {
					row[2] = g.badMuniVal()
				}
			}
			if err := g.put(g.ins, 0, row, reason); err != nil {
				return err
			}
		}
	}
	return g.afCatalogue()
}

// participations writes one or two interventions a person took part in,
// mostly in the home municipality, some at a neighbour's, a few under an
// id the catalogue does not have.
func (g *gen) participations(p person) error {
	if !g.chance(0.45) {
		return nil
	}
	n := 1
	if g.chance(0.3) {
		n = 2
	}
	form := g.muniPnrForm()
	id := txt(p.id.format(form))
	df := dateFmt(g.weighted([]int{85, 0, 15}))
	start := p.settled + day(g.between(60, 700))
	for j := 0; j < n && start <= g.today; j++ {
		var ins string
		switch x := g.r.Float64(); {
		case x < 0.02:
			ins = interventionID(p.muni, 900+g.r.IntN(99)) // not in the catalogue
		case x < 0.12:
			ins = interventionID(g.munis.neighbour(p.muni, g.r.IntN(64)), g.between(1, g.sc.perMuni))
		default:
			ins = interventionID(p.muni, g.between(1, g.sc.perMuni))
		}
		ended := start + day(g.between(30, 270))
		outcome := ""
		if ended > g.today {
			ended = 0
		} else {
			outcome = g.pickW([]string{"arbete", "studier", "annat", "avbrott", "", "Arbete", "Studier"}, []int{25, 12, 25, 15, 15, 5, 3})
			outcome = g.plant.outcome(outcome, p, ended)
		}
		row := append(g.rowBuf(), id, txt(ins), g.muniVal(p.muni, []int{30, 10, 40, 10, 10}, false),
			dt(start, df), optDate(ended, df), txt(outcome))
		reason := ""
		if g.isBad(g.part) {
			switch reason = g.pickS(badPersonID, badDate, badMuni, badOrder, badCode, badDup); reason {
			case badPersonID:
				row[0] = g.badPnr(p.id, form)
			case badDate:
				row[3] = g.badDateVal(start, df)
			case badMuni:
				row[2] = g.badMuniVal()
			case badOrder: // ended before it started
				row[4] = dt(start-day(g.between(1, 60)), df)
			case badCode:
				row[5] = txt(g.pickS("okänt", "klar", "?"))
			}
		}
		if err := g.put(g.part, start.year(), row, reason); err != nil {
			return err
		}
		if ended == 0 {
			break
		}
		start = ended + day(g.between(14, 120))
	}
	return nil
}

// afPlan writes the person's establishment plan at Arbetsförmedlingen:
// about 24 months, and where 90 days have passed since it ended, the
// status measured then.
func (g *gen) afPlan(p person) error {
	if p.age < 20 || p.age > 64 || !g.chance(0.8) {
		return nil
	}
	start := p.settled + day(g.between(7, 75))
	if start > g.today {
		return nil
	}
	var ended, measured day
	if g.chance(0.55) {
		ended = start + day(g.between(690, 730))
	} else {
		ended = start + day(g.between(90, 689))
	}
	if ended > g.today {
		ended = 0
	}
	outcome := ""
	if ended != 0 && ended+90 <= g.today {
		measured = ended + 90
		o := g.weighted([]int{28, 17, 15, 30, 10})
		if g.chance(0.5) {
			outcome = [][]string{{"ARB"}, {"SUB"}, {"STU"}, {"SOK", "SÖK"}, {"OVR", "ÖVR"}}[o][g.r.IntN(1+o/3)]
		} else {
			outcome = []string{"osubventionerat arbete", "subventionerat arbete", "studier", "arbetssökande", "övrigt"}[o]
			if g.chance(0.2) {
				outcome = capitalize(outcome)
			}
		}
	}
	muni := p.muni
	if g.chance(0.05) {
		muni = g.munis.neighbour(p.muni, g.r.IntN(64))
	}
	form := g.afForm()
	row := append(g.rowBuf(), txt(p.id.format(form)), g.muniVal(muni, []int{60, 0, 40, 0, 0}, false),
		dt(start, fmtISO), optDate(ended, fmtISO), txt(outcome), optDate(measured, fmtISO))
	reason := ""
	if g.isBad(g.af) {
		switch reason = g.pickS(badPersonID, badDate, badMuni, badOrder, badCode, badDup); reason {
		case badPersonID:
			row[0] = g.badPnr(p.id, form)
		case badDate:
			row[2] = g.badDateVal(start, fmtISO)
		case badMuni:
			row[1] = g.badMuniVal()
		case badOrder: // ended before it started
			row[3] = dt(start-day(g.between(1, 60)), fmtISO)
		case badCode:
			row[4] = txt(g.pickS("okänt", "arbete?", "X"))
		}
	}
	return g.put(g.af, start.year(), row, reason)
}
