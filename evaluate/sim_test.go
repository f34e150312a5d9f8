package evaluate

import (
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/effekt/effekt/ingest"
	fx "github.com/effekt/effekt/internal/fixture"
	"github.com/effekt/effekt/models"
	"github.com/effekt/effekt/sample"
	"github.com/effekt/effekt/transform"
)

// simToday fixes the sample's last day: five years of data, 2020-07 to
// 2025-06, so joining on 2023-01-01 leaves two years before and after.
var simToday = time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)

// simulate writes the small sample (Stockholms län, 3000 persons) with opt,
// ingests it and builds the cohort tables; it returns the database with
// as_of set to simToday.
func simulate(t *testing.T, opt sample.Options) (*sql.DB, *Data) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	quiet := slog.New(slog.DiscardHandler)
	opt.Scale, opt.Today, opt.Logger = "small", simToday, quiet
	if _, err := sample.Write(ctx, filepath.Join(dir, "inbox"), opt); err != nil {
		t.Fatal(err)
	}
	db := fx.OpenDB(t)
	if _, err := ingest.Run(ctx, db, ingest.Options{Inbox: filepath.Join(dir, "inbox"), Key: []byte("simulation-key-0123456789"),
		Today: simToday, Logger: quiet, Temp: filepath.Join(dir, "tmp")}); err != nil {
		t.Fatal(err)
	}
	if err := transform.Run(ctx, db); err != nil {
		t.Fatal(err)
	}
	d, err := Open(ctx, db, simToday)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return db, d
}

func ef401(t *testing.T) models.Indicator {
	ind, ok := models.Lookup("EF401")
	if !ok {
		t.Fatal("EF401 not in the catalogue")
	}
	return ind
}
