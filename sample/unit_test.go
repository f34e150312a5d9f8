package sample

import (
	"testing"
	"time"

	"github.com/effekt/effekt/geo"
)

// Identity numbers from Skatteverket's published examples, checked by hand:
// 811218-9876: Luhn over 811218987 = 7+1+2+2+2+8+9+8+5 = 44, check 6.
// 701063-2391 (samordningsnummer, born 3 Oct 1970): 5+0+2+0+3+3+4+3+9 = 29, check 1.
// 240501+987: 4+4+0+5+0+1+9+8+5 = 36, check 4.
func TestPnrFormat(t *testing.T) {
	born := func(y, m, d int) day { return dayOf(y, m, d) }
	tests := []struct {
		p    pnr
		form pnrForm
		want string
	}{
		{pnr{birth: born(1981, 12, 18), serial: 987}, form10Dash, "811218-9876"},
		{pnr{birth: born(1981, 12, 18), serial: 987}, form12Dash, "19811218-9876"},
		{pnr{birth: born(1981, 12, 18), serial: 987}, form12, "198112189876"},
		{pnr{birth: born(1970, 10, 3), serial: 239, coord: true}, form12Dash, "19701063-2391"},
		{pnr{birth: born(1924, 5, 1), serial: 987, old: true}, form10Dash, "240501+9874"},
	}
	for _, tc := range tests {
		if got := tc.p.format(tc.form); got != tc.want {
			t.Errorf("format(%v, %d) = %q, want %q", tc.p, tc.form, got, tc.want)
		}
		if _, _, err := canonPnr(tc.want, testToday); err != nil {
			t.Errorf("%s: %v", tc.want, err)
		}
	}
	p := pnr{birth: born(1981, 12, 18), serial: 987}
	if !p.male() {
		t.Error("ninth digit 7 is odd: want male")
	}
	for shift := 0; shift < 9; shift++ {
		if bad := p.badLuhn(form10Dash, shift); bad == "811218-9876" || bad[:10] != "811218-987" {
			t.Errorf("badLuhn(%d) = %q", shift, bad)
		}
	}
}

func TestBadDatePnrHasValidLuhn(t *testing.T) {
	// 810230987: 7+1+0+2+6+0+9+8+5 = 38, check 2. The date is what is wrong.
	p := pnr{birth: dayOf(1981, 12, 18), serial: 987}
	if got, want := p.badDate(form12Dash, 0), "19810230-9872"; got != want {
		t.Fatalf("badDate = %q, want %q", got, want)
	}
	if _, _, err := canonPnr("19810230-9872", testToday); err == nil || err.Error() != `date of "19810230-9872"` {
		t.Fatalf("19810230-9872: got %v, want a date error", err)
	}
}

func TestDay(t *testing.T) {
	tests := []struct {
		y, m, d int
		want    day
	}{
		{1970, 1, 1, 0},
		{1969, 12, 31, -1},
		{2000, 3, 1, 11017},
		{2024, 2, 29, 19782},
		{1900, 3, 1, -25508},
	}
	for _, tc := range tests {
		if got := dayOf(tc.y, tc.m, tc.d); got != tc.want {
			t.Errorf("dayOf(%d-%d-%d) = %d, want %d", tc.y, tc.m, tc.d, got, tc.want)
		}
	}
	// Round trip against the time package over 1900–2100.
	for tm := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC); tm.Year() < 2100; tm = tm.AddDate(0, 0, 1) {
		d := dayFromTime(tm)
		if !d.time().Equal(tm) || d.String() != tm.Format(time.DateOnly) {
			t.Fatalf("%s: day %d gives %s", tm.Format(time.DateOnly), d, d)
		}
	}
	d := dayOf(2024, 3, 5)
	for f, want := range map[dateFmt]string{fmtISO: "2024-03-05", fmtCompact: "20240305", fmtSlash: "2024/03/05"} {
		if got := string(appendDate(nil, d, f)); got != want {
			t.Errorf("appendDate(%d) = %q, want %q", f, got, want)
		}
	}
}

func TestMuniText(t *testing.T) {
	tests := []struct {
		code string
		form muniForm
		want string
	}{
		{"0127", muniCode, "0127"},
		{"0127", muniCodeNoZero, "127"},
		{"0127", muniName, "Botkyrka"},
		{"0127", muniUpperKommun, "BOTKYRKA KOMMUN"},
		{"0127", muniNameKommun, "Botkyrka kommun"},
		{"0180", muniNameKommun, "Stockholms stad"},
		{"1490", muniNameKommun, "Borås stad"},
		{"1480", muniUpperKommun, "GÖTEBORG KOMMUN"},
	}
	for _, tc := range tests {
		if got := muniText(tc.code, tc.form); got != tc.want {
			t.Errorf("muniText(%s, %d) = %q, want %q", tc.code, tc.form, got, tc.want)
		}
	}
	// Every form of every municipality resolves back to its code.
	for _, a := range geo.Municipalities() {
		for f := muniCode; f <= muniNameKommun; f++ {
			if got, ok := geo.Resolve(muniText(a.ID, f)); !ok || got != a.ID {
				t.Errorf("%s form %d %q resolves to %q, %v", a.ID, f, muniText(a.ID, f), got, ok)
			}
		}
	}
	for _, s := range unknownMunis {
		if code, ok := geo.Resolve(s); ok {
			t.Errorf("unknown municipality %q resolves to %s", s, code)
		}
	}
}

func TestMuniWeights(t *testing.T) {
	for code := range population {
		if a, ok := geo.Lookup(code); !ok || a.Type != geo.TypeMunicipality {
			t.Errorf("population lists %s, not a municipality", code)
		}
	}
	small := newMuniTable("01")
	if len(small.codes) != 26 {
		t.Fatalf("Stockholm county has %d municipalities, want 26", len(small.codes))
	}
	// Södertörn counts 2.5 times its population, the capital half.
	if w := muniWeight("0127"); w != 245 {
		t.Errorf("weight of Botkyrka = %d, want 245", w)
	}
	if w := muniWeight("0180"); w != 494 {
		t.Errorf("weight of Stockholm = %d, want 494", w)
	}
	if got := small.pick(0); got != "0114" {
		t.Errorf("pick(0) = %s, want 0114 (first by code)", got)
	}
	if got := small.pick(small.total - 1); got != "0192" {
		t.Errorf("pick(total-1) = %s, want 0192 (last by code)", got)
	}
	if n := len(newMuniTable().codes); n != 290 {
		t.Errorf("national table has %d municipalities, want 290", n)
	}
}
