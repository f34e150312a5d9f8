package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/effekt/effekt/models"
	"github.com/effekt/effekt/transform"
)

func init() {
	register(func() *cobra.Command {
		var (
			cf        commonFlags
			asOf      string
			force     bool
			rebuild   bool
			viaServer bool
			quiet     bool
		)
		cmd := &cobra.Command{
			Use:   "compute",
			Short: "bring the cohort tables up to date and compute every indicator into indicator_values",
			Args:  noArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				cfg, err := cf.load()
				if err != nil {
					return err
				}
				opt, err := computeOptions(cfg, asOf)
				if err != nil {
					return usageError{err}
				}
				if err := mustExist(cfg.Paths.Database, "database"); err != nil {
					return err
				}
				db, err := openOrDelegate(cmd.Context(), cfg, "compute", viaServer, cmd.OutOrStdout())
				if err != nil || db == nil {
					return err
				}
				defer db.Close()
				if err := checkKey(cmd.Context(), cfg, db); err != nil {
					return err
				}
				from := "--as-of"
				if asOf == "" {
					from = "indicators.as_of"
				}
				if err := checkAsOf(cmd.Context(), db, opt.AsOf, force, from); err != nil {
					return err
				}
				opt.Rebuild = rebuild
				start := time.Now()
				res, err := models.Compute(cmd.Context(), db, opt)
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				cohorts := cohortsDone(res.Transform)
				fmt.Fprintf(out, "as_of %s: %d rows in %s (%s)\n", res.AsOf.Format(time.DateOnly), res.Rows, time.Since(start).Round(time.Millisecond), cohorts)
				for _, ind := range models.Published() {
					fmt.Fprintf(out, "  %-6s  %6d  %s\n", ind.ID, res.PerKPI[ind.ID], ind.TitleSV)
				}
				return nil
			},
		}
		cf.bind(cmd)
		cmd.Flags().StringVar(&asOf, "as-of", "", "reference `DATE` YYYY-MM-DD (default: indicators.as_of, else per indicators.release the end of the latest month the data completes or the latest event date); later than the data or today needs --force")
		cmd.Flags().BoolVar(&force, "force", false, "accept an --as-of after the latest event date in the data or after today")
		cmd.Flags().BoolVar(&rebuild, "rebuild", false, "rebuild the cohort tables even when nothing was loaded since they were built")
		cmd.Flags().BoolVar(&viaServer, "via-server", false, "when a running effekt serve holds the database, let it run the compute job (with its configured as_of)")
		bindQuiet(cmd, &quiet)
		return cmd
	})
}

// cohortsDone says what a compute did with the cohort tables.
func cohortsDone(o transform.Outcome) string {
	switch o.Action {
	case transform.Kept:
		return "cohort tables kept: nothing loaded since they were built"
	case transform.Updated:
		return fmt.Sprintf("cohort tables updated for the %d persons loaded since they were built", o.Persons)
	}
	return "cohort tables rebuilt: " + o.Reason
}
