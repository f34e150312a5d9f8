package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/effekt/effekt/api"
	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/ingest"
	"github.com/effekt/effekt/metrics"
	"github.com/effekt/effekt/sample"
	"github.com/effekt/effekt/store"
	"github.com/effekt/effekt/transform"
)

// TestBenches runs every bench once on the small sample and checks the
// reports' shape and that their figures are sane. Speed itself is never
// asserted.
func TestBenches(t *testing.T) {
	if testing.Short() {
		t.Skip("ingests a sample")
	}
	ctx := context.Background()
	work := t.TempDir()

	ing, err := Ingest(ctx, IngestOptions{Scale: "small", Seed: 1, Work: work, Runs: 1})
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, ing, "ingest", 1)
	names := rowNames(ing)
	for _, want := range []string{"ingest, all CSV files", "ingest, all XLSX files", "ingest so_attendance (CSV)", "ingest settlements (XLSX)", "ingest peak RSS (process, after the first run)"} {
		if !strings.Contains(names, want+"\n") {
			t.Errorf("ingest report lacks %q; rows:\n%s", want, names)
		}
	}
	for _, r := range ing.Rows {
		if r.Unit == "rows/s" && (r.Limit == nil || r.Ratio <= 0 || r.Met == nil) {
			t.Errorf("%s: no limit, ratio or target: %+v", r.Name, r)
		}
		if r.Unit == "rows/s" && strings.Contains(r.Note, "the limit read") {
			t.Errorf("%s: the limit read other rows than effekt: %s", r.Name, r.Note)
		}
	}

	// compute on a database ingested from the same sample
	db, err := store.Open(ctx, filepath.Join(work, "c.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	inbox := filepath.Join(work, "inbox")
	if _, err := sample.Write(ctx, inbox, sample.Options{Scale: "small", Seed: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.Run(ctx, db, ingest.Options{Inbox: inbox, Key: []byte("bench-test-key-0123456789")}); err != nil {
		t.Fatal(err)
	}
	comp, err := Compute(ctx, db, ComputeOptions{Runs: 2, Groups: config.DefaultGroups()})
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, comp, "compute", 2)
	if comp.Rows[0].Limit == nil || comp.Rows[0].Ratio <= 0 {
		t.Errorf("compute: no limit beside effekt: %+v", comp.Rows[0])
	}
	if !strings.Contains(comp.Rows[0].Note, ", 0 differ from effekt's") {
		t.Errorf("compute: the EF101 limit query does not match effekt: %s", comp.Rows[0].Note)
	}
	// the rebuilds beside DuckDB writing their tables: as many rows as
	// the transform's tables hold, the copies gone afterwards
	var tableRows int64
	for _, m := range transform.Models() {
		var n int64
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+m.Name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		tableRows += n
	}
	floors := 0
	for _, r := range comp.Rows {
		if !strings.HasSuffix(r.Name, ", against DuckDB writing its tables") {
			continue
		}
		floors++
		if !strings.Contains(r.Name, "transform rebuilt") || r.Limit == nil || len(r.Limit.Runs) != 2 || r.Met != nil {
			t.Errorf("write floor row: %+v", r)
		}
		if want := fmt.Sprintf("the limit writes %d rows", tableRows); r.Note != want || tableRows == 0 {
			t.Errorf("write floor: %q, want %q", r.Note, want)
		}
	}
	if floors != 2 {
		t.Errorf("%d write floor rows, want 2 (the rebuilds of the indicators and of all KPIs)", floors)
	}
	var copies int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'bench_floor_%'").Scan(&copies); err != nil || copies != 0 {
		t.Errorf("%d copies left (%v)", copies, err)
	}
	steps := rowNames(&Report{Rows: comp.Steps})
	for _, want := range []string{"transform persons", "transform so_cohort", "indicator EF101", "indicator EF402", "previous values", "changed_at", "commit",
		"companions: patterns", "updated: transform rows in scope", "updated: transform persons", "updated: companions: patterns", "kept: changed_at", "kept: commit"} {
		if !strings.Contains(steps, want+"\n") {
			t.Errorf("compute steps lack %q:\n%s", want, steps)
		}
	}
	for _, s := range comp.Steps {
		if len(s.Effekt.Runs) != 2 {
			t.Errorf("step %s: %d runs, want 2", s.Name, len(s.Effekt.Runs))
		}
	}

	path, err := DefaultServePath(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := Serve(ctx, ServeOptions{Handler: api.New(db, api.Options{}), Path: path, Concurrency: []int{2, 4},
		Requests: 100, Duration: 5 * time.Second, Runs: 1})
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, srv, "serve", 1)
	if len(srv.Rows) != 6 {
		t.Errorf("serve: %d rows, want 6 (throughput, p50, p99 at two levels)", len(srv.Rows))
	}
	for _, r := range srv.Rows {
		if r.Note != "" {
			t.Errorf("%s: %s", r.Name, r.Note)
		}
	}

	met, err := Metrics(ctx, MetricsOptions{Handler: metrics.New(db, metrics.Options{Groups: config.DefaultGroups()}).Handler(), Runs: 2})
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, met, "metrics", 2)
	if !strings.Contains(met.Rows[0].Note, " series") || met.Rows[1].Effekt.Min <= 0 {
		t.Errorf("metrics: %+v", met.Rows)
	}
}

func checkReport(t *testing.T, r *Report, command string, runs int) {
	t.Helper()
	if r.Command != command || r.Runs != runs || r.CPUs < 1 || len(r.Rows) == 0 || r.Duration <= 0 {
		t.Fatalf("%s report: %+v", command, r)
	}
	for _, row := range r.Rows {
		e := row.Effekt
		if row.Name == "" || row.Unit == "" || (row.Better != Lower && row.Better != Higher) {
			t.Errorf("%s: row without name, unit or direction: %+v", command, row)
		}
		if len(e.Runs) == 0 || e.Min <= 0 || e.Min > e.Median || e.Median > e.Max || math.IsInf(e.Max, 0) || math.IsNaN(e.Median) {
			t.Errorf("%s %s: figures not sane: %+v", command, row.Name, e)
		}
		if row.Limit != nil && (row.Limit.Min <= 0 || row.Ratio <= 0 || row.LimitName == "") {
			t.Errorf("%s %s: limit not sane: %+v", command, row.Name, row)
		}
	}
	var text, js bytes.Buffer
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"effekt bench " + command, "load average", "EFFEKT MIN", "MEDIAN", "RATIO", r.Rows[0].Name} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("%s text lacks %q:\n%s", command, want, text.String())
		}
	}
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Command != command || len(back.Rows) != len(r.Rows) || back.Rows[0].Effekt.Median != r.Rows[0].Effekt.Median {
		t.Errorf("%s: JSON does not round-trip: %s", command, js.String())
	}
}

func rowNames(r *Report) string {
	var b strings.Builder
	for _, row := range r.Rows {
		b.WriteString(row.Name + "\n")
	}
	return b.String()
}
