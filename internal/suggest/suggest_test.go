package suggest

import (
	"slices"
	"testing"
)

func TestClosest(t *testing.T) {
	tests := []struct {
		s     string
		cands []string
		want  []string
	}{
		{"Hudinge", []string{"Botkyrka", "Huddinge", "Haninge"}, []string{"Huddinge", "Haninge"}},
		{"min_count", []string{"min_n", "so_fee", "as_of"}, nil},
		{"fromat", []string{"format", "from", "out"}, []string{"format", "from"}},
		{"EF10", []string{"EF101", "EF102", "EF201"}, []string{"EF101", "EF102", "EF201"}},
		{"", []string{"a"}, nil},
	}
	for _, tt := range tests {
		if got := Closest(tt.s, tt.cands, 2); !slices.Equal(got, tt.want) {
			t.Errorf("Closest(%q) = %q, want %q", tt.s, got, tt.want)
		}
	}
	if got := ClosestKey("min_count", []string{"min_n", "so_fee", "as_of"}, 2); !slices.Equal(got, []string{"min_n"}) {
		t.Errorf("ClosestKey(min_count) = %q", got)
	}
	if got := Phrase([]string{"a", "b"}); got != " (did you mean a or b?)" {
		t.Errorf("Phrase = %q", got)
	}
}
