package config

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/effekt/effekt/geo"
)

// Collaboration is a collaboration between municipalities (a joint office,
// an agreement), in the shape other tools can write: which municipalities
// took part and from when. effekt evaluate compares its members' cohorts
// before and after they joined with the municipalities that never did.
type Collaboration struct {
	ID      string   `yaml:"id"`    // [A-Za-z0-9_-]+, e.g. SOIS
	Title   string   `yaml:"title"` // Swedish title
	Members []Member `yaml:"members"`
}

// Member is one municipality's membership of a collaboration. Dates are
// YYYY-MM-DD; LeftOn is the last day of membership (empty: still a member).
type Member struct {
	Municipality string `yaml:"municipality"` // kommunkod or name; normalised to the kommunkod on Load
	JoinedOn     string `yaml:"joined_on"`
	LeftOn       string `yaml:"left_on"`
}

// Joined is JoinedOn as a date (the zero time when it does not parse;
// Validate refuses that).
func (m Member) Joined() time.Time {
	d, _ := time.Parse(time.DateOnly, m.JoinedOn)
	return d
}

// Left is LeftOn as a date and whether it is set.
func (m Member) Left() (time.Time, bool) {
	if m.LeftOn == "" {
		return time.Time{}, false
	}
	d, err := time.Parse(time.DateOnly, m.LeftOn)
	return d, err == nil
}

// MemberOn reports whether the municipality was a member on day d.
func (m Member) MemberOn(d time.Time) bool {
	if d.Before(m.Joined()) {
		return false
	}
	if l, ok := m.Left(); ok && d.After(l) {
		return false
	}
	return true
}

// Collaboration returns the configured collaboration with id.
func (c Config) Collaboration(id string) (Collaboration, bool) {
	for _, co := range c.Collaborations {
		if co.ID == id {
			return co, true
		}
	}
	return Collaboration{}, false
}

// stockholmsLan are the 26 municipalities of Stockholms län.
var stockholmsLan = []string{
	"0114", "0115", "0117", "0120", "0123", "0125", "0126", "0127", "0128", "0136", "0138", "0139", "0140",
	"0160", "0162", "0163", "0180", "0181", "0182", "0183", "0184", "0186", "0187", "0188", "0191", "0192",
}

// DefaultCollaborations are the two collaborations effekt was born from:
// Samhällsorientering i samverkan (every municipality of Stockholms län but
// Haninge, from the joint office's start on 2010-12-01) and Introduktion
// Södertörn (the ten municipalities of G0002, 2009-01-01 to 2010-05-31).
func DefaultCollaborations() []Collaboration {
	sois := Collaboration{ID: "SOIS", Title: "Samhällsorientering i samverkan"}
	for _, code := range stockholmsLan {
		if code != "0136" {
			sois.Members = append(sois.Members, Member{Municipality: code, JoinedOn: "2010-12-01"})
		}
	}
	intro := Collaboration{ID: "INTRO-SODERTORN", Title: "Introduktion Södertörn"}
	for _, code := range DefaultGroups()[1].Members {
		intro.Members = append(intro.Members, Member{Municipality: code, JoinedOn: "2009-01-01", LeftOn: "2010-05-31"})
	}
	return []Collaboration{sois, intro}
}

var collaborationID = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// normalizeCollaborations turns members written as names into kommunkoder;
// members that do not resolve are left for Validate to name.
func (c *Config) normalizeCollaborations() {
	for i := range c.Collaborations {
		for j, m := range c.Collaborations[i].Members {
			if code, ok := geo.Resolve(m.Municipality); ok {
				c.Collaborations[i].Members[j].Municipality = code
			}
		}
	}
}

// validateCollaborations checks ids, titles and every membership.
func (c Config) validateCollaborations() error {
	seen := map[string]bool{}
	for i, co := range c.Collaborations {
		f := fmt.Sprintf("collaborations[%d]", i)
		if !collaborationID.MatchString(co.ID) {
			return &ValidationError{Field: f + ".id", Value: co.ID, Err: errors.New("want letters, digits, _ or -, like SOIS")}
		}
		if seen[co.ID] {
			return &ValidationError{Field: f + ".id", Value: co.ID, Err: errors.New("duplicate collaboration id")}
		}
		seen[co.ID] = true
		if strings.TrimSpace(co.Title) == "" {
			return &ValidationError{Field: f + ".title", Value: co.Title, Err: errors.New("must not be empty")}
		}
		if len(co.Members) == 0 {
			return &ValidationError{Field: f + ".members", Value: "(none)", Err: errors.New("must list at least one municipality")}
		}
		codes := map[string]int{}
		for j, m := range co.Members {
			mf := fmt.Sprintf("%s.members[%d]", f, j)
			code, ok := geo.Resolve(m.Municipality)
			if !ok {
				return &ValidationError{Field: mf + ".municipality", Value: m.Municipality, Err: errors.New("not a municipality code or name")}
			}
			if k, dup := codes[code]; dup {
				return &ValidationError{Field: mf + ".municipality", Value: m.Municipality,
					Err: fmt.Errorf("already a member (members[%d]); a municipality is listed once per collaboration", k)}
			}
			codes[code] = j
			if m.JoinedOn == "" {
				return &ValidationError{Field: mf + ".joined_on", Value: m.JoinedOn, Err: errors.New("required: the day the municipality joined, YYYY-MM-DD")}
			}
			joined, err := time.Parse(time.DateOnly, m.JoinedOn)
			if err != nil {
				return &ValidationError{Field: mf + ".joined_on", Value: m.JoinedOn, Err: errors.New("want a date YYYY-MM-DD")}
			}
			if m.LeftOn == "" {
				continue
			}
			left, err := time.Parse(time.DateOnly, m.LeftOn)
			if err != nil {
				return &ValidationError{Field: mf + ".left_on", Value: m.LeftOn, Err: errors.New("want a date YYYY-MM-DD, or leave it out while the municipality is a member")}
			}
			if left.Before(joined) {
				return &ValidationError{Field: mf + ".left_on", Value: m.LeftOn, Err: fmt.Errorf("is before joined_on %s", m.JoinedOn)}
			}
		}
	}
	return nil
}
