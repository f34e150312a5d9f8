package main

import (
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/effekt/effekt/disclosure"
	"github.com/effekt/effekt/export"
	"github.com/effekt/effekt/snapshot"
	"github.com/effekt/effekt/store"
)

// errLeaks makes `effekt audit disclosure` exit 1 when it found cells.
var errLeaks = errors.New("suppressed cells recoverable by subtraction or by bounds")

func init() {
	register(func() *cobra.Command {
		audit := &cobra.Command{
			Use:   "audit",
			Short: "check published outputs for disclosure risks",
			Args:  noArgs,
		}
		var (
			cf        commonFlags
			exportDir string
		)
		dis := &cobra.Command{
			Use:   "disclosure",
			Short: "list every suppressed cell that one published additive relation, or the relations with the bounds every reader knows, give away (exit 1 when any)",
			Long: `Checks the published cells of a computed database (as effekt publishes them, with
min_n and the groups of the configuration) or of an export folder (values.csv,
municipality_groups.json, kpi.json) against every additive relation a reader can
use: T = K + M, a county, Riket or group = the sum of its members, and nested
aggregates. A relation with exactly one suppressed term gives that term away by
subtraction. It prints each such cell with the relation, and the count.`,
			Example: "  effekt audit disclosure --db data/effekt.duckdb\n  effekt audit disclosure --export data/exports",
			Args:    noArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				var cells []disclosure.Cell
				var sup []bool
				var areas disclosure.Areas
				source := exportDir
				if exportDir != "" {
					if err := mustExist(exportDir, "export folder"); err != nil {
						return err
					}
					p, err := export.Read(exportDir)
					if err != nil {
						return err
					}
					cells, sup, areas = p.Cells, p.Suppressed, p.Areas
				} else {
					cfg, err := cf.load()
					if err != nil {
						return err
					}
					source = cfg.Paths.Database
					if err := mustExist(cfg.Paths.Database, "database"); err != nil {
						return err
					}
					db, err := store.Open(cmd.Context(), cfg.Paths.Database, store.Options{ReadOnly: true})
					if err != nil {
						return err
					}
					defer db.Close()
					snap, err := snapshot.Build(cmd.Context(), db, snapshot.Options{MinN: cfg.Indicators.MinN, Groups: cfg.Groups})
					if err != nil {
						return err
					}
					areas = snapshot.Areas(cfg.Groups)
					areas.MinN = cfg.Indicators.MinN
					// every release before too: a reader may hold them all
					if areas.History, err = snapshot.History(cmd.Context(), db); err != nil {
						return err
					}
					if !snap.AsOf.IsZero() {
						areas.AsOf = snap.AsOf.Format(time.DateOnly)
					}
					if cells, sup, err = snapshot.TrueCells(cmd.Context(), db, snap); err != nil {
						return err
					}
				}
				leaks := disclosure.Audit(cells, sup, areas)
				if err := writeLeaks(cmd.OutOrStdout(), source, cells, sup, leaks); err != nil {
					return err
				}
				if len(leaks) > 0 {
					return errLeaks
				}
				return nil
			},
		}
		cf.bind(dis)
		dis.Flags().StringVar(&exportDir, "export", "", "check the export `FOLDER` instead of the database")
		dis.MarkFlagsMutuallyExclusive("export", "db")
		audit.AddCommand(dis)
		return audit
	})
}

func writeLeaks(w io.Writer, source string, cells []disclosure.Cell, sup []bool, leaks []disclosure.Leak) error {
	n := 0
	for _, s := range sup {
		if s {
			n++
		}
	}
	fmt.Fprintf(w, "%s: %d published cells, %d suppressed\n", source, len(cells), n)
	if len(leaks) > 0 {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "recoverable cell\trelation\tfrom\tterms")
		for _, l := range leaks {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\n", l.Cell, l.Relation.Rule, l.Relation.Total, len(l.Relation.Terms))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	bounds := 0
	for _, l := range leaks {
		if l.Relation.Rule == disclosure.BoundsRule {
			bounds++
		}
	}
	_, err := fmt.Fprintf(w, "%d cells recoverable: %d by one subtraction, %d by relations and bounds\n", len(leaks), len(leaks)-bounds, bounds)
	return err
}
