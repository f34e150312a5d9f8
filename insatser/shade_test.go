package insatser

import (
	"strings"
	"testing"
	"time"

	"github.com/effekt/effekt/models"
	"github.com/effekt/effekt/snapshot"
)

// TestShade: the map's classes, by interventions open to others (0, 1,
// 2–3, 4–5, 6+) and by a published indicator (four equal steps between
// the view's smallest and largest value, in the year with the most
// published cells; suppressed and missing cells apart).
func TestShade(t *testing.T) {
	yes, no := true, false
	d := &Data{}
	add := func(provider string, n int, open *bool) {
		for range n {
			d.Interventions = append(d.Interventions, Intervention{Provider: provider, OpenToOthers: open})
		}
	}
	add("0127", 1, &yes)
	add("0127", 3, &no)
	add("0136", 3, &yes)
	add("0180", 6, &yes)
	add("0181", 5, &yes)
	class, label := shadeOpen(d)
	for id, want := range map[string]string{"0127": "c1", "0136": "c2", "0180": "c4", "0181": "c3", "0182": "c0"} {
		if got := class(id); got != want {
			t.Errorf("open %s: class %s, want %s", id, got, want)
		}
	}
	if got := label("0127"); got != "1 insats öppen för andra kommuner" {
		t.Errorf("label %q", got)
	}
	v := func(m string, p int, x float64, suppressed bool) models.Value {
		n := int64(10)
		if suppressed {
			n = 2 // below min_n
		}
		return models.Value{KPI: "EF401", Municipality: m, Period: p, Gender: "T", Value: &x, Denominator: &n}
	}
	snap := snapshot.FromValues([]models.Value{
		v("0127", 2024, 20, false), v("0136", 2024, 60, false), v("0180", 2024, 40, false), v("0181", 2024, 0, true),
		v("0127", 2025, 90, false), v("0136", 2025, 0, true), // 2025: fewer published cells than 2024
	}, snapshot.Options{MinN: 5}, time.Now())
	class, label, legend, caption := shadeKPI("EF401", snap, views["0001"])
	for id, want := range map[string]string{"0127": "c1", "0180": "c3", "0136": "c4", "0181": "cs", "0182": "cn"} {
		if got := class(id); got != want {
			t.Errorf("EF401 %s: class %s, want %s", id, got, want)
		}
	}
	if got := label("0127"); got != "20,0 (2024)" {
		t.Errorf("label %q", got)
	}
	if len(legend) != 6 || legend[2].Label != "20,0–30,0" || !strings.Contains(caption, "2024") {
		t.Errorf("legend %v, caption %q", legend, caption)
	}
}
