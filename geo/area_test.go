package geo

import (
	"slices"
	"testing"
)

func TestResolveArea(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Stockholms län", "0001"},
		{"stockholms lan", "0001"},
		{"Region Stockholm", "0001"},
		{"01", "0001"},
		{"1", "0001"},
		{"0001", "0001"},
		{"Västra Götalands län", "0014"},
		{"Västra Götalandsregionen", "0014"},
		{"Riket", "0000"},
		{"Sverige", "0000"},
		{"0000", "0000"},
		{"Huddinge", "0126"},
		{"0127", "0127"},
		{"127", "0127"},
		{"Stockholm", "0180"},
		{"02", ""},
		{"Hudinge", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, ok := ResolveArea(tt.in)
		if ok != (tt.want != "") || got != tt.want {
			t.Errorf("ResolveArea(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
	if got := SuggestArea("Hudinge"); !slices.Contains(got, "Huddinge") {
		t.Errorf("SuggestArea(Hudinge) = %q, want Huddinge among them", got)
	}
}
