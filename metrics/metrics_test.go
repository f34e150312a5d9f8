package metrics

import (
	"bytes"
	"context"
	"database/sql"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/expfmt"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/store"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

var fixtureNow = time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)

func fixtureMetrics(t *testing.T) (*Metrics, *sql.DB) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, ":memory:", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	b, err := os.ReadFile(filepath.Join("testdata", "fixture", "fixture.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, string(b)); err != nil {
		t.Fatalf("load fixture: %v", err)
	}
	m := New(db, Options{
		MinN: 5, Groups: config.DefaultGroups(), Periods: 3, Timeout: 10 * time.Second,
		Now: func() time.Time { return fixtureNow }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	// Job runs as the scheduler reports them.
	m.JobRunning("export", true)
	m.JobDone("ingest", "ok", 2*time.Second)
	m.JobDone("ingest", "skipped", 0)
	m.JobDone("compute", "panic", 300*time.Millisecond)
	return m, db
}

// goldenNames are the metrics compared with the golden file: all but the
// scrape durations, which vary.
var goldenNames = []string{
	"effekt_indicator_value", "effekt_indicator_ci_low", "effekt_indicator_ci_high",
	"effekt_indicator_denominator", "effekt_indicator_target", "effekt_indicator_cells",
	"effekt_files_total", "effekt_rows_total", "effekt_rejected_rows_total",
	"effekt_last_successful_load_timestamp_seconds", "effekt_data_newest_event_timestamp_seconds",
	"effekt_data_freshness_seconds", "effekt_job_runs_total", "effekt_job_duration_seconds",
	"effekt_job_last_success_timestamp_seconds", "effekt_job_running", "effekt_scrape_collector_success",
}

func TestGolden(t *testing.T) {
	m, _ := fixtureMetrics(t)
	golden := filepath.Join("testdata", "fixture", "metrics.txt")
	if *update {
		b, err := testutil.GatherAndFormat(m.Gatherer(), expfmt.TypeTextPlain, goldenNames...)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(golden)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := testutil.GatherAndCompare(m.Gatherer(), f, goldenNames...); err != nil {
		t.Error(err)
	}
}

// TestValues checks the figures worked out by hand from fixture.sql
// independently of the golden file.
func TestValues(t *testing.T) {
	m, _ := fixtureMetrics(t)
	mfs, err := m.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	type key struct{ name, labels string }
	got := map[key]float64{}
	count := map[string]int{}
	for _, mf := range mfs {
		for _, mt := range mf.GetMetric() {
			if mt.TimestampMs != nil {
				t.Errorf("%s carries a timestamp", mf.GetName())
			}
			var ls []string
			for _, lp := range mt.GetLabel() {
				ls = append(ls, lp.GetName()+"="+lp.GetValue())
			}
			v := mt.GetGauge().GetValue() + mt.GetCounter().GetValue()
			got[key{mf.GetName(), strings.Join(ls, ",")}] = v
			count[mf.GetName()]++
		}
	}
	cell := func(kpi, muni, name, typ, county, period, gender string) string {
		return "area_type=" + typ + ",county=" + county + ",gender=" + gender + ",kpi=" + kpi + ",municipality=" + muni + ",municipality_name=" + name + ",period=" + period
	}
	tests := []struct {
		name, labels string
		want         float64
	}{
		{"effekt_indicator_value", cell("EF101", "0127", "Botkyrka", "K", "0001", "2020", "T"), 75},
		{"effekt_indicator_value", cell("EF101", "0000", "Riket", "L", "0000", "2022", "T"), 50},
		{"effekt_indicator_value", cell("EF101", "G0001", "Södertörn", "G", "", "2022", "T"), 33.3},
		{"effekt_indicator_value", cell("EF101", "0180", "Stockholm", "K", "0001", "2022", "T"), 57.1},
		{"effekt_indicator_value", cell("EF303", "0127", "Botkyrka", "K", "0001", "2021", "T"), 120.5},
		{"effekt_indicator_ci_low", cell("EF101", "0127", "Botkyrka", "K", "0001", "2021", "T"), 40.9},
		{"effekt_indicator_ci_high", cell("EF101", "0127", "Botkyrka", "K", "0001", "2021", "T"), 92.9},
		{"effekt_indicator_denominator", cell("EF101", "0000", "Riket", "L", "0000", "2022", "T"), 26},
		{"effekt_indicator_denominator", cell("EF104", "0127", "Botkyrka", "K", "0001", "2021", "T"), 10},
		{"effekt_indicator_value", cell("EF101F", "0127", "Botkyrka", "K", "0001", "2021", "T"), 62.5},
		{"effekt_indicator_ci_low", cell("EF101K", "0127", "Botkyrka", "K", "0001", "2021", "T"), 0.68},
		{"effekt_indicator_ci_high", cell("EF101A", "0127", "Botkyrka", "K", "0001", "2021", "T"), 45.1},
		{"effekt_indicator_target", "kpi=EF201", 30},
		{"effekt_indicator_cells", "area_type=K,county=0001,kpi=EF101,municipality=0127,municipality_name=Botkyrka,status=ok", 2},
		{"effekt_indicator_cells", "area_type=K,county=0001,kpi=EF101,municipality=0127,municipality_name=Botkyrka,status=suppressed", 3},
		{"effekt_files_total", "kind=so_registrations,status=loaded", 2},
		{"effekt_files_total", "kind=so_registrations,status=failed", 1},
		{"effekt_files_total", "kind=unknown,status=failed", 1},
		{"effekt_files_total", "kind=af_plans,status=loaded", 0},
		{"effekt_rows_total", "kind=so_registrations,outcome=loaded", 15},
		{"effekt_rows_total", "kind=so_registrations,outcome=rejected", 2},
		{"effekt_rejected_rows_total", "kind=so_registrations,reason=invalid_date", 1},
		{"effekt_last_successful_load_timestamp_seconds", "kind=so_registrations", 1717156802}, // 2024-05-31T12:00:02Z
		{"effekt_data_newest_event_timestamp_seconds", "kind=so_registrations", 1717113600},    // 2024-05-31
		{"effekt_data_freshness_seconds", "kind=so_registrations", 86400},
		{"effekt_data_freshness_seconds", "kind=af_plans", 244 * 86400}, // 2023-10-01 → 2024-06-01
		{"effekt_job_last_success_timestamp_seconds", "pipeline_job=compute", 1717160410},
		{"effekt_job_runs_total", "outcome=skipped,pipeline_job=ingest", 1},
		{"effekt_job_runs_total", "outcome=panic,pipeline_job=compute", 1},
		{"effekt_job_runs_total", "outcome=ok,pipeline_job=export", 0},
		{"effekt_job_running", "pipeline_job=export", 1},
		{"effekt_scrape_collector_success", "collector=indicators", 1},
		{"effekt_scrape_collector_success", "collector=files", 1},
		{"effekt_scrape_collector_success", "collector=freshness", 1},
		{"effekt_scrape_collector_success", "collector=jobs", 1},
	}
	for _, tc := range tests {
		v, ok := got[key{tc.name, tc.labels}]
		if !ok {
			t.Errorf("%s{%s} missing", tc.name, tc.labels)
			continue
		}
		if v != tc.want {
			t.Errorf("%s{%s} = %v, want %v", tc.name, tc.labels, v, tc.want)
		}
	}
	absent := []struct{ name, labels string }{
		{"effekt_indicator_value", cell("EF101", "0127", "Botkyrka", "K", "0001", "2019", "T")},        // old period
		{"effekt_indicator_value", cell("EF101", "0127", "Botkyrka", "K", "0001", "2022", "T")},        // suppressed, n=3
		{"effekt_indicator_denominator", cell("EF101", "0127", "Botkyrka", "K", "0001", "2021", "M")},  // suppressed, n=3
		{"effekt_indicator_value", cell("EF101", "0127", "Botkyrka", "K", "0001", "2021", "K")},        // complementary: T − M
		{"effekt_indicator_value", cell("EF101", "0126", "Huddinge", "K", "0001", "2022", "T")},        // suppressed, n=3
		{"effekt_indicator_value", cell("EF104", "0127", "Botkyrka", "K", "0001", "2021", "T")},        // no value
		{"effekt_indicator_ci_low", cell("EF303", "0127", "Botkyrka", "K", "0001", "2021", "T")},       // median
		{"effekt_indicator_value", cell("EF101F", "0127", "Botkyrka", "K", "0001", "2021", "K")},       // companions: T only
		{"effekt_indicator_denominator", cell("EF101F", "0127", "Botkyrka", "K", "0001", "2021", "T")}, // its indicator's
		{"effekt_indicator_ci_low", cell("EF101F", "0127", "Botkyrka", "K", "0001", "2021", "T")},      // no interval
		{"effekt_indicator_cells", "area_type=K,county=0001,kpi=EF101F,municipality=0127,municipality_name=Botkyrka,status=ok"},
	}
	for _, a := range absent {
		if _, ok := got[key{a.name, a.labels}]; ok {
			t.Errorf("%s{%s} present, want absent", a.name, a.labels)
		}
	}
	// 2 Botkyrka EF101 + Stockholm, Göteborg, 2 counties, Riket, group + EF303
	// + EF101F, A and K of Botkyrka 2021 T.
	if count["effekt_indicator_value"] != 12 {
		t.Errorf("effekt_indicator_value has %d series, want 12", count["effekt_indicator_value"])
	}
	if count["effekt_scrape_collector_duration_seconds"] != 4 {
		t.Errorf("%d scrape duration series, want 4", count["effekt_scrape_collector_duration_seconds"])
	}
}

func TestLint(t *testing.T) {
	m, _ := fixtureMetrics(t)
	problems, err := testutil.GatherAndLint(m.Gatherer())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint %s: %s", p.Metric, p.Text)
	}
	c := newDBCollector(m.db, m.opt, &indicatorSource{m})
	problems, err = testutil.CollectAndLint(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint collector %s: %s", p.Metric, p.Text)
	}
}

// TestCollectorFailure: a collector whose queries fail reports success 0
// and the others still report.
func TestCollectorFailure(t *testing.T) {
	m, db := fixtureMetrics(t)
	if _, err := db.Exec(`DROP TABLE rejected_rows`); err != nil {
		t.Fatal(err)
	}
	const want = `
# HELP effekt_scrape_collector_success 1 when the collector's database queries succeeded in this scrape.
# TYPE effekt_scrape_collector_success gauge
effekt_scrape_collector_success{collector="files"} 0
effekt_scrape_collector_success{collector="freshness"} 1
effekt_scrape_collector_success{collector="indicators"} 1
effekt_scrape_collector_success{collector="jobs"} 1
`
	if err := testutil.GatherAndCompare(m.Gatherer(), strings.NewReader(want), "effekt_scrape_collector_success"); err != nil {
		t.Error(err)
	}
}

// promtool finds promtool: $EFFEKT_PROMTOOL, PATH, or the repository's
// .tools (scripts/prometheus.sh). Outside CI a missing promtool skips; in CI
// it fails.
func promtool(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("EFFEKT_PROMTOOL"); p != "" {
		return p
	}
	if p, err := exec.LookPath("promtool"); err == nil {
		return p
	}
	if p, err := filepath.Abs(filepath.Join("..", ".tools", "prometheus", "usr", "bin", "promtool")); err == nil {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("promtool not found in CI: run scripts/prometheus.sh and set EFFEKT_PROMTOOL")
	}
	t.Skip("promtool not found (run scripts/prometheus.sh, or set EFFEKT_PROMTOOL)")
	return ""
}

// TestPromtoolCheck lints the real /metrics output with promtool.
func TestPromtoolCheck(t *testing.T) {
	tool := promtool(t)
	m, _ := fixtureMetrics(t)
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte("effekt_indicator_value{")) {
		t.Fatalf("GET /metrics: %s\n%s", resp.Status, body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, tool, "check", "metrics")
	cmd.Stdin = bytes.NewReader(body)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}
