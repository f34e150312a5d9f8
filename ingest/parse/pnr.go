package parse

import (
	"strconv"
	"time"
)

// PNR is a valid personnummer or samordningsnummer.
type PNR struct {
	Canonical    string    // 12 digits, YYYYMMDDNNNN; a samordningsnummer keeps its day+60
	BirthDate    time.Time // the real birth date (day−60 for a samordningsnummer), UTC midnight
	Gender       string    // "M" when the 9th digit of the 10-digit form is odd, else "K"
	Coordination bool      // a samordningsnummer (day 61–91)
}

const pnrForms = "expected YYYYMMDD-NNNN, YYYYMMDDNNNN, YYMMDD-NNNN, YYMMDD+NNNN or YYMMDDNNNN"

// Personnummer parses a personnummer or samordningsnummer in the forms
// YYYYMMDD-NNNN, YYYYMMDDNNNN, YYMMDD-NNNN, YYMMDD+NNNN ('+': 100 years or
// older) and YYMMDDNNNN. The century of a 10-digit form is the one that
// makes the person younger than 100 in today's year ('+': 100 to 199). It
// is valid when the birth date is real (day+60 for a samordningsnummer),
// not after today, and the Luhn digit over the 10-digit form holds.
// Errors show the value only masked (see Mask).
func Personnummer(s string, today time.Time) (PNR, error) {
	t := trimSpace(s)
	var d [12]byte // digit values, YYYYMMDDNNNN
	var sep byte
	short := false
	switch len(t) {
	case 13: // YYYYMMDD-NNNN
		sep = t[8]
		if sep != '-' || !digitsInto(d[:8], t[:8]) || !digitsInto(d[8:], t[9:]) {
			return PNR{}, badForm(t, today)
		}
	case 12: // YYYYMMDDNNNN
		if !digitsInto(d[:], t) {
			return PNR{}, badForm(t, today)
		}
	case 11: // YYMMDD-NNNN, YYMMDD+NNNN
		sep = t[6]
		if (sep != '-' && sep != '+') || !digitsInto(d[2:8], t[:6]) || !digitsInto(d[8:], t[7:]) {
			return PNR{}, badForm(t, today)
		}
		short = true
	case 10: // YYMMDDNNNN
		if !digitsInto(d[2:], t) {
			return PNR{}, badForm(t, today)
		}
		short = true
	case 0:
		return PNR{}, fail(ReasonPersonID, "person id is blank (a personnummer or samordningsnummer is required)")
	default:
		return PNR{}, badForm(t, today)
	}

	var year int
	if short {
		year = century(int(d[2])*10+int(d[3]), sep == '+', today)
		d[0], d[1] = byte(year/1000), byte(year/100%10)
	} else {
		year = int(d[0])*1000 + int(d[1])*100 + int(d[2])*10 + int(d[3])
		if year < 1800 {
			return PNR{}, fail(ReasonPersonID, "person id "+maskQ(t, today)+" has no real birth date (year before 1800)")
		}
	}
	month := int(d[4])*10 + int(d[5])
	day := int(d[6])*10 + int(d[7])
	coord := day > 60
	if coord {
		day -= 60
	}
	if !realDate(year, month, day) {
		return PNR{}, fail(ReasonPersonID, "person id "+maskQ(t, today)+
			" has no real birth date (check month and day; a samordningsnummer has day+60)")
	}
	if afterToday(year, month, day, today) {
		return PNR{}, fail(ReasonPersonID, "person id "+maskQ(t, today)+" has a birth date after today")
	}
	if !luhn(d[2:]) {
		return PNR{}, fail(ReasonPersonID, "person id "+maskQ(t, today)+
			" fails the check digit (Luhn): look for a mistyped digit")
	}
	var buf [12]byte
	for i, v := range d {
		buf[i] = '0' + v
	}
	g := "K"
	if d[10]%2 == 1 {
		g = "M"
	}
	birth := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	return PNR{Canonical: string(buf[:]), BirthDate: birth, Gender: g, Coordination: coord}, nil
}

func badForm(t string, today time.Time) error {
	return fail(ReasonPersonID, "person id "+maskQ(t, today)+" is not a personnummer or samordningsnummer ("+pnrForms+")")
}

// century returns the four-digit year of a two-digit year: the latest year
// not after today's year (a '-' or no separator: younger than 100 this
// year), or a hundred years before that for '+'.
func century(yy int, plus bool, today time.Time) int {
	ty := today.Year()
	y := ty - ((ty%100-yy)%100+100)%100
	if plus {
		y -= 100
	}
	return y
}

// luhn reports whether the ten digits carry a valid Luhn check digit.
func luhn(d []byte) bool {
	sum := 0
	for i, v := range d {
		x := int(v)
		if i%2 == 0 {
			x *= 2
			if x > 9 {
				x -= 9
			}
		}
		sum += x
	}
	return sum%10 == 0
}

// LuhnDigit returns the check digit that completes nine digits (the
// 10-digit form without its last digit). It is exported for test fixtures
// and sample data generators.
func LuhnDigit(nine string) (byte, bool) {
	if len(nine) != 9 {
		return 0, false
	}
	var d [10]byte
	if !digitsInto(d[:9], nine) {
		return 0, false
	}
	for c := byte(0); c <= 9; c++ {
		d[9] = c
		if luhn(d[:]) {
			return '0' + c, true
		}
	}
	return 0, false
}

// digitsInto stores the digit values of s in dst; false if s is not all
// digits or of another length.
func digitsInto(dst []byte, s string) bool {
	if len(s) != len(dst) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		dst[i] = c - '0'
	}
	return true
}

func realDate(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 {
		return false
	}
	return d <= daysIn(y, m)
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// afterToday reports whether y-m-d is after today's calendar date.
func afterToday(y, m, d int, today time.Time) bool {
	ty, tm, td := today.Date()
	if y != ty {
		return y > ty
	}
	if m != int(tm) {
		return m > int(tm)
	}
	return d > td
}

// dateOf returns the calendar date of t (in t's location) as UTC midnight.
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Mask returns a display form of a person id that never shows the
// identity (digits of any script count, see FoldDigits): "YYYYMMDD-****" when a real birth date can be read from the
// start of s (the date digits as written, so a samordningsnummer keeps its
// day+60), else "****". The century of a six-digit date is taken relative
// to the current date.
func Mask(s string) string { return MaskAt(s, time.Now()) }

// MaskAt is Mask with the century of six-digit dates relative to today.
func MaskAt(s string, today time.Time) string {
	t := trimSpace(FoldDigits(s))
	n := 0
	for n < len(t) && isDigit(t[n]) {
		n++
	}
	var d [8]byte
	switch {
	case n == 8 || n == 12 || n == 11:
		if eightDigitDate(t[:8]) {
			return t[:8] + "-****"
		}
	case n == 6 || n == 10 || n == 9:
		digitsInto(d[2:], t[:6])
		plus := n == 6 && len(t) > 6 && t[6] == '+'
		y := century(int(d[2])*10+int(d[3]), plus, today)
		if maskableDate(y, d[4:]) {
			return strconv.Itoa(y) + t[2:6] + "-****"
		}
	}
	return "****"
}

// eightDigitDate reports whether eight ASCII digits are a date YYYYMMDD
// from 1800 on, the day possibly a coordination number's (+60).
func eightDigitDate(t string) bool {
	var d [8]byte
	if !digitsInto(d[:], t) {
		return false
	}
	y := int(d[0])*1000 + int(d[1])*100 + int(d[2])*10 + int(d[3])
	return y >= 1800 && maskableDate(y, d[4:])
}

func maskableDate(y int, md []byte) bool {
	m := int(md[0])*10 + int(md[1])
	day := int(md[2])*10 + int(md[3])
	if day > 60 {
		day -= 60
	}
	return realDate(y, m, day)
}

func maskQ(t string, today time.Time) string { return strconv.Quote(MaskAt(t, today)) }
