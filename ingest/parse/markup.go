package parse

import (
	"strings"
	"unicode/utf8"
)

// Masking version 6 (2026-12-02, after a re-test stored
// "800101&amp;#x2D;1234", "800101&amp;amp;#45;1234", "800101<!---->1234",
// "8001<b>01</b>-1234" and "800101<wbr>1234" unmasked: a page that
// decodes the text twice, or renders it as HTML, shows a personnummer).
// Besides the text as written (readRune: one round of escapes), the
// scanner reads a deeper reading of it (deepReading) and masks what either
// finds:
//
//   - HTML character references decoded as repeated html.UnescapeString
//     would, up to refRounds rounds in all ("&amp;amp;#45;" is "-"; an
//     '&' a round decodes starts a reference of the next round with the
//     characters after it, decoded by that round too), each round by
//     readRune's rules (htmlRef: a decimal reference without ';' keeps its
//     digits, an unknown &name; is left as written);
//   - markup read as a page shows it (markupAt): a tag (<span>, </b>,
//     <wbr>, <a href="…">) or a comment (<!-- … -->, and what a browser
//     hides as one: <!…>, <?…>, </…>) of at most maxMarkup bytes is read
//     through like an invisible character, inside a digit group or a
//     separator run; a tag of an element that starts a new line (<br>,
//     <p>, </p>, <div>, <li>, <tr> …: blockTags) joins nothing, like a
//     line break; a table cell's tag (<td>, <th>) reads as a tab, as a
//     page's text (innerText) gives it.
//
// Digits inside a tag or comment are read in the text as written, so a
// personnummer in an attribute or a comment is still masked.

// refRounds is how many rounds of character references are read through.
const refRounds = 4

// maxMarkup bounds the length of a tag or comment read through.
const maxMarkup = 256

// reading is a text as a reader reads it: the text itself (from == nil),
// or a form of it with character references decoded, whose bytes map back
// to the text's.
type reading struct {
	text string
	// from[j] is the offset in the text as written of the character that
	// begins at byte j of text, to[j] the end there of the one that ends
	// at byte j; both have len(text)+1 entries
	from, to []int
	esc      []bool // esc[j]: byte j belongs to a decoded reference
	markup   bool   // tags and comments are read as a page shows them
}

func (rd *reading) start(j int) int {
	if rd.from == nil {
		return j
	}
	return rd.from[j]
}

func (rd *reading) end(j int) int {
	if rd.to == nil {
		return j
	}
	return rd.to[j]
}

// deepReading returns the deeper reading of s (see above) and true when it
// may read otherwise than s as written: a round of references beyond
// readRune's decoded something, or it holds '<'.
func deepReading(s string) (reading, bool) {
	rd := reading{text: s}
	changed := false
	if strings.IndexByte(s, '&') >= 0 {
		// the last round is readRune's own
		for range refRounds - 1 {
			if !rd.decodeRound() {
				break
			}
			changed = true
		}
	}
	rd.markup = strings.IndexByte(rd.text, '<') >= 0
	return rd, changed || rd.markup
}

// decodeRound decodes every character reference HTML knows in rd.text
// once, as html.UnescapeString does (by htmlRef's rules), and reports
// whether it decoded any.
func (rd *reading) decodeRound() bool {
	t := rd.text
	if strings.IndexByte(t, '&') < 0 {
		return false
	}
	n := len(t)
	from := make([]int, 0, n+1)
	to := make([]int, 1, n+1)
	esc := make([]bool, 0, n+1)
	to[0] = rd.start(0)
	var b strings.Builder
	b.Grow(n)
	changed := false
	var buf [utf8.UTFMax]byte
	for j := 0; j < n; {
		if t[j] == '&' {
			if r, w, ok, known := htmlRefKnown(t[j:]); ok && known {
				m := utf8.EncodeRune(buf[:], r)
				b.Write(buf[:m])
				for range m {
					from = append(from, rd.start(j))
					to = append(to, rd.end(j+w))
					esc = append(esc, true)
				}
				j += w
				changed = true
				continue
			}
		}
		b.WriteByte(t[j])
		from = append(from, rd.start(j))
		to = append(to, rd.end(j+1))
		esc = append(esc, rd.esc != nil && rd.esc[j])
		j++
	}
	if !changed {
		return false
	}
	from = append(from, rd.start(n))
	esc = append(esc, false)
	rd.text, rd.from, rd.to, rd.esc = b.String(), from, to, esc
	return true
}

// markup kinds
const (
	markupHidden = iota + 1 // read through, like an invisible character
	markupBreak             // joins nothing, like a line break
	markupCell              // a table cell's tag: reads as a tab
)

// blockTags are the elements whose tags start a new line on a page (block
// level elements, line breaks, table rows, list items and options): a
// personnummer is not read across them. Other tags show nothing between
// the characters around them (inline elements, and elements a page does
// not show at all: <style>, <script>, <template> …).
var blockTags = func() map[string]bool {
	m := map[string]bool{}
	for _, name := range strings.Fields(`address article aside blockquote br caption center
		dd details dialog dir div dl dt fieldset figcaption figure footer form frameset
		h1 h2 h3 h4 h5 h6 header hgroup hr legend li listing main menu nav ol optgroup option
		p plaintext pre section summary table tbody tfoot thead tr ul xmp`) {
		m[name] = true
	}
	return m
}()

// markupAt returns the width and kind of the tag or comment that begins
// at t[i] ('<'), or 0: a start or end tag (<name …>, </name …>, quoted
// attribute values may hold '>'), a comment (<!-- … -->, <!-->, <!--->),
// or what a browser hides as a comment (<!…>, <?…>, </…>), at most
// maxMarkup bytes long.
func markupAt(t string, i int) (int, int) {
	u := t[i:]
	if len(u) > maxMarkup {
		u = u[:maxMarkup]
	}
	if len(u) < 3 {
		return 0, 0
	}
	switch c := u[1]; {
	case c == '!' && strings.HasPrefix(u, "<!--"):
		if strings.HasPrefix(u, "<!-->") {
			return 5, markupHidden
		}
		if strings.HasPrefix(u, "<!--->") {
			return 6, markupHidden
		}
		for k := 4; k < len(u); k++ {
			if strings.HasPrefix(u[k:], "-->") {
				return k + 3, markupHidden
			}
			if strings.HasPrefix(u[k:], "--!>") {
				return k + 4, markupHidden
			}
		}
		return 0, 0
	case c == '!' || c == '?' || (c == '/' && !isLetter(u[2])):
		// a bogus comment: up to the first '>' ("</>" is nothing)
		if k := strings.IndexByte(u[2:], '>'); k >= 0 {
			return k + 3, markupHidden
		}
		return 0, 0
	}
	k := 1
	if u[1] == '/' {
		k = 2
	}
	if !isLetter(u[k]) {
		return 0, 0
	}
	name := k
	for k < len(u) && u[k] != '>' && u[k] != '/' && !isHTMLSpace(u[k]) {
		k++
	}
	kind := markupHidden
	if tag := strings.ToLower(u[name:k]); blockTags[tag] {
		kind = markupBreak
	} else if tag == "td" || tag == "th" {
		kind = markupCell
	}
	// attributes: a value quoted after '=' may hold '>'
	eq := false
	for ; k < len(u); k++ {
		switch c := u[k]; {
		case c == '>':
			return k + 1, kind
		case eq && (c == '"' || c == '\''):
			q := strings.IndexByte(u[k+1:], c)
			if q < 0 {
				return 0, 0
			}
			k += q + 1
			eq = false
		case c == '=':
			eq = true
		case !isHTMLSpace(c):
			eq = false
		}
	}
	return 0, 0
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}
