package evaluate

import (
	"testing"
	"time"

	"github.com/effekt/effekt/models"
)

// TestLeaveOutHidden: the rows of a municipality and year whose published
// T cell of the indicator is hidden are left out (members and controls
// alike), and counted by municipality-year; a hidden cell of another
// gender, indicator or year leaves its rows in.
func TestLeaveOutHidden(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	obs := []Obs{
		{"0139", day("2025-03-01"), 1}, {"0139", day("2025-11-30"), 0}, // hidden: out
		{"0139", day("2024-06-01"), 1}, // 2024 published: in
		{"0187", day("2025-01-01"), 1}, // hidden: out
		{"0114", day("2025-05-05"), 0}, // K hidden only: in
		{"0115", day("2025-05-05"), 1}, // hidden in EF101 only: in
	}
	vals := []models.Value{
		{KPI: "EF401", Municipality: "0139", Period: 2025, Gender: "T", Status: models.StatusSuppressed},
		{KPI: "EF401", Municipality: "0187", Period: 2025, Gender: "T", Status: models.StatusSuppressed},
		{KPI: "EF401", Municipality: "0114", Period: 2025, Gender: "K", Status: models.StatusSuppressed},
		{KPI: "EF101", Municipality: "0115", Period: 2025, Gender: "T", Status: models.StatusSuppressed},
		{KPI: "EF401", Municipality: "0139", Period: 2024, Gender: "T"},
	}
	got, n := HiddenCells(vals).leaveOut("EF401", obs)
	var kept []string
	for _, o := range got {
		kept = append(kept, o.Municipality+" "+o.Date.Format(time.DateOnly))
	}
	want := []string{"0139 2024-06-01", "0114 2025-05-05", "0115 2025-05-05"}
	if n != 2 || len(kept) != len(want) {
		t.Fatalf("kept %q, %d municipality-years left out; want %q, 2", kept, n, want)
	}
	for i := range want {
		if kept[i] != want[i] {
			t.Errorf("kept %q, want %q", kept, want)
		}
	}
	if got, n := Hidden(nil).leaveOut("EF401", obs); len(got) != len(obs) || n != 0 {
		t.Errorf("no hidden cells: %d rows, %d left out", len(got), n)
	}
}
