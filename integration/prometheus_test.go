//go:build integration

package integration

import (
	"context"
	"fmt"
	"math"
	"sort"
	"testing"
	"time"

	"github.com/effekt/effekt/models"
	"github.com/effekt/effekt/snapshot"
)

// latestPeriods returns, per kpi, its latest n periods among vals.
func latestPeriods(vals []models.Value, n int) map[string]map[int]bool {
	per := map[string][]int{}
	seen := map[string]bool{}
	for _, v := range vals {
		k := fmt.Sprintf("%s/%d", v.KPI, v.Period)
		if !seen[k] {
			seen[k] = true
			per[v.KPI] = append(per[v.KPI], v.Period)
		}
	}
	out := map[string]map[int]bool{}
	for kpi, ps := range per {
		sort.Sort(sort.Reverse(sort.IntSlice(ps)))
		out[kpi] = map[int]bool{}
		for i := 0; i < len(ps) && i < n; i++ {
			out[kpi][ps[i]] = true
		}
	}
	return out
}

func selector(v models.Value) string {
	return fmt.Sprintf(`{kpi=%q,municipality=%q,period="%d",gender=%q}`, v.KPI, v.Municipality, v.Period, v.Gender)
}

// TestPrometheusScrapesIndicators checks through a real Prometheus that the
// indicator gauges equal the outward values of indicator_values (with the
// configured min_n), that suppressed and old cells are absent, and that the
// pipeline metrics arrive.
func TestPrometheusScrapesIndicators(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	st := StartStack(ctx, t)
	cfg := st.Config

	snap, err := snapshot.Build(ctx, st.DB, snapshot.Options{MinN: cfg.Indicators.MinN, Groups: cfg.Groups})
	if err != nil {
		t.Fatal(err)
	}
	vals := snap.Query(models.Filter{})
	latest := latestPeriods(vals, cfg.Metrics.Periods)
	var exposed, suppressed, old []models.Value
	for _, v := range vals {
		ind, _ := models.Lookup(v.KPI)
		companion := ind.CompanionOf != ""
		switch {
		case companion && v.Gender != "T":
			// a case-mix companion is exposed for gender T only
		case companion && v.Status == models.StatusSuppressed:
			// its cells are its indicator's: not counted twice
		case !latest[v.KPI][v.Period]:
			old = append(old, v)
		case v.Status == models.StatusSuppressed:
			suppressed = append(suppressed, v)
		case v.Value != nil:
			exposed = append(exposed, v)
		}
	}
	if len(exposed) == 0 || len(suppressed) == 0 || len(old) == 0 {
		t.Fatalf("demo data gives %d exposed, %d suppressed, %d old cells; want some of each", len(exposed), len(suppressed), len(old))
	}

	// Every exposed cell, and nothing else, is in Prometheus.
	res, err := st.Query(ctx, `count(effekt_indicator_value)`)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || int(res[0].Value) != len(exposed) {
		t.Errorf("count(effekt_indicator_value) = %v, want %d", res, len(exposed))
	}

	// A spread of cells, compared value by value: municipality, county,
	// Riket, group, a median and a cost kpi.
	picks := map[string]models.Value{}
	for _, v := range exposed {
		var kind string
		switch {
		case v.Municipality == "0000":
			kind = "riket"
		case v.Municipality[0] == 'G':
			kind = "group"
		case v.Municipality[:2] == "00":
			kind = "county"
		default:
			kind = "municipality"
		}
		for _, key := range []string{kind, "kpi " + v.KPI} {
			if _, ok := picks[key]; !ok {
				picks[key] = v
			}
		}
	}
	if len(picks) < 8 {
		t.Fatalf("only %d kinds of cells to compare: %v", len(picks), picks)
	}
	for key, v := range picks {
		res, err := st.Query(ctx, "effekt_indicator_value"+selector(v))
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != 1 {
			t.Errorf("%s %s: %d samples, want 1", key, selector(v), len(res))
			continue
		}
		if got, want := res[0].Value, *v.Value; math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
			t.Errorf("%s %s = %v, want %v (indicator_values)", key, selector(v), got, want)
		}
		if ind, _ := models.Lookup(v.KPI); v.Denominator != nil && ind.CompanionOf == "" { // a companion's is its indicator's
			den, err := st.Query(ctx, "effekt_indicator_denominator"+selector(v))
			if err != nil {
				t.Fatal(err)
			}
			if len(den) != 1 || den[0].Value != float64(*v.Denominator) {
				t.Errorf("denominator %s = %v, want %d", selector(v), den, *v.Denominator)
			}
		}
	}

	// Suppressed and old cells are absent.
	for _, group := range []struct {
		name string
		vals []models.Value
	}{{"suppressed", suppressed}, {"old period", old}} {
		for i, v := range group.vals {
			if i >= 5 {
				break
			}
			res, err := st.Query(ctx, "effekt_indicator_value"+selector(v))
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != 0 {
				t.Errorf("%s cell %s present: %v", group.name, selector(v), res)
			}
		}
	}
	sup, err := st.Query(ctx, `sum(effekt_indicator_cells{status="suppressed"})`)
	if err != nil {
		t.Fatal(err)
	}
	if len(sup) != 1 || int(sup[0].Value) != len(suppressed) {
		t.Errorf("suppressed cells = %v, want %d", sup, len(suppressed))
	}
}

// TestPrometheusPipelineMetrics checks the pipeline health metrics against
// the database.
func TestPrometheusPipelineMetrics(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	st := StartStack(ctx, t)

	var loadedFiles, rowsLoaded, rowsRejected, rejected int64
	if err := st.DB.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE status = 'loaded'), coalesce(sum(rows_loaded), 0), coalesce(sum(rows_rejected), 0) FROM files`).
		Scan(&loadedFiles, &rowsLoaded, &rowsRejected); err != nil {
		t.Fatal(err)
	}
	if err := st.DB.QueryRowContext(ctx, `SELECT count(*) FROM rejected_rows`).Scan(&rejected); err != nil {
		t.Fatal(err)
	}
	var computeRows, exportRows, cells int64
	if err := st.DB.QueryRowContext(ctx, `SELECT rows FROM job_runs WHERE job = 'compute' AND outcome = 'ok' ORDER BY run_id DESC LIMIT 1`).Scan(&computeRows); err != nil {
		t.Fatal(err)
	}
	if err := st.DB.QueryRowContext(ctx, `SELECT (SELECT rows FROM job_runs WHERE job = 'export' AND outcome = 'ok' ORDER BY run_id DESC LIMIT 1), (SELECT count(*) FROM indicator_values)`).Scan(&exportRows, &cells); err != nil {
		t.Fatal(err)
	}
	if exportRows != cells {
		t.Errorf("the export job recorded %d rows, want the %d cells of indicator_values", exportRows, cells)
	}
	tests := []struct {
		promql string
		want   float64
	}{
		{`sum(effekt_files_total{status="loaded"})`, float64(loadedFiles)},
		{`sum(effekt_rows_total{outcome="loaded"})`, float64(rowsLoaded)},
		{`sum(effekt_rows_total{outcome="rejected"})`, float64(rowsRejected)},
		{`sum(effekt_rejected_rows_total)`, float64(rejected)},
		{`effekt_job_runs_total{pipeline_job="ingest",outcome="ok"}`, 1},
		{`effekt_job_runs_total{pipeline_job="compute",outcome="ok"}`, 1},
		{`effekt_job_runs_total{pipeline_job="export",outcome="ok"}`, 1},
		{`effekt_job_duration_seconds_count{pipeline_job="compute"}`, 1},
		{`sum(effekt_job_running)`, 0},
		{`count(effekt_job_last_success_timestamp_seconds)`, 3},
		{`min(effekt_scrape_collector_success)`, 1},
		{`count(effekt_scrape_collector_success)`, 4},
		{`effekt_indicator_target{kpi="EF201"}`, 30},
		{`count(effekt_data_newest_event_timestamp_seconds{kind="so_registrations"})`, 1},
		{`count(effekt_last_successful_load_timestamp_seconds{kind="settlements"})`, 1},
	}
	for _, tc := range tests {
		res, err := st.Query(ctx, tc.promql)
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != 1 || res[0].Value != tc.want {
			t.Errorf("%s = %v, want %v", tc.promql, res, tc.want)
		}
	}
	if rowsLoaded == 0 || computeRows == 0 {
		t.Errorf("pipeline loaded %d rows and computed %d: the demo should do both", rowsLoaded, computeRows)
	}
	// Freshness: the demo's newest event is at most SampleToday.
	res, err := st.Query(ctx, `max(effekt_data_newest_event_timestamp_seconds)`)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].Value > float64(SampleToday.Unix()) || res[0].Value < float64(SampleToday.AddDate(0, -1, 0).Unix()) {
		t.Errorf("newest event = %v, want within the month before %s", res, SampleToday.Format(time.DateOnly))
	}
	// effekt answers on the same listener.
	code, body, err := st.Get(ctx, "/healthz")
	if err != nil || code != 200 {
		t.Errorf("GET /healthz: %d %s %v", code, body, err)
	}
	code, _, err = st.Get(ctx, "/v3/kpi/EF101")
	if err != nil || code != 200 {
		t.Errorf("GET /v3/kpi/EF101: %d %v", code, err)
	}
}
