package parse

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/effekt/effekt/geo"
)

// quoteEscape is an escape strconv.Quote writes for a byte or rune.
var quoteEscape = regexp.MustCompile(`\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})`)

// noIdentity fails when an error message could reveal a person id hidden in
// the input: the last ten digits of the input, or the whole trimmed input
// when it holds ten or more digits.
func noIdentity(t *testing.T, in string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	// an escape strconv.Quote wrote (\x80, \u00a0) is not the input's
	// digits: "\x80" before "000000000" shows nine of them, not ten
	msg := quoteEscape.ReplaceAllString(err.Error(), "\\·")
	d := onlyDigits(in)
	if len(d) < 10 {
		return
	}
	if strings.Contains(msg, d[len(d)-10:]) {
		t.Fatalf("error for %q shows its last ten digits: %q", in, msg)
	}
	if tr := trimSpace(in); strings.Contains(msg, tr) {
		t.Fatalf("error for %q repeats it: %q", in, msg)
	}
}

func FuzzPersonnummer(f *testing.F) {
	for _, s := range []string{
		"19811218-9876", "198112189876", "811218-9876", "811218+9876", "8112189876",
		"701063-2391", "640823-3242", "20240229-1237", "19811218-9875", "19810230-9876",
		"2611241239", "", " ", "abc", "19811218+9876", "000000-0000", "999999-9999",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Personnummer(s, today)
		if err != nil {
			if Reason(err) != ReasonPersonID {
				t.Fatalf("reason %q for %q", Reason(err), s)
			}
			noIdentity(t, s, err)
			return
		}
		c := p.Canonical
		if len(c) != 12 || countDigits(c) != 12 {
			t.Fatalf("canonical %q of %q is not 12 digits", c, s)
		}
		var d [10]byte
		digitsInto(d[:], c[2:])
		if !luhn(d[:]) {
			t.Fatalf("canonical %q of %q fails Luhn", c, s)
		}
		again, err := Personnummer(c, today)
		if err != nil || again != p {
			t.Fatalf("canonical %q of %q parses to %+v, %v; want %+v", c, s, again, err, p)
		}
		if dashed, err := Personnummer(c[:8]+"-"+c[8:], today); err != nil || dashed != p {
			t.Fatalf("dashed form of %q parses to %+v, %v", c, dashed, err)
		}
		y, _ := strconv.Atoi(c[0:4])
		m, _ := strconv.Atoi(c[4:6])
		dd, _ := strconv.Atoi(c[6:8])
		if p.Coordination != (dd > 60) {
			t.Fatalf("coordination %v for day %d of %q", p.Coordination, dd, s)
		}
		if p.Coordination {
			dd -= 60
		}
		if want := time.Date(y, time.Month(m), dd, 0, 0, 0, 0, time.UTC); !p.BirthDate.Equal(want) {
			t.Fatalf("birth date %s of %q, want %s", p.BirthDate.Format(time.DateOnly), s, want.Format(time.DateOnly))
		}
		if p.BirthDate.After(today) {
			t.Fatalf("birth date %s of %q is in the future", p.BirthDate.Format(time.DateOnly), s)
		}
		if want := map[bool]string{true: "M", false: "K"}[(c[10]-'0')%2 == 1]; p.Gender != want {
			t.Fatalf("gender %q of %q, want %q", p.Gender, s, want)
		}
		if got := MaskAt(s, today); got != c[:8]+"-****" {
			t.Fatalf("MaskAt(%q) = %q, want %q", s, got, c[:8]+"-****")
		}
		if !strings.HasSuffix(onlyDigits(s), c[len(c)-4:]) {
			t.Fatalf("canonical %q does not end like %q", c, s)
		}
	})
}

func FuzzMask(f *testing.F) {
	for _, s := range []string{"19811218-9876", "811218+9876", "8112189876", "19810230", "x", "701063-2391"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := MaskAt(s, today)
		if got == "****" {
			return
		}
		if len(got) != 13 || countDigits(got[:8]) != 8 || got[8:] != "-****" {
			t.Fatalf("MaskAt(%q) = %q, not YYYYMMDD-****", s, got)
		}
		// The digits shown are the date digits written at the start of s
		// (digits of any script, folded as MaskAt reads them).
		tr := trimSpace(FoldDigits(s))
		if !strings.HasPrefix(tr, got[:8]) && !strings.HasPrefix(tr, got[2:8]) {
			t.Fatalf("MaskAt(%q) = %q shows digits not at its start", s, got)
		}
	})
}

func FuzzDate(f *testing.F) {
	for _, s := range []string{
		"2019-02-28", "20190228", "2019/02/28", " 2019-02-28 ", "2019-02-30", "2023-02-29",
		"1989-12-31", "2026-11-24", "2024-01-05 00:00:00", "2024-01-05T13:45:59.123Z", "", "x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Date(s, today)
		if err != nil {
			if r := Reason(err); r != ReasonDate && r != ReasonDateRange {
				t.Fatalf("reason %q for %q", r, s)
			}
			noIdentity(t, s, err)
			return
		}
		if d.Location() != time.UTC || d.Hour() != 0 || d.Minute() != 0 || d.Second() != 0 || d.Nanosecond() != 0 {
			t.Fatalf("Date(%q) = %v, not UTC midnight", s, d)
		}
		if d.Before(earliest) || d.After(today) {
			t.Fatalf("Date(%q) = %v, out of range", s, d)
		}
		for _, form := range []string{time.DateOnly, "20060102", "2006/01/02"} {
			again, err := Date(d.Format(form), today)
			if err != nil || !again.Equal(d) {
				t.Fatalf("Date(%q) = %v, but its form %q gives %v, %v", s, d, d.Format(form), again, err)
			}
		}
		if !strings.Contains(strings.ReplaceAll(strings.ReplaceAll(s, "-", ""), "/", ""), d.Format("20060102")) {
			t.Fatalf("Date(%q) = %v, not written in the input", s, d)
		}
	})
}

func FuzzExcelSerial(f *testing.F) {
	for _, s := range []string{"1", "59", "60", "61", "45292", "45292.75", "45292,5", "0", "-1", "2958465", "2958466", "1e5", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ExcelSerial(s)
		if err != nil {
			if Reason(err) != ReasonDate {
				t.Fatalf("reason %q for %q", Reason(err), s)
			}
			noIdentity(t, s, err)
			return
		}
		if d.Location() != time.UTC || !d.Equal(dateOf(d)) {
			t.Fatalf("ExcelSerial(%q) = %v, not UTC midnight", s, d)
		}
		whole, _, _ := strings.Cut(strings.ReplaceAll(trimSpace(s), ",", "."), ".")
		n, err := strconv.Atoi(whole)
		if err != nil {
			t.Fatalf("ExcelSerial(%q) accepted a value whose whole part is not a number", s)
		}
		// Count back: days since 1899-12-31, plus Excel's phantom 1900-02-29.
		back := int((d.Unix() - time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC).Unix()) / 86400)
		if !d.Before(time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC)) {
			back++
		}
		if back != n || n == 60 {
			t.Fatalf("ExcelSerial(%q) = %s, which is serial %d", s, d.Format(time.DateOnly), back)
		}
	})
}

func FuzzMunicipality(f *testing.F) {
	for _, s := range []string{
		"0127", "127", "127.0", "Botkyrka", "BOTKYRKA KOMMUN", "Stockholms stad", "Göteborgs stad",
		"Malmö stad", "Håbo", "Habo", "Borås stad", "Upplands-Väsby", "Falu kommun", "9999", "Atlantis", "", "0001",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, err := Municipality(s)
		if err != nil {
			if Reason(err) != ReasonMunicipality {
				t.Fatalf("reason %q for %q", Reason(err), s)
			}
			noIdentity(t, s, err)
			return
		}
		a, ok := geo.Lookup(code)
		if !ok || a.Type != geo.TypeMunicipality {
			t.Fatalf("Municipality(%q) = %q, not a municipality", s, code)
		}
		if again, err := Municipality(code); err != nil || again != code {
			t.Fatalf("Municipality(%q) = %q, %v", code, again, err)
		}
		if again, err := Municipality(a.Title); err != nil || again != code {
			t.Fatalf("Municipality(%q) = %q, %v, want %s", a.Title, again, err, code)
		}
	})
}

func FuzzHours(f *testing.F) {
	for _, s := range []string{"1,5", "2.25", " 3 ", "12", "12.5", "0", ",5", "3.", "-1", "NaN", "1e1", "", "."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := Hours(s)
		if err != nil {
			if Reason(err) != ReasonHours {
				t.Fatalf("reason %q for %q", Reason(err), s)
			}
			noIdentity(t, s, err)
			return
		}
		if math.IsNaN(h) || h <= 0 || h > MaxHours {
			t.Fatalf("Hours(%q) = %v, out of (0, 12]", s, h)
		}
		for _, form := range []string{
			strconv.FormatFloat(h, 'f', -1, 64),
			strings.Replace(strconv.FormatFloat(h, 'f', -1, 64), ".", ",", 1),
		} {
			if again, err := Hours(form); err != nil || again != h {
				t.Fatalf("Hours(%q) = %v, but Hours(%q) = %v, %v", s, h, form, again, err)
			}
		}
	})
}

func FuzzHeaderKey(f *testing.F) {
	for _, s := range []string{
		"Anmälningsdatum", "anmalnings_datum", "Anmälnings datum", "\ufeffPersonnummer", "Spra\u030ak",
		"ÖVR-Å_ä é", "Ø", "İ", "ǅ", "\u00a0x\u2003",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := HeaderKey(s)
		if again := HeaderKey(k); again != k {
			t.Fatalf("HeaderKey not idempotent on %q: %q then %q", s, k, again)
		}
		if utf8.ValidString(s) && !utf8.ValidString(k) {
			t.Fatalf("HeaderKey(%q) = %q, invalid UTF-8", s, k)
		}
		for _, r := range k {
			if r == '_' || r == '-' || r == '\uFEFF' || unicode.IsSpace(r) || strings.ContainsRune("åäöéÅÄÖÉ", r) ||
				('A' <= r && r <= 'Z') {
				t.Fatalf("HeaderKey(%q) = %q keeps %q", s, k, r)
			}
		}
		// Case, separators and Swedish diacritics never change the key.
		variant := strings.NewReplacer("å", "A", "ä", "a_", "ö", "O-", " ", "").Replace(s)
		if utf8.ValidString(s) && HeaderKey(variant) != k {
			t.Fatalf("HeaderKey(%q) = %q but HeaderKey(%q) = %q", s, k, variant, HeaderKey(variant))
		}
	})
}

// FuzzPersonnummerForms builds Luhn-valid numbers from fuzzed parts, so
// that valid identities are common, and checks that every written form of
// one identity parses to the same PNR.
func FuzzPersonnummerForms(f *testing.F) {
	f.Add(uint16(1981), uint8(12), uint8(18), uint16(987))
	f.Add(uint16(1970), uint8(10), uint8(63), uint16(239))
	f.Add(uint16(1926), uint8(11), uint8(22), uint16(123))
	f.Add(uint16(2024), uint8(2), uint8(29), uint16(123))
	f.Add(uint16(2026), uint8(11), uint8(24), uint16(123))
	f.Fuzz(func(t *testing.T, y uint16, m, d uint8, n uint16) {
		y = 1800 + y%300
		nine := pad(int(y)%100, 2) + pad(int(m)%100, 2) + pad(int(d)%100, 2) + pad(int(n)%1000, 3)
		c, _ := LuhnDigit(nine)
		ten := nine + string(c)
		full := pad(int(y)/100, 2) + ten
		p, err := Personnummer(full, today)
		day := int(d) % 100
		if day > 60 {
			day -= 60
		}
		real := realDate(int(y), int(m)%100, day) && !afterToday(int(y), int(m)%100, day, today)
		if (err == nil) != real {
			t.Fatalf("Personnummer(%q) error %v, but date real and not future: %v", full, err, real)
		}
		if err != nil {
			noIdentity(t, full, err)
			return
		}
		if p.Canonical != full {
			t.Fatalf("Personnummer(%q).Canonical = %q", full, p.Canonical)
		}
		forms := []string{full[:8] + "-" + full[8:]}
		age := today.Year() - int(y)
		switch {
		case age < 100:
			forms = append(forms, ten[:6]+"-"+ten[6:], ten)
		case age < 200:
			forms = append(forms, ten[:6]+"+"+ten[6:])
		}
		for _, form := range forms {
			if q, err := Personnummer(form, today); err != nil || q != p {
				t.Fatalf("Personnummer(%q) = %+v, %v; want %+v", form, q, err, p)
			}
		}
	})
}

func pad(v, width int) string {
	s := strconv.Itoa(v)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

// FuzzMaskPNRs: after masking, no personnummer shape is left in any script
// or with any separator, text without digits is unchanged, and no ten
// digits of the input (folded) in a row survive.
func FuzzMaskPNRs(f *testing.F) {
	for _, s := range []string{
		"２００００２２０－８０８０", "١٩٨٥٠٦٠٣-٧٥٢٥", "१९९०1227-8018", "19740227/2343", "1971.01.30.5162",
		"19681225.3471", "Insats 820617-6380", "850709 - 9805", "12-1985070998 05", "2024-01-15 2024-01-16",
		"G19880808-2468", "Botkyrka", "", "ring 811218-987", "x 811218987", "81 12 18 987", "19811218-98",
		"19800101   -   1234", "800101&#45;1234", "800101&nbsp;1234", `800101\u002D1234`, "800101%E2%80%931234",
		"800101-1-1234", "٨٠٠١٠١ـ١٢٣٤", "800101ー1234", "&#56;&#48;&#48;&#49;&#48;&#49;-1234",
		"800101&amp;amp;#x2D;1234", "800101&amp;&#35;x2D;1234", "8001<b>01</b>-1234", "800101<!-- x -->1234",
		"800101<br>1234", "<td>800101</td><td>1234</td>", "800101&lt;!----&gt;1234",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := MaskPNRs(s, today)
		if sp := FindPNRs(m); len(sp) != 0 {
			t.Fatalf("MaskPNRs(%q) = %q still holds %q", s, m, m[sp[0].Start:sp[0].End])
		}
		if !mayHaveDigits(s) && m != s {
			t.Fatalf("MaskPNRs(%q) changed text without digits: %q", s, m)
		}
		if d := onlyDigits(FoldDigits(m)); len(d) >= 10 && HasPNR(d) {
			// the digits left may only meet across non-separators
			for _, g := range groups(FoldDigits(m)) {
				if len(g.digits) >= 10 {
					t.Fatalf("MaskPNRs(%q) = %q keeps a run of %d digits", s, m, len(g.digits))
				}
			}
		}
	})
}

// FuzzCheckText: CheckText refuses exactly the strings holding a control
// character (other than tab) or a bidirectional override or isolate, and
// its message never repeats the text.
func FuzzCheckText(f *testing.F) {
	for _, s := range []string{"AF", "\x1b[31mAF", "ar\a", "x\u202Eevil", "a\tb", "\u2067x\u2069", "19850709-9805\a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := CheckText(s)
		bad := strings.IndexFunc(s, func(r rune) bool {
			return (unicode.IsControl(r) && r != '\t') || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
		}) >= 0
		if bad != (err != nil) {
			t.Fatalf("CheckText(%q) = %v, want refused=%v", s, err, bad)
		}
		if err != nil && (Reason(err) != ReasonText || (len(s) > 3 && strings.Contains(err.Error(), s))) {
			t.Fatalf("CheckText(%q) = %v", s, err)
		}
	})
}

// FuzzRedact: a redacted value holds no personnummer shape or part of one
// (parse.FindPNRs finds none) and no run of nine or more digits of any
// script, however the input hides them.
func FuzzRedact(f *testing.F) {
	for _, s := range []string{"x 811218987", "nr:811218-987", "19811218-98", "00000000000\x80000000000", "2019-02-30", "Syrien", "٨٥٠٧٠٩-٩٨", "a 811218 987", "811218&#45;98", "800101%2D12", "x 8001<b>01</b>-12", "8001&amp;amp;#x30;1-12"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := Redact(s)
		if sp := FindPNRs(r); len(sp) != 0 {
			t.Fatalf("Redact(%q) = %q holds %q", s, r, r[sp[0].Start:sp[0].End])
		}
		for _, g := range groups(r) {
			if len(g.digits) >= 9 {
				t.Fatalf("Redact(%q) = %q keeps a run of %d digits", s, r, len(g.digits))
			}
		}
	})
}
