package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/disclosure"
	"github.com/effekt/effekt/snapshot"
	"github.com/effekt/effekt/store"
)

// TestAuditReleases: the adversaries' comparisons of 2026-12-02 on the
// sample. Computed at 2026-10-01, 2026-11-15 and then at the latest event
// date, the last release published alone (protected by itself, as before
// that day) gives hidden cells of the earlier ones away to a reader
// holding them all; the release the compute publishes, protected against
// every release before it (releases), gives none: `effekt audit
// disclosure` checks them together and finds nothing.
func TestAuditReleases(t *testing.T) {
	if testing.Short() {
		t.Skip("sample, ingest and two computes")
	}
	dir := t.TempDir()
	for _, args := range [][]string{
		{"sample", "--out", "inbox", "--today", "2026-12-02", "--quiet"},
		{"ingest", "--inbox", "inbox", "--db", "e.duckdb", "--quiet"},
		{"compute", "--db", "e.duckdb", "--as-of", "2026-10-01", "--quiet"},
		{"compute", "--db", "e.duckdb", "--as-of", "2026-11-15", "--quiet"},
		{"compute", "--db", "e.duckdb", "--quiet"},
	} {
		if _, errOut, code := cli(t, dir, args...); code != 0 {
			t.Fatalf("%s: exit %d\n%s", args[0], code, errOut)
		}
	}
	out, errOut, code := cli(t, dir, "audit", "disclosure", "--db", "e.duckdb")
	if code != 0 || !strings.Contains(out, "0 cells recoverable") {
		t.Errorf("audit of the three releases: exit %d\n%s%s", code, out, errOut)
	}

	ctx := context.Background()
	db, err := store.Open(ctx, dir+"/e.duckdb", store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	hist, err := snapshot.History(ctx, db)
	if err != nil || len(hist) != 2 || hist[0].AsOf != "2026-10-01" || hist[1].AsOf != "2026-11-15" {
		t.Fatalf("releases before: %d, %v, want 2026-10-01 and 2026-11-15", len(hist), err)
	}
	groups := config.DefaultGroups()
	alone, err := snapshot.Build(ctx, db, snapshot.Options{MinN: 5, Groups: groups, History: []disclosure.Release{}})
	if err != nil {
		t.Fatal(err)
	}
	cells, sup, err := snapshot.TrueCells(ctx, db, alone)
	if err != nil {
		t.Fatal(err)
	}
	areas := snapshot.Areas(groups)
	areas.MinN, areas.History, areas.AsOf = 5, hist, alone.AsOf.Format(time.DateOnly)
	leaks := disclosure.Audit(cells, sup, areas)
	if len(leaks) == 0 {
		t.Fatal("the last release protected alone: no leak across the three, want some (the test would prove nothing)")
	}
	t.Logf("protected alone, the last release gives away %d cells of the three, e.g. %v", len(leaks), leaks[0].Cell)
}
