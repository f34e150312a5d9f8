package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/models"
	"github.com/effekt/effekt/snapshot"
)

// maxTableWidth is the width tables for people are fitted into.
const maxTableWidth = 100

// table is a text table for people: text columns left-aligned, numbers
// right-aligned, the column named shrink narrowed (with …) to fit width.
type table struct {
	header []string
	right  []bool // right-aligned columns
	rows   [][]string
	shrink int  // index of the column to narrow when too wide; -1 none
	middle bool // shorten in the middle (file names: keep the date at the end)
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) write(w io.Writer) error {
	width := make([]int, len(t.header))
	for _, r := range append([][]string{t.header}, t.rows...) {
		for i, c := range r {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	total := 2 * (len(width) - 1)
	for _, x := range width {
		total += x
	}
	if t.shrink >= 0 && total > maxTableWidth {
		width[t.shrink] = max(8, width[t.shrink]-(total-maxTableWidth))
	}
	var b strings.Builder
	for _, r := range append([][]string{t.header}, t.rows...) {
		b.Reset()
		for i, c := range r {
			if n := utf8.RuneCountInString(c); n > width[i] {
				r := []rune(c)
				if t.middle && i == t.shrink {
					head := (width[i] - 1) / 2
					c = string(r[:head]) + "…" + string(r[n-(width[i]-1-head):])
				} else {
					c = string(r[:width[i]-1]) + "…"
				}
			}
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if i > 0 {
				b.WriteString("  ")
			}
			if t.right[i] {
				b.WriteString(pad + c)
			} else if i < len(r)-1 {
				b.WriteString(c + pad)
			} else {
				b.WriteString(c)
			}
		}
		if _, err := fmt.Fprintln(w, strings.TrimRight(b.String(), " ")); err != nil {
			return err
		}
	}
	return nil
}

// dec1 formats a value for people: one decimal, trailing zero kept; "" for nil.
func dec1(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', 1, 64)
}

func intText(p *int64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(*p, 10)
}

// interval is "45.0–59.3", or "" without one.
func interval(v models.Value) string {
	if v.CILow == nil || v.CIHigh == nil {
		return ""
	}
	return dec1(v.CILow) + "–" + dec1(v.CIHigh)
}

// writeValuesTable prints values for people (one decimal) with a footer
// naming the as_of they were computed with.
func writeValuesTable(w io.Writer, vals []models.Value, groups []config.Group) error {
	t := table{
		header: []string{"kpi", "area", "name", "year", "gender", "num", "den", "value", "95 % interval", "status"},
		right:  []bool{false, false, false, false, false, true, true, true, false, false},
		shrink: 2,
	}
	asOfs := map[string]bool{}
	for _, v := range vals {
		t.add(v.KPI, v.Municipality, models.AreaName(v.Municipality, groups), strconv.Itoa(v.Period), v.Gender,
			intText(v.Numerator), intText(v.Denominator), dec1(v.Value), interval(v), v.Status)
		asOfs[v.AsOf.Format(time.DateOnly)] = true
	}
	if err := t.write(w); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d values; as_of %s\n", len(vals), joinKeys(asOfs, "no values computed"))
	return err
}

func joinKeys(m map[string]bool, none string) string {
	if len(m) == 0 {
		return none
	}
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return strings.Join(ks, ", ")
}

// writeHeadline prints the headline indicators (total, not by gender) per
// area for one year per indicator: the latest year Riket has a value for,
// so every row of a column is the same year.
// vals are the published totals of the headline indicators.
func writeHeadline(w io.Writer, vals []models.Value, minN int, groups []config.Group) error {
	year := map[string]int{}
	cells := map[string]map[string]models.Value{} // area → kpi → value in year[kpi]
	var areas []string
	asOfs := map[string]bool{}
	for _, v := range vals {
		if v.Municipality == "0000" && v.Period > year[v.KPI] {
			year[v.KPI] = v.Period
		}
	}
	for _, v := range vals {
		if cells[v.Municipality] == nil {
			cells[v.Municipality] = map[string]models.Value{}
			areas = append(areas, v.Municipality)
		}
		if v.Period == year[v.KPI] {
			cells[v.Municipality][v.KPI] = v
			asOfs[v.AsOf.Format(time.DateOnly)] = true
		}
	}
	sortAreas(areas)
	t := table{header: []string{"area", "name"}, right: []bool{false, false}, shrink: 1}
	for _, k := range models.HeadlineKPIs {
		t.header = append(t.header, fmt.Sprintf("%s %d", k, year[k]))
		t.right = append(t.right, false)
	}
	missing := false
	for _, a := range areas {
		row := []string{a, models.AreaName(a, groups)}
		for _, k := range models.HeadlineKPIs {
			v, ok := cells[a][k]
			switch {
			case !ok:
				row = append(row, "–")
				missing = true
			case v.Status == models.StatusSuppressed:
				row = append(row, "suppressed")
			case v.Value == nil:
				row = append(row, "–")
				missing = true
			case v.CILow != nil:
				row = append(row, dec1(v.Value)+" ("+interval(v)+")")
			default:
				row = append(row, dec1(v.Value))
			}
		}
		t.add(row...)
	}
	for _, k := range models.HeadlineKPIs {
		ind, _ := models.Lookup(k)
		if _, err := fmt.Fprintf(w, "%s  %s\n", k, ind.TitleSV); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "Total (women and men), the latest year with a national value per indicator; value (95 %% interval).\n\n")
	if err := t.write(w); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nas_of %s. suppressed: cohort smaller than %d (indicators.min_n), or hidden\nso that no other suppressed cell can be recovered by subtraction.", joinKeys(asOfs, "–"), minN)
	if missing {
		fmt.Fprint(w, " –: no cohort in that year.")
	}
	_, err := fmt.Fprintln(w)
	return err
}

// sortAreas orders municipalities, then counties, Riket and groups.
func sortAreas(areas []string) {
	rank := func(id string) int {
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
	sort.Slice(areas, func(i, j int) bool {
		if ri, rj := rank(areas[i]), rank(areas[j]); ri != rj {
			return ri < rj
		}
		return areas[i] < areas[j]
	})
}

// readPublished returns the published values matching f: the running
// serve's snapshot when openRead found one (srv), else a snapshot built from
// db. The caller closes db.
func readPublished(ctx context.Context, cfg config.Config, db *sql.DB, srv *remote, f models.Filter) ([]models.Value, error) {
	if srv != nil {
		return srv.values(ctx, f)
	}
	return publishedValues(ctx, db, f, cfg.Indicators.MinN, cfg.Groups)
}

// withCompanions lists the indicators' ids, each followed by the ids of its
// case-mix companions (models.Companions).
func withCompanions(inds []models.Indicator) []string {
	var ids []string
	for _, ind := range inds {
		ids = append(ids, ind.ID)
		for _, c := range models.Companions(ind) {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// publishedValues are the values matching f as every outward reader
// publishes them (package snapshot applies disclosure control).
func publishedValues(ctx context.Context, db *sql.DB, f models.Filter, minN int, groups []config.Group) ([]models.Value, error) {
	s, err := snapshot.Build(ctx, db, snapshot.Options{MinN: minN, Groups: groups})
	if err != nil {
		return nil, err
	}
	return s.Query(f), nil
}
