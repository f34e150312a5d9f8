package main

import (
	"context"
	"strings"
	"testing"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/disclosure"
	"github.com/effekt/effekt/snapshot"
	"github.com/effekt/effekt/store"
)

// TestAuditTwoReleases: the adversary's comparison of 2026-12-02 on the
// sample. Computed at 2026-10-01 and then at the latest event date, the
// second release published alone (each protected by itself, as before)
// gives hidden cells of the first away to a reader holding both; the
// release the compute publishes, protected against the one before it
// (published_before), gives none: `effekt audit disclosure` checks the
// two together and finds nothing.
func TestAuditTwoReleases(t *testing.T) {
	if testing.Short() {
		t.Skip("sample, ingest and two computes")
	}
	dir := t.TempDir()
	for _, args := range [][]string{
		{"sample", "--out", "inbox", "--today", "2026-12-02", "--quiet"},
		{"ingest", "--inbox", "inbox", "--db", "e.duckdb", "--quiet"},
		{"compute", "--db", "e.duckdb", "--as-of", "2026-10-01", "--quiet"},
		{"compute", "--db", "e.duckdb", "--quiet"},
	} {
		if _, errOut, code := cli(t, dir, args...); code != 0 {
			t.Fatalf("%s: exit %d\n%s", args[0], code, errOut)
		}
	}
	out, errOut, code := cli(t, dir, "audit", "disclosure", "--db", "e.duckdb")
	if code != 0 || !strings.Contains(out, "0 cells recoverable") {
		t.Errorf("audit of the two releases: exit %d\n%s%s", code, out, errOut)
	}

	ctx := context.Background()
	db, err := store.Open(ctx, dir+"/e.duckdb", store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	before, err := snapshot.Before(ctx, db)
	if err != nil || before == nil {
		t.Fatalf("release before: %v, %v", before, err)
	}
	groups := config.DefaultGroups()
	alone, err := snapshot.Build(ctx, db, snapshot.Options{MinN: 5, Groups: groups, Before: &disclosure.Release{}})
	if err != nil {
		t.Fatal(err)
	}
	cells, sup, err := snapshot.TrueCells(ctx, db, alone)
	if err != nil {
		t.Fatal(err)
	}
	areas := snapshot.Areas(groups)
	areas.MinN, areas.Before = 5, before
	leaks := disclosure.Audit(cells, sup, areas)
	if len(leaks) == 0 {
		t.Fatal("the second release protected alone: no leak across the two, want some (the test would prove nothing)")
	}
	t.Logf("protected alone, the second release gives away %d cells of the two, e.g. %v", len(leaks), leaks[0].Cell)
}
