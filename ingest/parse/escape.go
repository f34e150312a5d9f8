package parse

import (
	"html"
	"unicode/utf8"
)

// Escapes a reader reads through (masking version 4, 2026-12-02: an
// adversary stored "800101&#45;1234", "800101&nbsp;1234",
// "800101\u002D1234" and "800101%2D1234", which a page, a JSON reader or a
// browser's address bar shows as a personnummer, while the scanner read
// the escape's own digits as the number's last four or broke the join at
// its letters). The personnummer scanner reads each of these escapes as
// the one character it stands for (readRune):
//
//   - HTML character references as a browser reads them (htmlRef):
//     decimal &#45; (without its ';' the digits stay digits),
//     hexadecimal &#x2D; (any number of digits, the ';' optional), every
//     HTML5 name (&nbsp; &ndash; &ZeroWidthSpace; …; an unknown &name; is
//     a separator) and the old names a browser reads without ';'
//     (&nbsp1234);
//   - backslash escapes of JSON, Go, JavaScript and Python: \u002D (a
//     surrogate pair \uD83C\uDD01 as one character), \u{2D}, \U0000002D,
//     \x2D;
//   - percent escapes of URLs: %2D, the UTF-8 bytes of one character
//     (%E2%80%93), %u2013; a percent escape of a control character is not
//     read as one (the '%' is a separator and the digits stay digits).
//
// An escaped digit is a digit; an escaped invisible character is read
// through (ignorable); any other escaped character, whatever it is, is one
// separator character (white space stays white space for the run's
// length): the escape shows as a mark between the digit groups, not as
// digits.

// readRune returns the character at s[i:] as a reader reads it, its width
// in s, and whether it was written as an escape.
func readRune(s string, i int) (r rune, w int, escaped bool) {
	c := s[i]
	if c < utf8.RuneSelf {
		if c == '&' || c == '\\' || c == '%' {
			if r, w, ok := unescape(s[i:]); ok {
				return r, w, true
			}
		}
		return rune(c), 1, false
	}
	r, w = utf8.DecodeRuneInString(s[i:])
	return r, w, false
}

// unescape decodes the escape at the start of t (see readRune).
func unescape(t string) (rune, int, bool) {
	if len(t) < 3 {
		return 0, 0, false
	}
	switch t[0] {
	case '&':
		return htmlRef(t)
	case '\\':
		switch t[1] {
		case 'u':
			if t[2] == '{' {
				v, n := hexRun(t[3:], 1, 6)
				if n == 0 || 3+n >= len(t) || t[3+n] != '}' {
					return 0, 0, false
				}
				return validRune(v, 4+n)
			}
			v, n := hexRun(t[2:], 4, 4)
			if n == 0 {
				return 0, 0, false
			}
			if v >= 0xD800 && v < 0xDC00 && len(t) >= 12 && t[6] == '\\' && t[7] == 'u' {
				if lo, m := hexRun(t[8:], 4, 4); m == 4 && lo >= 0xDC00 && lo < 0xE000 {
					return validRune(0x10000+(v-0xD800)<<10+(lo-0xDC00), 12)
				}
			}
			return validRune(v, 6)
		case 'U':
			v, n := hexRun(t[2:], 8, 8)
			if n == 0 {
				return 0, 0, false
			}
			return validRune(v, 10)
		case 'x':
			v, n := hexRun(t[2:], 2, 2)
			if n == 0 {
				return 0, 0, false
			}
			return validRune(v, 4)
		}
	case '%':
		if t[1] == 'u' || t[1] == 'U' {
			v, n := hexRun(t[2:], 4, 4)
			if n == 0 {
				return 0, 0, false
			}
			return printable(validRune(v, 6))
		}
		// one character's UTF-8 bytes, each written %XX
		var b [utf8.UTFMax]byte
		n := 0
		for n < len(b) && 3*n+2 < len(t) && t[3*n] == '%' {
			v, m := hexRun(t[3*n+1:], 2, 2)
			if m == 0 {
				break
			}
			b[n] = byte(v)
			n++
			if r, w := utf8.DecodeRune(b[:n]); w == n && (r != utf8.RuneError || w > 1) {
				return printable(r, 3*n, true)
			}
		}
	}
	return 0, 0, false
}

// htmlRef decodes a character reference at the start of t as a browser
// does (Go's html.UnescapeString, which follows HTML5): &#NNN; and &#xHH;
// with any number of digits (leading zeros too), the hexadecimal one
// without its closing ';' too, every named reference of HTML5 (&ZeroWidthSpace;,
// &NegativeMediumSpace; …) and the old names a browser reads without ';'
// (&nbsp1234 is a no-break space and 1234). A named reference that
// decodes to nothing is not a reference; one of several characters is
// read as its first.
func htmlRef(t string) (rune, int, bool) {
	r, w, ok, _ := htmlRefKnown(t)
	return r, w, ok
}

// htmlRefKnown is htmlRef, and whether the reference is one HTML knows
// (false for an unknown &name;, which htmlRef reads as a separator and a
// browser shows as written).
func htmlRefKnown(t string) (r rune, w int, ok, known bool) {
	if len(t) < 3 {
		return 0, 0, false, false
	}
	if t[1] == '#' {
		n, hex := 2, false
		if t[2] == 'x' || t[2] == 'X' {
			n, hex = 3, true
		}
		start := n
		for n < len(t) && (isDigit(t[n]) || hex && isHexLetter(t[n])) {
			n++
		}
		if n == start {
			return 0, 0, false, false
		}
		if n < len(t) && t[n] == ';' {
			n++
		} else if !hex {
			// &#451234 without ';': its digits stay digits, as a reader
			// of the plain text reads them (a browser would take them)
			return 0, 0, false, false
		}
		return firstRune(html.UnescapeString(t[:n]), n)
	}
	n := 1
	for n < len(t) && n <= 32 && isAlnum(t[n]) {
		n++
	}
	if n == 1 || !isLetter(t[1]) {
		return 0, 0, false, false
	}
	if n < len(t) && t[n] == ';' {
		if d := html.UnescapeString(t[:n+1]); d != t[:n+1] {
			return firstRune(d, n+1)
		}
		return '&', n + 1, true, false // a name HTML does not know: a separator
	}
	// without ';': an old name a browser reads so, and what follows it in
	// the run stays as it is (&nbsp1234: the name is "nbsp")
	if d := html.UnescapeString(t[:n]); d != t[:n] {
		_, rw := utf8.DecodeRuneInString(d)
		return firstRune(d, n-(len(d)-rw))
	}
	return 0, 0, false, false
}

// firstRune is the first character of a decoded reference of width w: a
// line break (&NewLine;) reads as a space, as a page shows it in text.
func firstRune(d string, w int) (rune, int, bool, bool) {
	r, _ := utf8.DecodeRuneInString(d)
	if r == '\n' || r == '\r' {
		r = ' '
	}
	return r, w, true, true
}

func isHexLetter(c byte) bool { return ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F') }

// htmlRune is a numeric reference's character: one a browser would
// replace (NUL, a surrogate, beyond Unicode) shows as U+FFFD.
func htmlRune(v, w int) (rune, int, bool) {
	if v == 0 || v > utf8.MaxRune || (v >= 0xD800 && v < 0xE000) {
		return utf8.RuneError, w, true
	}
	return rune(v), w, true
}

func validRune(v, w int) (rune, int, bool) {
	if v > utf8.MaxRune {
		return 0, 0, false
	}
	if v >= 0xD800 && v < 0xE000 {
		return utf8.RuneError, w, true
	}
	return rune(v), w, true
}

// printable drops a decoded control character.
func printable(r rune, w int, ok bool) (rune, int, bool) {
	if !ok || r < 0x20 || (r >= 0x7F && r < 0xA0) {
		return 0, 0, false
	}
	return r, w, true
}

// hexRun reads min to max hex digits from the start of t: their value and
// how many, 0 when fewer than min.
func hexRun(t string, min, max int) (int, int) {
	v, n := 0, 0
	for n < len(t) && n < max {
		c := t[n]
		switch {
		case '0' <= c && c <= '9':
			v = v<<4 | int(c-'0')
		case 'a' <= c && c <= 'f':
			v = v<<4 | int(c-'a'+10)
		case 'A' <= c && c <= 'F':
			v = v<<4 | int(c-'A'+10)
		default:
			if n < min {
				return 0, 0
			}
			return v, n
		}
		n++
	}
	if n < min {
		return 0, 0
	}
	return v, n
}

func isLetter(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }
func isAlnum(c byte) bool  { return isLetter(c) || isDigit(c) }
