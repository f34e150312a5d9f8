package dashboards

import (
	"encoding/json"
	"fmt"
	"sort"
	"testing"

	"github.com/effekt/effekt/models"
)

// TestUnitGroups: the catalogue's units split into the three query groups.
func TestUnitGroups(t *testing.T) {
	got := unitGroups(models.Catalogue())
	want := []unitGroup{
		{models.Percent, []string{"EF101", "EF103", "EF105", "EF201", "EF301", "EF302", "EF401", "EF402"}, true},
		{models.Days, []string{"EF102", "EF303"}, false},
		{models.Kronor, []string{"EF104"}, false},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("unitGroups = %v, want %v", got, want)
	}
	if tg := withTargets(got); len(tg) != 1 || tg[0].unit != models.Percent {
		t.Errorf("withTargets = %v, want the percent group only (EF201)", tg)
	}
	if m := want[1].matcher(); m != `kpi="$kpi",kpi=~"EF102|EF303"` {
		t.Errorf("matcher = %s", m)
	}
}

// TestIndicatorPanels: the kommun dashboard has a row, a bar chart and a
// table per indicator, in catalogue order, with the indicator's unit, and
// EF201's target of 30 % as a threshold; the interval only for proportions.
func TestIndicatorPanels(t *testing.T) {
	var kommun Board
	for _, b := range boards(t) {
		if b.UID == UIDMunicipal {
			kommun = b
		}
	}
	ps := allPanels(decode(t, kommun))
	cat := models.Catalogue()
	byTitle := map[string]map[string]any{}
	var rows []string
	for _, p := range ps {
		byTitle[p["title"].(string)] = p
		if p["type"] == "row" {
			rows = append(rows, p["title"].(string))
		}
	}
	if len(rows) != len(cat)+1 {
		t.Fatalf("rows %v, want one per indicator and one for suppression", rows)
	}
	for i, in := range cat {
		if want := in.ID + " " + in.TitleSV; rows[i+1] != want {
			t.Errorf("row %d = %q, want %q", i+1, rows[i+1], want)
		}
		chart := byTitle[in.ID+": ${municipality:text}, län, riket och grupper per år"]
		table := byTitle[in.ID+": ${municipality:text} per år och kön"]
		if chart == nil || table == nil {
			t.Fatalf("%s: chart or table missing", in.ID)
		}
		def := chart["fieldConfig"].(map[string]any)["defaults"].(map[string]any)
		wantUnit := map[models.Unit]string{models.Percent: "percent", models.Days: "d", models.Kronor: "currencySEK"}[in.Unit]
		if def["unit"] != wantUnit {
			t.Errorf("%s: unit %v, want %s", in.ID, def["unit"], wantUnit)
		}
		steps := def["thresholds"].(map[string]any)["steps"].([]any)
		if in.ID == "EF201" {
			if len(steps) != 2 || steps[1].(map[string]any)["value"] != 30.0 || steps[1].(map[string]any)["color"] != "green" {
				t.Errorf("EF201 thresholds %v, want orange below 30, green from 30", steps)
			}
		} else if len(steps) != 1 {
			t.Errorf("%s: thresholds %v without a target", in.ID, steps)
		}
		nt := len(table["targets"].([]any))
		if want := map[bool]int{true: 4, false: 2}[in.Unit == models.Percent]; nt != want {
			t.Errorf("%s: table has %d queries, want %d", in.ID, nt, want)
		}
	}
}

// TestLayout places panels by hand-computed positions.
func TestLayout(t *testing.T) {
	b := newBoard("t")
	l := newLayout(b)
	l.row("r1")
	l.add(newPanel("stat", "a", "", 12, 4))
	l.add(newPanel("stat", "b", "", 8, 6))
	l.add(newPanel("stat", "c", "", 8, 3))    // 12+8+8 > 24: next line at y = 1+6
	l.add(newPanel("stat", "e", "", 16, 1))   // beside c: x 8, y 7
	l.below(newPanel("stat", "f", "", 16, 5)) // under e: y 8, line now 6 high (7..13)
	l.row("r2")                               // y = 7+6
	l.add(newPanel("stat", "d", "", 24, 2))
	want := []rect{{0, 0, 24, 1}, {0, 1, 12, 4}, {12, 1, 8, 6}, {0, 7, 8, 3}, {8, 7, 16, 1}, {8, 8, 16, 5}, {0, 13, 24, 1}, {0, 14, 24, 2}}
	var got []rect
	for i, p := range b.Panels {
		got = append(got, rect{*p.GridPos.X, *p.GridPos.Y, *p.GridPos.W, *p.GridPos.H})
		if p.ID != uint(i+1) {
			t.Errorf("panel %d id %d", i, p.ID)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("layout %v, want %v", got, want)
	}
}

// TestClean removes nulls and empty strings but keeps a threshold base step.
func TestClean(t *testing.T) {
	in := `{"a":null,"b":"","c":[null,{"d":""}],"e":{"steps":[{"color":"red","value":null}]},"f":[],"g":0,"h":false}`
	var v any
	if err := json.Unmarshal([]byte(in), &v); err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(clean(v))
	want := `{"c":[{}],"e":{"steps":[{"color":"red","value":null}]},"f":[],"g":0,"h":false}`
	if string(got) != want {
		t.Errorf("clean = %s, want %s", got, want)
	}
}

func TestVariablesList(t *testing.T) {
	var got []string
	for _, b := range boards(t) {
		vs, err := b.Variables()
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			got = append(got, b.UID+"/"+v.Name)
		}
	}
	sort.Strings(got)
	want := []string{"effekt-dataflode/kind", "effekt-indikatorer/gender", "effekt-indikatorer/kpi", "effekt-indikatorer/period",
		"effekt-kommun/county", "effekt-kommun/municipality"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("variables %v, want %v", got, want)
	}
}

// TestTargetsHigherIsBetter: the bar gauges colour bars at or above a
// target green (threshold1 from the target query), which is right only for
// indicators where higher is better; a lower-is-better target needs its own
// colouring before it is added to the catalogue.
func TestTargetsHigherIsBetter(t *testing.T) {
	n := 0
	for _, in := range models.Catalogue() {
		if in.Target == nil {
			continue
		}
		n++
		if in.Direction != models.HigherIsBetter {
			t.Errorf("%s has a target but %s: the Indikatorer bar gauges would colour it the wrong way", in.ID, in.Direction)
		}
	}
	if n == 0 {
		t.Error("no indicator has a target; SPEC gives EF201 one (30 %)")
	}
}
