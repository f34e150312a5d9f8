package models

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/effekt/effekt/config"
)

// HeadlineKPIs are the indicators Headline shows.
var HeadlineKPIs = []string{"EF101", "EF105", "EF201", "EF301"}

// Headline prints a short table for a demo: per area (municipalities, then
// counties, Riket and groups) the latest period with data of each headline
// indicator, with its value and cohort size n. vals are published values
// (disclosure control applied, package snapshot); others than the headline
// indicators' totals are left out.
func Headline(w io.Writer, vals []Value, groups []config.Group) error {
	latest := map[string]map[string]Value{} // area -> kpi -> latest value
	for _, v := range vals {
		if v.Gender != "T" || !slices.Contains(HeadlineKPIs, v.KPI) {
			continue
		}
		if latest[v.Municipality] == nil {
			latest[v.Municipality] = map[string]Value{}
		}
		if cur, ok := latest[v.Municipality][v.KPI]; !ok || v.Period > cur.Period {
			latest[v.Municipality][v.KPI] = v
		}
	}
	areas := make([]string, 0, len(latest))
	for a := range latest {
		areas = append(areas, a)
	}
	sort.Slice(areas, func(i, j int) bool {
		ri, rj := areaRank(areas[i]), areaRank(areas[j])
		if ri != rj {
			return ri < rj
		}
		return areas[i] < areas[j]
	})
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	header := []string{"area", "name"}
	for _, k := range HeadlineKPIs {
		ind, _ := Lookup(k)
		header = append(header, k+" "+shortUnit(ind.Unit))
	}
	fmt.Fprintln(tw, strings.Join(header, "\t")+"\t")
	for _, a := range areas {
		row := []string{a, AreaName(a, groups)}
		for _, k := range HeadlineKPIs {
			v, ok := latest[a][k]
			switch {
			case !ok:
				row = append(row, "–")
			case v.Status == StatusSuppressed:
				row = append(row, fmt.Sprintf("suppressed (%d)", v.Period))
			default:
				row = append(row, fmt.Sprintf("%s (n=%s, %d)", fmtFloat(v.Value, 1), fmtInt(v.Denominator), v.Period))
			}
		}
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("headline: %w", err)
	}
	return nil
}

// areaRank orders municipalities, counties, Riket, groups.
func areaRank(id string) int {
	switch {
	case strings.HasPrefix(id, "G"):
		return 3
	case id == "0000":
		return 2
	case strings.HasPrefix(id, "00"):
		return 1
	}
	return 0
}

func shortUnit(u Unit) string {
	switch u {
	case Percent:
		return "%"
	case Days:
		return "days"
	case Kronor:
		return "kr"
	}
	return string(u)
}
