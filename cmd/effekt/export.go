package main

import (
	"fmt"
	"sort"

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
				db, err := openOrDelegate(cmd.Context(), cfg, "export", viaServer)
				if err != nil || db == nil {
					return err
				}
				defer db.Close()
				m, err := export.Write(cmd.Context(), db, dir, export.Options{MinN: cfg.Indicators.MinN, Groups: cfg.Groups, Version: version})
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
		cmd.Flags().BoolVar(&viaServer, "via-server", false, "when a running effekt serve holds the database, let it run the export job (its configured folder; --out is ignored)")
		bindQuiet(cmd, &quiet)
		return cmd
	})
}
