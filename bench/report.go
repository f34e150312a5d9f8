// Package bench measures effekt beside the practical limit of the same work,
// in the same run: ingest against DuckDB's own read_csv and excelize's own
// row reader, compute against one independent SQL query for EF101, the API
// against a handler writing the same pre-rendered bytes, and the /metrics
// scrape. Every figure is the min and median of a few runs, printed with
// its limit, the ratio and the load average it ran under.
//
// Speed is never asserted in tests; the tests check the report's shape.
package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Stat is a figure measured Runs times.
type Stat struct {
	Min    float64   `json:"min"`
	Median float64   `json:"median"`
	Max    float64   `json:"max"`
	Runs   []float64 `json:"runs"`
}

// NewStat summarises measurements.
func NewStat(xs []float64) Stat {
	if len(xs) == 0 {
		return Stat{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return Stat{Min: s[0], Median: med, Max: s[len(s)-1], Runs: xs}
}

// Better says which direction of a figure is good.
type Better string

// Directions.
const (
	Lower  Better = "lower"  // times
	Higher Better = "higher" // rates
)

// Row is one figure beside its limit.
type Row struct {
	Name   string `json:"name"`
	Unit   string `json:"unit"` // s, ms, rows/s, req/s, MB
	Better Better `json:"better"`
	Effekt Stat   `json:"effekt"`
	// Limit is the same work done by the practical ceiling (nil: none).
	Limit     *Stat  `json:"limit,omitempty"`
	LimitName string `json:"limit_name,omitempty"`
	// Ratio is effekt ÷ limit on the medians (0 without a limit).
	Ratio float64 `json:"ratio,omitempty"`
	// Target is the aim: a ratio ("ratio ≤ 2") or an absolute bound ("≤ 5 s").
	Target string `json:"target,omitempty"`
	// Met reports whether the medians meet the target (nil: no target).
	Met  *bool  `json:"met,omitempty"`
	Note string `json:"note,omitempty"`
}

// withLimit sets the limit, the ratio of the medians and, for a ratio
// target, whether it is met.
func (r *Row) withLimit(name string, l Stat, target float64) {
	r.Limit, r.LimitName = &l, name
	if l.Median > 0 {
		r.Ratio = r.Effekt.Median / l.Median
	}
	if target > 0 && r.Ratio > 0 {
		met := r.Ratio <= target
		op := "≤"
		if r.Better == Higher {
			met, op = r.Ratio >= target, "≥"
		}
		r.Target, r.Met = fmt.Sprintf("ratio %s %s", op, strconv.FormatFloat(target, 'g', -1, 64)), &met
	}
}

// withBound sets an absolute target on the median.
func (r *Row) withBound(bound float64) {
	met := r.Effekt.Median <= bound
	op := "≤"
	if r.Better == Higher {
		met, op = r.Effekt.Median >= bound, "≥"
	}
	r.Target, r.Met = fmt.Sprintf("%s %s %s", op, strconv.FormatFloat(bound, 'g', -1, 64), r.Unit), &met
}

// Report is what one bench command measured.
type Report struct {
	Command  string    `json:"command"` // "compute", "ingest", "serve", "metrics"
	Started  time.Time `json:"started"`
	Duration float64   `json:"duration_s"`
	Runs     int       `json:"runs"`
	// LoadBefore and LoadAfter are /proc/loadavg (1, 5, 15 minutes).
	LoadBefore [3]float64 `json:"load_before"`
	LoadAfter  [3]float64 `json:"load_after"`
	CPUs       int        `json:"cpus"`
	Setup      []string   `json:"setup,omitempty"` // what was measured on
	Rows       []Row      `json:"rows"`
	// Steps break one row down (no limits), e.g. compute's models and KPIs;
	// StepsOf names it (empty: the first row).
	Steps   []Row    `json:"steps,omitempty"`
	StepsOf string   `json:"steps_of,omitempty"`
	Notes   []string `json:"notes,omitempty"`
}

func newReport(command string, runs int) *Report {
	return &Report{Command: command, Started: time.Now().UTC(), Runs: runs, LoadBefore: LoadAvg(), CPUs: numCPU()}
}

func (r *Report) finish() {
	r.LoadAfter = LoadAvg()
	r.Duration = time.Since(r.Started).Seconds()
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the report as aligned tables.
func (r *Report) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "effekt bench %s — %s, %d CPUs, min/median of %d runs, load average %s before, %s after\n",
		r.Command, r.Started.Format(time.RFC3339), r.CPUs, r.Runs, fmtLoad(r.LoadBefore), fmtLoad(r.LoadAfter))
	for _, s := range r.Setup {
		fmt.Fprintf(w, "  %s\n", s)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "WHAT\tUNIT\tEFFEKT MIN\tMEDIAN\tLIMIT MIN\tMEDIAN\tRATIO\tTARGET\tMET\t")
	for _, row := range r.Rows {
		lmin, lmed, ratio := "-", "-", "-"
		if row.Limit != nil {
			lmin, lmed = fmtNum(row.Limit.Min), fmtNum(row.Limit.Median)
			ratio = strconv.FormatFloat(row.Ratio, 'f', 2, 64)
		}
		met := "-"
		if row.Met != nil {
			met = map[bool]string{true: "yes", false: "NO"}[*row.Met]
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", row.Name, row.Unit, fmtNum(row.Effekt.Min), fmtNum(row.Effekt.Median),
			lmin, lmed, ratio, row.Target, met)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var limits []string
	for _, row := range r.Rows {
		if row.LimitName != "" && !slices.Contains(limits, row.LimitName) {
			limits = append(limits, row.LimitName)
		}
	}
	if len(limits) > 0 {
		fmt.Fprintf(w, "\nLIMIT: %s; RATIO = effekt ÷ limit (medians)\n", strings.Join(limits, "; "))
	}
	for _, row := range r.Rows {
		if row.Note != "" {
			fmt.Fprintf(w, "  %s: %s\n", row.Name, row.Note)
		}
	}
	if len(r.Steps) > 0 {
		of := r.StepsOf
		if of == "" {
			of = r.Rows[0].Name
		}
		fmt.Fprintf(w, "\nsteps of %s\n", of)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "STEP\tUNIT\tMIN\tMEDIAN\t")
		for _, s := range r.Steps {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", s.Name, s.Unit, fmtNum(s.Effekt.Min), fmtNum(s.Effekt.Median))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	return nil
}

// fmtNum prints three significant digits, without exponents for the
// magnitudes benches see.
func fmtNum(v float64) string {
	switch a := abs(v); {
	case a == 0:
		return "0"
	case a >= 1000:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case a >= 1:
		return strconv.FormatFloat(v, 'f', 2, 64)
	default:
		return strconv.FormatFloat(v, 'f', 4, 64)
	}
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

func fmtLoad(l [3]float64) string {
	return fmt.Sprintf("%.2f %.2f %.2f", l[0], l[1], l[2])
}

// LoadAvg reads the 1, 5 and 15 minute load averages (zeros where
// /proc/loadavg is missing).
func LoadAvg() [3]float64 {
	var l [3]float64
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return l
	}
	f := strings.Fields(string(b))
	for i := 0; i < 3 && i < len(f); i++ {
		l[i], _ = strconv.ParseFloat(f[i], 64)
	}
	return l
}
