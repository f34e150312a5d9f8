package metrics

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/geo"
	"github.com/effekt/effekt/models"
	"github.com/effekt/effekt/snapshot"
)

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
		"Indicator value of a cell (percent, days, kronor, percentage points or ratio: see the kpi's unit); suppressed cells are absent.", cellLabels, nil)
	ciLowDesc = prometheus.NewDesc(namespace+"_indicator_ci_low",
		"Lower bound of the 95 % interval: Wilson for a proportion, the case-mix model's for a deviation (…A) or O/E (…K).", cellLabels, nil)
	ciHighDesc = prometheus.NewDesc(namespace+"_indicator_ci_high",
		"Upper bound of the 95 % interval: Wilson for a proportion, the case-mix model's for a deviation (…A) or O/E (…K).", cellLabels, nil)
	denominatorDesc = prometheus.NewDesc(namespace+"_indicator_denominator",
		"Cohort count (denominator) of a cell.", cellLabels, nil)
	targetDesc = prometheus.NewDesc(namespace+"_indicator_target",
		"Target value of an indicator that has one.", []string{"kpi"}, nil)
	cellsDesc = prometheus.NewDesc(namespace+"_indicator_cells",
		"Cells (period × gender) of an indicator and area in the exposed periods, by status (ok, suppressed).", countLabels, nil)
)

// indicatorSource reports, as the "indicators" collector, whether the
// indicator series of the current snapshot could be rendered. The series
// themselves bypass the registry: they change only when a compute finishes,
// so they are rendered once per snapshot (Snapshot.Memo) and appended to
// every scrape as text (Metrics.Handler).
type indicatorSource struct{ m *Metrics }

func (s *indicatorSource) name() string { return "indicators" }

func (s *indicatorSource) describe(chan<- *prometheus.Desc) {}

func (s *indicatorSource) collect(ctx context.Context, _ chan<- prometheus.Metric) error {
	snap, err := s.m.current(ctx)
	if err != nil {
		return err
	}
	return s.m.rendered(snap).err
}

// exposition is the rendered text of one snapshot's indicator series.
type exposition struct {
	families []*dto.MetricFamily
	text     []byte
	err      error
}

// rendered returns the snapshot's indicator exposition, rendering it on
// first use.
func (m *Metrics) rendered(snap *snapshot.Snapshot) exposition {
	return snap.Memo("metrics.indicators", func(s *snapshot.Snapshot) any {
		reg := prometheus.NewRegistry()
		if err := reg.Register(indicatorSet{snap: s, opt: m.opt}); err != nil {
			return exposition{err: fmt.Errorf("render indicators: %w", err)}
		}
		mfs, err := reg.Gather()
		if err != nil {
			return exposition{err: fmt.Errorf("render indicators: %w", err)}
		}
		var buf bytes.Buffer
		enc := expfmt.NewEncoder(&buf, expfmt.NewFormat(expfmt.TypeTextPlain))
		for _, mf := range mfs {
			if err := enc.Encode(mf); err != nil {
				return exposition{err: fmt.Errorf("render indicators: %w", err)}
			}
		}
		return exposition{families: mfs, text: buf.Bytes()}
	}).(exposition)
}

// indicatorSet collects the indicator series of one snapshot: the latest
// metrics.periods periods of each indicator, suppression as published.
type indicatorSet struct {
	snap *snapshot.Snapshot
	opt  Options
}

func (s indicatorSet) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{valueDesc, ciLowDesc, ciHighDesc, denominatorDesc, targetDesc, cellsDesc} {
		ch <- d
	}
}

func (s indicatorSet) Collect(ch chan<- prometheus.Metric) {
	for _, ind := range models.Catalogue() {
		if ind.Target != nil {
			ch <- prometheus.MustNewConstMetric(targetDesc, prometheus.GaugeValue, *ind.Target, ind.ID)
		}
	}
	latest := map[string]map[int]bool{}
	for kpi, ps := range s.snap.Periods(s.opt.Periods) {
		latest[kpi] = map[int]bool{}
		for _, p := range ps {
			latest[kpi][p] = true
		}
	}
	areas := newAreaLabels(s.opt.Groups)
	type cellKey struct{ kpi, area, status string }
	cells := map[cellKey]int{}
	var order []cellKey
	for _, v := range s.snap.All() {
		if !latest[v.KPI][v.Period] {
			continue
		}
		// A case-mix companion is exposed for gender T, with its value and
		// interval: its cells and denominator are its indicator's, and the
		// gender split stays in the API and exports (keeps a national
		// scrape near its size without companions).
		base, _ := models.CompanionOf(v.KPI)
		companion := base != ""
		if companion && v.Gender != "T" {
			continue
		}
		status := "ok"
		if v.Status == models.StatusSuppressed {
			status = models.StatusSuppressed
		}
		if !companion {
			k := cellKey{v.KPI, v.Municipality, status}
			if cells[k] == 0 {
				order = append(order, k)
			}
			cells[k]++
		}
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
		if v.Denominator != nil && !companion {
			ch <- prometheus.MustNewConstMetric(denominatorDesc, prometheus.GaugeValue, float64(*v.Denominator), lv...)
		}
	}
	for _, k := range order {
		a := areas.of(k.area)
		ch <- prometheus.MustNewConstMetric(cellsDesc, prometheus.GaugeValue, float64(cells[k]), k.kpi, k.area, a.name, a.typ, a.county, k.status)
	}
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
