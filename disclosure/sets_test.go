package disclosure

import "testing"

func TestSets(t *testing.T) {
	s := sets[string]{}
	s.union("EF102", "EF101")
	s.union("EF103", "EF101")
	s.union("EF303", "EF105")
	for _, c := range []struct{ k, want string }{
		{"EF102", "EF101"}, {"EF103", "EF101"}, {"EF101", "EF101"}, {"EF303", "EF105"}, {"EF201", "EF201"},
	} {
		if got := s.find(c.k); got != c.want {
			t.Errorf("find(%s) = %s, want %s", c.k, got, c.want)
		}
	}
	if r := s.union("EF303", "EF102"); r != "EF101" || s.find("EF105") != "EF101" {
		t.Errorf("union of the two sets: %s, EF105 in %s; want EF101", r, s.find("EF105"))
	}
}
