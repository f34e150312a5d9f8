package models

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/geo"
)

// Output formats of WriteValues.
const (
	FormatTable = "table"
	FormatCSV   = "csv"
	FormatJSON  = "json"
)

// AreaName returns the title of an area: a configured group's title, or
// Kolada's title of a municipality, region or Riket, or the id itself.
func AreaName(id string, groups []config.Group) string {
	for _, g := range groups {
		if g.ID == id {
			return g.Title
		}
	}
	return geo.Name(id)
}

// IsMunicipality reports whether an area id of a cell is a municipality
// (kommunkod), not a county (00LL), Riket (0000) or a group (G…).
func IsMunicipality(id string) bool {
	return len(id) == 4 && !strings.HasPrefix(id, "00") && !strings.HasPrefix(id, "G")
}

// valueColumns are the columns of the CSV and JSON outputs, in order.
var valueColumns = []string{"kpi", "municipality", "municipality_title", "period", "gender",
	"numerator", "denominator", "value", "ci_low", "ci_high", "status", "members", "as_of"}

// WriteValues writes outward values as a table for people, or as CSV or
// JSON (full precision; null/empty where suppressed or undefined).
func WriteValues(w io.Writer, format string, vals []Value, groups []config.Group) error {
	switch format {
	case FormatCSV:
		return writeCSV(w, vals, groups)
	case FormatJSON:
		return writeJSON(w, vals, groups)
	case FormatTable, "":
		return writeTable(w, vals, groups)
	}
	return fmt.Errorf("unknown format %q (want table, csv or json)", format)
}

func writeCSV(w io.Writer, vals []Value, groups []config.Group) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(valueColumns); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	for _, v := range vals {
		rec := []string{v.KPI, v.Municipality, AreaName(v.Municipality, groups), strconv.Itoa(v.Period), v.Gender,
			fmtInt(v.Numerator), fmtInt(v.Denominator), fmtFloat(v.Value, -1), fmtFloat(v.CILow, -1), fmtFloat(v.CIHigh, -1),
			v.Status, strconv.Itoa(v.Members), v.AsOf.Format(time.DateOnly)}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// Row is the flat outward shape of one cell, shared by `effekt indicators
// --format json` and /api/v1/values: full precision, null where suppressed
// or undefined.
type Row struct {
	KPI               string   `json:"kpi"`
	Municipality      string   `json:"municipality"`
	MunicipalityTitle string   `json:"municipality_title"`
	Period            int      `json:"period"`
	Gender            string   `json:"gender"`
	Numerator         *int64   `json:"numerator"`
	Denominator       *int64   `json:"denominator"`
	Value             *float64 `json:"value"`
	CILow             *float64 `json:"ci_low"`
	CIHigh            *float64 `json:"ci_high"`
	Status            string   `json:"status"`
	Members           int      `json:"members"` // municipalities with data in an aggregate cell; 1 for a municipality
	AsOf              string   `json:"as_of"`
}

// Rows turns outward values into flat rows, naming areas with AreaName.
func Rows(vals []Value, groups []config.Group) []Row {
	out := make([]Row, 0, len(vals))
	for _, v := range vals {
		out = append(out, Row{v.KPI, v.Municipality, AreaName(v.Municipality, groups), v.Period, v.Gender,
			v.Numerator, v.Denominator, v.Value, v.CILow, v.CIHigh, v.Status, v.Members, v.AsOf.Format(time.DateOnly)})
	}
	return out
}

func writeJSON(w io.Writer, vals []Value, groups []config.Group) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(Rows(vals, groups)); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

func writeTable(w io.Writer, vals []Value, groups []config.Group) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kpi\tarea\tname\tperiod\tgender\tnumerator\tdenominator\tvalue\t95 % interval\tstatus\t")
	for _, v := range vals {
		interval := ""
		if v.CILow != nil && v.CIHigh != nil {
			interval = fmtFloat(v.CILow, 1) + "–" + fmtFloat(v.CIHigh, 1)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t\n", v.KPI, v.Municipality, AreaName(v.Municipality, groups),
			v.Period, v.Gender, fmtInt(v.Numerator), fmtInt(v.Denominator), fmtFloat(v.Value, 1), interval, v.Status)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	return nil
}

func fmtInt(p *int64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(*p, 10)
}

func fmtFloat(p *float64, prec int) string {
	if p == nil {
		return ""
	}
	return strings.TrimSuffix(strconv.FormatFloat(*p, 'f', prec, 64), ".0")
}
