package sample

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

// This file reads the generated files back the way an ingest would, with
// nothing from the generator: a test-local reader, Luhn check and date
// parser, so the tests check the files, not the generator against itself.

// table is one file read back: its header and data rows, cells as text
// (XLSX cells raw: a date cell is its serial number).
type table struct {
	path   string
	header []string
	rows   [][]string
	dates  map[[2]int]bool // XLSX: (row, col) cells with a date style
}

func readTable(t *testing.T, path string) table {
	t.Helper()
	if strings.HasSuffix(path, ".xlsx") {
		return readXLSX(t, path)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !utf8.Valid(raw) {
		if !strings.HasPrefix(filepath.Base(path), "so_") {
			t.Errorf("%s: not valid UTF-8", path)
		}
		if raw, err = charmap.Windows1252.NewDecoder().Bytes(raw); err != nil {
			t.Fatal(err)
		}
	}
	raw = bytes.TrimPrefix(raw, []byte("\uFEFF"))
	r := csv.NewReader(bytes.NewReader(raw))
	if bytes.Count(raw[:bytes.IndexByte(raw, '\n')], []byte(";")) > 0 {
		r.Comma = ';'
	}
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return table{path: path, header: recs[0], rows: recs[1:]}
}

func readXLSX(t *testing.T, path string) table {
	t.Helper()
	f, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	tb := table{path: path, header: rows[0], dates: map[[2]int]bool{}}
	for i, r := range rows[1:] {
		for len(r) < len(tb.header) {
			r = append(r, "")
		}
		tb.rows = append(tb.rows, r)
		for c := range r {
			cell, _ := excelize.CoordinatesToCellName(c+1, i+2)
			id, err := f.GetCellStyle(sheet, cell)
			if err != nil || id == 0 {
				continue
			}
			st, err := f.GetStyle(id)
			if err != nil {
				t.Fatal(err)
			}
			if st.NumFmt == 14 || (st.CustomNumFmt != nil && *st.CustomNumFmt == "yyyy-mm-dd") {
				tb.dates[[2]int{i, c}] = true
			}
		}
	}
	return tb
}

// col returns the index of the first header, trimmed, equal to one of names.
func (tb table) col(names ...string) int {
	for i, h := range tb.header {
		for _, n := range names {
			if strings.EqualFold(strings.TrimSpace(h), n) {
				return i
			}
		}
	}
	return -1
}

// checkLuhn reports whether the last digit of ten is the Luhn check digit.
func checkLuhn(ten string) bool {
	sum := 0
	for i := 0; i < 9; i++ {
		v := int(ten[i]-'0') * (2 - i%2)
		sum += v/10 + v%10
	}
	return (10-sum%10)%10 == int(ten[9]-'0')
}

// canonPnr checks an identity number and returns its 12 digits and whether
// the person is a man.
func canonPnr(s string, today time.Time) (string, bool, error) {
	var century string
	var ten string
	switch {
	case len(s) == 13 && s[8] == '-':
		century, ten = s[:2], s[2:8]+s[9:]
	case len(s) == 12:
		century, ten = s[:2], s[2:]
	case len(s) == 11 && (s[6] == '-' || s[6] == '+'):
		ten = s[:6] + s[7:]
		yy, _ := strconv.Atoi(s[:2])
		c := today.Year()/100*100 + yy
		if c > today.Year() {
			c -= 100
		}
		if s[6] == '+' {
			c -= 100
		}
		century = strconv.Itoa(c / 100)
	default:
		return "", false, fmt.Errorf("form of %q", s)
	}
	if _, err := strconv.Atoi(ten); err != nil || len(ten) != 10 {
		return "", false, fmt.Errorf("digits of %q", s)
	}
	if !checkLuhn(ten) {
		return "", false, fmt.Errorf("luhn of %q", s)
	}
	day, _ := strconv.Atoi(ten[4:6])
	if day > 60 {
		day -= 60
	}
	date := fmt.Sprintf("%s%s-%s-%02d", century, ten[:2], ten[2:4], day)
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		return "", false, fmt.Errorf("date of %q", s)
	}
	return century + ten, (ten[8]-'0')%2 == 1, nil
}

// parseDate reads a date as a source wrote it; in a workbook a date cell
// (serial with a date style) counts too.
func parseDate(s string, dateCell bool) (time.Time, error) {
	if dateCell {
		n, err := strconv.Atoi(s)
		if err != nil {
			return time.Time{}, fmt.Errorf("date cell %q is not a serial", s)
		}
		return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n), nil
	}
	for _, layout := range []string{"2006-01-02", "20060102", "2006/01/02"} {
		if len(s) == len(layout) {
			if t, err := time.Parse(layout, s); err == nil {
				return t, nil
			}
		}
	}
	return time.Time{}, fmt.Errorf("not a date: %q", s)
}

// walk returns every file under dir by kind.
func walk(t *testing.T, dir string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		kind := filepath.Base(filepath.Dir(p))
		out[kind] = append(out[kind], p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
