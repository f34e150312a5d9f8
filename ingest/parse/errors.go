package parse

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Reason codes carried by *Error, stored in rejected_rows.reason.
const (
	ReasonPersonID     = "invalid_person_id"
	ReasonDate         = "invalid_date"
	ReasonDateRange    = "date_out_of_range"
	ReasonMunicipality = "invalid_municipality"
	ReasonHours        = "invalid_hours"
	ReasonLanguage     = "invalid_language"
	ReasonCourse       = "invalid_course"
	ReasonGrade        = "invalid_grade"
	ReasonPresent      = "invalid_present"
	ReasonOutcome      = "invalid_outcome"
)

// Error is a value that could not be parsed. Reason is one of the Reason*
// codes; Msg says what was found and what was expected, for example
// `"2019-02-30" is not a date (expected YYYY-MM-DD)`.
type Error struct {
	Reason string
	Msg    string
}

func (e *Error) Error() string { return e.Msg }

// Reason returns the reason code of a parse error anywhere in err's chain,
// or "" when err is nil or not a parse error.
func Reason(err error) string {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Reason
	}
	return ""
}

func fail(reason, msg string) error { return &Error{Reason: reason, Msg: msg} }

// maxEcho bounds how much of a bad value an error message repeats.
const maxEcho = 60

// Redact returns a form of a cell value that is safe to store or show:
// the trimmed value itself, shortened to 60 bytes, unless it may hide all
// or part of a personnummer: shapes of FindPNRs are masked in place
// (MaskPNRs); then a value that still holds ten or more digits, a run of
// nine or more digits, or a run of six or eight digits, a separator and
// more digits ("811218-98", "nr 811218-987"), anywhere in it — digits of
// any script count — is masked whole with Mask. The loader stores this in
// rejected_rows.value; for person-id columns use Mask itself.
func Redact(s string) string {
	t := trimSpace(s)
	if HasPNR(t) {
		t = MaskPNRs(t, time.Now())
	}
	if f := foldReading(t); mayHoldPNR(f) {
		return Mask(f)
	}
	if len(t) > maxEcho {
		cut := maxEcho
		for cut > 0 && !utf8.RuneStart(t[cut]) {
			cut--
		}
		t = t[:cut] + "…"
	}
	return t
}

func mayHoldPNR(t string) bool {
	if countDigits(t) >= 10 {
		return true
	}
	// every run of digits, wherever it stands: a value shows none of nine
	// or more (a personnummer without its check digit, which the other
	// nine give), nor six or eight followed by a separator and more digits
	// ("nr 811218-987")
	for i := 0; i < len(t); {
		if !isDigit(t[i]) {
			i++
			continue
		}
		n := 0
		for i+n < len(t) && isDigit(t[i+n]) {
			n++
		}
		if n >= 9 {
			return true
		}
		if (n == 6 || n == 8) && i+n < len(t) {
			r, w := utf8.DecodeRuneInString(t[i+n:])
			if isSep(r) && countDigits(t[i+n+w:]) > 0 {
				return true
			}
		}
		i += n
	}
	return false
}

// echo quotes a value for an error message, redacted.
func echo(s string) string { return strconv.Quote(Redact(s)) }

func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			n++
		}
	}
	return n
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// trimSpace trims Unicode white space (including no-break space) and a
// stray byte order mark from both ends.
func trimSpace(s string) string {
	if n := len(s); n == 0 || (s[0] > ' ' && s[0] < 0x80 && s[n-1] > ' ' && s[n-1] < 0x80) {
		return s // fast path: nothing to trim
	}
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '\uFEFF' })
}

// foldReading is s as a reader reads it for digits: every digit the
// personnummer scanner counts (pnrDigit: any script, superscripts,
// circled …) as its ASCII digit, and what it reads through (ignorable:
// invisible format characters, combining marks) left out.
func foldReading(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if ignorable(r) {
			continue
		}
		if v, ok := pnrDigit(r); ok {
			b.WriteByte('0' + v)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
