package main

import (
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
			gender       string
			format       string
		)
		cmd := &cobra.Command{
			Use:   "expected [AREA...]",
			Short: "observed and case-mix expected values (O, E, O−E, O/E with intervals) of the proportion indicators",
			Long: "Shows, per proportion indicator, area and year, the published observed share beside its case-mix\n" +
				"companions: the expected share <ID>F (the mean predicted probability of the area's own persons\n" +
				"under a person-level logistic regression on " + evaluate.Covariates + "),\n" +
				"the deviation O−E in percentage points <ID>A and O/E <ID>K, with 95 % intervals. They are the\n" +
				"published values (the last compute's snapshot, or the running serve's): the same min_n and\n" +
				"complementary suppression as their indicator.",
			Example: "  effekt expected --kpi EF401 Botkyrka\n  effekt expected --kpi EF301 --period 2024 --gender K,M --format csv",
			RunE: func(cmd *cobra.Command, args []string) error {
				cfg, err := cf.load()
				if err != nil {
					return err
				}
				inds, err := evaluateKPIs(kpis, true)
				if err != nil {
					return err
				}
				f, err := indicatorFilter(cfg.Groups, "", append(splitList(muni), args...), period, gender)
				if err != nil {
					return err
				}
				f.KPIs = withCompanions(inds)
				switch format {
				case models.FormatTable, models.FormatCSV, models.FormatJSON:
				default:
					return usagef("--format %q: want table, csv or json", format)
				}
				db, srv, err := openRead(cmd.Context(), cfg, false)
				if err != nil {
					return err
				}
				if db != nil {
					defer db.Close()
				}
				vals, err := readPublished(cmd.Context(), cfg, db, srv, f)
				if db != nil && err == nil && len(vals) == 0 {
					var n int
					if err = db.QueryRowContext(cmd.Context(), `SELECT count(*) FROM indicator_values`).Scan(&n); err == nil && n == 0 {
						err = evaluate.ErrNotComputed
					}
				}
				if err != nil {
					return err
				}
				all := evaluate.FromPublished(vals)
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
		cmd.Flags().StringVar(&gender, "gender", "T", "`GENDER`s: T (total), K or M, comma-separated")
		cmd.RegisterFlagCompletionFunc("gender", fixedCompletion("T\ttotalt", "K\tkvinnor", "M\tmän"))
		cmd.Flags().StringVarP(&format, "format", "f", "table", "output `FORMAT`: table, csv or json")
		cmd.RegisterFlagCompletionFunc("format", fixedCompletion("table", "csv", "json"))
		cmd.RegisterFlagCompletionFunc("kpi", fixedCompletion(kpiIDs()...))
		return cmd
	})
}
