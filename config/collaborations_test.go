package config

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestCollaborationsDefault: the seeds' two collaborations, as the issue
// gives them.
func TestCollaborationsDefault(t *testing.T) {
	cs := DefaultCollaborations()
	if len(cs) != 2 || cs[0].ID != "SOIS" || cs[1].ID != "INTRO-SODERTORN" {
		t.Fatalf("collaborations = %+v", cs)
	}
	if n := len(cs[0].Members); n != 25 {
		t.Errorf("SOIS has %d members, want 25 (Stockholms län but Haninge)", n)
	}
	for _, m := range cs[0].Members {
		if m.Municipality == "0136" || m.JoinedOn != "2010-12-01" || m.LeftOn != "" {
			t.Errorf("SOIS member %+v", m)
		}
	}
	var intro []string
	for _, m := range cs[1].Members {
		intro = append(intro, m.Municipality)
		if m.JoinedOn != "2009-01-01" || m.LeftOn != "2010-05-31" {
			t.Errorf("Introduktion Södertörn member %+v", m)
		}
	}
	if !reflect.DeepEqual(intro, DefaultGroups()[1].Members) {
		t.Errorf("Introduktion Södertörn members %v, want G0002's %v", intro, DefaultGroups()[1].Members)
	}
}

func TestCollaborationsByName(t *testing.T) {
	clearEnv(t)
	c, err := Load(writeConfig(t, "collaborations:\n  - id: X_1\n    title: Test\n    members:\n"+
		"      - {municipality: \"0180\", joined_on: 2010-12-01}\n"+
		"      - {municipality: Botkyrka, joined_on: 2010-12-01, left_on: 2014-12-31}\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Collaboration{{ID: "X_1", Title: "Test", Members: []Member{
		{Municipality: "0180", JoinedOn: "2010-12-01"},
		{Municipality: "0127", JoinedOn: "2010-12-01", LeftOn: "2014-12-31"},
	}}}
	if !reflect.DeepEqual(c.Collaborations, want) {
		t.Fatalf("collaborations = %+v, want %+v", c.Collaborations, want)
	}
	bk := c.Collaborations[0].Members[1]
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	for _, tc := range []struct {
		day  string
		want bool
	}{{"2010-11-30", false}, {"2010-12-01", true}, {"2014-12-31", true}, {"2015-01-01", false}} {
		if got := bk.MemberOn(day(tc.day)); got != tc.want {
			t.Errorf("Botkyrka member on %s = %v, want %v", tc.day, got, tc.want)
		}
	}
	if _, ok := c.Collaboration("X_1"); !ok {
		t.Error("Collaboration(X_1) not found")
	}
}

func TestCollaborationsInvalid(t *testing.T) {
	m := func(s string) string { return "collaborations: [{id: A, title: T, members: [" + s + "]}]\n" }
	tests := []struct{ name, file, field, text string }{
		{"id", "collaborations: [{id: 'a b', title: T, members: [{municipality: '0127', joined_on: 2010-01-01}]}]\n", "collaborations[0].id", "letters, digits"},
		{"duplicate id", "collaborations: [{id: A, title: T, members: [{municipality: '0127', joined_on: 2010-01-01}]}, {id: A, title: U, members: [{municipality: '0127', joined_on: 2010-01-01}]}]\n", "collaborations[1].id", "duplicate"},
		{"title", "collaborations: [{id: A, title: '', members: [{municipality: '0127', joined_on: 2010-01-01}]}]\n", "collaborations[0].title", "must not be empty"},
		{"no members", m(""), "collaborations[0].members", "at least one"},
		{"unknown municipality", m("{municipality: Atlantis, joined_on: 2010-01-01}"), "collaborations[0].members[0].municipality", "not a municipality"},
		{"twice", m("{municipality: '0127', joined_on: 2010-01-01}, {municipality: Botkyrka, joined_on: 2012-01-01}"), "collaborations[0].members[1].municipality", "already a member"},
		{"joined_on missing", m("{municipality: '0127'}"), "collaborations[0].members[0].joined_on", "required"},
		{"joined_on bad", m("{municipality: '0127', joined_on: 2010-02-30}"), "collaborations[0].members[0].joined_on", "YYYY-MM-DD"},
		{"left_on bad", m("{municipality: '0127', joined_on: 2010-01-01, left_on: soon}"), "collaborations[0].members[0].left_on", "YYYY-MM-DD"},
		{"left before joined", m("{municipality: '0127', joined_on: 2010-01-01, left_on: 2009-12-31}"), "collaborations[0].members[0].left_on", "before joined_on"},
		{"unknown key", m("{municipality: '0127', joined: 2010-01-01}"), "collaborations[0].members[0].joined", "unknown key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clearEnv(t)
			_, err := Load(writeConfig(t, tc.file))
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v, want a *ValidationError", err)
			}
			if ve.Field != tc.field || !strings.Contains(err.Error(), tc.text) {
				t.Errorf("err = %v (field %q), want field %q and %q", err, ve.Field, tc.field, tc.text)
			}
			if ve.Line != 1 {
				t.Errorf("line = %d, want 1", ve.Line)
			}
		})
	}
}
