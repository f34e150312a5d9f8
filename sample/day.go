package sample

import "time"

// day is a calendar date as days since 1970-01-01. The generator does all its
// date arithmetic on it: it is cheap to add to and to format, which matters
// when a national sample writes tens of millions of dated rows.
type day int32

// dayOf converts a civil date to a day (Howard Hinnant's days_from_civil).
func dayOf(y, m, d int) day {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return day(era*146097 + doe - 719468)
}

// dayFromTime returns the calendar day of t in its own location.
func dayFromTime(t time.Time) day {
	y, m, d := t.Date()
	return dayOf(y, int(m), d)
}

// civil returns the year, month and day of d (civil_from_days).
func (d day) civil() (y, m, dd int) {
	z := int(d) + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era = (z - 146096) / 146097
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	dd = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, dd
}

func (d day) year() int {
	y, _, _ := d.civil()
	return y
}

// time returns d at midnight UTC.
func (d day) time() time.Time {
	y, m, dd := d.civil()
	return time.Date(y, time.Month(m), dd, 0, 0, 0, 0, time.UTC)
}

// dateFmt is how a CSV writes a date.
type dateFmt uint8

const (
	fmtISO     dateFmt = iota // 2024-03-15
	fmtCompact                // 20240315
	fmtSlash                  // 2024/03/15
)

// appendDate appends d in the given format.
func appendDate(b []byte, d day, f dateFmt) []byte {
	y, m, dd := d.civil()
	b = append4(b, y)
	if f == fmtISO {
		b = append(b, '-')
	} else if f == fmtSlash {
		b = append(b, '/')
	}
	b = append2(b, m)
	if f == fmtISO {
		b = append(b, '-')
	} else if f == fmtSlash {
		b = append(b, '/')
	}
	return append2(b, dd)
}

func (d day) String() string { return string(appendDate(nil, d, fmtISO)) }

func append4(b []byte, n int) []byte {
	return append(b, byte('0'+n/1000%10), byte('0'+n/100%10), byte('0'+n/10%10), byte('0'+n%10))
}

func append2(b []byte, n int) []byte {
	return append(b, byte('0'+n/10%10), byte('0'+n%10))
}
