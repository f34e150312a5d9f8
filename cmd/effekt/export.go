package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/effekt/effekt/export"
)

func init() {
	register(func() *cobra.Command {
		var (
			cf        commonFlags
			out       string
			viaServer bool
			quiet     bool
		)
		cmd := &cobra.Command{
			Use:   "export",
			Short: "write the Kolada-compatible export for SKR (JSON, CSV, Parquet, manifest)",
			Args:  noArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				cfg, err := cf.load()
				if err != nil {
					return err
				}
				dir := cfg.Paths.Exports
				if out != "" {
					dir = out
				}
				if err := mustExist(cfg.Paths.Database, "database"); err != nil {
					return err
				}
				started := time.Now()
				// While effekt serve holds the database, its export job
				// writes its configured folder.
				db, err := openOrDelegate(cmd.Context(), cfg, "export", true, cmd.OutOrStdout())
				if err != nil {
					return err
				}
				if db == nil {
					w := cmd.OutOrStdout()
					if out != "" {
						fmt.Fprintf(w, "note: the server wrote its configured paths.exports, not --out %s\n", out)
					}
					// With the server's configuration its manifest is here: name its as_of.
					var m export.Manifest
					if b, err := os.ReadFile(filepath.Join(cfg.Paths.Exports, export.FileManifest)); err == nil && json.Unmarshal(b, &m) == nil && !m.GeneratedAt.Before(started.Add(-time.Second)) {
						fmt.Fprintf(w, "export written to %s (as_of %s, min_n %d)\n", cfg.Paths.Exports, m.AsOf, m.MinN)
					}
					return nil
				}
				defer db.Close()
				m, err := export.Write(cmd.Context(), db, dir, export.Options{MinN: cfg.Indicators.MinN, Groups: cfg.Groups, Version: releaseVersion()})
				if err != nil {
					return err
				}
				w := cmd.OutOrStdout()
				fmt.Fprintf(w, "export written to %s (as_of %s, min_n %d)\n", dir, m.AsOf, m.MinN)
				names := make([]string, 0, len(m.Rows))
				for n := range m.Rows {
					names = append(names, n)
				}
				sort.Strings(names)
				for _, n := range names {
					fmt.Fprintf(w, "  %-26s %8d rows\n", n, m.Rows[n])
				}
				return nil
			},
		}
		cf.bind(cmd)
		cmd.Flags().StringVar(&out, "out", "", "export `DIR`, replaced atomically (default: paths.exports)")
		cmd.MarkFlagDirname("out")
		cmd.Flags().BoolVar(&viaServer, "via-server", false, "no longer needed: while effekt serve holds the database, its export job runs")
		cmd.Flags().MarkHidden("via-server")
		bindQuiet(cmd, &quiet)
		return cmd
	})
}
