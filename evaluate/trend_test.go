package evaluate

import (
	"testing"

	"github.com/effekt/effekt/models"
)

// TestPublishedTrend: members 0127 (8 of 10) and 0180 (suppressed), others
// 0114 (3 of 4) and 0115 (1 of 6); Riket, counties, K cells and other kpis
// are ignored. Members 80 % of 10 with one hidden; others 4/10 = 40 %.
// Days: the denominator-weighted mean of medians, (30·10 + 60·30)/40 = 52.5.
func TestPublishedTrend(t *testing.T) {
	i64 := func(v int64) *int64 { return &v }
	f := func(v float64) *float64 { return &v }
	cell := func(kpi, area string, k, n int64) models.Value {
		v := models.Value{KPI: kpi, Municipality: area, Period: 2024, Gender: "T", Numerator: i64(k), Denominator: i64(n), Value: f(100 * float64(k) / float64(n))}
		return v
	}
	vals := []models.Value{
		cell("EF401", "0127", 8, 10), {KPI: "EF401", Municipality: "0180", Period: 2024, Gender: "T", Status: models.StatusSuppressed},
		cell("EF401", "0114", 3, 4), cell("EF401", "0115", 1, 6), cell("EF401", "0000", 50, 60), cell("EF401", "0001", 50, 60),
		{KPI: "EF401", Municipality: "0127", Period: 2024, Gender: "K", Numerator: i64(1), Denominator: i64(1), Value: f(100)},
		cell("EF101", "0127", 0, 10),
		{KPI: "EF303", Municipality: "0114", Period: 2024, Gender: "T", Denominator: i64(10), Value: f(30)},
		{KPI: "EF303", Municipality: "0115", Period: 2024, Gender: "T", Denominator: i64(30), Value: f(60)},
	}
	members := map[string]Spell{"0127": {}, "0180": {}}
	ef401, _ := models.Lookup("EF401")
	ef303, _ := models.Lookup("EF303")
	got := PublishedTrend(vals, ef401, members)
	want := TrendPoint{Year: 2024, Members: 80, NMembers: 10, HiddenMembers: 1, Others: 40, NOthers: 10}
	if len(got) != 1 || got[0] != want {
		t.Errorf("EF401 trend %+v, want %+v", got, want)
	}
	got = PublishedTrend(vals, ef303, members)
	want = TrendPoint{Year: 2024, Others: 52.5, NOthers: 40}
	if len(got) != 1 || got[0] != want {
		t.Errorf("EF303 trend %+v, want %+v", got, want)
	}
}
