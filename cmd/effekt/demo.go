package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/effekt/effekt/dashboards"
	"github.com/effekt/effekt/export"
	"github.com/effekt/effekt/ingest"
	"github.com/effekt/effekt/models"
	"github.com/effekt/effekt/sample"
)

func init() {
	register(command{name: "demo", summary: "the main job on embedded defaults: sample exports → ingest → compute → exports + dashboards, summary printed", run: runDemo})
}

func runDemo(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	var cf commonFlags
	cf.pseudonymises = true
	cf.bind(fs)
	dir := fs.String("dir", "data/demo", "working folder: inbox, archive, failed, database, exports and dashboards go below it (emptied first)")
	scale := fs.String("scale", "small", "sample size: small, county or national")
	seed := fs.Int64("seed", 1, "sample seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := cf.load()
	if err != nil {
		return err
	}
	start := time.Now()
	if err := os.RemoveAll(*dir); err != nil {
		return fmt.Errorf("empty %s: %w", *dir, err)
	}
	cfg.Paths.Inbox = filepath.Join(*dir, "inbox")
	cfg.Paths.Archive = filepath.Join(*dir, "archive")
	cfg.Paths.Failed = filepath.Join(*dir, "failed")
	cfg.Paths.Database = filepath.Join(*dir, "effekt.duckdb")
	cfg.Paths.Exports = filepath.Join(*dir, "exports")
	cfg.Paths.Dashboards = filepath.Join(*dir, "dashboards")
	if cf.dbPath != "" {
		cfg.Paths.Database = cf.dbPath
	}
	out := os.Stdout

	fmt.Fprintf(out, "1/5 sample exports (%s, seed %d) → %s\n", *scale, *seed, cfg.Paths.Inbox)
	st, err := sample.Write(ctx, cfg.Paths.Inbox, sample.Options{Scale: *scale, Seed: *seed})
	if err != nil {
		return fmt.Errorf("sample: %w", err)
	}
	fmt.Fprintf(out, "    %d persons, %d files, %d rows (%d deliberately bad)\n", st.Persons, len(st.Files), st.Rows, st.BadRows)

	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()

	fmt.Fprintf(out, "2/5 ingest → %s\n", cfg.Paths.Database)
	sum, err := ingest.Run(ctx, db, ingest.Options{Inbox: cfg.Paths.Inbox, Archive: cfg.Paths.Archive, Failed: cfg.Paths.Failed, Key: []byte(cfg.Pseudonym.Key), Progress: os.Stderr})
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	sum.Print(out)

	fmt.Fprintln(out, "3/5 compute indicators")
	opt, err := computeOptions(cfg, "")
	if err != nil {
		return err
	}
	res, err := models.Compute(ctx, db, opt)
	if err != nil {
		return fmt.Errorf("compute: %w", err)
	}
	fmt.Fprintf(out, "    as_of %s, %d indicator values\n", res.AsOf.Format(time.DateOnly), res.Rows)

	fmt.Fprintf(out, "4/5 exports → %s\n", cfg.Paths.Exports)
	man, err := export.Write(ctx, db, cfg.Paths.Exports, export.Options{MinN: cfg.Indicators.MinN, Groups: cfg.Groups, Version: version})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(out, "    %d files\n", len(man.Files))

	fmt.Fprintf(out, "5/5 dashboards → %s\n", cfg.Paths.Dashboards)
	files, err := dashboards.Write(cfg.Paths.Dashboards, dashboards.Options{})
	if err != nil {
		return fmt.Errorf("dashboards: %w", err)
	}
	fmt.Fprintf(out, "    %d files\n", len(files))

	fmt.Fprintln(out, "\nHeadline indicators (latest closed cohort year; suppressed below n =", cfg.Indicators.MinN, ")")
	if err := models.Headline(ctx, db, cfg.Indicators.MinN, cfg.Groups, out); err != nil {
		return err
	}
	fmt.Fprintf(out, "\ndone in %s. Next: effekt serve --db %s  (Kolada API, /metrics)\n", time.Since(start).Round(time.Millisecond), cfg.Paths.Database)
	if sum.Failed > 0 {
		return fmt.Errorf("%d file(s) failed to load: see %s", sum.Failed, cfg.Paths.Failed)
	}
	return nil
}
