package config

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/effekt/effekt/geo"
)

// Goal measures, what a goal's figure is.
const (
	// MeasureMembers: the number of members of the collaboration on the deadline.
	MeasureMembers = "members"
	// MeasureCountyMembers: the share (%) of the county's municipalities
	// that are members of the collaboration on the deadline.
	MeasureCountyMembers = "county_members"
	// MeasureHoursPerLanguage: per teaching language other than Swedish,
	// the most civic-orientation hours one group gave members' participants
	// between joining and the deadline (from attendance); the goal holds
	// when every language reaches the target.
	MeasureHoursPerLanguage = "hours_per_language"
	// MeasureIndicator: an indicator value (KPI, area, period), total gender.
	MeasureIndicator = "indicator"
)

// Goal is a measurable goal, as data: `effekt goals` prints its status
// (uppnått, ej uppnått, kan inte bedömas) with the evidence.
type Goal struct {
	ID            string  `yaml:"id"`            // [A-Za-z0-9_-]+
	Text          string  `yaml:"text"`          // the goal in Swedish, as the project wrote it
	Measure       string  `yaml:"measure"`       // members | county_members | hours_per_language | indicator
	Collaboration string  `yaml:"collaboration"` // collaboration id (members, county_members, hours_per_language)
	County        string  `yaml:"county"`        // county_members: the county, e.g. 01 or Stockholms län
	KPI           string  `yaml:"kpi"`           // indicator: e.g. EF201
	Area          string  `yaml:"area"`          // indicator: kommunkod or name, county, 0000 or a group id
	Period        int     `yaml:"period"`        // indicator: the year; 0 = the latest with a value
	Target        float64 `yaml:"target"`        // the figure must reach it (at least; at most when the indicator is lower-is-better)
	Deadline      string  `yaml:"deadline"`      // YYYY-MM-DD
}

// DeadlineDate is Deadline as a date (zero when it does not parse).
func (g Goal) DeadlineDate() time.Time {
	d, _ := time.Parse(time.DateOnly, g.Deadline)
	return d
}

// DefaultGoals are the measurable goals of Samhällsorientering i samverkan.
func DefaultGoals() []Goal {
	return []Goal{
		{ID: "SOIS-AVTAL", Text: "Samverkansavtal mellan minst 10 kommuner", Measure: MeasureMembers, Collaboration: "SOIS",
			Target: 10, Deadline: "2010-12-31"},
		{ID: "SOIS-MODERSMAL", Text: "60 timmars samhällsorientering på modersmål", Measure: MeasureHoursPerLanguage,
			Collaboration: "SOIS", Target: 60, Deadline: "2012-12-31"},
		{ID: "SOIS-LANET", Text: "Alla kommuner i länet erbjuds att delta", Measure: MeasureCountyMembers, Collaboration: "SOIS",
			County: "01", Target: 100, Deadline: "2010-12-31"},
	}
}

// defaultGoalsFor keeps the default goals whose collaboration is
// configured: a file that replaces the collaborations without setting goals
// does not inherit goals about collaborations it dropped.
func (c Config) defaultGoalsFor() []Goal {
	var out []Goal
	for _, g := range DefaultGoals() {
		if _, ok := c.Collaboration(g.Collaboration); ok {
			out = append(out, g)
		}
	}
	return out
}

var kpiID = regexp.MustCompile(`^EF[0-9]{3}$`)

// validateGoals checks every goal's fields for its measure. KPI ids are
// checked for shape here and against the catalogue when goals are assessed.
func (c Config) validateGoals() error {
	seen := map[string]bool{}
	for i, g := range c.Goals {
		f := fmt.Sprintf("goals[%d]", i)
		if !collaborationID.MatchString(g.ID) {
			return &ValidationError{Field: f + ".id", Value: g.ID, Err: errors.New("want letters, digits, _ or -, like SOIS-AVTAL")}
		}
		if seen[g.ID] {
			return &ValidationError{Field: f + ".id", Value: g.ID, Err: errors.New("duplicate goal id")}
		}
		seen[g.ID] = true
		if strings.TrimSpace(g.Text) == "" {
			return &ValidationError{Field: f + ".text", Value: g.Text, Err: errors.New("must not be empty")}
		}
		if _, err := time.Parse(time.DateOnly, g.Deadline); err != nil {
			return &ValidationError{Field: f + ".deadline", Value: g.Deadline, Err: errors.New("want a date YYYY-MM-DD")}
		}
		switch g.Measure {
		case MeasureMembers, MeasureCountyMembers, MeasureHoursPerLanguage:
			if _, ok := c.Collaboration(g.Collaboration); !ok {
				return &ValidationError{Field: f + ".collaboration", Value: g.Collaboration, Err: errors.New("not a configured collaboration id")}
			}
			if g.Measure == MeasureCountyMembers {
				id, ok := geo.ResolveArea(g.County)
				if !ok || len(id) != 4 || !strings.HasPrefix(id, "00") || id == "0000" {
					return &ValidationError{Field: f + ".county", Value: g.County, Err: errors.New("want a county, like 01 or Stockholms län")}
				}
			}
		case MeasureIndicator:
			if !kpiID.MatchString(g.KPI) {
				return &ValidationError{Field: f + ".kpi", Value: g.KPI, Err: errors.New("want an indicator id, like EF201 (see effekt kpi)")}
			}
			if !c.knownArea(g.Area) {
				return &ValidationError{Field: f + ".area", Value: g.Area, Err: errors.New("want a municipality, county, 0000 (Riket) or a group id")}
			}
			if g.Period != 0 && (g.Period < 1900 || g.Period > 9999) {
				return &ValidationError{Field: f + ".period", Value: g.Period, Err: errors.New("want a four-digit year, or 0 for the latest")}
			}
		default:
			return &ValidationError{Field: f + ".measure", Value: g.Measure, Err: errors.New("want members, county_members, hours_per_language or indicator")}
		}
		if g.Target <= 0 {
			return &ValidationError{Field: f + ".target", Value: g.Target, Err: errors.New("must be positive")}
		}
	}
	return nil
}

// knownArea reports whether s is a municipality, county, Riket or a
// configured group (id or title).
func (c Config) knownArea(s string) bool {
	for _, g := range c.Groups {
		if strings.EqualFold(g.ID, s) || strings.EqualFold(g.Title, s) {
			return true
		}
	}
	_, ok := geo.ResolveArea(s)
	return ok
}
