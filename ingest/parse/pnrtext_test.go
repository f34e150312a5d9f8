package parse

import (
	"strings"
	"testing"
	"unicode"
)

// TestNdBlocks: every range of decimal digits in Go's Unicode tables is a
// whole number of blocks of ten starting at a zero, which digitValue relies on.
func TestNdBlocks(t *testing.T) {
	check := func(lo, hi, stride uint32) {
		if stride != 1 || (hi-lo+1)%10 != 0 {
			t.Errorf("Nd range %U–%U stride %d is not blocks of ten", lo, hi, stride)
		}
	}
	for _, r := range unicode.Nd.R16 {
		check(uint32(r.Lo), uint32(r.Hi), uint32(r.Stride))
	}
	for _, r := range unicode.Nd.R32 {
		check(r.Lo, r.Hi, r.Stride)
	}
}

func TestFoldDigits(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"２００００２２０－８０８０", "20000220－8080"},
		{"١٩٨٥٠٦٠٣-٧٥٢٥", "19850603-7525"},
		{"१९९०1227-8018", "19901227-8018"},
		{"۱۹۸۵", "1985"},           // Extended Arabic-Indic (Persian)
		{"𝟏𝟗𝟖𝟓", "1985"},           // mathematical bold
		{"১৯৮৫ ๑๙๘๕", "1985 1985"}, // Bengali, Thai
		{"abc ½ ① ²", "abc ½ ① ²"}, // not decimal digits
		{"Malmö 0127", "Malmö 0127"},
	} {
		if got := FoldDigits(c.in); got != c.want {
			t.Errorf("FoldDigits(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestMaskPNRs: every personnummer shape is masked wherever it stands,
// valid or not; numbers of other shapes are left alone.
func TestMaskPNRs(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		// the forms seen in issue 8
		{"２００００２２０－８０８０", "20000220-****"},
		{"١٩٨٥٠٦٠٣-٧٥٢٥", "19850603-****"},
		{"१९९०1227-8018", "19901227-****"},
		{"19740227/2343", "19740227-****"},
		{"1971.01.30.5162", "19710130-****"},
		{"19681225.3471", "19681225-****"},
		{"19820617-6380", "19820617-****"}, // fails Luhn: masked anyway
		{"Insats 820617-6380", "Insats 19820617-****"},
		// separators and forms
		{"850709-9805", "19850709-****"},
		{"850709+9805", "18850709-****"}, // '+': 100 years or older
		{"850709＋9805", "18850709-****"},
		{"8507099805", "19850709-****"},
		{"198507099805", "19850709-****"},
		{"19850709 9805", "19850709-****"},
		{"19850709\u00a09805", "19850709-****"},
		{"19850709\u20139805", "19850709-****"}, // en dash
		{"19850709\u22129805", "19850709-****"}, // minus sign
		{"850709 - 9805", "19850709-****"},
		{"1985-07-09-9805", "19850709-****"},
		{"85 07 09 9805", "19850709-****"},
		{"G19880808-2468", "G19880808-****"},
		// the adversary's separators and invisible characters (2026-12-02)
		{"Sep 800101_1234", "Sep 19800101-****"},
		{"Zero width 19800101\u200b-1234", "Zero width 19800101-****"},
		{"1980\u200b0101-1234", "19800101-****"},
		{"19800101\u00ad1234", "19800101-****"}, // soft hyphen
		{"\ufeff800101\u20601234", "\ufeff19800101-****"},
		{"Tab 800101\t1234", "Tab 19800101-****"},
		{"800101,1234", "19800101-****"},
		{"800101:1234", "19800101-****"},
		{"2024-01-15, 0127, 12,5", "2024-01-15, 0127, 12,5"}, // a list: a comma with a space joins nothing
		{"800101 ,1234", "800101 ,1234"},
		{"800101;1234", "19800101-****"},
		{"800101~1234", "19800101-****"},
		{"800101*1234", "19800101-****"},
		{"800101'1234", "19800101-****"},
		{"800101#1234", "19800101-****"},
		{"800101=1234", "19800101-****"},
		{"800101-¹²³⁴", "19800101-****"},
		// the second adversary's look-alikes (2026-12-02, masking v3)
		{"80\uFE0F0101-1234", "19800101-****"}, // variation selector
		{"800101\u034F-1234", "19800101-****"}, // combining grapheme joiner
		{"80\u03010101-1234", "19800101-****"}, // combining acute
		{"800101\u31641234", "19800101-****"},  // Hangul filler
		{"800101\u28001234", "19800101-****"},  // Braille blank
		{"800101\u20241234", "19800101-****"},  // one-dot leader
		{"800101\u02D71234", "19800101-****"},  // modifier minus
		{"800101\u25001234", "19800101-****"},  // box drawing
		{"800101＿1234", "19800101-****"},
		{"800101：1234", "19800101-****"},
		{"800101|1234", "19800101-****"},
		{"(800101)1234", "(19800101-****"},
		{"➑⓪⓪①⓪①-①②③④", "19800101-****"},
		{"❽⓿⓿❶⓿❶-❶❷❸❹", "19800101-****"},
		{"800101  -  1234", "19800101-****"},
		{"800101 -- 1234", "19800101-****"},
		{"line 800101\n1234", "line 800101\n1234"}, // a line break joins nothing
		// the third adversary's (2026-12-02)
		{"800101\u20651234", "19800101-****"},      // unassigned, default ignorable
		{"800101-\U000E00021234", "19800101-****"}, // tag block, default ignorable
		{"800101-\uFFF01234", "19800101-****"},
		{"800101          1234", "19800101-****"}, // white space a page collapses
		{"800101 \t \t \t \t 1234", "19800101-****"},
		{"🄉🄁🄁🄂🄁🄂-1234", "19800101-****"},
		{"800101-🄂🄃🄄🄅", "19800101-****"},
		{"₈₀₀₁₀₁₁₂₃₄", "19800101-****"},
		{"grupp200112242342", "grupp20011224-****"},
		{"Syrien (pass 9211634564)", "Syrien (pass 19921163-****)"},
		// the fourth adversary's (2026-12-02, masking v4)
		// F1: white space around a hyphen, each run counted as one
		{"19800101   -   1234", "19800101-****"},
		{"800101   -   1234", "19800101-****"},
		{"800101\t\t\t-\t\t\t1234", "19800101-****"},
		{"reg 19800101   -   1234.csv", "reg 19800101-****.csv"},
		{"800101 \t - \t 1234", "19800101-****"},
		{"800101 - - - - - - 1234", "800101 - - - - - - 1234"}, // eleven characters, six of them not white space: no join
		{"800101\n-\n1234", "800101\n-\n1234"},                 // line breaks still join nothing
		// F2: escapes read as the character they stand for
		{"800101&#45;1234", "19800101-****"},
		// re-test of 2026-12-02: references as a browser reads them (html.UnescapeString)
		{"800101&#x00000002D;1234", "19800101-****"}, // hex digits beyond 8 (leading zeros)
		{"80010&#x0000000AD;11234", "19800101-****"}, // soft hyphen, read through
		{"800101&#x2d&#x31;234", "19800101-****"},    // hex without ';'
		{"800101-&#x31&#x32;34", "19800101-****"},
		{"800101&#x2D 1234", "19800101-****"},
		{"800101&nbsp1234", "19800101-****"}, // old name without ';'
		{"80010&shy11234", "19800101-****"},
		{"80010&NegativeMediumSpace;11234", "19800101-****"}, // U+200B: any HTML5 name
		{"80010&ApplyFunction;11234", "19800101-****"},       // U+2061
		{"800101&#8211;1234", "19800101-****"},
		{"800101&#160;1234", "19800101-****"},
		{"800101&#8209;1234", "19800101-****"},
		{"800101&nbsp;1234", "19800101-****"},
		{"800101&ndash;1234", "19800101-****"},
		{"800101&minus;1234", "19800101-****"},
		{"800101&#x2D;1234", "19800101-****"},
		{"800101&#x2212;1234", "19800101-****"},
		{"800101&nbsp;&nbsp;&nbsp;-&nbsp;&nbsp;&nbsp;1234", "19800101-****"},
		{"800101&plus;1234", "18800101-****"},
		{"&#56;&#48;&#48;&#49;&#48;&#49;-&#49;&#50;&#51;&#52;", "19800101-****"},
		{"800101-&sup1;&sup2;&sup3;4", "19800101-****"},
		{"800101&amp;#45;1234", "19800101-****"}, // escaped twice: "#45;" is read as a separator and digits
		{"800101&foo;1234", "19800101-****"},     // a name effekt does not know
		{"800101&#451234", "****"},               // no ';': the digits join as digits, twelve of them
		{`800101\u002D1234`, "19800101-****"},
		{`800101\u00071234`, "19800101-****"}, // EscapeText's form of a control character
		{`800101\u{2D}1234`, "19800101-****"},
		{`800101\x2d1234`, "19800101-****"},
		{`800101\U0000002D1234`, "19800101-****"},
		{`\u0038\u0030\u0030\u0031\u0030\u0031-1234`, "19800101-****"},
		{`800101\\u002D1234`, "19800101-****"},
		{"800101%2D1234", "19800101-****"},
		{"800101%20%20%20-%20%20%201234", "19800101-****"},
		{"800101%E2%80%931234", "19800101-****"},
		{"800101%u20131234", "19800101-****"},
		{"q=800101+1234&x=1", "q=18800101-****&x=1"},
		{"800101%1234", "19800101-****"}, // %12 is a control character: not read as one
		{"50%25 av 2024", "50%25 av 2024"},
		// a birth date and short groups: masked through the last four
		{"800101-1-1234", "19800101-****"},
		{"800101-12-1234", "19800101-****"},
		{"19800101 1 2 3 1234 x", "19800101-**** x"},
		{"1980-01-01-123-1234", "19800101-****"},
		{"800101-1 - 19900101-5678", "19800101-**** - 19900101-****"},
		{"kursstart 2024-01-15 10:30", "kursstart 2024-01-15 10:30"}, // twelve digits split at 4, 6, 8, 10: no shape
		// F3: modifier letters and letters that look like - / | : .
		{"٨٠٠١٠١ـ١٢٣٤", "19800101-****"}, // Arabic tatweel
		{"800101\u30FC1234", "19800101-****"},
		{"800101\u4E001234", "19800101-****"},
		{"800101\u31611234", "19800101-****"},
		{"800101\u02D01234", "19800101-****"},
		{"800101\u02CD1234", "19800101-****"},
		{"800101\u02BC1234", "19800101-****"},
		{"800101\u141F1234", "19800101-****"},
		{"800101\u01C01234", "19800101-****"},
		{"800101\u07FA1234", "19800101-****"},
		{"800101\u04C01234", "19800101-****"},
		{"800101\uA4FD1234", "19800101-****"},
		{"800101 ـ 1234", "19800101-****"},
		{"800101a1234", "800101a1234"},        // a Latin letter joins nothing
		{"12345678901234", "****"},            // a long digit run may hide one
		{"1234567-8901", "****"},              // 6+ digits, separator, 4+ digits
		{"pnr 19851399-1234 x", "pnr **** x"}, // no real date: fully masked
		// without the check digit (the other nine give it), the date real
		{"ring 811218-987", "ring 19811218-****"},
		{"pnr 19811218 987 x", "pnr 19811218-**** x"},
		{"81 12 18 987", "19811218-****"},
		{"x811218987", "x19811218-****"},
		{"1981-12-18-987", "19811218-****"},
		{"samordning 811278-987", "samordning 19811278-****"},                   // day + 60
		{"kursstart 2024-01-15 100 platser", "kursstart 20240115-**** platser"}, // a date and three digits: masked too
		// not personnummer shapes
		{"081234567", "081234567"},       // nine digits, 08-12-34 no date
		{"811232-987", "811232-987"},     // no 32 December
		{"19811218-98", "19811218-****"}, // a birth date and part of its number
		{"811218-9", "19811218-****"},
		{"811218 3 st", "19811218-**** st"}, // a date and a small number are not told apart from part of an id
		{"20240115 - 2 platser", "20240115-**** platser"},
		{"INS-20240115-01", "INS-20240115-****"}, // as a key: refused at load (personnummer_in_id)
		{"Botkyrka 0127", "Botkyrka 0127"},
		{"2024-01-15", "2024-01-15"},
		{"Jobbspår 2024-01-15 – 2024-06-30", "Jobbspår 2024-01-15 – 2024-06-30"}, // two dates
		{"2024-01-15 2024-06-30", "2024-01-15 2024-06-30"},
		{"1985-07-09 9805 x", "19850709-**** x"},
		{"08-123 456 78", "08-123 456 78"},
		{"070-123 45 67", "070-123 45 67"},
		{"12,5 timmar", "12,5 timmar"},
		{"123456789", "123456789"},
		{"", ""},
	} {
		if got := MaskPNRs(c.in, today); got != c.want {
			t.Errorf("MaskPNRs(%q) = %q, want %q", c.in, got, c.want)
		}
		if len(FindPNRs(MaskPNRs(c.in, today))) != 0 {
			t.Errorf("MaskPNRs(%q) leaves a shape", c.in)
		}
	}
}

// TestMaskPNRsDeep: masking v6 (2026-12-02) reads character references
// as repeated html.UnescapeString reads them (up to four rounds) and reads
// through tags and comments between digit groups as a page renders them;
// every case here was left unmasked by v5.
func TestMaskPNRsDeep(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		// two or more rounds of escaping
		{"800101&amp;#x2D;1234", "19800101-****"},
		{"800101&amp;amp;#45;1234", "19800101-****"},
		{"800101&amp;amp;amp;#x2D;1234", "19800101-****"}, // four rounds
		{"800101&#38;#x2D;1234", "19800101-****"},
		{"800101&#x26;amp;#x2D;1234", "19800101-****"},
		{"800101&AMP;#x2D;1234", "19800101-****"},
		{"800101&amp#x2D;1234", "19800101-****"},      // an old name without ';'
		{"800101&amp;&#35;x2D;1234", "19800101-****"}, // the '#' decoded in the first round too
		{"800101&amp;nbsp;1234", "19800101-****"},
		{"800101&amp;amp;ndash;1234", "19800101-****"},
		{"80010&amp;#49;1234", "19800101-****"}, // an escaped digit
		{"Insats 800101&amp;#x2D;1234 vt", "Insats 19800101-**** vt"},
		// markup between digit groups or inside a separator run
		{"800101<!---->1234", "19800101-****"},
		{"800101<span></span>-1234", "19800101-****"},
		{"8001<b>01</b>-1234", "19800101-****"},
		{"800101<wbr>1234", "19800101-****"},
		{"800101<!-- x -->-1234", "19800101-****"},
		{"800101<!--->-1234", "19800101-****"}, // an empty comment, closed early
		{"800101<!--<br>-->1234", "19800101-****"},
		{"19800101<b>-</b>1234", "19800101-****"},
		{"800101 <span class=\"x\">-</span> 1234", "19800101-****"},
		{"800101<span title='a>b'>1234</span>", "19800101-****</span>"},
		{"800101<span\n>1234", "19800101-****"},
		{"8<i></i>0<i></i>0<i></i>1<i></i>0<i></i>1<i></i>1<i></i>2<i></i>3<i></i>4", "19800101-****"},
		{"800101<!x>1234", "19800101-****"}, // bogus comments a browser hides
		{"800101</ x>1234", "19800101-****"},
		{"<td>800101</td><td>1234</td>", "<td>19800101-****</td>"}, // a table cell reads as a tab
		{"x 8001<b>01</b>-12 y", "x 19800101-**** y"},              // part of one
		// both: markup escaped once and decoded
		{"800101&lt;!----&gt;1234", "19800101-****"},
		{"8001&lt;b&gt;01&lt;/b&gt;-1234", "19800101-****"},
	} {
		if got := MaskPNRs(c.in, today); got != c.want {
			t.Errorf("MaskPNRs(%q) = %q, want %q", c.in, got, c.want)
		}
		if len(FindPNRs(MaskPNRs(c.in, today))) != 0 {
			t.Errorf("MaskPNRs(%q) leaves a shape", c.in)
		}
	}
	// left as they are, by v5 and v6 alike
	for _, s := range []string{
		"800101<br>1234", // block-level tags join nothing, like a line break
		"800101<br/>1234",
		"800101<BR>1234",
		"800101</p>1234",
		"800101<p>-1234",
		"800101<div class=x>1234",
		"800101</li><li>1234",
		"800101</td></tr><tr><td>1234",
		"<p>2024-01-15</p><p>1234</p>",
		"800101<b>a</b>1234",               // a letter between
		"800101&amp;amp;amp;amp;#x2D;1234", // five rounds
		"800101<span title=\"" + strings.Repeat("x", 300) + "\">1234", // longer than 256 bytes
		"800101<a 1234", // not closed
		"AT&amp;T 2024-01-15 kl. 10:30",
		"<b>2024-01-15</b> kl. <i>10:30</i>",
		"08-<b>123</b> 456 78",
		"<li>070-123 45 67</li>",
		"<b>12,5</b> timmar, 0127, 2024",
		"Jobbspår <b>2024-01-15</b> – <b>2024-06-30</b>",
	} {
		if got := MaskPNRs(s, today); got != s {
			t.Errorf("MaskPNRs(%q) = %q, want it unchanged", s, got)
		}
	}
	// digits inside a tag or a comment are still read as written
	for _, c := range []struct{ in, want string }{
		{`<a href="/p/19800101-1234">x</a>`, `<a href="/p/19800101-****">x</a>`},
		{"<!-- 800101-1234 -->", "<!-- 19800101-**** -->"},
		{"<b>800101-1234</b> x", "<b>19800101-****</b> x"},
	} {
		if got := MaskPNRs(c.in, today); got != c.want {
			t.Errorf("MaskPNRs(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestRedactUnicode(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"２００００２２０－８０８０", "20000220-****"},
		{"٨٥٠٧٠٩-٩٨", "19850709-****"}, // a partial person id
		{"19850709/98", "19850709-****"},
		// masking v4 (2026-12-02)
		{"800101&#45;1234", "19800101-****"},
		{"811218&#45;98", "19811218-****"},
		{"800101   -   12", "19800101-****"},
		{"٨٠٠١٠١ـ١٢", "19800101-****"},
		{"800101%2D12", "19800101-****"},
		{"nr 800101&nbsp;1", "nr 19800101-****"},
		{"Syrien", "Syrien"},
		// masking v6 (2026-12-02)
		{"x 8001<b>01</b>-12", "x 19800101-****"},
		{"x 8001&amp;amp;#x30;1-12", "x 19800101-****"}, // an escaped digit, three rounds
	} {
		if got := Redact(c.in); got != c.want {
			t.Errorf("Redact(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestCheckText(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // the character named, "" for none
	}{
		{"AF", ""},
		{"a\tb", ""},
		{"Malmö – centrum", ""},
		{"عربي", ""},
		{"\x1b[31mAF", "U+001B"},
		{"ar\a", "U+0007"},
		{"x\u202Eevil", "U+202E"},
		{"x\u2066y", "U+2066"},
		{"line\nbreak", "U+000A"},
		{"del\x7f", "U+007F"},
		{"c1\u0085", "U+0085"},
	} {
		err := CheckText(c.in)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("CheckText(%q) = %v, want nil", c.in, err)
		case c.want != "" && (err == nil || Reason(err) != ReasonText || !strings.Contains(err.Error(), c.want)):
			t.Errorf("CheckText(%q) = %v, want %s naming %s", c.in, err, ReasonText, c.want)
		}
	}
}

// TestMaskURI: a request URI is decoded before masking, its path and
// its query alike, and its control characters escaped (2026-12-02: the
// audit log stored "/api/v1/rejects?kind=af_plans&q=19800101-1234").
func TestMaskURI(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"/api/v1/rejects?kind=af_plans&q=19800101-1234", "/api/v1/rejects?kind=af_plans&q=19800101-****"},
		{"/api/v1/rejects?kind=af_plans", "/api/v1/rejects?kind=af_plans"},
		{"/insatser?q=800101%2D1234", "/insatser?q=19800101-****"},
		{"/insatser?q=800101%20%20%20-%20%20%201234&page=2", "/insatser?q=19800101-****&page=2"},
		{"/insatser?q=800101+-+1234", "/insatser?q=19800101-****"},
		{"/insatser?q=800101%252D1234", "/insatser?q=19800101-****"}, // escaped twice
		{"/insatser?q=800101%0A1234", `/insatser?q=19800101-****`},   // a line break, escaped: \u000A
		{"/insatser?q=800101%0A", `/insatser?q=800101\u000A`},
		{"/x/19800101-1234/y", "/x/19800101-****/y"},
		{"/x/800101%E2%80%931234", "/x/19800101-****"},
		{"/insatser?q=%ZZ800101-1234", "/insatser?q=%ZZ19800101-****"}, // not decodable: masked as written
		{"/v3/oudata?municipality=0127&year=2024", "/v3/oudata?municipality=0127&year=2024"},
	} {
		if got := MaskURI(c.in, today); got != c.want {
			t.Errorf("MaskURI(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
