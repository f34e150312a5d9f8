package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/effekt/effekt/models"
)

func init() {
	register(command{
		name:    "kpi",
		summary: "list the indicator catalogue with its definitions",
		run:     runKPI,
	})
}

func runKPI(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("kpi", flag.ContinueOnError)
	format := fs.String("format", "table", "output format: table or json")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cat := models.Catalogue()
	switch *format {
	case "json":
		out := make([]kpiJSON, 0, len(cat))
		for _, ind := range cat {
			out = append(out, kpiJSON{ind.ID, ind.TitleSV, ind.TitleEN, ind.Description, string(ind.Unit), ind.Cohort,
				ind.Numerator, ind.Denominator, string(ind.Direction), ind.Target, ind.ByGender, ind.SourceKinds,
				ind.KoladaRef, ind.OperatingArea})
		}
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "table":
		tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
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
			fmt.Printf("\n%s  %s\n    %s\n", ind.ID, ind.TitleSV, ind.TitleEN)
			fmt.Printf("    %s\n", ind.Description)
			fmt.Printf("    kohort:   %s\n", ind.Cohort)
			if ind.Numerator != "" {
				fmt.Printf("    täljare:  %s\n", ind.Numerator)
			}
			fmt.Printf("    nämnare:  %s\n", ind.Denominator)
			fmt.Printf("    källor:   %s; könsuppdelad: %v\n", strings.Join(ind.SourceKinds, ", "), ind.ByGender)
		}
		return nil
	}
	return fmt.Errorf("--format %q: want table or json", *format)
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
