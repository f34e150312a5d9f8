package disclosure

import (
	"encoding/csv"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkSuppressNational suppresses the cells of a computed database,
// dumped as CSV (kpi, municipality, period, gender, denominator,
// numerator) to the file EFFEKT_CELLS, with the default groups and the
// catalogue's nestings, and reports how many it hides; with
// EFFEKT_CELLS_BEFORE (earlier releases dumped the same way, each whole
// with its suppressed column, file names separated by commas, oldest
// first) against those releases (each block a version of its own: the
// most a history of as many releases costs):
//
//	effekt sql --db nat.duckdb --format csv --limit 2000000 \
//	  "SELECT kpi, municipality, period, gender, denominator, numerator FROM indicator_values WHERE length(kpi) = 5" > cells.csv
//	EFFEKT_CELLS=cells.csv go test ./disclosure -run '^$' -bench SuppressNational -benchtime 3x
func BenchmarkSuppressNational(b *testing.B) {
	path := os.Getenv("EFFEKT_CELLS")
	if path == "" {
		b.Skip("EFFEKT_CELLS names no cell dump")
	}
	cells, _, err := readCellDump(path)
	if err != nil {
		b.Fatal(err)
	}
	// config.DefaultGroups, and models.Nests (neither imported here: both
	// sit above this package)
	sod := []string{"0127", "0136", "0126", "0140", "0192", "0128", "0181", "0138"}
	areas := Areas{Groups: map[string][]string{"G0001": sod, "G0002": append(append([]string{}, sod...), "0182", "0120")},
		Nested: []Nesting{{Sub: "EF102", Super: "EF101", Of: Count}, {Sub: "EF101", Super: "EF103", Of: Count},
			{Sub: "EF105", Super: "EF303", Of: Count}, {Sub: "EF302", Super: "EF301", Of: Outcomes}, {Sub: "EF301", Super: "EF302", Of: Rest}}}
	if bp := os.Getenv("EFFEKT_CELLS_BEFORE"); bp != "" {
		for _, f := range strings.Split(bp, ",") {
			bc, bs, err := readCellDump(f)
			if err != nil {
				b.Fatal(err)
			}
			areas.History = append(areas.History, Release{Cells: bc, Suppressed: bs})
		}
	}
	b.ResetTimer()
	for b.Loop() {
		sup, p, c := Suppress(cells, 5, areas)
		n := 0
		for _, s := range sup {
			if s {
				n++
			}
		}
		b.ReportMetric(float64(n), "suppressed")
		b.ReportMetric(float64(p), "primary")
		b.ReportMetric(float64(c), "complementary")
	}
}

// readCellDump reads a cell dump (kpi, municipality, period, gender,
// denominator, numerator[, suppressed]) with its header line.
func readCellDump(path string) ([]Cell, []bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) == 0 {
		return nil, nil, fmt.Errorf("%s: %v", path, err)
	}
	var cells []Cell
	var sup []bool
	for _, r := range recs[1:] {
		p, _ := strconv.Atoi(r[2])
		n, _ := strconv.ParseInt(r[4], 10, 64)
		c := Cell{Key: Key{r[0], r[1], p, r[3]}, N: n}
		if r[5] != "" {
			c.K, _ = strconv.ParseInt(r[5], 10, 64)
			c.HasK = true
		}
		cells = append(cells, c)
		sup = append(sup, len(r) > 6 && r[6] == "true")
	}
	return cells, sup, nil
}
