package sample

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

var testToday = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

var allKinds = []string{kindRegistrations, kindAttendance, kindCertificates, kindSettlements,
	kindSFI, kindInterventions, kindParticipations, kindAFPlans}

// smallSample is written once and shared by the tests that only read it.
var smallSample = struct {
	once sync.Once
	dir  string
	st   Stats
	bad  map[string]map[int64]string // path -> line -> reason
	err  error
}{}

func small(t *testing.T) (string, Stats, map[string]map[int64]string) {
	t.Helper()
	s := &smallSample
	s.once.Do(func() {
		s.dir, s.err = os.MkdirTemp("", "effekt-sample-")
		if s.err != nil {
			return
		}
		s.bad = map[string]map[int64]string{}
		var mu sync.Mutex
		s.st, s.err = Write(context.Background(), s.dir, Options{Scale: "small", Seed: 1, Today: testToday,
			Logger: slog.New(slog.DiscardHandler),
			record: func(path string, line int64, reason string) {
				mu.Lock()
				defer mu.Unlock()
				if s.bad[path] == nil {
					s.bad[path] = map[int64]string{}
				}
				s.bad[path][line] = reason
			}})
	})
	if s.err != nil {
		t.Fatal(s.err)
	}
	return s.dir, s.st, s.bad
}

func TestMain(m *testing.M) {
	code := m.Run()
	if smallSample.dir != "" {
		os.RemoveAll(smallSample.dir)
	}
	os.Exit(code)
}

// hashes returns the sha256 of every file under dir by relative path.
func hashes(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDeterministic(t *testing.T) {
	ctx := context.Background()
	run := func(seed int64) map[string]string {
		dir := t.TempDir()
		if _, err := Write(ctx, dir, Options{Scale: "small", Seed: seed, Today: testToday, Logger: slog.New(slog.DiscardHandler)}); err != nil {
			t.Fatal(err)
		}
		return hashes(t, dir)
	}
	a, b, c := run(7), run(7), run(8)
	if len(a) != 9 {
		t.Fatalf("got %d files, want 9 (eight kinds and the re-send)", len(a))
	}
	for p, h := range a {
		if b[p] != h {
			t.Errorf("%s differs between two runs with seed 7", p)
		}
		if c[p] == h {
			t.Errorf("%s is the same with seeds 7 and 8", p)
		}
	}
	if len(b) != len(a) {
		t.Errorf("second run wrote %d files, first %d", len(b), len(a))
	}
}

func TestEveryKindWritten(t *testing.T) {
	dir, st, _ := small(t)
	files := walk(t, dir)
	for _, k := range allKinds {
		if len(files[k]) == 0 {
			t.Errorf("no file of kind %s", k)
		}
	}
	if st.Persons != 3000 {
		t.Errorf("Persons = %d, want 3000", st.Persons)
	}
	var rows, bad int64
	for _, f := range st.Files {
		tb := readTable(t, f.Path)
		if int64(len(tb.rows)) != f.Rows {
			t.Errorf("%s: read %d rows, Stats says %d", f.Path, len(tb.rows), f.Rows)
		}
		fi, err := os.Stat(f.Path)
		if err != nil || fi.Size() != f.Bytes {
			t.Errorf("%s: size %v, Stats says %d", f.Path, fi, f.Bytes)
		}
		if want := "_" + testToday.Format(time.DateOnly); !strings.Contains(filepath.Base(f.Path), want) {
			t.Errorf("%s: name lacks the export date %s", f.Path, want)
		}
		rows += f.Rows
		bad += f.BadRows
	}
	if rows != st.Rows || bad != st.BadRows {
		t.Errorf("file sums %d rows %d bad, Stats %d %d", rows, bad, st.Rows, st.BadRows)
	}
}

func TestBadRowShare(t *testing.T) {
	_, st, _ := small(t)
	rows, bad := map[string]int64{}, map[string]int64{}
	for _, f := range st.Files {
		rows[f.Kind] += f.Rows
		bad[f.Kind] += f.BadRows
	}
	for _, k := range allKinds {
		share := float64(bad[k]) / float64(rows[k])
		t.Logf("%-28s %6d rows %4d bad %.2f %%", k, rows[k], bad[k], 100*share)
		if share < 0.01 || share > 0.02 {
			t.Errorf("%s: bad-row share %.2f %%, want 1–2 %%", k, 100*share)
		}
	}
}

// TestRowsValidUnlessMarkedBad reads every file back and checks each row
// against SPEC's rules: rows written as good pass (valid Luhn, real dates in
// range, known municipality, dates in order, known codes), rows written as
// bad fail, and a superseded row has a later row with the same key.
func TestRowsValidUnlessMarkedBad(t *testing.T) {
	dir, st, bad := small(t)
	persons := map[string]map[string]bool{} // kind -> canonical personnummer
	reasons := map[string]int{}
	forms := map[string]int{}
	for kind, paths := range walk(t, dir) {
		persons[kind] = map[string]bool{}
		for _, path := range paths {
			tb := readTable(t, path)
			last := map[string]int64{}
			pending := map[int64]bool{}
			for i := range tb.rows {
				line := int64(i + 2)
				reason := bad[path][line]
				c, err := validate(kind, tb, i, testToday)
				switch {
				case reason == "" && err != nil:
					t.Errorf("%s line %d: good row rejected: %v", filepath.Base(path), line, err)
				case reason != "" && reason != badDup && err == nil:
					t.Errorf("%s line %d: row written as %s passes", filepath.Base(path), line, reason)
				}
				reasons[reason]++
				if err != nil {
					continue
				}
				if prev, ok := last[c.key]; ok {
					if bad[path][prev] != badDup {
						t.Errorf("%s line %d repeats the key of line %d, which is not marked superseded", filepath.Base(path), line, prev)
					}
					delete(pending, prev)
				}
				last[c.key] = line
				if reason == badDup {
					pending[line] = true
				}
				if c.person != "" {
					persons[kind][c.person] = true
					forms[pnrShape(tb.rows[i][tb.col(rules[kind].person)])]++
				}
			}
			for line := range pending {
				t.Errorf("%s line %d marked superseded but no later row has its key", filepath.Base(path), line)
			}
		}
	}
	t.Logf("rows by reason: %v", reasons)
	t.Logf("valid identity numbers by form: %v", forms)
	for _, f := range []string{"YYYYMMDD-NNNN", "YYYYMMDDNNNN", "YYMMDD-NNNN", "YYMMDD+NNNN", "samordningsnummer"} {
		if forms[f] == 0 {
			t.Errorf("no valid identity number of form %s", f)
		}
	}
	for _, r := range []string{badPersonID, badDate, badMuni, badHours, badCode, badOrder, badNoGraded, badDup} {
		if reasons[r] == 0 {
			t.Errorf("no bad row of reason %s", r)
		}
	}
	all := map[string]bool{}
	for _, ps := range persons {
		for p := range ps {
			all[p] = true
		}
	}
	if n := len(all); n > st.Persons || n < st.Persons*98/100 {
		t.Errorf("%d distinct valid persons in the files, want 98–100 %% of %d", n, st.Persons)
	}
	// Linkage: the persons of the other sources were settled.
	settled := persons[kindSettlements]
	for _, k := range []string{kindRegistrations, kindAttendance, kindCertificates, kindSFI, kindParticipations, kindAFPlans} {
		in := 0
		for p := range persons[k] {
			if settled[p] {
				in++
			}
		}
		share := float64(in) / float64(len(persons[k]))
		if share < 0.97 {
			t.Errorf("%s: %.1f %% of its persons are in settlements, want ≥ 97 %%", k, 100*share)
		}
	}
	for k, lo := range map[string]float64{kindRegistrations: 0.75, kindSFI: 0.55, kindAFPlans: 0.6, kindParticipations: 0.3} {
		share := float64(len(persons[k])) / float64(len(settled))
		t.Logf("%s holds %.1f %% of the settled persons", k, 100*share)
		if share < lo || share > 0.95 {
			t.Errorf("%s holds %.1f %% of the settled persons, want %.0f–95 %%", k, 100*share, 100*lo)
		}
	}
}

// TestResendCorrects checks that the re-send repeats keys of the first SFI
// export with changed values and sorts after it.
func TestResendCorrects(t *testing.T) {
	dir, _, _ := small(t)
	paths := walk(t, dir)[kindSFI]
	if len(paths) != 2 || !strings.Contains(paths[1], "korrigerad") || paths[0] > paths[1] {
		t.Fatalf("sfi files %v: want the export and a later re-send", paths)
	}
	orig := map[string][]string{}
	tb := readTable(t, paths[0])
	for i, r := range tb.rows {
		if c, err := validate(kindSFI, tb, i, testToday); err == nil {
			orig[c.key] = r
		}
	}
	re := readTable(t, paths[1])
	if len(re.rows) < 20 {
		t.Fatalf("re-send has %d rows, want ≥ 20", len(re.rows))
	}
	grade, graded, disc := re.col("Grade"), re.col("graded_on"), re.col("Discontinued-On")
	for i, r := range re.rows {
		c, err := validate(kindSFI, re, i, testToday)
		if err != nil {
			t.Errorf("re-send line %d: %v", i+2, err)
			continue
		}
		o, ok := orig[c.key]
		if !ok {
			t.Errorf("re-send line %d: key %s not in the first export", i+2, c.key)
			continue
		}
		same := strings.EqualFold(o[grade], r[grade])
		for _, col := range []int{graded, disc} {
			a, _ := parseDate(o[col], false)
			b, _ := parseDate(r[col], false)
			same = same && a.Equal(b)
		}
		if same {
			t.Errorf("re-send line %d changes nothing", i+2)
		}
	}
}

func TestOrientationFilesAreWindows1252(t *testing.T) {
	dir, _, _ := small(t)
	want := map[string]string{
		kindRegistrations: "Personnummer;Hemkommun;Anmälningsdatum;Språk;Anmäld av",
		kindAttendance:    "Personnummer;Datum;Timmar;Grupp;Närvarande",
		kindCertificates:  "Personnummer;Intygsdatum;Timmar totalt",
	}
	files := walk(t, dir)
	for kind, header := range want {
		raw, err := os.ReadFile(files[kind][0])
		if err != nil {
			t.Fatal(err)
		}
		if utf8.Valid(raw) && kind != kindCertificates { // certificates hold only ASCII
			t.Errorf("%s is valid UTF-8, want Windows-1252", kind)
		}
		dec, err := charmap.Windows1252.NewDecoder().Bytes(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.SplitN(string(dec), "\r\n", 2)[0]; got != header {
			t.Errorf("%s header %q, want %q", kind, got, header)
		}
	}
	for kind, bom := range map[string]bool{kindSFI: true, kindParticipations: true, kindAFPlans: false} {
		raw, _ := os.ReadFile(files[kind][0])
		if strings.HasPrefix(string(raw), "\uFEFF") != bom || !utf8.Valid(raw) {
			t.Errorf("%s: want UTF-8, BOM %v", kind, bom)
		}
	}
}

func TestXLSXDateCells(t *testing.T) {
	dir, _, _ := small(t)
	path := walk(t, dir)[kindSettlements][0]
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	if sheet != "Mottagna" {
		t.Errorf("sheet %q, want Mottagna", sheet)
	}
	tb := readXLSX(t, path)
	permit, settled := tb.col("uppehållstillstånd"), tb.col("Kommunmottagen")
	dates := 0
	for i := range tb.rows {
		for _, c := range []int{permit, settled} {
			if tb.dates[[2]int{i, c}] {
				dates++
			}
		}
	}
	// Every date but the few bad text dates is a date cell.
	if n := 2 * len(tb.rows); dates < n*99/100 {
		t.Errorf("%d of %d date values are date cells", dates, n)
	}
	// The first data row by hand: a serial number with a date style.
	v, err := f.GetCellValue(sheet, "D2", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	d, err := parseDate(v, true)
	if err != nil || d.Year() < 2021 || d.After(testToday) {
		t.Errorf("D2 raw %q = %v (%v), want a serial within the last five years", v, d, err)
	}
	styled, _ := f.GetCellValue(sheet, "D2")
	if styled == v {
		t.Errorf("D2 shows %q formatted as raw: no date style", styled)
	}
}

func TestUnknownScale(t *testing.T) {
	if _, err := Write(context.Background(), t.TempDir(), Options{Scale: "galactic"}); err == nil {
		t.Fatal("want an error for an unknown scale")
	}
}

// pnrShape names the form of a (valid) identity number.
func pnrShape(s string) string {
	switch {
	case len(s) == 13 && (s[6] == '6' || s[6] == '7' || s[6] == '8' || s[6] == '9'):
		return "samordningsnummer"
	case len(s) == 13:
		return "YYYYMMDD-NNNN"
	case len(s) == 12:
		return "YYYYMMDDNNNN"
	case s[6] == '+':
		return "YYMMDD+NNNN"
	}
	return "YYMMDD-NNNN"
}
