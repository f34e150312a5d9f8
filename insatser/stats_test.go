package insatser

import (
	"testing"

	"github.com/effekt/effekt/disclosure"
)

// TestProtectShares: an intervention published overall with exactly one
// suppressed year loses its smallest other year too (intervention = Σ
// years); one whose years are all below min_n keeps its overall share
// when two years hide each other; a year's K and M follow T = K + M.
func TestProtectShares(t *testing.T) {
	d := &Data{byID: map[string]int{"A": 0, "B": 1}, Categories: map[string]Figures{}, Interventions: []Intervention{
		{ID: "A", Category: "arbete", Figures: Figures{Share: share(9, 20, 5)}},
		{ID: "B", Category: "språk", Figures: Figures{Share: share(3, 6, 5)}},
	}}
	cell := func(id string, period int, gender string, k, n int64) ouCell {
		return ouCell{ID: id, Period: period, Gender: gender, Share: share(k, n, 5)}
	}
	d.OU = []ouCell{
		cell("A", 2022, "T", 1, 3), cell("A", 2023, "T", 3, 7), cell("A", 2024, "T", 5, 10),
		cell("A", 2024, "K", 2, 4), cell("A", 2024, "M", 3, 6),
		cell("B", 2023, "T", 1, 2), cell("B", 2024, "T", 2, 4),
	}
	protectShares(d, 5)
	// A 2022 primary, 2023 (smaller than 2024) complementary; A 2024 K
	// primary, so M too; B's years both primary, B published
	want := []struct{ hidden, complementary bool }{{true, false}, {true, true}, {false, false}, {true, false}, {true, true}, {true, false}, {true, false}}
	for i, c := range d.OU {
		if c.Share.Suppressed != want[i].hidden || c.Share.SuppressedComplementary != want[i].complementary {
			t.Errorf("%s %d %s: %+v, want hidden %v complementary %v", c.ID, c.Period, c.Gender, c.Share, want[i].hidden, want[i].complementary)
		}
	}
	for _, in := range d.Interventions {
		if in.Figures.Share.Suppressed {
			t.Errorf("%s overall hidden", in.ID)
		}
	}
}

// TestProtectSharesBounds: the adversary's 0114-006 of 2026-12-02. The
// intervention publishes 5 ended participations overall; its years 2022
// (M only), 2024 (K only), 2025 (K and M) and 2026 (K only) are all below
// min_n and hidden, but each hidden row holds at least one person and
// 2025 two: 1 + 1 + 2 + 1 = 5 pins every one. Afterwards nothing is.
func TestProtectSharesBounds(t *testing.T) {
	d := &Data{byID: map[string]int{"0114-006": 0}, Categories: map[string]Figures{}, Interventions: []Intervention{
		{ID: "0114-006", Category: "arbete", Figures: Figures{Share: share(3, 5, 5)}},
	}}
	cell := func(period int, gender string, k, n int64) ouCell {
		return ouCell{ID: "0114-006", Period: period, Gender: gender, Share: share(k, n, 5)}
	}
	d.OU = []ouCell{
		cell(2022, "T", 1, 1), cell(2022, "M", 1, 1), cell(2024, "T", 0, 1), cell(2024, "K", 0, 1),
		cell(2025, "T", 1, 2), cell(2025, "K", 1, 1), cell(2025, "M", 0, 1), cell(2026, "T", 1, 1), cell(2026, "K", 1, 1),
	}
	audit := func() []disclosure.Leak {
		cells, rels, refs, done := shareTable(d)
		defer done()
		sup := make([]bool, len(cells))
		for i := range cells {
			sup[i] = refs[i].Suppressed
		}
		return disclosure.AuditRelations(cells, sup, 5, rels)
	}
	if leaks := audit(); len(leaks) == 0 {
		t.Fatal("before: no leak found, want the years pinned")
	}
	protectShares(d, 5)
	if leaks := audit(); len(leaks) != 0 {
		t.Errorf("after protectShares: %v", leaks)
	}
	if !d.Interventions[0].Figures.Share.Suppressed {
		t.Errorf("the overall share stays published: %+v", d.Interventions[0].Figures.Share)
	}
}
