package evaluate

import (
	"strings"
	"testing"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/models"
)

// TestWithholdHidden: an estimate is withheld, without any number, when
// a member's published T cell of the indicator is suppressed in a year its
// windows read (joined 2024-01-01 with 4 windows before and 5 after:
// 2018–2030); a hidden cell of another year, gender, indicator or
// municipality keeps it.
func TestWithholdHidden(t *testing.T) {
	co := config.Collaboration{ID: "T", Members: []config.Member{{Municipality: "0128", JoinedOn: "2024-01-01"}, {Municipality: "0127", JoinedOn: "2024-01-01"}}}
	hidden := func(kpi, area string, period int, gender string) models.Value {
		return models.Value{KPI: kpi, Municipality: area, Period: period, Gender: gender, Status: models.StatusSuppressed}
	}
	for _, tc := range []struct {
		name     string
		vals     []models.Value
		withheld string
	}{
		{"a member's year in the windows", []models.Value{hidden("EF101", "0128", 2025, "T")}, "0128 2025"},
		{"the first year read", []models.Value{hidden("EF101", "0127", 2018, "T")}, "0127 2018"},
		{"the last year read", []models.Value{hidden("EF101", "0127", 2030, "T")}, "0127 2030"},
		{"before the windows", []models.Value{hidden("EF101", "0128", 2017, "T")}, ""},
		{"a gender only", []models.Value{hidden("EF101", "0128", 2025, "K")}, ""},
		{"another indicator", []models.Value{hidden("EF401", "0128", 2025, "T")}, ""},
		{"a non-member", []models.Value{hidden("EF101", "0138", 2025, "T")}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := []Result{{KPI: "EF101", DiD: DiD{ATT: 6.1, Treated: 265, Events: []EventCoef{{E: 0, Coef: 6.1, Treated: 124}}}}}
			got := WithholdHidden(rs, tc.vals, co, DiDOptions{})[0]
			switch {
			case tc.withheld == "" && (got.Error != "" || got.ATT != 6.1 || got.Treated != 265):
				t.Errorf("withheld: %+v", got)
			case tc.withheld != "" && (!strings.Contains(got.Error, "kan inte redovisas") || !strings.Contains(got.Error, tc.withheld) ||
				got.ATT != 0 || got.Treated != 0 || len(got.Events) != 0):
				t.Errorf("not withheld for %s: %+v", tc.withheld, got)
			}
		})
	}
}
