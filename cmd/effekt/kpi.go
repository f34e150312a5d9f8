package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/effekt/effekt/models"
)

func init() {
	register(func() *cobra.Command {
		var format string
		cmd := &cobra.Command{
			Use:   "kpi",
			Short: "list the indicator catalogue with its definitions",
			Args:  noArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				return writeKPIs(cmd.OutOrStdout(), format)
			},
		}
		cmd.Flags().StringVarP(&format, "format", "f", "table", "output `FORMAT`: table or json")
		cmd.RegisterFlagCompletionFunc("format", fixedCompletion("table", "json"))
		return cmd
	})
}

// writeKPIs writes the catalogue as a table with definitions, or JSON.
func writeKPIs(w io.Writer, format string) error {
	cat := models.Published()
	switch format {
	case "json":
		out := make([]kpiJSON, 0, len(cat))
		for _, ind := range cat {
			out = append(out, kpiJSON{ind.ID, ind.TitleSV, ind.TitleEN, ind.Description, string(ind.Unit), ind.Cohort,
				ind.Numerator, ind.Denominator, string(ind.Direction), ind.Target, ind.ByGender, ind.SourceKinds,
				ind.KoladaRef, ind.OperatingArea})
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "table":
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "id\tunit\tdirection\ttarget\tkolada\ttitle")
		for _, ind := range cat {
			target := ""
			if ind.Target != nil {
				target = fmt.Sprint(*ind.Target)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", ind.ID, ind.Unit, ind.Direction, target, ind.KoladaRef, ind.TitleSV)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		for _, ind := range cat {
			fmt.Fprintf(w, "\n%s  %s\n    %s\n", ind.ID, ind.TitleSV, ind.TitleEN)
			fmt.Fprintf(w, "    %s\n", ind.Description)
			fmt.Fprintf(w, "    kohort:   %s\n", ind.Cohort)
			if ind.Numerator != "" {
				fmt.Fprintf(w, "    täljare:  %s\n", ind.Numerator)
			}
			fmt.Fprintf(w, "    nämnare:  %s\n", ind.Denominator)
			fmt.Fprintf(w, "    källor:   %s; könsuppdelad: %v\n", strings.Join(ind.SourceKinds, ", "), ind.ByGender)
		}
		return nil
	}
	return usagef("--format %q: want table or json", format)
}

// kpiJSON is the JSON shape of one catalogue entry.
type kpiJSON struct {
	ID            string   `json:"id"`
	TitleSV       string   `json:"title"`
	TitleEN       string   `json:"title_en"`
	Description   string   `json:"description"`
	Unit          string   `json:"unit"`
	Cohort        string   `json:"cohort"`
	Numerator     string   `json:"numerator"`
	Denominator   string   `json:"denominator"`
	Direction     string   `json:"direction"`
	Target        *float64 `json:"target"`
	ByGender      bool     `json:"is_divided_by_gender"`
	SourceKinds   []string `json:"source_kinds"`
	KoladaRef     string   `json:"kolada_ref"`
	OperatingArea string   `json:"operating_area"`
}
