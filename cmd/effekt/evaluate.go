package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/evaluate"
	"github.com/effekt/effekt/internal/suggest"
	"github.com/effekt/effekt/models"
)

func init() {
	register(func() *cobra.Command {
		var (
			cf     commonFlags
			collab string
			kpis   []string
			format string
			draws  int
		)
		cmd := &cobra.Command{
			Use:   "evaluate",
			Short: "effect of joining a collaboration (difference-in-differences, wild cluster bootstrap) from the cohort rows",
			Long: "Estimates, per indicator, the effect of joining a configured collaboration: members' cohorts\n" +
				"before and after joined_on against the municipalities that never joined, per group of members\n" +
				"joining on the same day (Callaway & Sant'Anna 2021), in the indicator's own unit (percentage\n" +
				"points for shares). The 95 % interval and p-value come from a wild cluster bootstrap at\n" +
				"municipality level (Webb weights when clusters are few); event-time coefficients and a joint\n" +
				"test of the years before joining check the parallel-trends assumption.\n\n" +
				"It reads the cohort tables of the last compute straight from the database (an evaluator's\n" +
				"tool) and prints aggregates only.",
			Example: "  effekt evaluate --collaboration SOIS\n  effekt evaluate --collaboration SOIS --kpi EF101,EF401 --format json",
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
				switch format {
				case models.FormatTable, models.FormatCSV, models.FormatJSON:
				default:
					return usagef("--format %q: want table, csv or json", format)
				}
				if draws < 99 {
					return usagef("--draws %d: want at least 99", draws)
				}
				if err := mustExist(cfg.Paths.Database, "database"); err != nil {
					return err
				}
				db, srv, err := openRead(cmd.Context(), cfg, false)
				if err != nil {
					return err
				}
				if srv != nil {
					return fmt.Errorf("%s is held by the running effekt serve; evaluate reads the cohort tables directly: run it while serve is stopped", cfg.Paths.Database)
				}
				defer db.Close()
				d, err := evaluate.Open(cmd.Context(), db, time.Time{})
				if err != nil {
					return err
				}
				defer d.Close()
				out := cmd.OutOrStdout()
				// the estimates leave out the rows of hidden cells, so that
				// they give none away with the published cells
				vals, err := publishedValues(cmd.Context(), db, models.Filter{KPIs: withCompanions(inds), Genders: []string{"T"}}, cfg.Indicators.MinN, cfg.Groups)
				if err != nil {
					return err
				}
				rs, err := evaluate.Effects(cmd.Context(), d, co, inds, evaluate.DiDOptions{Draws: draws}, evaluate.HiddenCells(vals))
				if err != nil {
					return err
				}
				switch format {
				case models.FormatJSON:
					return evaluate.WriteJSON(out, rs)
				case models.FormatCSV:
					return evaluate.WriteCSV(out, rs)
				}
				return evaluate.WriteTable(out, co.Title+" ("+co.ID+")", rs)
			},
		}
		cf.bind(cmd)
		cmd.Flags().StringVar(&collab, "collaboration", "", "collaboration `ID` from the configuration (collaborations[].id)")
		cmd.MarkFlagRequired("collaboration")
		cmd.Flags().StringSliceVar(&kpis, "kpi", nil, "indicator `ID`s, repeated or comma-separated (default: every share and day indicator)")
		cmd.Flags().StringVarP(&format, "format", "f", "table", "output `FORMAT`: table, csv or json")
		cmd.Flags().IntVar(&draws, "draws", 9999, "bootstrap `N` draws")
		cmd.RegisterFlagCompletionFunc("format", fixedCompletion("table", "csv", "json"))
		cmd.RegisterFlagCompletionFunc("kpi", fixedCompletion(kpiIDs()...))
		return cmd
	})
}

// lookupCollaboration finds a configured collaboration by id (any case).
func lookupCollaboration(cfg config.Config, id string) (config.Collaboration, error) {
	var ids []string
	for _, co := range cfg.Collaborations {
		if strings.EqualFold(co.ID, id) {
			return co, nil
		}
		ids = append(ids, co.ID)
	}
	return config.Collaboration{}, usagef("--collaboration %q: not in the configuration (%s)%s", id, strings.Join(ids, ", "),
		suggest.Phrase(suggest.Closest(id, ids, 2)))
}

// evaluateKPIs resolves --kpi (default: every indicator with a person-level
// outcome; with expected, the shares).
func evaluateKPIs(ids []string, expected bool) ([]models.Indicator, error) {
	ok := evaluate.Evaluable
	if expected {
		ok = func(ind models.Indicator) bool { return ind.Unit == models.Percent }
	}
	var out []models.Indicator
	if len(ids) == 0 {
		for _, ind := range models.Catalogue() {
			if ok(ind) {
				out = append(out, ind)
			}
		}
		return out, nil
	}
	for _, id := range ids {
		for _, k := range splitList(id) {
			ind, found := models.Lookup(strings.ToUpper(k))
			if !found {
				return nil, usagef("--kpi %q: no such indicator%s; see effekt kpi", k, suggest.Phrase(suggest.Closest(strings.ToUpper(k), kpiIDs(), 2)))
			}
			if !ok(ind) {
				return nil, usagef("--kpi %s: %s has no person-level share or measure to evaluate", ind.ID, ind.TitleSV)
			}
			out = append(out, ind)
		}
	}
	return out, nil
}
