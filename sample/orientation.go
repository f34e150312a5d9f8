package sample

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// orientation writes a person's civic-orientation registration, attended
// sessions and certificate, as the orientation office exports them.
func (g *gen) orientation(p person) error {
	if !g.chance(0.85) {
		return nil // never registered
	}
	var reg day
	switch x := g.r.Float64(); {
	case x < 0.05:
		reg = p.settled - day(g.between(1, 30))
	case x < 0.78:
		reg = p.settled + day(g.between(0, 90))
	case x < 0.95:
		reg = p.settled + day(g.between(91, 365))
	default:
		reg = p.settled + day(g.between(366, 700))
	}
	if reg > g.today {
		return nil
	}
	form := g.soForm()
	id := txt(p.id.format(form))
	df := fmtISO
	if g.chance(0.15) {
		df = fmtCompact
	}
	row := append(g.rowBuf(), id, g.muniVal(p.muni, []int{35, 5, 50, 5, 5}, false), dt(reg, df),
		txt(g.langText(p.lang)), txt(g.pickW([]string{"AF", "Arbetsförmedlingen", "kommun", "Kommunen", ""}, []int{45, 10, 30, 10, 5})))
	reason := ""
	if g.isBad(g.reg) {
		switch reason = g.pickS(badPersonID, badDate, badMuni, badDup); reason {
		case badPersonID:
			row[0] = g.badPnr(p.id, form)
		case badDate:
			row[2] = g.badDateVal(reg, df)
		case badMuni:
			row[1] = g.badMuniVal()
		}
	}
	if err := g.put(g.reg, reg.year(), row, reason); err != nil {
		return err
	}
	return g.attendance(p, id, form, reg, df)
}

// attendance writes 20–30 sessions of about three hours over 6–10 months,
// fewer for those who drop out, and a certificate for most who reach 60 h.
func (g *gen) attendance(p person, id val, form pnrForm, reg day, df dateFmt) error {
	if !g.chance(0.92) {
		return nil
	}
	first := reg + day(g.between(7, 60))
	n := g.between(20, 30)
	step := g.between(180, 300) / n
	if g.chance(0.18) {
		n = g.between(3, n-1) // dropped out
	}
	l := langs[p.lang]
	code := strings.ToUpper(l.iso)
	if code == "" {
		code = strings.ToUpper(l.sv[:3])
	}
	fy, fm, _ := first.civil()
	group := txt(fmt.Sprintf("%s-%02d%02d-%d", code, fy%100, fm, 1+g.r.IntN(3)))
	halfHours := 0
	var last day
	for j := 0; j < n; j++ {
		d := first + day(j*step+g.r.IntN(3))
		if d > g.today {
			break
		}
		hh, htxt := 6, "3"
		switch x := g.r.Float64(); {
		case x < 0.35:
			htxt = "3,0"
		case x < 0.50:
			hh, htxt = 5, "2,5"
		case x < 0.60:
			hh, htxt = 7, "3,5"
		}
		present := g.chance(0.87)
		ptxt := ""
		if present {
			ptxt = g.pickW([]string{"ja", "x", "JA"}, []int{75, 20, 5})
		} else if g.chance(0.7) {
			ptxt = "nej"
		}
		row := append(g.rowBuf(), id, dt(d, df), txt(htxt), group, txt(ptxt))
		reason := ""
		if g.isBad(g.att) {
			switch reason = g.pickS(badPersonID, badDate, badHours, badCode, badDup); reason {
			case badPersonID:
				row[0] = g.badPnr(p.id, form)
			case badDate:
				row[1] = g.badDateVal(d, df)
			case badHours:
				row[2] = txt(g.pickS("0", "15", "tre", "0,0"))
			case badCode:
				row[4] = txt(g.pickS("kanske", "?", "ibland"))
			}
		}
		if err := g.put(g.att, d.year(), row, reason); err != nil {
			return err
		}
		if present {
			halfHours += hh
		}
		last = d
	}
	if halfHours < 120 || !g.chance(0.9) {
		return nil
	}
	issued := last + day(g.between(0, 30))
	if issued > g.today {
		return nil
	}
	total := fmt.Sprintf("%d", halfHours/2)
	if halfHours%2 == 1 {
		total += ",5"
	}
	if g.chance(0.1) {
		total = ""
	}
	row := append(g.rowBuf(), id, dt(issued, df), txt(total))
	reason := ""
	if g.isBad(g.cert) {
		switch reason = g.pickS(badPersonID, badDate, badDup); reason {
		case badPersonID:
			row[0] = g.badPnr(p.id, form)
		case badDate:
			row[1] = g.badDateVal(issued, df)
		}
	}
	return g.put(g.cert, issued.year(), row, reason)
}

// langText writes a language as the office does: mostly the Swedish name,
// sometimes capitalised or in capitals, sometimes the ISO code.
func (g *gen) langText(i int) string {
	l := langs[i]
	switch x := g.r.Float64(); {
	case x < 0.15 && l.iso != "":
		return l.iso
	case x < 0.25:
		return capitalize(l.sv)
	case x < 0.30:
		return strings.ToUpper(l.sv)
	case x < 0.35 && l.iso == "sv":
		return "svenska"
	}
	return l.sv
}

// pickW picks one of s by weights.
func (g *gen) pickW(s []string, w []int) string { return s[g.weighted(w)] }

// muniVal writes a municipality in one of the forms muniForm lists, chosen
// by weights (code, code without zero, name, NAME KOMMUN, name kommun/stad).
// In a spreadsheet a code that lost its zero is a number cell.
func (g *gen) muniVal(code string, w []int, xlsx bool) val {
	f := muniForm(g.weighted(w))
	if f == muniCodeNoZero && code[0] != '0' {
		f = muniCode
	}
	s := muniText(code, f)
	if xlsx && f == muniCodeNoZero {
		n := 0
		for _, c := range s {
			n = n*10 + int(c-'0')
		}
		return num(n)
	}
	return txt(s)
}

// capitalize upper-cases the first letter of s.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
