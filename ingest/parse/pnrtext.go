package parse

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Personnummer hidden in text (SPEC §3): digits of every script are folded
// to ASCII first, and any separator people type joins digit groups. A
// "shape" is 10 or 12 digits whose groups split only where a personnummer
// splits (YYYY|MM|DD|NNNN, YY|MM|DD|NNNN), a run of 10 or more digits, or 6
// or more digits, a separator and 4 or more digits. Valid or not: a
// mistyped personnummer is still one.

// digitValue returns the value of a decimal digit of any script
// (unicode.Nd): Unicode encodes each script's digits as ten consecutive
// code points from zero, so the value is the offset within its block of
// ten (TestNdBlocks checks the table).
func digitValue(r rune) (byte, bool) {
	if r < utf8.RuneSelf {
		if r >= '0' && r <= '9' {
			return byte(r - '0'), true
		}
		return 0, false
	}
	if !unicode.IsDigit(r) {
		return 0, false
	}
	for _, rg := range unicode.Nd.R16 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); r >= lo && r <= hi {
			return byte((r - lo) % 10), true
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); r >= lo && r <= hi {
			return byte((r - lo) % 10), true
		}
	}
	return 0, false
}

// scriptDigits are the superscript, subscript, circled, parenthesised
// and full-stop digits (Unicode No, not Nd): not digits to parse a value
// with (FoldDigits leaves them), but a reader reads "800101-¹²³⁴" and
// "➑⓪⓪①⓪①-①②③④" as a personnummer all the same, so the personnummer
// scanner counts them (pnrDigit).
var scriptDigits = func() map[rune]byte {
	m := map[rune]byte{
		'⁰': 0, '¹': 1, '²': 2, '³': 3, '⁴': 4, '⁵': 5, '⁶': 6, '⁷': 7, '⁸': 8, '⁹': 9,
		'⓪': 0, '⓿': 0, '🄀': 0, '🄁': 0, '🄋': 0, '🄌': 0,
	}
	// runs of nine, 1…9: circled ①, parenthesised ⑴, full stop ⒈,
	// negative circled ❶, dingbat circled ➀ and negative ➊, double
	// circled ⓵; and the subscripts ₀…₉ and the digits with a comma
	for _, lo := range []rune{'\u2460', '\u2474', '\u2488', '\u2776', '\u2780', '\u278A', '\u24F5'} {
		for d := rune(0); d < 9; d++ {
			m[lo+d] = byte(d + 1)
		}
	}
	for d := rune(0); d < 10; d++ {
		m['\u2080'+d] = byte(d)
		m['\U0001F101'+d] = byte(d) // digit comma 🄁…🄊
	}
	return m
}()

// pnrDigit is digitValue, superscript and subscript digits included.
func pnrDigit(r rune) (byte, bool) {
	if v, ok := scriptDigits[r]; ok {
		return v, true
	}
	return digitValue(r)
}

// FoldDigits returns s with every decimal digit of any script (fullwidth
// ２, Arabic-Indic ٢, Devanagari २ …) replaced by its ASCII digit.
func FoldDigits(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if v, ok := digitValue(r); ok {
			b.WriteByte('0' + v)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isSep reports a character a reader reads a number through when it
// stands between the parts of a personnummer: every punctuation mark,
// symbol and space of any script (- + / . _ ' # = ~ * ( ) | \ " …, their
// fullwidth and look-alike forms: one-dot leader, modifier minus, box
// drawing, Braille blank …) and tab; modifier letters (Unicode Lm: the
// Arabic tatweel ـ, the katakana long vowel mark ー, ː ˍ ʼ) and the
// letters that look like - / | : . (sepLetters: 一 ㅡ ᐟ ǀ …); not line
// breaks or other control characters, other letters or digits.
// (2026-12-02: "800101_1234", then "800101\u20241234" and "(800101)1234"
// were shown as written; a fourth re-test: "٨٠٠١٠١ـ١٢٣٤", "800101ー1234".)
func isSep(r rune) bool {
	if r < utf8.RuneSelf {
		return r == ' ' || r == '\t' || (r > ' ' && r < 0x7f && !('0' <= r && r <= '9') && !('a' <= r && r <= 'z') && !('A' <= r && r <= 'Z'))
	}
	return unicode.In(r, unicode.P, unicode.S, unicode.Z, unicode.Lm) || unicode.IsSpace(r) || sepLetters[r]
}

// sepLetters are letters and letter-like numbers, of scripts whose words
// do not run into digits, that look like - / | : . and are read as such
// between digit groups (masking version 4): CJK 一 丨 丿, Hangul ㅡ ᅳ ﾡ,
// Bopomofo ㄧ, katakana ノ, Canadian syllabics ᐟ ᐧ ᐨ, the clicks ǀ ǁ ǂ ǃ,
// Cyrillic palochka Ӏ ӏ, Arabic alef ا, N'Ko ߊ, runic ᛁ, Tifinagh ⵏ,
// Lisu ꓲ ꓸ ꓹ ꓺ ꓻ ꓽ, Hangzhou 〡 and Roman Ⅰ. (Modifier letters are
// separators as a category, see isSep.)
var sepLetters = map[rune]bool{
	'\u4E00': true, '\u4E28': true, '\u4E3F': true, // 一 丨 丿
	'\u3161': true, '\u1173': true, '\uFFDA': true, // ㅡ ᅳ ﾡ
	'\u3127': true, '\u30CE': true, // ㄧ ノ
	'\u141F': true, '\u1427': true, '\u1428': true, // ᐟ ᐧ ᐨ
	'\u01C0': true, '\u01C1': true, '\u01C2': true, '\u01C3': true, // ǀ ǁ ǂ ǃ
	'\u04C0': true, '\u04CF': true, // Ӏ ӏ
	'\u0627': true, '\u07CA': true, '\u16C1': true, '\u2D4F': true, // ا ߊ ᛁ ⵏ
	'\uA4F2': true, '\uA4F8': true, '\uA4F9': true, '\uA4FA': true, '\uA4FB': true, '\uA4FD': true, // ꓲ ꓸ ꓹ ꓺ ꓻ ꓽ
	'\u3021': true, '\u2160': true, // 〡 Ⅰ
}

// ignorable reports a character that shows as nothing or nearly nothing
// and is read through wherever it stands, inside a number or between its
// parts: format characters (zero-width space and joiners, word joiner,
// BOM, soft hyphen), combining and enclosing marks and variation
// selectors, and the Hangul fillers (letters that show as blanks).
func ignorable(r rune) bool {
	if r < utf8.RuneSelf {
		return false
	}
	switch r {
	case '\u115F', '\u1160', '\u3164', '\uFFA0':
		return true
	}
	return unicode.In(r, unicode.Cf, unicode.M, unicode.Other_Default_Ignorable_Code_Point)
}

// isListSep reports the separators of lists (, ; :): they join two digit
// groups only alone ("800101,1234"), not with spaces ("2024-01-15, 0127"
// is a date and a municipality code).
func isListSep(r rune) bool { return r == ',' || r == ';' || r == ':' }

func isPlus(r rune) bool { return r == '+' || r == '\uFF0B' || r == '\uFE62' }

// maxSepRun is how many separator characters may join two digit groups
// ("850709 - 9805", "800101  -  1234"), each run of white space inside
// them counted as one ("19800101   -   1234": a page shows it as
// "19800101 - 1234"); a run of white space alone joins them whatever its
// length.
const maxSepRun = 5

// group is a run of digits in a text.
type group struct {
	start, end int    // byte offsets in the text
	digits     []byte // folded to ASCII
	plus       bool   // the separator before it holds a '+'
	joined     bool   // joined to the previous group by separators
}

// PNRSpan is a personnummer-shaped part of a text: its byte offsets and its
// digits folded to ASCII, with '+' before the last four when a 10-digit
// form was written with '+' (100 years or older); for part of one (a date
// and one to three more digits) the date's digits alone.
type PNRSpan struct {
	Start, End int
	Digits     string
}

// groups splits s into digit groups. Characters are read as a reader
// reads them (readRune): an HTML character reference, backslash or
// percent escape is the character it stands for.
func groups(s string) []group { return readGroups(&reading{text: s}) }

// readGroups splits a reading of a text into digit groups, at the offsets
// of the text as written (see groups and deepReading).
func readGroups(rd *reading) []group {
	s := rd.text
	var out []group
	var cur *group
	// the separator run since the last group: where it starts, its length
	// (a run of white space counted once), whether it holds a '+', a list
	// separator, only white space, and whether its last character was
	// white space
	sepStart, seps, plus, weak, blank, space := -1, 0, false, false, true, false
	// reach is where the last group ends with the invisible characters
	// and hidden markup after it: a separator run joins it from there
	reach := -1
	var w int
	for i := 0; i < len(s); i += w {
		var r rune
		var escaped bool
		w = 0
		if rd.markup && s[i] == '<' {
			if n, kind := markupAt(s, i); n > 0 {
				w = n
				switch kind {
				case markupHidden:
					// read through like an invisible character; a group
					// ends at its last digit, not at a tag after it
					if cur != nil {
						reach = i + w
					}
					continue
				case markupBreak:
					cur, sepStart, seps, plus, weak, blank, space = nil, -1, 0, false, false, true, false
					continue
				}
				r = '\t' // markupCell: a tab
			}
		}
		if w == 0 {
			r, w, escaped = readRune(s, i)
			escaped = escaped || rd.esc != nil && rd.esc[i]
		}
		// invisible format characters (zero-width space and joiners, word
		// joiner, BOM, soft hyphen) are read through, inside a group or a
		// separator run alike: "19800101\u200b-1234" shows as a personnummer
		if ignorable(r) {
			if cur != nil {
				cur.end = i + w
				reach = cur.end
			}
			continue
		}
		if v, ok := pnrDigit(r); ok {
			if cur == nil {
				out = append(out, group{start: i, joined: sepStart >= 0 && (seps <= maxSepRun || blank) && !(weak && seps > 1) && len(out) > 0 && reach == sepStart, plus: plus})
				cur = &out[len(out)-1]
			}
			cur.digits = append(cur.digits, '0'+v)
			cur.end = i + w
			reach = cur.end
			sepStart, seps, plus, weak, blank, space = -1, 0, false, false, true, false
			continue
		}
		if cur != nil || sepStart >= 0 {
			if escaped || isSep(r) {
				if sepStart < 0 {
					sepStart = i
				}
				sp := unicode.IsSpace(r)
				if !sp || !space {
					seps++
				}
				space = sp
				plus = plus || isPlus(r)
				weak = weak || isListSep(r)
				blank = blank && sp
				cur = nil
				continue
			}
		}
		cur, sepStart, seps, plus, weak, blank, space = nil, -1, 0, false, false, true, false
	}
	if rd.from != nil {
		for k := range out {
			out[k].start, out[k].end = rd.start(out[k].start), rd.end(out[k].end)
		}
	}
	return out
}

// allowedSplits says where a window of n digits may be split into groups.
func allowedSplit(n, at int) bool {
	switch n {
	case 12, 11:
		return at == 4 || at == 6 || at == 8
	case 10, 9:
		return at == 2 || at == 4 || at == 6
	}
	return false
}

// dateDigits reports whether six ASCII digits are a date YYMMDD of some
// century or eight a date YYYYMMDD from 1800 on (eightDigitDate), the day
// possibly a coordination number's (+60).
func dateDigits(d string) bool {
	switch len(d) {
	case 6:
		var v [6]byte
		if !digitsInto(v[:], d) {
			return false
		}
		return maskableDate(2000, v[2:]) // a leap year: 29 February is some century's date
	case 8:
		return eightDigitDate(d)
	}
	return false
}

// FindPNRs returns the personnummer-shaped spans of s, in order and not
// overlapping.
//
// The text is read as written (groups) and, when it holds a character
// reference or markup, as a page that decodes it again or renders it
// shows it (deepReading); the spans are those of either reading, merged
// where they overlap.
func FindPNRs(s string) []PNRSpan {
	if !mayHaveDigits(s) {
		return nil
	}
	out := findSpans(groups(s))
	if rd, ok := deepReading(s); ok {
		out = mergeSpans(out, findSpans(readGroups(&rd)))
	}
	return out
}

// mergeSpans returns the spans of a and b (each in order and not
// overlapping) in order, those that overlap or touch merged into one,
// which keeps the Digits of the first.
func mergeSpans(a, b []PNRSpan) []PNRSpan {
	if len(b) == 0 {
		return a
	}
	if len(a) == 0 {
		return b
	}
	all := append(append(make([]PNRSpan, 0, len(a)+len(b)), a...), b...)
	slices.SortStableFunc(all, func(x, y PNRSpan) int { return x.Start - y.Start })
	out := all[:1]
	for _, sp := range all[1:] {
		if last := &out[len(out)-1]; last.End >= sp.Start {
			last.End = max(last.End, sp.End)
			continue
		}
		out = append(out, sp)
	}
	return out
}

// findSpans returns the personnummer-shaped spans of a text's digit
// groups (see FindPNRs).
func findSpans(gs []group) []PNRSpan {
	var out []PNRSpan
	// add adds groups i..j; date > 0 marks part of a personnummer whose
	// first date digits are its birth date, which its Digits then hold
	add := func(i, j, date int) {
		sp := PNRSpan{Start: gs[i].start, End: gs[j].end}
		var d strings.Builder
		for k := i; k <= j; k++ {
			if k > i && gs[k].plus && d.Len() == 6 && j == k && len(gs[k].digits) == 4 {
				d.WriteByte('+')
			}
			d.Write(gs[k].digits)
		}
		sp.Digits = d.String()
		if date > 0 {
			sp.Digits = sp.Digits[:date]
		}
		if n := len(out); n > 0 && out[n-1].End >= sp.Start {
			if sp.End > out[n-1].End {
				out[n-1].End = sp.End
			}
			return
		}
		out = append(out, sp)
	}
	for i := range gs {
		if len(gs[i].digits) >= 10 {
			add(i, i, 0)
			continue
		}
		// 6+ digits, separators, 4+ digits
		if len(gs[i].digits) >= 6 && i+1 < len(gs) && gs[i+1].joined && len(gs[i+1].digits) >= 4 {
			add(i, i+1, 0)
			continue
		}
		// part of a personnummer: nine digits whose first six are a date
		// (YYMMDD; the tenth digit follows from the other nine), or a date
		// of six or eight digits joined to one to three more (a birth
		// date and part of its number)
		if n := len(gs[i].digits); n == 9 && dateDigits(string(gs[i].digits[:6])) {
			add(i, i, 6)
			continue
		} else if (n == 6 || n == 8) && dateDigits(string(gs[i].digits)) && i+1 < len(gs) && gs[i+1].joined && len(gs[i+1].digits) <= 3 {
			add(i, through(gs, i+1), n)
			continue
		}
		total := len(gs[i].digits)
		for j := i + 1; j < len(gs) && gs[j].joined; j++ {
			total += len(gs[j].digits)
			if total > 12 {
				break
			}
			if total < 9 {
				continue
			}
			ok := true
			cut := 0
			for k := i; k < j; k++ {
				cut += len(gs[k].digits)
				if !allowedSplit(total, cut) {
					ok = false
					break
				}
			}
			date := 0
			if ok && (total == 9 || total == 11) { // without its check digit: the date must be real
				var d []byte
				for k := i; k <= j; k++ {
					d = append(d, gs[k].digits...)
				}
				date = total - 3
				ok = dateDigits(string(d[:date]))
			}
			if ok && !dateRange(gs, i, j) {
				if date > 0 {
					j = through(gs, j)
				}
				add(i, j, date)
				break
			}
		}
	}
	return out
}

// through returns the last group of part of a personnummer that ends at
// group j with one to three digits: the short groups joined after it and
// the group of up to four digits joined after them. A reader reads
// "800101-1-1234" or "800101&#45;1234" as a birth date and its last four,
// which masking only "800101-1" would leave standing (2026-12-02).
func through(gs []group, j int) int {
	for len(gs[j].digits) <= 3 && j+1 < len(gs) && gs[j+1].joined && len(gs[j+1].digits) <= 4 {
		j++
	}
	return j
}

// dateRange reports a window YYYY MM DD NNNN whose NNNN goes on as a
// date (MM DD): two dates, "2024-01-15 – 2024-06-30", not a personnummer.
func dateRange(gs []group, i, j int) bool {
	if j-i != 3 || j+2 >= len(gs) || !gs[j+1].joined || !gs[j+2].joined {
		return false
	}
	for k, n := range []int{4, 2, 2, 4, 2, 2} {
		if len(gs[i+k].digits) != n {
			return false
		}
	}
	return true
}

// mayHaveDigits is a fast check: ASCII text without a digit or an HTML
// character reference (&sup1;) holds none.
func mayHaveDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c >= '0' && c <= '9') || c >= utf8.RuneSelf || c == '&' { // &sup1;
			return true
		}
	}
	return false
}

// HasPNR reports whether s holds something shaped like a personnummer.
func HasPNR(s string) bool { return len(FindPNRs(s)) > 0 }

// MaskPNRs replaces every personnummer-shaped part of s by its mask
// ("YYYYMMDD-****" when its first digits are a real date, else "****"),
// until none is left (a mask's date digits could form a new shape with
// digits beside it).
func MaskPNRs(s string, today time.Time) string {
	for range 8 {
		spans := FindPNRs(s)
		if len(spans) == 0 {
			return s
		}
		var b strings.Builder
		last := 0
		for _, sp := range spans {
			b.WriteString(s[last:sp.Start])
			b.WriteString(MaskAt(sp.Digits, today))
			last = sp.End
		}
		b.WriteString(s[last:])
		s = b.String()
	}
	// cannot happen (every pass removes digits); be safe anyway
	return maskAllDigits(s)
}

func maskAllDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return '*'
		}
		return r
	}, s)
}

// ReasonText is the reason of a text value that cannot be stored.
const ReasonText = "invalid_text"

// BadTextRune returns the first character of s that text columns refuse
// and true: C0 and C1 control characters other than tab, DEL, and the
// bidirectional embeddings, overrides and isolates (U+202A–U+202E,
// U+2066–U+2069) that make text display other than it is stored.
func BadTextRune(s string) (rune, bool) {
	for _, r := range s {
		if badTextRune(r) {
			return r, true
		}
	}
	return 0, false
}

func badTextRune(r rune) bool {
	switch {
	case r == '\t':
		return false
	case r < 0x20, r == 0x7F, r >= 0x80 && r <= 0x9F:
		return true
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// CheckText returns an *Error with ReasonText when s holds a character
// text columns refuse, naming it (U+001B) and never echoing s.
func CheckText(s string) error {
	r, bad := BadTextRune(s)
	if !bad {
		return nil
	}
	return fail(ReasonText, "the text holds the control character "+runeName(r)+
		" (control characters and bidirectional overrides cannot be stored): remove it from the value")
}

func runeName(r rune) string {
	const hex = "0123456789ABCDEF"
	b := []byte("U+0000")
	for i := 0; i < 4; i++ {
		b[5-i] = hex[(r>>(4*i))&0xF]
	}
	return string(b)
}

// EscapeText returns s with every character CheckText refuses written as
// \uXXXX, so a rejected value can be stored and shown without acting on a
// terminal or reordering what is displayed.
func EscapeText(s string) string {
	if _, bad := BadTextRune(s); !bad {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if badTextRune(r) {
			b.WriteString(`\u` + runeName(r)[2:])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
