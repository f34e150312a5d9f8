package evaluate

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
)

// MarshalJSON writes null for the values of a suppressed cell.
func (e Expected) MarshalJSON() ([]byte, error) {
	type plain Expected
	if !e.Suppressed {
		return json.Marshal(plain(e))
	}
	return json.Marshal(struct {
		KPI        string `json:"kpi"`
		Area       string `json:"municipality"`
		Period     int    `json:"period"`
		Gender     string `json:"gender"`
		Suppressed bool   `json:"suppressed"`
		Status     string `json:"status"`
	}{e.KPI, e.Area, e.Period, e.Gender, true, "suppressed"})
}

// WriteExpectedJSON writes the cells as a JSON list.
func WriteExpectedJSON(w io.Writer, es []Expected) error {
	if es == nil {
		es = []Expected{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(es)
}

// WriteExpectedCSV writes one row per cell at full precision; a suppressed
// cell has status "suppressed" and no values.
func WriteExpectedCSV(w io.Writer, es []Expected) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"kpi", "municipality", "period", "gender", "status", "denominator", "observed_count", "expected_count",
		"observed", "observed_ci_low", "observed_ci_high", "expected", "difference", "difference_ci_low", "difference_ci_high",
		"ratio", "ratio_ci_low", "ratio_ci_high"})
	for _, e := range es {
		if e.Suppressed {
			cw.Write([]string{e.KPI, e.Area, strconv.Itoa(e.Period), e.Gender, "suppressed", "", "", "", "", "", "", "", "", "", "", "", ""})
			continue
		}
		cw.Write([]string{e.KPI, e.Area, strconv.Itoa(e.Period), e.Gender, "", strconv.Itoa(e.N), num(e.O), num(e.E),
			num(e.Observed), num(e.ObsLow), num(e.ObsHigh), num(e.Expected), num(e.Diff), num(e.DiffLow), num(e.DiffHigh),
			num(e.Ratio), num(e.RatioLow), num(e.RatioHigh)})
	}
	cw.Flush()
	return cw.Error()
}

// WriteExpectedTable writes the cells for people: observed and expected
// shares, O − E and O/E with their intervals, one decimal (two for O/E).
func WriteExpectedTable(w io.Writer, es []Expected, name func(string) string, minN int) error {
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', tabwriter.AlignRight)
	short := func(id string) string { // area names fit the 100 columns
		n := []rune(name(id))
		if len(n) > 18 {
			return string(n[:17]) + "…"
		}
		return string(n)
	}
	fmt.Fprintln(tw, "kpi\tområde\tår\tkön\tn\tobs. %\tförv. %\tO−E pe\t95 % int.\tO/E\t95 % int.\t")
	suppressed := 0
	for _, e := range es {
		if e.Suppressed {
			suppressed++
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t–\t–\t–\t–\t\t–\t\t\n", e.KPI, short(e.Area), e.Period, e.Gender)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%d\t%.1f\t%.1f\t%s\t[%s, %s]\t%.2f\t[%.2f, %.2f]\t\n", e.KPI, short(e.Area), e.Period, e.Gender, e.N,
			e.Observed, e.Expected, signed(e.Diff), signed(e.DiffLow), signed(e.DiffHigh), e.Ratio, e.RatioLow, e.RatioHigh)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprint(w, "\n"+Wrap("Förväntat värde: medelvärdet av varje persons sannolikhet enligt en logistisk regression på "+
		"hela kohorten, med "+Covariates+". O/E över 1: bättre utfall än personernas sammansättning ger anledning att "+
		"vänta; intervallen gäller om modellen stämmer (Spiegelhalter 2005).", "", "", 100))
	if suppressed > 0 {
		fmt.Fprint(w, Wrap(fmt.Sprintf("–: dolt, som indikatorns eget värde: färre än %d personer (indicators.min_n) eller dolt så att "+
			"inget dolt värde kan räknas fram ur andra.", minN), "", "", 100))
	}
	return nil
}
