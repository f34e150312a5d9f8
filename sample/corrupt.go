package sample

import "fmt"

// Reasons for bad rows. They name what is wrong, close to the reason codes
// the ingest reports, so a test can compare the two.
const (
	badPersonID = "invalid_person_id"
	badDate     = "invalid_date"
	badMuni     = "unknown_municipality"
	badHours    = "invalid_hours"
	badCode     = "invalid_code"
	badOrder    = "date_order"
	badNoGraded = "grade_without_date"
	badDup      = "superseded" // an earlier row with the same key in the file
)

// put writes row; a duplicate is written twice, the first copy superseded.
func (g *gen) put(k *kindOut, year int, row []val, reason string) error {
	g.row = row
	if reason == badDup {
		if err := g.emit(k, year, row, badDup); err != nil {
			return err
		}
		reason = ""
	}
	return g.emit(k, year, row, reason)
}

// badPnr returns a wrong identity number for p: a wrong check digit or a
// date that does not exist.
func (g *gen) badPnr(p pnr, f pnrForm) val {
	if g.chance(0.6) {
		return txt(p.badLuhn(f, g.r.IntN(9)))
	}
	return txt(p.badDate(f, g.r.IntN(3)))
}

// badDateVal returns a wrong value for a date that should have been d: a day
// that does not exist, a format no source should use, a date before 1990 or
// one in the future.
func (g *gen) badDateVal(d day, f dateFmt) val {
	y, m, dd := d.civil()
	switch g.r.IntN(4) {
	case 0:
		return txt(fmt.Sprintf("%04d-02-30", y))
	case 1:
		return txt(fmt.Sprintf("%02d/%02d/%04d", dd, m, y))
	case 2:
		return dt(dayOf(g.between(1975, 1989), g.between(1, 12), g.between(1, 28)), f)
	default:
		return dt(g.today+day(g.between(3650, 7300)), f)
	}
}

// badMuniVal returns a municipality no one knows.
func (g *gen) badMuniVal() val { return txt(unknownMunis[g.r.IntN(len(unknownMunis))]) }
