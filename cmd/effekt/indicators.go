package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/geo"
	"github.com/effekt/effekt/models"
	"github.com/effekt/effekt/store"
)

func init() {
	register(command{
		name:    "indicators",
		summary: "print computed indicator values with intervals (disclosure control applied)",
		run:     runIndicators,
	})
}

func runIndicators(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("indicators", flag.ContinueOnError)
	var cf commonFlags
	cf.bind(fs)
	kpi := fs.String("kpi", "", "indicator id(s), comma-separated (EF101,EF201)")
	muni := fs.String("municipality", "", "area(s), comma-separated: kommunkod or name, county 00LL, Riket 0000, group id G… or title")
	period := fs.String("period", "", "year(s), comma-separated")
	gender := fs.String("gender", "", "T, K or M (comma-separated)")
	format := fs.String("format", models.FormatTable, "output format: table, csv or json")
	headline := fs.Bool("headline", false, "print the short headline table instead")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := cf.load()
	if err != nil {
		return err
	}
	var f models.Filter
	for _, k := range splitIndicatorList(*kpi) {
		k = strings.ToUpper(k)
		if _, ok := models.Lookup(k); !ok {
			return fmt.Errorf("--kpi %q: no such indicator (see effekt kpi)", k)
		}
		f.KPIs = append(f.KPIs, k)
	}
	for _, m := range splitIndicatorList(*muni) {
		id, ok := resolveIndicatorArea(m, cfg.Groups)
		if !ok {
			return fmt.Errorf("--municipality %q: not a municipality, county, Riket or group", m)
		}
		f.Municipalities = append(f.Municipalities, id)
	}
	for _, p := range splitIndicatorList(*period) {
		y, err := strconv.Atoi(p)
		if err != nil {
			return fmt.Errorf("--period %q is not a year", p)
		}
		f.Periods = append(f.Periods, y)
	}
	for _, g := range splitIndicatorList(*gender) {
		g = strings.ToUpper(g)
		if g != "T" && g != "K" && g != "M" {
			return fmt.Errorf("--gender %q: want T, K or M", g)
		}
		f.Genders = append(f.Genders, g)
	}
	db, err := store.Open(ctx, cfg.Paths.Database, store.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer db.Close()
	if *headline {
		return models.Headline(ctx, db, cfg.Indicators.MinN, cfg.Groups, os.Stdout)
	}
	vals, err := models.Query(ctx, db, f, cfg.Indicators.MinN, cfg.Groups)
	if err != nil {
		return err
	}
	return models.WriteValues(os.Stdout, *format, vals, cfg.Groups)
}

// resolveIndicatorArea accepts a municipality as geo.Resolve does, a Kolada region or
// Riket id (00LL, 0000) or title, or a configured group id or title.
func resolveIndicatorArea(s string, groups []config.Group) (string, bool) {
	s = strings.TrimSpace(s)
	for _, g := range groups {
		if strings.EqualFold(g.ID, s) || strings.EqualFold(g.Title, s) {
			return g.ID, true
		}
	}
	if a, ok := geo.Lookup(s); ok && a.Type == geo.TypeRegion {
		return a.ID, true
	}
	if code, ok := geo.Resolve(s); ok {
		return code, true
	}
	for _, a := range geo.All() {
		if a.Type == geo.TypeRegion && strings.EqualFold(a.Title, s) {
			return a.ID, true
		}
	}
	return "", false
}

func splitIndicatorList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
