package config

import (
	"errors"
	"strings"
	"testing"
)

func TestGoalsInvalid(t *testing.T) {
	g := func(s string) string { return "goals: [" + s + "]\n" }
	tests := []struct{ name, file, field, text string }{
		{"id", g("{id: 'a b', text: T, measure: members, collaboration: SOIS, target: 10, deadline: 2010-12-31}"), "goals[0].id", "letters"},
		{"duplicate", g("{id: A, text: T, measure: members, collaboration: SOIS, target: 10, deadline: 2010-12-31}, {id: A, text: T, measure: members, collaboration: SOIS, target: 1, deadline: 2010-12-31}"), "goals[1].id", "duplicate"},
		{"text", g("{id: A, measure: members, collaboration: SOIS, target: 10, deadline: 2010-12-31}"), "goals[0].text", "must not be empty"},
		{"deadline", g("{id: A, text: T, measure: members, collaboration: SOIS, target: 10}"), "goals[0].deadline", "YYYY-MM-DD"},
		{"measure", g("{id: A, text: T, measure: vibes, target: 10, deadline: 2010-12-31}"), "goals[0].measure", "want members"},
		{"collaboration", g("{id: A, text: T, measure: members, collaboration: NOPE, target: 10, deadline: 2010-12-31}"), "goals[0].collaboration", "not a configured"},
		{"county", g("{id: A, text: T, measure: county_members, collaboration: SOIS, county: Botkyrka, target: 100, deadline: 2010-12-31}"), "goals[0].county", "want a county"},
		{"kpi", g("{id: A, text: T, measure: indicator, kpi: X1, area: '0127', target: 30, deadline: 2010-12-31}"), "goals[0].kpi", "indicator id"},
		{"area", g("{id: A, text: T, measure: indicator, kpi: EF201, area: Atlantis, target: 30, deadline: 2010-12-31}"), "goals[0].area", "municipality, county"},
		{"period", g("{id: A, text: T, measure: indicator, kpi: EF201, area: G0001, period: 24, target: 30, deadline: 2010-12-31}"), "goals[0].period", "four-digit"},
		{"target", g("{id: A, text: T, measure: members, collaboration: SOIS, deadline: 2010-12-31}"), "goals[0].target", "positive"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clearEnv(t)
			_, err := Load(writeConfig(t, tc.file))
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Field != tc.field || !strings.Contains(err.Error(), tc.text) {
				t.Errorf("err = %v, want field %q and %q", err, tc.field, tc.text)
			}
		})
	}
}

// TestGoalsFollowCollaborations: a file replacing the collaborations keeps
// only the default goals whose collaboration it still has; goals it sets
// are checked as written.
func TestGoalsFollowCollaborations(t *testing.T) {
	clearEnv(t)
	c, err := Load(writeConfig(t, "collaborations: [{id: X, title: T, members: [{municipality: '0127', joined_on: 2020-01-01}]}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Goals) != 0 {
		t.Errorf("goals = %+v, want none (SOIS is gone)", c.Goals)
	}
	c, err = Load(writeConfig(t, "goals: [{id: A, text: T, measure: indicator, kpi: EF201, area: Södertörn, target: 30, deadline: 2026-12-31}]\n"))
	if err != nil || len(c.Goals) != 1 || c.Goals[0].Area != "Södertörn" {
		t.Errorf("goals = %+v, err %v; want the one indicator goal", c.Goals, err)
	}
	if len(DefaultGoals()) != 3 {
		t.Errorf("default goals %d, want the seeds' three measurable ones", len(DefaultGoals()))
	}
}
