package insatser

import "testing"

// TestComplementPeriods: an intervention published overall with exactly
// one suppressed period loses its smallest other period too; one
// suppressed overall loses every period.
func TestComplementPeriods(t *testing.T) {
	d := &Data{byID: map[string]int{"A": 0, "B": 1}, Interventions: []Intervention{
		{ID: "A", Figures: Figures{Share: share(9, 20, 5)}},
		{ID: "B", Figures: Figures{Share: Share{Suppressed: true, HasCohort: true}}},
	}}
	cell := func(id string, period int, k, n int64) ouCell {
		return ouCell{ID: id, Period: period, Gender: "T", Share: share(k, n, 5), n: n}
	}
	d.OU = []ouCell{cell("A", 2022, 1, 3), cell("A", 2023, 3, 7), cell("A", 2024, 5, 10), cell("B", 2024, 3, 6)}
	complementPeriods(d)
	want := []bool{true, true, false, true} // 2022 primary, 2023 (smaller than 2024) complementary, B all
	for i, c := range d.OU {
		if c.Share.Suppressed != want[i] {
			t.Errorf("%s %d: suppressed %v, want %v", c.ID, c.Period, c.Share.Suppressed, want[i])
		}
	}
}
