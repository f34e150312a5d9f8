package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/effekt/effekt/evaluate"
	"github.com/effekt/effekt/models"
	"github.com/effekt/effekt/report"
)

func init() {
	register(func() *cobra.Command {
		var (
			cf     commonFlags
			collab string
			kpis   []string
			out    string
			draws  int
		)
		cmd := &cobra.Command{
			Use:   "report",
			Short: "write the evaluation of a collaboration as one self-contained HTML file in Swedish (printable to PDF)",
			Long: "Writes one HTML file with no external requests (inline CSS and SVG): summary, goals and their\n" +
				"status, members against the others over the years, the effect of joining with its event study,\n" +
				"observed against case-mix expected values as a funnel plot, definitions, method and caveats.\n" +
				"It reads the cohort tables of the last compute straight from the database and shows aggregates only.",
			Example: "  effekt report --collaboration SOIS --out report.html",
			Args:    noArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				cfg, err := cf.load()
				if err != nil {
					return err
				}
				co, err := lookupCollaboration(cfg, collab)
				if err != nil {
					return err
				}
				inds, err := evaluateKPIs(kpis, false)
				if err != nil {
					return err
				}
				db, srv, err := openRead(cmd.Context(), cfg, false)
				if err != nil {
					return err
				}
				if srv != nil {
					return fmt.Errorf("%s is held by the running effekt serve; report reads the cohort tables directly: run it while serve is stopped", cfg.Paths.Database)
				}
				defer db.Close()
				ctx := cmd.Context()
				d, err := evaluate.Open(ctx, db, time.Time{})
				if err != nil {
					return err
				}
				defer d.Close()

				goals, err := evaluate.Goals(ctx, d, cfg, time.Now())
				if err != nil {
					return err
				}
				in := report.Input{Collaboration: co, AsOf: d.AsOf.Format(time.DateOnly), Generated: time.Now().Format(time.DateOnly),
					MinN: cfg.Indicators.MinN, Goals: goals}
				spells := evaluate.Spells(co)
				// Every cell the report shows comes from the published values
				// (min_n and complementary suppression applied); only the
				// estimates of effects are computed from the cohort rows.
				pub := models.Filter{KPIs: withCompanions(inds), Genders: []string{"T"}}
				vals, err := publishedValues(ctx, db, pub, cfg.Indicators.MinN, cfg.Groups)
				if err != nil {
					return err
				}
				// the estimates leave out the rows of hidden cells, so that
				// they give none away with the published cells
				effects, err := evaluate.Effects(ctx, d, co, inds, evaluate.DiDOptions{Draws: draws}, evaluate.HiddenCells(vals))
				if err != nil {
					return err
				}
				expected := evaluate.FromPublished(vals)
				for i, ind := range inds {
					ri := report.Indicator{Def: ind, Effect: effects[i], Trend: evaluate.PublishedTrend(vals, ind, spells)}
					if ind.Unit == models.Percent {
						var es []evaluate.Expected
						for _, e := range expected {
							if e.KPI == ind.ID {
								es = append(es, e)
							}
						}
						ri.Expected = report.LatestMunicipalities(es)
					}
					in.Indicators = append(in.Indicators, ri)
				}
				if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
					return err
				}
				tmp := out + ".tmp"
				f, err := os.Create(tmp)
				if err != nil {
					return err
				}
				if err := report.Write(f, in); err != nil {
					f.Close()
					os.Remove(tmp)
					return err
				}
				if err := f.Close(); err != nil {
					os.Remove(tmp)
					return err
				}
				if err := os.Rename(tmp, out); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "report: %s\n", out)
				return nil
			},
		}
		cf.bind(cmd)
		cmd.Flags().StringVar(&collab, "collaboration", "", "collaboration `ID` from the configuration (collaborations[].id)")
		cmd.MarkFlagRequired("collaboration")
		cmd.Flags().StringSliceVar(&kpis, "kpi", nil, "indicator `ID`s, repeated or comma-separated (default: every share and day indicator)")
		cmd.Flags().StringVarP(&out, "out", "o", "report.html", "HTML `FILE` to write")
		cmd.Flags().IntVar(&draws, "draws", 9999, "bootstrap `N` draws")
		cmd.RegisterFlagCompletionFunc("kpi", fixedCompletion(kpiIDs()...))
		return cmd
	})
}
