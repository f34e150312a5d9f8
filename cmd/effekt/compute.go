package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/effekt/effekt/models"
)

func init() {
	register(command{
		name:    "compute",
		summary: "rebuild cohort tables and compute every indicator into indicator_values",
		run:     runCompute,
	})
}

func runCompute(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("compute", flag.ContinueOnError)
	var cf commonFlags
	cf.bind(fs)
	asOf := fs.String("as-of", "", "reference date YYYY-MM-DD (default: indicators.as_of, else the latest event date in the data)")
	viaServer := fs.Bool("via-server", false, "when a running `effekt serve` holds the database, let it run the compute job (with its configured as_of)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := cf.load()
	if err != nil {
		return err
	}
	opt, err := computeOptions(cfg, *asOf)
	if err != nil {
		return err
	}
	db, err := openOrDelegate(ctx, cfg, "compute", *viaServer)
	if err != nil || db == nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	res, err := models.Compute(ctx, db, opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stdout, "as_of %s: %d rows in %s\n", res.AsOf.Format(time.DateOnly), res.Rows, time.Since(start).Round(time.Millisecond))
	for _, ind := range models.Catalogue() {
		fmt.Fprintf(os.Stdout, "  %s  %6d  %s\n", ind.ID, res.PerKPI[ind.ID], ind.TitleSV)
	}
	return nil
}
