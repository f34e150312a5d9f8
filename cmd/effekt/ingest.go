package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/ingest"
)

func init() {
	register(func() *cobra.Command {
		var (
			cf        commonFlags
			inbox     string
			viaServer bool
			quiet     bool
			insecure  bool
		)
		cf.pseudonymises = true
		cmd := &cobra.Command{
			Use:   "ingest",
			Short: "load the files in the inbox into the database (one transaction per file)",
			Long: "Loads every export in the inbox into the database, one transaction per file, and prints a\n" +
				"per-file summary. Loaded files move to the archive, failed ones to the failed folder (with a\n" +
				".error.txt); files that are not exports stay where they are and are listed as ignored.\n" +
				"Exits 1 when a file failed.",
			Args: noArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				cfg, err := cf.load()
				if err != nil {
					return err
				}
				if inbox != "" {
					cfg.Paths.Inbox = inbox
				}
				if err := mustExist(cfg.Paths.Inbox, "inbox"); err != nil {
					return err
				}
				if _, err := os.Stat(cfg.Paths.Database); errors.Is(err, os.ErrNotExist) {
					// nothing is created for a refused run
					if err := refuseDemoKey(cmd.Context(), cfg, nil, insecure); err != nil {
						return err
					}
				}
				db, err := openOrDelegate(cmd.Context(), cfg, "ingest", viaServer, cmd.OutOrStdout())
				if err != nil || db == nil {
					return err
				}
				defer db.Close()
				if err := refuseDemoKey(cmd.Context(), cfg, db, insecure); err != nil {
					return err
				}
				if err := checkKey(cmd.Context(), cfg, db); err != nil {
					return err
				}
				opt := ingest.Options{
					Inbox:   cfg.Paths.Inbox,
					Archive: cfg.Paths.Archive,
					Failed:  cfg.Paths.Failed,
					Key:     []byte(cfg.Pseudonym.Key),
					Logger:  slog.Default(),
				}.Configured(cfg.Ingest, cfg.Paths.Temp)
				// A person running ingest knows the files are complete: no settle wait.
				opt.Settle = 0
				if inbox != "" {
					// archive/ and failed/ beside the inbox given, unless configured.
					def := config.Default().Paths
					if opt.Archive == def.Archive {
						opt.Archive = ""
					}
					if opt.Failed == def.Failed {
						opt.Failed = ""
					}
					if cfg.Paths.Temp == def.Temp {
						opt.Temp = ""
					}
				}
				stop := func() {}
				if !quiet {
					stop = attachProgress(&opt, os.Stderr)
				}
				sum, err := ingest.Run(cmd.Context(), db, opt)
				stop()
				printSummary(cmd.OutOrStdout(), sum)
				if err != nil {
					return err
				}
				if sum.Failed > 0 {
					return fmt.Errorf("%d of %d files failed: see %s/*.error.txt", sum.Failed, len(sum.Files), sum.FailedDir)
				}
				return nil
			},
		}
		cf.bind(cmd)
		cmd.Flags().StringVar(&inbox, "inbox", "", "inbox `DIR` (default: paths.inbox); must exist")
		cmd.MarkFlagDirname("inbox")
		cmd.Flags().BoolVar(&viaServer, "via-server", false, "when a running effekt serve holds the database, let it run the ingest job")
		cmd.Flags().BoolVar(&insecure, insecureDemoKeyFlag, false, "accept the public demo pseudonym key on a database effekt demo did not make (test data only)")
		bindQuiet(cmd, &quiet)
		return cmd
	})
}
