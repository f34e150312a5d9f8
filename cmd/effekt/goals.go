package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/effekt/effekt/evaluate"
)

func init() {
	register(func() *cobra.Command {
		var (
			cf     commonFlags
			format string
		)
		cmd := &cobra.Command{
			Use:   "goals",
			Short: "print every configured goal with its status (uppnått, ej uppnått, kan inte bedömas) and the evidence",
			Long: "Assesses the goals of the configuration (goals:): members of a collaboration, the share of a\n" +
				"county's municipalities that are members, civic-orientation hours per teaching language\n" +
				"(from attendance) or an indicator value. A goal not reached before a deadline still ahead\n" +
				"cannot be assessed yet. Goals on data need a computed database (effekt compute); without one\n" +
				"they say so.",
			Example: "  effekt goals\n  effekt goals --config effekt.yaml --format json",
			Args:    noArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				cfg, err := cf.load()
				if err != nil {
					return err
				}
				if format != "table" && format != "json" {
					return usagef("--format %q: want table or json", format)
				}
				var d *evaluate.Data
				if _, err := os.Stat(cfg.Paths.Database); err == nil {
					db, srv, err := openRead(cmd.Context(), cfg, false)
					if err != nil {
						return err
					}
					if srv != nil {
						return fmt.Errorf("%s is held by the running effekt serve; goals read the database directly: run it while serve is stopped", cfg.Paths.Database)
					}
					defer db.Close()
					d, err = evaluate.Open(cmd.Context(), db, time.Time{})
					switch {
					case errors.Is(err, evaluate.ErrNotComputed):
						d = nil
					case err != nil:
						return err
					default:
						defer d.Close()
					}
				}
				gs, err := evaluate.Goals(cmd.Context(), d, cfg, time.Now())
				if err != nil {
					return err
				}
				if format == "json" {
					enc := json.NewEncoder(cmd.OutOrStdout())
					enc.SetIndent("", "  ")
					if gs == nil {
						gs = []evaluate.GoalStatus{}
					}
					return enc.Encode(gs)
				}
				writeGoals(cmd.OutOrStdout(), gs)
				return nil
			},
		}
		cf.bind(cmd)
		cmd.Flags().StringVarP(&format, "format", "f", "table", "output `FORMAT`: table or json")
		cmd.RegisterFlagCompletionFunc("format", fixedCompletion("table", "json"))
		return cmd
	})
}

// writeGoals prints each goal: id, status, value against target, text and
// the evidence.
func writeGoals(w io.Writer, gs []evaluate.GoalStatus) {
	if len(gs) == 0 {
		fmt.Fprintln(w, "inga mål i konfigurationen (goals:)")
		return
	}
	for i, g := range gs {
		if i > 0 {
			fmt.Fprintln(w)
		}
		value := "–"
		if g.Value != nil {
			value = strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.1f", *g.Value), "0"), ".")
		}
		target := strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.1f", g.Target), "0"), ".")
		fmt.Fprintf(w, "%s  %s\n", g.ID, strings.ToUpper(g.Status))
		fmt.Fprint(w, evaluate.Wrap(fmt.Sprintf("%s (mål %s %s, senast %s): %s", g.Text, target, g.Unit, g.Deadline, value), "    ", "    ", 100))
		for _, e := range g.Evidence {
			fmt.Fprint(w, evaluate.Wrap(e, "    • ", "      ", 100))
		}
	}
}
