package metrics

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/geo"
	"github.com/effekt/effekt/models"
)

//go:embed sql/periods.sql
var periodsSQL string

// Area types of the indicator labels.
const (
	areaMunicipality = "K"
	areaRegion       = "L" // county 00LL or Riket 0000
	areaGroup        = "G"
)

var (
	cellLabels  = []string{"kpi", "municipality", "municipality_name", "area_type", "county", "period", "gender"}
	countLabels = []string{"kpi", "municipality", "municipality_name", "area_type", "county", "status"}

	valueDesc = prometheus.NewDesc(namespace+"_indicator_value",
		"Indicator value of a cell (percent, days or kronor, see the kpi's unit); suppressed cells are absent.", cellLabels, nil)
	ciLowDesc = prometheus.NewDesc(namespace+"_indicator_ci_low",
		"Lower bound of the 95 % Wilson interval of a proportion.", cellLabels, nil)
	ciHighDesc = prometheus.NewDesc(namespace+"_indicator_ci_high",
		"Upper bound of the 95 % Wilson interval of a proportion.", cellLabels, nil)
	denominatorDesc = prometheus.NewDesc(namespace+"_indicator_denominator",
		"Cohort count (denominator) of a cell.", cellLabels, nil)
	targetDesc = prometheus.NewDesc(namespace+"_indicator_target",
		"Target value of an indicator that has one.", []string{"kpi"}, nil)
	cellsDesc = prometheus.NewDesc(namespace+"_indicator_cells",
		"Cells (period × gender) of an indicator and area in the exposed periods, by status (ok, suppressed).", countLabels, nil)
)

// indicatorSource exposes the latest periods of indicator_values through
// models.Query, so that disclosure control is the one used everywhere.
type indicatorSource struct {
	db  *sql.DB
	opt Options
}

func (s *indicatorSource) name() string { return "indicators" }

func (s *indicatorSource) describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{valueDesc, ciLowDesc, ciHighDesc, denominatorDesc, targetDesc, cellsDesc} {
		ch <- d
	}
}

func (s *indicatorSource) collect(ctx context.Context, ch chan<- prometheus.Metric) error {
	for _, ind := range models.Catalogue() {
		if ind.Target != nil {
			ch <- prometheus.MustNewConstMetric(targetDesc, prometheus.GaugeValue, *ind.Target, ind.ID)
		}
	}
	latest, periods, err := s.latestPeriods(ctx)
	if err != nil || len(periods) == 0 {
		return err
	}
	vals, err := models.Query(ctx, s.db, models.Filter{Periods: periods}, s.opt.MinN, s.opt.Groups)
	if err != nil {
		return err
	}
	areas := newAreaLabels(s.opt.Groups)
	type cellKey struct{ kpi, area, status string }
	cells := map[cellKey]int{}
	var order []cellKey
	for _, v := range vals {
		if !latest[v.KPI][v.Period] {
			continue
		}
		status := "ok"
		if v.Status == models.StatusSuppressed {
			status = models.StatusSuppressed
		}
		k := cellKey{v.KPI, v.Municipality, status}
		if cells[k] == 0 {
			order = append(order, k)
		}
		cells[k]++
		if status != "ok" {
			continue
		}
		a := areas.of(v.Municipality)
		lv := []string{v.KPI, v.Municipality, a.name, a.typ, a.county, strconv.Itoa(v.Period), v.Gender}
		for _, g := range []struct {
			d *prometheus.Desc
			v *float64
		}{{valueDesc, v.Value}, {ciLowDesc, v.CILow}, {ciHighDesc, v.CIHigh}} {
			if g.v != nil {
				ch <- prometheus.MustNewConstMetric(g.d, prometheus.GaugeValue, *g.v, lv...)
			}
		}
		if v.Denominator != nil {
			ch <- prometheus.MustNewConstMetric(denominatorDesc, prometheus.GaugeValue, float64(*v.Denominator), lv...)
		}
	}
	for _, k := range order {
		a := areas.of(k.area)
		ch <- prometheus.MustNewConstMetric(cellsDesc, prometheus.GaugeValue, float64(cells[k]), k.kpi, k.area, a.name, a.typ, a.county, k.status)
	}
	return nil
}

// latestPeriods returns, per kpi, the set of its latest N periods, and the
// union of those periods.
func (s *indicatorSource) latestPeriods(ctx context.Context) (map[string]map[int]bool, []int, error) {
	latest := map[string]map[int]bool{}
	seen := map[int]bool{}
	var union []int
	err := query(ctx, s.db, periodsSQL, []any{s.opt.Periods}, func(r *sql.Rows) error {
		var kpi string
		var p int
		if err := r.Scan(&kpi, &p); err != nil {
			return err
		}
		if latest[kpi] == nil {
			latest[kpi] = map[int]bool{}
		}
		latest[kpi][p] = true
		if !seen[p] {
			seen[p] = true
			union = append(union, p)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("latest periods: %w", err)
	}
	return latest, union, nil
}

// areaLabel is what the labels say about an area id.
type areaLabel struct{ name, typ, county string }

type areaLabels map[string]areaLabel

func newAreaLabels(groups []config.Group) areaLabels {
	al := areaLabels{}
	for _, g := range groups {
		al[g.ID] = areaLabel{name: g.Title, typ: areaGroup}
	}
	return al
}

// of labels an area: municipalities K with their county, counties and Riket
// L with themselves as county, groups G without a county.
func (al areaLabels) of(id string) areaLabel {
	if a, ok := al[id]; ok {
		return a
	}
	switch {
	case strings.HasPrefix(id, "G"):
		return areaLabel{name: id, typ: areaGroup}
	case strings.HasPrefix(id, "00"):
		return areaLabel{name: geo.Name(id), typ: areaRegion, county: id}
	default:
		return areaLabel{name: geo.Name(id), typ: areaMunicipality, county: geo.County(id)}
	}
}
