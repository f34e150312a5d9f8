package evaluate

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/effekt/effekt/geo"
)

// MarshalJSON writes null for the estimate's numbers when there is none.
func (r Result) MarshalJSON() ([]byte, error) {
	type plain Result
	if r.Error == "" {
		return json.Marshal(plain(r))
	}
	return json.Marshal(struct {
		KPI           string    `json:"kpi"`
		Title         string    `json:"title"`
		Unit          string    `json:"unit"`
		Collaboration string    `json:"collaboration"`
		AsOf          string    `json:"as_of"`
		Error         string    `json:"error"`
		ATT           *float64  `json:"att"`
		CILow         *float64  `json:"ci_low"`
		CIHigh        *float64  `json:"ci_high"`
		PValue        *float64  `json:"p_value"`
		Clusters      int       `json:"clusters"`
		PretrendP     *float64  `json:"pretrend_p"`
		Caveats       []string  `json:"caveats"`
		Events        []float64 `json:"event_time"`
	}{KPI: r.KPI, Title: r.Title, Unit: r.Unit, Collaboration: r.Collaboration, AsOf: r.AsOf, Error: r.Error,
		Clusters: r.Clusters, Caveats: []string{}, Events: []float64{}})
}

// WriteJSON writes the results as a JSON list, one object per indicator.
func WriteJSON(w io.Writer, rs []Result) error {
	if rs == nil {
		rs = []Result{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rs)
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// WriteCSV writes one row per indicator at full precision.
func WriteCSV(w io.Writer, rs []Result) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"kpi", "collaboration", "as_of", "unit", "att", "ci_low", "ci_high", "p_value", "clusters",
		"treated_clusters", "control_clusters", "pretrend_p", "pretrend_df", "bootstrap_weights", "bootstrap_draws",
		"treated_rows", "first_cohort_date", "last_cohort_date", "error"})
	for _, r := range rs {
		if r.Error != "" {
			cw.Write([]string{r.KPI, r.Collaboration, r.AsOf, r.Unit, "", "", "", "", strconv.Itoa(r.Clusters), "", "", "", "", "", "", "", "", "", r.Error})
			continue
		}
		pre, df := "", ""
		if r.PretrendP != nil {
			pre, df = num(*r.PretrendP), strconv.Itoa(r.PretrendDF)
		}
		cw.Write([]string{r.KPI, r.Collaboration, r.AsOf, r.Unit, num(r.ATT), num(r.CILow), num(r.CIHigh), num(r.PValue),
			strconv.Itoa(r.Clusters), strconv.Itoa(r.TreatedClusters), strconv.Itoa(r.ControlClusters), pre, df,
			r.Weights, strconv.Itoa(r.Draws), strconv.Itoa(r.Treated), r.First, r.Last, ""})
	}
	cw.Flush()
	return cw.Error()
}

// names are "0127 Botkyrka, …".
func names(codes []string) string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = c + " " + geo.Name(c)
	}
	return strings.Join(out, ", ")
}

func signed(v float64) string { return fmt.Sprintf("%+.1f", v) }

func pval(v float64) string {
	if v < 0.001 {
		return "<0.001"
	}
	return fmt.Sprintf("%.3f", v)
}

// WriteTable writes a summary table, then per indicator the event-time
// coefficients, the municipalities used and the caveats.
func WriteTable(w io.Writer, title string, rs []Result) error {
	if len(rs) == 0 {
		_, err := fmt.Fprintln(w, "inga indikatorer")
		return err
	}
	fmt.Fprintf(w, "Effekt av att gå med i %s (as_of %s)\n", title, rs[0].AsOf)
	fmt.Fprint(w, Wrap("Difference-in-differences per anslutningsgrupp (Callaway & Sant'Anna 2021), kontroller: kommuner "+
		"som aldrig gick med; 95 % intervall och p från wild cluster bootstrap på kommunnivå.", "", "", 100))
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kpi\teffekt\t95 % intervall\tp\tkluster (medl./övr.)\tförtest p\tenhet\t")
	for _, r := range rs {
		if r.Error != "" {
			fmt.Fprintf(tw, "%s\t–\t\t\t\t\t%s\t\n", r.KPI, r.Unit)
			continue
		}
		pre := "–"
		if r.PretrendP != nil {
			pre = pval(*r.PretrendP)
		}
		fmt.Fprintf(tw, "%s\t%s\t[%s, %s]\t%s\t%d (%d/%d)\t%s\t%s\t\n", r.KPI, signed(r.ATT), signed(r.CILow), signed(r.CIHigh),
			pval(r.PValue), r.Clusters, r.TreatedClusters, r.ControlClusters, pre, r.Unit)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range rs {
		fmt.Fprintf(w, "\n%s  %s\n", r.KPI, r.Title)
		if r.Error != "" {
			fmt.Fprint(w, Wrap("ingen skattning: "+r.Error, "    ", "    ", 100))
			continue
		}
		fmt.Fprint(w, Wrap(fmt.Sprintf("effekt %s %s [%s, %s], p %s; %d kluster (%d medlemmar, %d övriga), %s-vikter, %d dragningar",
			signed(r.ATT), r.Unit, signed(r.CILow), signed(r.CIHigh), pval(r.PValue), r.Clusters, r.TreatedClusters,
			r.ControlClusters, r.Weights, r.Draws), "    ", "      ", 100))
		fmt.Fprintf(w, "    kohorter %s – %s; %d kohortrader hos medlemmar efter anslutningen\n", r.First, r.Last, r.Treated)
		for _, g := range r.Groups {
			span := "från " + g.JoinedOn
			if g.LeftOn != "" {
				span += " till " + g.LeftOn
			}
			fmt.Fprint(w, Wrap("medlemmar "+span+": "+names(g.Municipalities), "    ", "      ", 100))
		}
		fmt.Fprintf(w, "    övriga (kontroller): %d kommuner\n", len(r.Controls))
		et := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(et, "    år från anslutning\tkoefficient\t95 % intervall\tmedl. rader\tövr. rader\t")
		for _, e := range r.Events {
			if e.E == -1 {
				fmt.Fprintf(et, "    %d\t0 (bas)\t\t%d\t%d\t\n", e.E, e.Treated, e.Control)
				continue
			}
			fmt.Fprintf(et, "    %d\t%s\t[%s, %s]\t%d\t%d\t\n", e.E, signed(e.Coef), signed(e.CILow), signed(e.CIHigh), e.Treated, e.Control)
		}
		if err := et.Flush(); err != nil {
			return err
		}
		for _, c := range r.Caveats {
			fmt.Fprint(w, Wrap(c, "    • ", "      ", 100))
		}
	}
	return nil
}

// Wrap breaks text into lines of at most width runes at spaces, the first
// prefixed with first and the others with rest (a hanging indent).
func Wrap(text, first, rest string, width int) string {
	var b strings.Builder
	line, prefix := "", first
	for _, w := range strings.Fields(text) {
		switch {
		case line == "":
			line = w
		case utf8.RuneCountInString(prefix+line+" "+w) <= width:
			line += " " + w
		default:
			b.WriteString(prefix + line + "\n")
			line, prefix = w, rest
		}
	}
	if line != "" {
		b.WriteString(prefix + line + "\n")
	}
	return b.String()
}
