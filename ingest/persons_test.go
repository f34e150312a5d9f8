package ingest

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
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
	if all.len() != 4 {
		t.Fatalf("%d persons in the cache, want 4", all.len())
	}
	for person, want := range map[int]struct {
		birth string
		male  bool
	}{0: {"1985-07-09", false}, 1: {"1912-12-12", true}, 2: {"2012-12-12", true}, 3: {"1985-07-09", false}} {
		e := all.at(index[person])
		b, _ := time.Parse(time.DateOnly, want.birth)
		if e.birth != int32(b.Unix()/86400) || e.male != want.male {
			t.Errorf("person %d: birth day %d, male %v; want %s, %v", person, e.birth, e.male, want.birth, want.male)
		}
	}
	// the pseudonym is the HMAC of the 12 canonical digits, whichever form came first
	if got, want := all.at(index[0]).sum, hmacOf("198507099805"); got != want {
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

// luhnDigit is the check digit of the nine digits d (YYMMDDNNN).
func luhnDigit(d string) byte {
	sum := 0
	for i := 0; i < 9; i++ {
		v := int(d[i]-'0') * (2 - i%2)
		sum += v/10 + v%10
	}
	return byte('0' + (10-sum%10)%10)
}

// TestPersonCacheConcurrent: validators meeting the same persons at once,
// in different forms and orders, give each person one index, every form
// of it that index, and the entry of that index is the person's: its
// pseudonym the HMAC of its 12 digits, its birth day and gender. Run it
// with -race too.
func TestPersonCacheConcurrent(t *testing.T) {
	const persons, workers = 3000, 6
	type person struct {
		forms  []string
		digits string
		birth  time.Time
		male   bool
	}
	ps := make([]person, persons)
	for i := range ps {
		birth := time.Date(1950+i%60, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)
		nine := birth.Format("060102") + fmt.Sprintf("%03d", i%1000)
		ten := nine + string(luhnDigit(nine))
		long := birth.Format("2006")[:2] + ten
		ps[i] = person{
			forms:  []string{long, long[:8] + "-" + long[8:], ten[:6] + "-" + ten[6:], ten},
			digits: long, birth: birth, male: (ten[8]-'0')%2 == 1,
		}
	}
	cache := newPersonCache()
	cache.begin()
	got := make([]map[string]int32, workers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := newPersoner(cache, testKey, testToday)
			// half the validators in the same order, to meet each new
			// person at the same moment; half in orders of their own
			order := rand.New(rand.NewPCG(uint64(w%2*w), 7)).Perm(persons * 4)
			m := map[string]int32{}
			<-start
			for _, j := range order {
				text := ps[j/4].forms[j%4]
				i, err := p.index(text)
				if err != nil {
					t.Errorf("%s: %v", text, err)
					return
				}
				m[text] = i
			}
			got[w] = m
		}()
	}
	close(start)
	wg.Wait()
	all := cache.all()
	if all.len() != persons {
		t.Fatalf("%d persons in the cache, want %d", all.len(), persons)
	}
	seen := map[int32]int{}
	for i, pp := range ps {
		idx := got[0][pp.forms[0]]
		for w := range workers {
			for _, f := range pp.forms {
				if got[w][f] != idx {
					t.Fatalf("person %d: %q is %d for validator %d, want %d", i, f, got[w][f], w, idx)
				}
			}
		}
		if j, dup := seen[idx]; dup {
			t.Fatalf("persons %d and %d share index %d", j, i, idx)
		}
		seen[idx] = i
		e := all.at(idx)
		if e.sum != hmacOf(pp.digits) || e.birth != int32(pp.birth.Unix()/86400) || e.male != pp.male {
			t.Fatalf("person %d: entry %d is not theirs", i, idx)
		}
	}
}
