package parse

import (
	"strconv"
	"time"
)

// earliest is the first date accepted from a source (SPEC §2).
var earliest = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

const dateForms = "expected YYYY-MM-DD"

// Date parses a calendar date written YYYY-MM-DD, YYYYMMDD or YYYY/MM/DD,
// with surrounding space allowed. A time of day after the date
// ("2024-01-05 00:00:00", "2024-01-05T13:45", optionally with seconds,
// fraction and a trailing Z) is accepted and dropped, as database exports
// write it. The date must lie in [1990-01-01, today] (see DateInRange).
// The result is UTC midnight.
func Date(s string, today time.Time) (time.Time, error) {
	d, err := parseDate(s)
	if err != nil {
		return time.Time{}, err
	}
	if y, m, dd := d.Date(); y < 1990 || afterToday(y, int(m), dd, today) {
		return time.Time{}, DateInRange(d, today)
	}
	return d, nil
}

func parseDate(s string) (time.Time, error) {
	t := trimSpace(s)
	var y, m, d int
	ok := false
	switch {
	case len(t) == 8:
		y, m, d, ok = ymd(t[0:4], t[4:6], t[6:8])
	case len(t) >= 10 && (t[4] == '-' || t[4] == '/') && t[7] == t[4]:
		if len(t) == 10 || (t[4] == '-' && (t[10] == ' ' || t[10] == 'T') && timeOfDay(t[11:])) {
			y, m, d, ok = ymd(t[0:4], t[5:7], t[8:10])
		}
	}
	if !ok || !realDate(y, m, d) {
		if t == "" {
			return time.Time{}, fail(ReasonDate, "date is blank ("+dateForms+")")
		}
		return time.Time{}, fail(ReasonDate, echo(t)+" is not a date ("+dateForms+")")
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), nil
}

func ymd(ys, ms, ds string) (y, m, d int, ok bool) {
	var b [8]byte
	if !digitsInto(b[0:4], ys) || !digitsInto(b[4:6], ms) || !digitsInto(b[6:8], ds) {
		return 0, 0, 0, false
	}
	y = int(b[0])*1000 + int(b[1])*100 + int(b[2])*10 + int(b[3])
	m = int(b[4])*10 + int(b[5])
	d = int(b[6])*10 + int(b[7])
	return y, m, d, true
}

// timeOfDay accepts HH:MM, HH:MM:SS, HH:MM:SS.fff, each optionally with Z.
func timeOfDay(s string) bool {
	if n := len(s); n > 0 && s[n-1] == 'Z' {
		s = s[:n-1]
	}
	var b [2]byte
	if len(s) < 5 || s[2] != ':' || !digitsInto(b[:], s[0:2]) || b[0]*10+b[1] > 23 ||
		!digitsInto(b[:], s[3:5]) || b[0] > 5 {
		return false
	}
	s = s[5:]
	if s == "" {
		return true
	}
	if len(s) < 3 || s[0] != ':' || !digitsInto(b[:], s[1:3]) || b[0] > 5 {
		return false
	}
	s = s[3:]
	if s == "" {
		return true
	}
	if len(s) < 2 || s[0] != '.' {
		return false
	}
	return countDigits(s[1:]) == len(s)-1
}

// DateInRange reports an error (reason date_out_of_range) when d is before
// 1990-01-01 or after today's calendar date.
func DateInRange(d, today time.Time) error {
	day := dateOf(d)
	if day.Before(earliest) {
		return fail(ReasonDateRange, day.Format(time.DateOnly)+" is before 1990-01-01, the earliest date accepted")
	}
	if t := dateOf(today); day.After(t) {
		return fail(ReasonDateRange, day.Format(time.DateOnly)+" is after the day of ingestion ("+t.Format(time.DateOnly)+")")
	}
	return nil
}

// maxSerial is 9999-12-31 in Excel's 1900 date system.
const maxSerial = 2958465

// excelEpoch is day 0 for serials from 61 on: Excel counts a 1900-02-29
// that never was, so serial 61 is 1900-03-01.
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// ExcelSerial converts an Excel serial day number of the 1900 date system
// ("45292", "45292.75"; a fraction is a time of day and is dropped) to its
// date at UTC midnight: 1 is 1900-01-01, 59 is 1900-02-28, 61 is 1900-03-01,
// 45292 is 2024-01-01. Serial 60 is Excel's fictitious 1900-02-29 and an
// error. The caller applies DateInRange.
func ExcelSerial(s string) (time.Time, error) {
	t := trimSpace(s)
	whole := t
	frac := ""
	for i := 0; i < len(t); i++ {
		if t[i] == '.' || t[i] == ',' {
			whole, frac = t[:i], t[i+1:]
			break
		}
	}
	bad := func(why string) error {
		return fail(ReasonDate, echo(t)+" is not an Excel date serial number ("+why+")")
	}
	if whole == "" || countDigits(whole) != len(whole) || countDigits(frac) != len(frac) || len(whole) > 7 {
		return time.Time{}, bad("expected a whole number of days such as 45292, optionally with a fraction")
	}
	n, err := strconv.Atoi(whole)
	if err != nil {
		return time.Time{}, bad("expected a whole number of days")
	}
	switch {
	case n < 1 || n > maxSerial:
		return time.Time{}, bad("expected 1 to 2958465")
	case n == 60:
		return time.Time{}, bad("serial 60 is 1900-02-29, a day that does not exist")
	case n < 60:
		return excelEpoch.AddDate(0, 0, n+1), nil
	}
	return excelEpoch.AddDate(0, 0, n), nil
}
