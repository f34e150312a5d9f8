package ingest

import (
	"crypto/hmac"
	"crypto/sha256"
	"strings"
	"testing"
	"time"

	"github.com/effekt/effekt/ingest/parse"
)

// TestPersonerForms: every written form of one personnummer is one person,
// found by its number whether it came first in a 12-digit form or a
// 10-digit one, with the birth date and gender parse gives; invalid texts
// fail, including 12-digit ones that only look like a known person's.
func TestPersonerForms(t *testing.T) {
	cache := newPersonCache()
	p := newPersoner(cache, testKey, testToday)
	q := newPersoner(cache, testKey, testToday) // a second validator
	tests := []struct {
		text   string
		person int // which person, -1: invalid
	}{
		{"850709-9805", 0}, // 10-digit first: century from today
		{"198507099805", 0},
		{"19850709-9805", 0},
		{"8507099805", 0},
		{"19121212-1212", 1}, // 12-digit first
		{"191212121212", 1},
		{"121212+1212", 1}, // + : a hundred years or more
		{"121212-1212", 2}, // - : 2012
		{"201212121212", 2},
		{"19850709-9806", -1}, // Luhn
		{"198507099806", -1},
		{"19851309-9805", -1}, // month 13
		{"19850709+9805", -1}, // + is not a 12-digit form's separator
		{"1985070998050", -1},
		{"19850769-9802", 3}, // samordningsnummer, day + 60
		{"850769-9802", 3},
	}
	index := map[int]int32{}
	for i, tc := range tests {
		per := p
		if i%2 == 1 {
			per = q
		}
		got, err := per.index(tc.text)
		if tc.person < 0 {
			if err == nil {
				t.Errorf("%q: index %d, want an error", tc.text, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.text, err)
			continue
		}
		if want, ok := index[tc.person]; ok && got != want {
			t.Errorf("%q: person %d, want %d (the same as its other forms)", tc.text, got, want)
		}
		index[tc.person] = got
	}
	all := cache.all()
	if len(all) != 4 {
		t.Fatalf("%d persons in the cache, want 4", len(all))
	}
	for person, want := range map[int]struct {
		birth string
		male  bool
	}{0: {"1985-07-09", false}, 1: {"1912-12-12", true}, 2: {"2012-12-12", true}, 3: {"1985-07-09", false}} {
		e := all[index[person]]
		b, _ := time.Parse(time.DateOnly, want.birth)
		if e.birth != int32(b.Unix()/86400) || e.male != want.male {
			t.Errorf("person %d: birth day %d, male %v; want %s, %v", person, e.birth, e.male, want.birth, want.male)
		}
	}
	// the pseudonym is the HMAC of the 12 canonical digits, whichever form came first
	if got, want := all[index[0]].sum, hmacOf("198507099805"); got != want {
		t.Errorf("pseudonym of 850709-9805 is not the HMAC of 198507099805")
	}
}

func hmacOf(digits string) (s [32]byte) {
	m := hmac.New(sha256.New, testKey)
	m.Write([]byte(digits))
	copy(s[:], m.Sum(nil))
	return s
}

// FuzzLongForm: longForm reads a text as a number exactly when
// parse.Personnummer reads it as its own 12 canonical digits, and then to
// the same number; any other text, valid or not, goes through the text map
// and parse.
func FuzzLongForm(f *testing.F) {
	for _, s := range []string{"198507099805", "19850709-9805", "850709-9805", "19850709+9805", "1985070998050",
		"１９８５０７０９９８０５", "19850709-980５", "19850709 9805", "", "-", "000000000000", "99999999-9999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		num, long := longForm(s)
		n, err := parse.Personnummer(s, testToday)
		if long && err == nil {
			var canon uint64
			for i := 0; i < len(n.Canonical); i++ {
				canon = canon*10 + uint64(n.Canonical[i]-'0')
			}
			if canon != num {
				t.Fatalf("%q: longForm %d, parse %s", s, num, n.Canonical)
			}
		}
		if !long && err == nil && (len(s) == 12 || len(s) == 13 && s[8] == '-') && s == strings.TrimSpace(s) {
			t.Fatalf("%q: parsed as a 12-digit form, but longForm refused it", s)
		}
	})
}
