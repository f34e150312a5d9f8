package geo

import (
	"strings"
	"testing"
)

func TestDimensionCounts(t *testing.T) {
	var k, l int
	for _, a := range All() {
		switch a.Type {
		case TypeMunicipality:
			k++
		case TypeRegion:
			l++
		}
	}
	if k != 290 || l != 22 {
		t.Fatalf("got %d municipalities and %d regions+Riket, want 290 and 22", k, l)
	}
	if got := len(Municipalities()); got != 290 {
		t.Fatalf("Municipalities() = %d, want 290", got)
	}
}

func TestResolve(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"0127", "0127", true},
		{"127", "0127", true},
		{" 0127 ", "0127", true},
		{"Botkyrka", "0127", true},
		{"BOTKYRKA KOMMUN", "0127", true},
		{"botkyrka  kommun", "0127", true},
		{"Stockholms stad", "0180", true},
		{"Stockholm", "0180", true},
		{"Göteborgs stad", "1480", true},
		{"Malmö stad", "1280", true},
		{"Solna stad", "0184", true},
		{"Borås", "1490", true},
		{"Borås stad", "1490", true},
		{"Håbo", "0305", true},
		{"Habo", "0643", true},
		{"HÅBO KOMMUN", "0305", true},
		{"Nynashamn", "0192", true}, // folded, unambiguous
		{"0001", "", false},         // a region is not a municipality
		{"0000", "", false},
		{"9999", "", false},
		{"01270", "", false},
		{"Atlantis", "", false},
		{"", "", false},
		{"Region Stockholm", "", false},
	}
	for _, tt := range tests {
		got, ok := Resolve(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Resolve(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestResolveEveryMunicipality(t *testing.T) {
	for _, a := range Municipalities() {
		for _, in := range []string{a.ID, strings.TrimLeft(a.ID, "0"), a.Title, strings.ToUpper(a.Title) + " KOMMUN", strings.ToLower(a.Title) + " kommun"} {
			if got, ok := Resolve(in); !ok || got != a.ID {
				t.Errorf("Resolve(%q) = %q, %v; want %s", in, got, ok, a.ID)
			}
		}
	}
}

func TestCounty(t *testing.T) {
	if got := County("0127"); got != "0001" {
		t.Errorf("County(0127) = %q", got)
	}
	if got := County("1480"); got != "0014" {
		t.Errorf("County(1480) = %q", got)
	}
}

func FuzzResolve(f *testing.F) {
	for _, s := range []string{"0127", "127", "Botkyrka", "Stockholms stad", "HÅBO KOMMUN", "", "s", " kommun"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, ok := Resolve(s)
		if !ok {
			return
		}
		a, found := Lookup(code)
		if !found || a.Type != TypeMunicipality {
			t.Fatalf("Resolve(%q) = %q which is not a municipality", s, code)
		}
		if again, ok := Resolve(code); !ok || again != code {
			t.Fatalf("code %q does not resolve to itself", code)
		}
	})
}
