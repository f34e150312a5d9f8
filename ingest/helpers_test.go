package ingest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/effekt/effekt/store"
)

var (
	testKey   = []byte("test-key-for-ingest-tests")
	testToday = time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC)
)

// testPerson is one identity used in the fixtures.
type testPerson struct {
	canonical, birth, gender string
	forms                    []string // every way it is written in fixtures
}

// persons of the fixtures, by letter; birth date and gender worked out by hand.
var persons = map[string]testPerson{
	"A": {"198507099805", "1985-07-09", "K", []string{"19850709-9805", "198507099805", "850709-9805", "8507099805"}},
	"B": {"199003151231", "1990-03-15", "M", []string{"900315-1231", "199003151231", "19900315-1231", "9003151231"}},
	"C": {"199211634564", "1992-11-03", "K", []string{"19921163-4564", "199211634564", "921163-4564", "9211634564"}}, // samordningsnummer
	"D": {"192005053216", "1920-05-05", "M", []string{"200505+3216", "192005053216", "19200505-3216", "2005053216"}},
	"E": {"200112242342", "2001-12-24", "K", []string{"0112242342", "200112242342", "20011224-2342", "011224-2342"}},
	"F": {"197701015559", "1977-01-01", "M", []string{"197701015559", "19770101-5559", "770101-5559", "7701015559"}},
	"G": {"198808082468", "1988-08-08", "K", []string{"880808-2468", "198808082468", "19880808-2468", "8808082468"}},
	// invalid identities that appear in fixtures: they must not be stored either
	"X": {"198507099806", "", "", []string{"19850709-9806", "198507099806", "850709-9806", "8507099806"}},
}

func pseudonym(canonical string) string {
	m := hmac.New(sha256.New, testKey)
	m.Write([]byte(canonical))
	return hex.EncodeToString(m.Sum(nil))
}

// expand replaces {A} by "pseudonym|birth|gender" of person A.
func expand(s string) string {
	for id, p := range persons {
		s = strings.ReplaceAll(s, "{"+id+"}", pseudonym(p.canonical)+"|"+p.birth+"|"+p.gender)
	}
	return s
}

// env is a test inbox, archive, failed folder and database.
type env struct {
	t                         *testing.T
	dir, inbox, archive, fail string
	dbPath                    string
	db                        *sql.DB
	logs                      *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newEnv(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	e := &env{t: t, dir: dir, inbox: filepath.Join(dir, "inbox"), archive: filepath.Join(dir, "archive"),
		fail: filepath.Join(dir, "failed"), dbPath: filepath.Join(dir, "e.duckdb"), logs: &syncBuffer{}}
	if err := os.MkdirAll(e.inbox, 0o755); err != nil {
		t.Fatal(err)
	}
	e.open()
	t.Cleanup(func() {
		if e.db != nil {
			e.db.Close()
		}
	})
	return e
}

func (e *env) open() {
	db, err := store.Open(context.Background(), e.dbPath, store.Options{})
	if err != nil {
		e.t.Fatal(err)
	}
	e.db = db
}

func (e *env) close() {
	e.db.Close()
	e.db = nil
}

func (e *env) options() Options {
	return Options{Inbox: e.inbox, Archive: e.archive, Failed: e.fail, Key: testKey, Today: testToday,
		Logger: slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
}

// run ingests the inbox and checks the invariants every run must keep.
func (e *env) run() Summary {
	e.t.Helper()
	sum, err := Run(context.Background(), e.db, e.options())
	if err != nil {
		e.t.Fatalf("Run: %v", err)
	}
	e.checkInvariants()
	return sum
}

// checkInvariants: rows_read = loaded + rejected for every file, and the
// rejected_rows of each file number its rows_rejected, its loaded rows its rows_loaded.
func (e *env) checkInvariants() {
	e.t.Helper()
	if n := e.count(`SELECT count(*) FROM files WHERE rows_read <> rows_loaded + rows_rejected`); n != 0 {
		e.t.Errorf("%d files with rows_read <> rows_loaded + rows_rejected", n)
	}
	if n := e.count(`SELECT count(*) FROM files f WHERE rows_rejected <> (SELECT count(*) FROM rejected_rows r WHERE r.file_id = f.file_id)`); n != 0 {
		e.t.Errorf("%d files whose rejected_rows count differs from rows_rejected", n)
	}
	if n := e.count(`SELECT count(*) FROM files WHERE status <> 'loaded' AND (rows_read <> 0 OR rows_loaded <> 0)`); n != 0 {
		e.t.Errorf("%d failed or skipped files with rows", n)
	}
	// every change a load makes to its kind's table is accounted for:
	// rows in the table = Σ rows_loaded − rows_replaced of its files
	// (what transform.Refresh relies on to update instead of rebuild)
	if n := e.count(`SELECT count(*) FROM files WHERE rows_replaced IS NULL OR rows_replaced < 0`); n != 0 {
		e.t.Errorf("%d files without a count of the rows they replaced", n)
	}
	for _, k := range Kinds {
		if n := e.count(`SELECT (SELECT count(*) FROM `+k.Name+`) - (SELECT coalesce(sum(rows_loaded - rows_replaced), 0) FROM files WHERE kind = ? AND status = 'loaded')`, k.Name); n != 0 {
			e.t.Errorf("%s: %d rows more than its files' rows_loaded − rows_replaced", k.Name, n)
		}
	}
}

func (e *env) count(q string, args ...any) int64 {
	e.t.Helper()
	var n int64
	if err := e.db.QueryRow(q, args...).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", q, err)
	}
	return n
}

// strings runs q and returns its single text column.
func (e *env) strings(q string, args ...any) []string {
	e.t.Helper()
	rows, err := e.db.Query(q, args...)
	if err != nil {
		e.t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		e.t.Fatal(err)
	}
	return out
}

// tableRows returns the rows of a kind's table as "line|col|col…" (NULL as ∅), by line,
// without person_key: it fails the test unless every row's person_key is
// the key of its pseudonym (store.PersonKey, the HMAC's first 64 bits).
func (e *env) tableRows(k *Kind, where string) []string {
	cols := k.TargetColumns()
	parts := []string{"CAST(line AS VARCHAR)"}
	for _, c := range cols[:len(cols)-2] {
		if c == "person_key" {
			if bad := e.strings("SELECT count(*)::VARCHAR FROM " + k.Name + " WHERE person_key IS DISTINCT FROM " + store.PersonKey("person")); bad[0] != "0" {
				e.t.Errorf("%s: %s rows whose person_key is not their pseudonym's key", k.Name, bad[0])
			}
			continue
		}
		parts = append(parts, fmt.Sprintf("coalesce(CAST(%s AS VARCHAR), '∅')", c))
	}
	q := fmt.Sprintf("SELECT concat_ws('|', %s) FROM %s %s ORDER BY file_id, line", strings.Join(parts, ", "), k.Name, where)
	return e.strings(q)
}

// rejects returns "line|column|reason" of the rejected rows of kind, by line.
func (e *env) rejects(kind string) []string {
	return e.strings(`SELECT concat_ws('|', line, coalesce("column", '∅'), reason) FROM rejected_rows WHERE kind = ? ORDER BY file_id, line`, kind)
}

func copyTree(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// csvToXLSX writes the UTF-8 CSV fixture as a workbook the way Excel users
// make them: dates in date columns as date cells, digit strings without a
// leading zero as numbers, decimals as numbers. With otherSheet, a first
// sheet "Info" precedes a sheet named like the kind.
func csvToXLSX(t testing.TB, k *Kind, csvPath, xlsxPath string, otherSheet bool) {
	t.Helper()
	b, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(b))
	if bytes.Count(b[:bytes.IndexByte(b, '\n')], []byte(";")) > 0 {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Sheet1"
	if otherSheet {
		f.SetSheetName("Sheet1", "Info")
		f.SetCellValue("Info", "A1", "Export från verksamhetssystem")
		f.SetCellValue("Info", "A2", "person_id")
		sheet = k.Name
		if _, err := f.NewSheet(sheet); err != nil {
			t.Fatal(err)
		}
	}
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		t.Fatal(err)
	}
	dateCol := map[int]bool{}
	h, _ := matchHeader(k, recs[0])
	for i, c := range k.Columns {
		if c.Type == TDate && h.index[i] >= 0 {
			dateCol[h.index[i]] = true
		}
	}
	for ri, rec := range recs {
		for ci, v := range rec {
			if v == "" {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(ci+1, ri+1)
			if d, err := time.Parse(time.DateOnly, v); err == nil && ri > 0 && dateCol[ci] {
				f.SetCellValue(sheet, cell, d)
				f.SetCellStyle(sheet, cell, cell, dateStyle)
				continue
			}
			if ri > 0 && v[0] != '0' {
				if n, err := strconv.ParseInt(v, 10, 64); err == nil {
					f.SetCellInt(sheet, cell, n)
					continue
				}
				if x, err := strconv.ParseFloat(v, 64); err == nil && strings.Contains(v, ".") {
					f.SetCellFloat(sheet, cell, x, -1, 64)
					continue
				}
			}
			f.SetCellStr(sheet, cell, v)
		}
	}
	if err := os.MkdirAll(filepath.Dir(xlsxPath), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(xlsxPath); err != nil {
		t.Fatal(err)
	}
}
