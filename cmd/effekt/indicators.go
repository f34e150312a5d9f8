package main

import (
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/geo"
	"github.com/effekt/effekt/internal/suggest"
	"github.com/effekt/effekt/models"
)

func init() {
	register(func() *cobra.Command {
		var (
			cf                        commonFlags
			kpi, muni, period, gender string
			format                    string
			headline                  bool
		)
		cmd := &cobra.Command{
			Use:   "indicators [AREA...]",
			Short: "print computed indicator values with intervals (disclosure control applied)",
			Long: "Prints indicator values with numerators, denominators, 95 % Wilson intervals and status;\n" +
				"cells below indicators.min_n are suppressed. Areas may be given as arguments or with\n" +
				"--municipality: a kommunkod or name, a county (Stockholms län, Region Stockholm, 01, 0001),\n" +
				"Riket (0000) or a configured group (G0001 or its title). The table and --headline name\n" +
				"the as_of the values were computed with; csv and json carry it in every row.",
			Example: "  effekt indicators --kpi EF101 Huddinge\n  effekt indicators --kpi EF301,EF302 --period 2025 --format csv",
			RunE: func(cmd *cobra.Command, args []string) error {
				cfg, err := cf.load()
				if err != nil {
					return err
				}
				f, err := indicatorFilter(cfg.Groups, kpi, append(splitList(muni), args...), period, gender)
				if err != nil {
					return err
				}
				switch format {
				case models.FormatTable, models.FormatCSV, models.FormatJSON:
				default:
					return usagef("--format %q: want table, csv or json", format)
				}
				if headline && (format != models.FormatTable || len(args) > 0 || kpi != "" || muni != "" || period != "" || gender != "") {
					return usagef("--headline is the demo's fixed table: it takes no --format, filters or areas (use them without --headline)")
				}
				db, srv, err := openRead(cmd.Context(), cfg, false)
				if err != nil {
					return err
				}
				if headline {
					f = models.Filter{KPIs: models.HeadlineKPIs, Genders: []string{"T"}}
				}
				if db != nil {
					defer db.Close()
				}
				vals, err := readPublished(cmd.Context(), cfg, db, srv, f)
				if err != nil {
					return err
				}
				w := cmd.OutOrStdout()
				if headline {
					return writeHeadline(w, vals, cfg.Indicators.MinN, cfg.Groups)
				}
				if format == models.FormatTable {
					return writeValuesTable(w, vals, cfg.Groups)
				}
				return models.WriteValues(w, format, vals, cfg.Groups)
			},
		}
		cf.bind(cmd)
		fl := cmd.Flags()
		fl.StringVar(&kpi, "kpi", "", "indicator `ID`s, comma-separated (EF101,EF201); see effekt kpi")
		fl.StringVar(&muni, "municipality", "", "`AREA`s, comma-separated: kommunkod or name, county (Stockholms län, 01, 0001), Riket 0000, group G… or title")
		fl.StringVar(&period, "period", "", "`YEAR`s, comma-separated")
		fl.StringVar(&gender, "gender", "", "`GENDER`s: T (total), K or M, comma-separated")
		fl.StringVarP(&format, "format", "f", models.FormatTable, "output `FORMAT`: table (one decimal), csv or json (full precision)")
		fl.BoolVar(&headline, "headline", false, "print the short headline table (latest year per area of the headline indicators) instead")
		cmd.RegisterFlagCompletionFunc("kpi", completeKPI)
		cmd.RegisterFlagCompletionFunc("municipality", completeArea)
		cmd.RegisterFlagCompletionFunc("format", fixedCompletion("table", "csv", "json"))
		cmd.RegisterFlagCompletionFunc("gender", fixedCompletion("T\ttotalt", "K\tkvinnor", "M\tmän"))
		cmd.ValidArgsFunction = completeArea
		return cmd
	})
}

// indicatorFilter checks the filter values a person typed, suggesting the
// nearest KPI id or area name for a typo (a usage error).
func indicatorFilter(groups []config.Group, kpi string, areas []string, period, gender string) (models.Filter, error) {
	var f models.Filter
	for _, k := range splitList(kpi) {
		k = strings.ToUpper(k)
		if _, ok := models.Lookup(k); !ok {
			return f, usagef("--kpi %q: no such indicator%s; see effekt kpi", k, suggest.Phrase(suggest.Closest(k, kpiIDs(), 2)))
		}
		f.KPIs = append(f.KPIs, k)
	}
	for _, m := range areas {
		id, ok := resolveArea(m, groups)
		if !ok {
			return f, usagef("area %q: not a municipality, county, Riket or group%s", m, suggest.Phrase(suggestArea(m, groups)))
		}
		f.Municipalities = append(f.Municipalities, id)
	}
	for _, p := range splitList(period) {
		y, err := strconv.Atoi(p)
		if err != nil {
			return f, usagef("--period %q is not a year", p)
		}
		f.Periods = append(f.Periods, y)
	}
	for _, g := range splitList(gender) {
		g = strings.ToUpper(g)
		if g != "T" && g != "K" && g != "M" {
			return f, usagef("--gender %q: want T, K or M", g)
		}
		f.Genders = append(f.Genders, g)
	}
	return f, nil
}

// resolveArea accepts an area as geo.ResolveArea does, or a configured
// group id or title.
func resolveArea(s string, groups []config.Group) (string, bool) {
	s = strings.TrimSpace(s)
	for _, g := range groups {
		if strings.EqualFold(g.ID, s) || strings.EqualFold(g.Title, s) {
			return g.ID, true
		}
	}
	return geo.ResolveArea(s)
}

func suggestArea(s string, groups []config.Group) []string {
	names := geo.AreaNames()
	for _, g := range groups {
		names = append(names, g.Title)
	}
	return suggest.Closest(s, names, 2)
}

func kpiIDs() []string {
	var ids []string
	for _, ind := range models.Published() {
		ids = append(ids, ind.ID)
	}
	return ids
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
