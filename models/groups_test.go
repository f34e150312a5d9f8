package models

import "testing"

// TestKPIGroups: every indicator is in exactly one group, and every member
// is an indicator.
func TestKPIGroups(t *testing.T) {
	seen := map[string]string{}
	for _, g := range KPIGroups() {
		if len(g.Members) == 0 || g.Title == "" {
			t.Errorf("group %s: empty", g.ID)
		}
		for _, m := range g.Members {
			if _, ok := Lookup(m); !ok {
				t.Errorf("group %s: %s is no indicator", g.ID, m)
			}
			if prev, dup := seen[m]; dup {
				t.Errorf("%s in %s and %s", m, prev, g.ID)
			}
			seen[m] = g.ID
		}
	}
	for _, ind := range Catalogue() {
		if seen[ind.ID] == "" {
			t.Errorf("%s is in no group", ind.ID)
		}
	}
}
