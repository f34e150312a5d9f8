package main

import (
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/effekt/effekt/evaluate"
	"github.com/effekt/effekt/geo"
	"github.com/effekt/effekt/models"
)

func init() {
	register(func() *cobra.Command {
		var (
			cf           commonFlags
			kpis         []string
			muni, period string
			format       string
		)
		cmd := &cobra.Command{
			Use:   "expected [AREA...]",
			Short: "observed and case-mix expected values (O, E, O−E, O/E with intervals) of the proportion indicators",
			Long: "Fits, per proportion indicator and year, a person-level logistic regression of the outcome on\n" +
				"the case mix (" + evaluate.Covariates + ")\n" +
				"and prints each area's observed share, expected share (the mean predicted probability of its\n" +
				"own persons), O−E in percentage points and O/E, with 95 % intervals. Cells below\n" +
				"indicators.min_n show no values. It reads the cohort tables of the last compute straight from\n" +
				"the database (an evaluator's tool) and prints aggregates only.",
			Example: "  effekt expected --kpi EF401 Botkyrka\n  effekt expected --kpi EF301 --period 2024 --format csv",
			RunE: func(cmd *cobra.Command, args []string) error {
				cfg, err := cf.load()
				if err != nil {
					return err
				}
				inds, err := evaluateKPIs(kpis, true)
				if err != nil {
					return err
				}
				f, err := indicatorFilter(cfg.Groups, "", append(splitList(muni), args...), period, "")
				if err != nil {
					return err
				}
				switch format {
				case models.FormatTable, models.FormatCSV, models.FormatJSON:
				default:
					return usagef("--format %q: want table, csv or json", format)
				}
				db, srv, err := openRead(cmd.Context(), cfg, false)
				if err != nil {
					return err
				}
				if srv != nil {
					return fmt.Errorf("%s is held by the running effekt serve; expected reads the cohort tables directly: run it while serve is stopped", cfg.Paths.Database)
				}
				defer db.Close()
				d, err := evaluate.Open(cmd.Context(), db, time.Time{})
				if err != nil {
					return err
				}
				defer d.Close()
				var all []evaluate.Expected
				for _, ind := range inds {
					es, err := d.ExpectedValues(cmd.Context(), ind, cfg.Groups, cfg.Indicators.MinN)
					if err != nil {
						return err
					}
					for _, e := range es {
						if (len(f.Municipalities) == 0 || slices.Contains(f.Municipalities, e.Area)) &&
							(len(f.Periods) == 0 || slices.Contains(f.Periods, e.Period)) {
							all = append(all, e)
						}
					}
				}
				out := cmd.OutOrStdout()
				switch format {
				case models.FormatJSON:
					return evaluate.WriteExpectedJSON(out, all)
				case models.FormatCSV:
					return evaluate.WriteExpectedCSV(out, all)
				}
				name := func(id string) string {
					for _, g := range cfg.Groups {
						if g.ID == id {
							return g.Title
						}
					}
					if n := geo.Name(id); n != "" {
						return n
					}
					return id
				}
				return evaluate.WriteExpectedTable(out, all, name, cfg.Indicators.MinN)
			},
		}
		cf.bind(cmd)
		cmd.Flags().StringSliceVar(&kpis, "kpi", nil, "proportion indicator `ID`s, repeated or comma-separated (default: all)")
		cmd.Flags().StringVarP(&muni, "municipality", "m", "", "`AREA`s, comma-separated: kommunkod or name, county, Riket (0000) or group (default: all)")
		cmd.Flags().StringVarP(&period, "period", "p", "", "`YEAR`s, comma-separated (default: all)")
		cmd.Flags().StringVarP(&format, "format", "f", "table", "output `FORMAT`: table, csv or json")
		cmd.RegisterFlagCompletionFunc("format", fixedCompletion("table", "csv", "json"))
		cmd.RegisterFlagCompletionFunc("kpi", fixedCompletion(kpiIDs()...))
		return cmd
	})
}

