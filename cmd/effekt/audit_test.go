package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/export"
	"github.com/effekt/effekt/internal/fixture"
	"github.com/effekt/effekt/models"
	"github.com/effekt/effekt/store"
)

// TestAuditDisclosure: the hand-made leaking export (the Vaxholm
// case: K suppressed beside M and T; a median's municipality suppressed
// beside its county) is caught cell by cell with exit 1; effekt's own
// database and export of every fixture give 0 with exit 0.
func TestAuditDisclosure(t *testing.T) {
	dir := t.TempDir()
	out, errOut, code := cli(t, dir, "audit", "disclosure", "--export", filepath.Join(mustAbs(t, "testdata"), "leaking_export"))
	if code != 1 {
		t.Fatalf("leaking export: exit %d, want 1\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		"8 published cells, 2 suppressed",
		"EF101 0187 2025 K  T = K + M",
		"EF303 0187 2025 T  county = Σ municipalities  EF303 0001 2025 T",
		"2 cells recoverable: 2 by one subtraction, 0 by relations and bounds",
	} {
		if !strings.Contains(squeeze(out), squeeze(want)) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	ctx := context.Background()
	db := filepath.Join(dir, "e.duckdb")
	d, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fixture.Load(t, d, filepath.Join("..", "..", "models", "testdata"), "so", "settle", "sfi", "plans", "participations")
	asOf, _ := time.Parse(time.DateOnly, "2024-06-30")
	if _, err := models.Compute(ctx, d, models.ComputeOptions{AsOf: asOf, Groups: config.DefaultGroups()}); err != nil {
		t.Fatal(err)
	}
	exp := filepath.Join(dir, "exports")
	if _, err := export.Write(ctx, d, exp, export.Options{MinN: 5, Groups: config.DefaultGroups()}); err != nil {
		t.Fatal(err)
	}
	d.Close()
	for _, args := range [][]string{{"--db", db}, {"--export", exp}} {
		out, errOut, code := cli(t, dir, append([]string{"audit", "disclosure"}, args...)...)
		if code != 0 || !strings.Contains(out, "\n0 cells recoverable: 0 by one subtraction, 0 by relations and bounds") || strings.Contains(out, " 0 suppressed") {
			t.Errorf("audit %v: exit %d\n%s%s", args, code, out, errOut)
		}
	}
}

func squeeze(s string) string { return strings.Join(strings.Fields(s), " ") }

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
