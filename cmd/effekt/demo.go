package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/effekt/effekt/dashboards"
	"github.com/effekt/effekt/export"
	"github.com/effekt/effekt/ingest"
	"github.com/effekt/effekt/internal/suggest"
	"github.com/effekt/effekt/models"
	"github.com/effekt/effekt/sample"
	"github.com/effekt/effekt/store"
)

// demoMarker marks a folder `effekt demo` created; only such a folder is
// emptied by a later demo.
const demoMarker = ".effekt-demo"

func init() {
	register(func() *cobra.Command {
		var (
			cf    commonFlags
			dir   string
			scale string
			seed  int64
			quiet bool
		)
		cf.pseudonymises = true
		cmd := &cobra.Command{
			Use:   "demo",
			Short: "the main job on embedded defaults: sample exports → ingest → compute → exports + dashboards, summary printed",
			Long: "Writes sample exports, ingests them, computes the indicators, writes the exports and the\n" +
				"dashboards, prints the headline indicators and writes the evaluation report of every configured\n" +
				"collaboration (report-ID.html). Everything goes below --dir, which must be\n" +
				"new, empty, or a folder an earlier demo created (it holds " + demoMarker + "); only such a\n" +
				"folder is emptied.",
			Args: noArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				if !slices.Contains(sample.Scales(), scale) {
					return usagef("--scale %q: want %s%s", scale, strings.Join(sample.Scales(), ", "), suggest.Phrase(suggest.Closest(scale, sample.Scales(), 2)))
				}
				cfg, err := cf.load()
				if err != nil {
					return err
				}
				start := time.Now()
				if err := prepareDemoDir(dir); err != nil {
					return err
				}
				cfg.Paths.Inbox = filepath.Join(dir, "inbox")
				cfg.Paths.Archive = filepath.Join(dir, "archive")
				cfg.Paths.Failed = filepath.Join(dir, "failed")
				cfg.Paths.Database = filepath.Join(dir, "effekt.duckdb")
				cfg.Paths.Exports = filepath.Join(dir, "exports")
				cfg.Paths.Dashboards = filepath.Join(dir, "dashboards")
				if cf.dbPath != "" {
					cfg.Paths.Database = cf.dbPath
				}
				out := cmd.OutOrStdout()
				ctx := cmd.Context()

				fmt.Fprintf(out, "1/5 sample exports (%s, seed %d) → %s\n", scale, seed, cfg.Paths.Inbox)
				st, err := sample.Write(ctx, cfg.Paths.Inbox, sample.Options{Scale: scale, Seed: seed, Logger: slog.Default()})
				if err != nil {
					return fmt.Errorf("sample: %w", err)
				}
				fmt.Fprintf(out, "    %d persons, %d files, %d rows (%d deliberately bad)\n", st.Persons, len(st.Files), st.Rows, st.BadRows)

				db, err := openDB(ctx, cfg)
				if err != nil {
					return err
				}
				defer db.Close()
				// the database of the fictitious sample: serve and ingest
				// accept the demo key on it
				if err := store.RecordKey(ctx, db, []byte(cfg.Pseudonym.Key), store.MadeByDemo); err != nil {
					return err
				}

				fmt.Fprintf(out, "2/5 ingest → %s\n", cfg.Paths.Database)
				iopt := ingest.Options{Inbox: cfg.Paths.Inbox, Archive: cfg.Paths.Archive, Failed: cfg.Paths.Failed, Key: []byte(cfg.Pseudonym.Key),
					Logger: slog.Default()}.Configured(cfg.Ingest, filepath.Join(dir, "tmp"))
				iopt.Settle = 0 // the demo wrote the files itself, just now
				stop := func() {}
				if !quiet {
					stop = attachProgress(&iopt, os.Stderr)
				}
				sum, err := ingest.Run(ctx, db, iopt)
				stop()
				if err != nil {
					return fmt.Errorf("ingest: %w", err)
				}
				printSummary(out, sum)

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
				man, err := export.Write(ctx, db, cfg.Paths.Exports, export.Options{MinN: cfg.Indicators.MinN, Groups: cfg.Groups, Version: releaseVersion()})
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

				fmt.Fprintln(out, "\nHeadline indicators")
				hv, err := publishedValues(ctx, db, models.Filter{KPIs: models.HeadlineKPIs, Genders: []string{"T"}}, cfg.Indicators.MinN, cfg.Groups)
				if err != nil {
					return fmt.Errorf("headline: %w", err)
				}
				if err := writeHeadline(out, hv, cfg.Indicators.MinN, cfg.Groups); err != nil {
					return err
				}
				// the evaluation report of every configured collaboration, by
				// the report command itself (its own read-only connection,
				// so the demo's is closed first)
				db.Close()
				var reports []string
				for _, co := range cfg.Collaborations {
					path := filepath.Join(dir, "report-"+co.ID+".html")
					if err := runReport(cmd, cf.configPath, cfg.Paths.Database, co.ID, path); err != nil {
						return fmt.Errorf("report %s: %w", co.ID, err)
					}
					reports = append(reports, path)
				}
				if len(reports) > 0 {
					fmt.Fprintln(out, "\nEvaluation reports (one self-contained HTML file per collaboration, open in a browser)")
					for i, r := range reports {
						fmt.Fprintf(out, "  %-16s %s\n", cfg.Collaborations[i].ID, r)
					}
				}

				fmt.Fprintf(out, "\ndone in %s. Next (with a binary from `make build` or `go install ./cmd/effekt`):\n"+
					"  effekt serve --db %s           Kolada API, /api/v1, /metrics\n"+
					"  then open http://%s/insatser   Insatskarta: every intervention on a map, with what it achieved\n"+
					"  effekt indicators --db %s --kpi EF101 Huddinge\n",
					time.Since(start).Round(time.Millisecond), cfg.Paths.Database, cfg.Listen, cfg.Paths.Database)
				if sum.Failed > 0 {
					return fmt.Errorf("%d file(s) failed to load: see %s", sum.Failed, cfg.Paths.Failed)
				}
				return nil
			},
		}
		cf.bind(cmd)
		cmd.Flags().StringVar(&dir, "dir", "data/demo", "working `DIR` for inbox, archive, failed, database, exports and dashboards: new, empty or made by an earlier demo (then emptied)")
		cmd.MarkFlagDirname("dir")
		cmd.Flags().StringVar(&scale, "scale", "small", "sample `SIZE`: "+strings.Join(sample.Scales(), ", "))
		cmd.RegisterFlagCompletionFunc("scale", fixedCompletion(sample.Scales()...))
		cmd.Flags().Int64Var(&seed, "seed", 1, "sample `SEED`")
		bindQuiet(cmd, &quiet)
		return cmd
	})
}

// runReport runs `effekt report` in this process for one collaboration,
// so the demo's report is the one a user gets from the command.
func runReport(cmd *cobra.Command, configPath, db, id, out string) error {
	rc, _, err := cmd.Root().Find([]string{"report"})
	if err != nil || rc == nil || rc.Name() != "report" {
		return fmt.Errorf("no report command: %v", err)
	}
	for _, f := range [][2]string{{"config", configPath}, {"db", db}, {"collaboration", id}, {"out", out}} {
		if err := rc.Flags().Set(f[0], f[1]); err != nil {
			return err
		}
	}
	rc.SetContext(cmd.Context())
	rc.SetOut(io.Discard)
	return rc.RunE(rc, nil)
}

// prepareDemoDir makes dir an empty folder holding the demo marker. It
// empties dir only when an earlier demo made it (the marker is there); any
// other folder must be empty, so nothing of the user's is ever deleted.
func prepareDemoDir(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("demo folder %s: %w", dir, err)
	}
	if wd, err := os.Getwd(); err == nil && (abs == wd || strings.HasPrefix(wd, abs+string(filepath.Separator))) {
		return fmt.Errorf("demo folder %s is the working folder or holds it: give a new folder, e.g. --dir data/demo", dir)
	}
	entries, err := os.ReadDir(dir)
	switch {
	case os.IsNotExist(err):
	case err != nil:
		return fmt.Errorf("demo folder %s: %w", dir, err)
	case len(entries) == 0:
	default:
		if _, err := os.Stat(filepath.Join(dir, demoMarker)); err != nil {
			return fmt.Errorf("demo folder %s is not empty and was not made by effekt demo (no %s in it): give a new or empty folder, or empty it yourself", dir, demoMarker)
		}
		for _, e := range entries {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("empty demo folder %s: %w", dir, err)
			}
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("demo folder %s: %w", dir, err)
	}
	marker := "made by `effekt demo`; a later demo empties this folder\n"
	if err := os.WriteFile(filepath.Join(dir, demoMarker), []byte(marker), 0o644); err != nil {
		return fmt.Errorf("demo folder %s: %w", dir, err)
	}
	return nil
}
