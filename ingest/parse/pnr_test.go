package parse

import (
	"strings"
	"testing"
	"time"
)

// today is the fixed ingestion day of the tests.
var today = time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

// Luhn sums below are worked by hand over the 10-digit form, weights 2,1,2,…
// (a product above 9 counts as its digit sum); the total must end in 0.
func TestPersonnummer(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		canon string
		birth time.Time
		gen   string
		coord bool
	}{
		// 8112189876: 7+1+2+2+2+8+9+8+5+6 = 50; 9th digit 7 odd: M.
		{"12 digits dash", "19811218-9876", "198112189876", day(1981, 12, 18), "M", false},
		{"12 digits", "198112189876", "198112189876", day(1981, 12, 18), "M", false},
		{"10 digits dash", "811218-9876", "198112189876", day(1981, 12, 18), "M", false},
		{"10 digits", "8112189876", "198112189876", day(1981, 12, 18), "M", false},
		{"surrounding space", "  19811218-9876\t", "198112189876", day(1981, 12, 18), "M", false},
		// 6408233242: 3+4+0+8+4+3+6+2+8+2 = 40; 9th digit 4 even: K.
		{"woman", "640823-3242", "196408233242", day(1964, 8, 23), "K", false},
		// 7010632391: 5+0+2+0+3+3+4+3+9+1 = 30; day 63 = 3 October.
		{"samordningsnummer", "701063-2391", "197010632391", day(1970, 10, 3), "M", true},
		{"samordningsnummer 12", "197010632391", "197010632391", day(1970, 10, 3), "M", true},
		// 1212121212: five pairs 2+2 = 20.
		{"dash is under 100", "121212-1212", "201212121212", day(2012, 12, 12), "M", false},
		{"plus is 100 or older", "121212+1212", "191212121212", day(1912, 12, 12), "M", false},
		// 2402291237: 4+4+0+2+4+9+2+2+6+7 = 40; 2024 is a leap year.
		{"leap day", "20240229-1237", "202402291237", day(2024, 2, 29), "M", false},
		// 2611221231: 4+6+2+1+4+2+2+2+6+1 = 30; born the day before today.
		{"born yesterday", "2611221231", "202611221231", day(2026, 11, 22), "M", false},
		// 26 with '+': 1926, turning 100 this year.
		{"plus same two digits", "261122+1231", "192611221231", day(1926, 11, 22), "M", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Personnummer(tt.in, today)
			if err != nil {
				t.Fatalf("Personnummer(%q): %v", tt.in, err)
			}
			want := PNR{Canonical: tt.canon, BirthDate: tt.birth, Gender: tt.gen, Coordination: tt.coord}
			if got != want {
				t.Errorf("Personnummer(%q) = %+v, want %+v", tt.in, got, want)
			}
		})
	}
}

func TestPersonnummerCentury(t *testing.T) {
	// 811218 is 1981 with '-' on any day from 1981 to 2080, 1881 with '+'.
	tests := []struct {
		yymmdd string
		sep    string
		today  time.Time
		year   int
	}{
		{"811218", "-", day(2026, 1, 1), 1981},
		{"811218", "+", day(2026, 1, 1), 1881},
		{"811218", "-", day(2081, 12, 31), 2081},
		{"811218", "-", day(2080, 12, 31), 1981},
		{"000101", "-", day(2026, 1, 1), 2000},
		{"991231", "-", day(2026, 1, 1), 1999},
		{"260101", "-", day(2026, 1, 1), 2026},
	}
	for _, tt := range tests {
		nine := tt.yymmdd + "987"
		c, _ := LuhnDigit(nine)
		in := tt.yymmdd + tt.sep + "987" + string(c)
		got, err := Personnummer(in, tt.today)
		if err != nil {
			t.Errorf("Personnummer(%q) on %s: %v", in, tt.today.Format(time.DateOnly), err)
			continue
		}
		if got.BirthDate.Year() != tt.year {
			t.Errorf("Personnummer(%q) on %s: year %d, want %d", in, tt.today.Format(time.DateOnly), got.BirthDate.Year(), tt.year)
		}
	}
}

func TestPersonnummerInvalid(t *testing.T) {
	tests := []struct {
		name, in, msg string
	}{
		{"blank", "  ", "person id is blank"},
		{"luhn", "19811218-9875", `"19811218-****" fails the check digit`},
		{"luhn 10", "8112189875", `"19811218-****" fails the check digit`},
		{"feb 30", "19810230-9876", `"****" has no real birth date`},
		{"2023-02-29", "20230229-1237", `"****" has no real birth date`},
		{"month 13", "811318-9876", "has no real birth date"},
		{"day 0", "811200-9876", "has no real birth date"},
		{"coordination day 92", "701092-2391", "has no real birth date"},
		{"day 60", "701060-2391", "has no real birth date"},
		{"future", "2611241239", "has a birth date after today"},
		{"future 12", "20270101-1234", "has a birth date after today"},
		{"year 1700", "17811218-9876", "year before 1800"},
		{"plus in 12", "19811218+9876", "is not a personnummer"},
		{"letters", "19811218-98X6", "is not a personnummer"},
		{"short", "19811218-987", `"19811218-****" is not a personnummer`},
		{"long", "198112189876-1", "is not a personnummer"},
		{"wrong separator", "811218/9876", "is not a personnummer"},
		{"inner space", "19811218 9876", "is not a personnummer"},
		{"text", "okänd", `"****" is not a personnummer`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Personnummer(tt.in, today)
			if err == nil {
				t.Fatalf("Personnummer(%q) accepted", tt.in)
			}
			if Reason(err) != ReasonPersonID {
				t.Errorf("reason %q, want %q", Reason(err), ReasonPersonID)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not contain %q", err, tt.msg)
			}
			if digits := onlyDigits(tt.in); len(digits) >= 4 && strings.Contains(err.Error(), digits[len(digits)-4:]) &&
				!strings.Contains(MaskAt(tt.in, today), digits[len(digits)-4:]) {
				t.Errorf("error %q shows the last four digits", err)
			}
		})
	}
}

func TestMask(t *testing.T) {
	tests := []struct{ in, want string }{
		{"19811218-9876", "19811218-****"},
		{"198112189876", "19811218-****"},
		{"811218-9876", "19811218-****"},
		{"811218+9876", "18811218-****"},
		{"8112189876", "19811218-****"},
		{"701063-2391", "19701063-****"},
		{"19811218-98", "19811218-****"},
		{"19811218", "19811218-****"},
		{"19810230-9876", "****"},
		{"1981121", "****"},
		{"", "****"},
		{"abc", "****"},
		{"2019-02-03", "****"},
		{"12345678901234", "****"},
	}
	for _, tt := range tests {
		if got := MaskAt(tt.in, today); got != tt.want {
			t.Errorf("MaskAt(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLuhnDigit(t *testing.T) {
	tests := []struct {
		nine string
		want byte
		ok   bool
	}{
		{"811218987", '6', true},
		{"640823324", '2', true},
		{"701063239", '1', true},
		{"81121898", 0, false},
		{"81121898x", 0, false},
	}
	for _, tt := range tests {
		got, ok := LuhnDigit(tt.nine)
		if got != tt.want || ok != tt.ok {
			t.Errorf("LuhnDigit(%q) = %q, %v; want %q, %v", tt.nine, got, ok, tt.want, tt.ok)
		}
	}
}

func onlyDigits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
