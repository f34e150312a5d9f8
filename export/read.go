package export

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/effekt/effekt/snapshot"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/effekt/effekt/disclosure"
	"github.com/effekt/effekt/kolada"
	"github.com/effekt/effekt/models"
)

// Published is an export folder read back for an audit: its cells, whether
// each is suppressed, and the areas (groups, gender division) its relations
// need.
type Published struct {
	Cells      []disclosure.Cell
	Suppressed []bool
	Areas      disclosure.Areas
}

// Read reads values.csv, municipality_groups.json and kpi.json of an export
// folder (effekt's, or one shaped like it).
func Read(dir string) (Published, error) {
	var p Published
	f, err := os.Open(filepath.Join(dir, FileCSV))
	if err != nil {
		return p, fmt.Errorf("read export: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		return p, fmt.Errorf("read export %s: header: %w", FileCSV, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	for _, want := range []string{"kpi", "municipality", "period", "gender", "numerator", "denominator", "status"} {
		if _, ok := col[want]; !ok {
			return p, fmt.Errorf("read export %s: no column %q", FileCSV, want)
		}
	}
	for line := 2; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return p, fmt.Errorf("read export %s: %w", FileCSV, err)
		}
		period, err := strconv.Atoi(rec[col["period"]])
		if err != nil {
			return p, fmt.Errorf("read export %s line %d: period %q: %w", FileCSV, line, rec[col["period"]], err)
		}
		var n int64
		if d := rec[col["denominator"]]; d != "" {
			if n, err = strconv.ParseInt(d, 10, 64); err != nil {
				return p, fmt.Errorf("read export %s line %d: denominator %q: %w", FileCSV, line, d, err)
			}
		}
		c := disclosure.Cell{Key: disclosure.Key{KPI: rec[col["kpi"]], Area: rec[col["municipality"]], Period: period, Gender: rec[col["gender"]]}, N: n}
		if k := rec[col["numerator"]]; k != "" {
			if c.K, err = strconv.ParseInt(k, 10, 64); err != nil {
				return p, fmt.Errorf("read export %s line %d: numerator %q: %w", FileCSV, line, k, err)
			}
			c.HasK = true
		}
		p.Cells = append(p.Cells, c)
		p.Suppressed = append(p.Suppressed, rec[col["status"]] == models.StatusSuppressed)
	}
	p.Areas.Groups = map[string][]string{}
	var groups kolada.Envelope[kolada.Group]
	if err := readExportJSON(filepath.Join(dir, FileGroups), &groups); err != nil && !errors.Is(err, os.ErrNotExist) {
		return p, err
	}
	for _, g := range groups.Values {
		for _, m := range g.Members {
			p.Areas.Groups[g.ID] = append(p.Areas.Groups[g.ID], m.MemberID)
		}
	}
	var m struct {
		MinN int `json:"min_n"`
	}
	if err := readExportJSON(filepath.Join(dir, FileManifest), &m); err != nil && !errors.Is(err, os.ErrNotExist) {
		return p, err
	}
	p.Areas.MinN = m.MinN              // 0 without a manifest: not known
	p.Areas.Nested = snapshot.Nested() // the catalogue's, which every reader knows
	var kpis kolada.Envelope[struct {
		ID              string `json:"id"`
		DividedByGender bool   `json:"is_divided_by_gender"`
	}]
	if err := readExportJSON(filepath.Join(dir, FileKPI), &kpis); err != nil && !errors.Is(err, os.ErrNotExist) {
		return p, err
	}
	if len(kpis.Values) > 0 {
		byGender := map[string]bool{}
		for _, k := range kpis.Values {
			byGender[k.ID] = k.DividedByGender
		}
		p.Areas.ByGender = func(kpi string) bool { return byGender[kpi] }
	}
	return p, nil
}

func readExportJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read export: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("read export %s: %w", filepath.Base(path), err)
	}
	return nil
}
