package sample

// Personnummer and samordningsnummer: YYMMDD-NNNC where the ninth digit (the
// last N) is odd for men and even for women, a samordningsnummer adds 60 to
// the day, and C is the Luhn check digit over the other nine digits.

// pnrForm is one of the ways a source writes an identity number.
type pnrForm uint8

const (
	form12Dash pnrForm = iota // 19850315-1234
	form12                    // 198503151234
	form10Dash                // 850315-1234 ('+' when 100 or older)
)

// pnr is one person's identity number, held as its parts.
type pnr struct {
	birth  day
	serial int  // NNN, 0..999; its last digit carries the gender
	coord  bool // samordningsnummer: day + 60
	old    bool // 100 or older at Today: the 10-digit form uses '+'
}

// luhn returns the check digit for the nine digits in d.
func luhn(d []byte) byte {
	sum := 0
	for i, c := range d {
		v := int(c - '0')
		if i%2 == 0 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return byte('0' + (10-sum%10)%10)
}

// digits returns YYYYMMDDNNN (11 digits, the day shifted for a
// samordningsnummer) and the check digit.
func (p pnr) digits() ([]byte, byte) {
	y, m, d := p.birth.civil()
	if p.coord {
		d += 60
	}
	b := make([]byte, 0, 13)
	b = append4(b, y)
	b = append2(b, m)
	b = append2(b, d)
	b = append(b, byte('0'+p.serial/100), byte('0'+p.serial/10%10), byte('0'+p.serial%10))
	return b, luhn(b[2:11])
}

// format writes p in the given form with a valid check digit.
func (p pnr) format(f pnrForm) string {
	b, c := p.digits()
	return assemble(b, c, f, p.old)
}

// assemble joins 11 digits and a check digit in the given form.
func assemble(b []byte, c byte, f pnrForm, old bool) string {
	out := make([]byte, 0, 13)
	switch f {
	case form12Dash:
		out = append(out, b[:8]...)
		out = append(out, '-')
		out = append(out, b[8:]...)
	case form12:
		out = append(out, b...)
	case form10Dash:
		out = append(out, b[2:8]...)
		if old {
			out = append(out, '+')
		} else {
			out = append(out, '-')
		}
		out = append(out, b[8:]...)
	}
	return string(append(out, c))
}

// badLuhn writes p with a wrong check digit.
func (p pnr) badLuhn(f pnrForm, shift int) string {
	b, c := p.digits()
	c = byte('0' + (int(c-'0')+1+shift%9)%10)
	return assemble(b, c, f, p.old)
}

// badDate writes an identity number whose date does not exist (the 30th or
// 31st of February, or month 13) but whose check digit is right, so the
// only thing wrong with it is the date.
func (p pnr) badDate(f pnrForm, variant int) string {
	y, _, _ := p.birth.civil()
	b := make([]byte, 0, 11)
	b = append4(b, y)
	switch variant % 3 {
	case 0:
		b = append(b, "0230"...)
	case 1:
		b = append(b, "0231"...)
	default:
		b = append(b, "1310"...)
	}
	b = append(b, byte('0'+p.serial/100), byte('0'+p.serial/10%10), byte('0'+p.serial%10))
	return assemble(b, luhn(b[2:11]), f, false)
}

// male reports the legal gender carried by the ninth digit.
func (p pnr) male() bool { return p.serial%2 == 1 }
