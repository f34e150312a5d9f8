package ingest

import (
	"context"
	"database/sql/driver"
	"errors"
	"hash/maphash"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// countSink counts what the pipeline delivers.
type countSink struct{ good, rejected int64 }

func (c *countSink) rows(vals []driver.Value, lines []int64, keys []uint64, width int) error {
	if len(vals)%width != 0 || len(vals)/width != len(keys) || len(lines) != len(keys) {
		return errors.New("ragged batch")
	}
	c.good += int64(len(vals) / width)
	return nil
}

func (c *countSink) reject(r reject) error {
	if r.reason == "" || r.message == "" || r.line < 2 {
		return errors.New("incomplete reject")
	}
	c.rejected++
	return nil
}

// readFile runs the whole reading side of a load (scan, encoding, header,
// kind, validation) without a database.
func readFile(t *testing.T, path, kind string) (counts, *countSink, error) {
	info, err := scanFile(path, "")
	if err != nil {
		return counts{}, nil, err
	}
	src, err := openSource(path, info, kind, DefaultXLSXLimits(), DefaultCSVMaxRows)
	if err != nil {
		return counts{}, nil, err
	}
	defer src.Close()
	k := KindByName(kind)
	if k == nil {
		if k, err = detectKind(src.Header()); err != nil {
			return counts{}, nil, err
		}
	}
	h, err := matchHeader(k, src.Header())
	if err != nil {
		return counts{}, nil, err
	}
	if len(h.missing) > 0 {
		return counts{}, nil, errors.New("missing columns")
	}
	persons := newPersonCache()
	persons.begin()
	seed := maphash.MakeSeed()
	vals := []*validator{
		newValidator(k, h, len(src.Header()), src.XLSX(), testKey, testToday, persons, seed),
		newValidator(k, h, len(src.Header()), src.XLSX(), testKey, testToday, persons, seed),
	}
	sk := &countSink{}
	c, err := pump(context.Background(), src, vals, stageWidth(k), sk, nil)
	return c, sk, err
}

func fuzzCheck(t *testing.T, path, kind string) {
	c, sk, err := readFile(t, path, kind)
	if err != nil {
		if strings.Contains(err.Error(), "internal error") {
			t.Fatalf("panic inside the reader: %v", err)
		}
		var fe *errFile
		if !errors.As(err, &fe) && !strings.Contains(err.Error(), "matches no file kind") &&
			!strings.Contains(err.Error(), "several file kinds") && !strings.Contains(err.Error(), "both mean") &&
			err.Error() != "missing columns" {
			t.Fatalf("error is not a file error: %v", err)
		}
		return
	}
	if c.read != c.good+c.rejected || sk.good != c.good || sk.rejected != c.rejected {
		t.Fatalf("read %d, good %d, rejected %d; sink %d %d", c.read, c.good, c.rejected, sk.good, sk.rejected)
	}
}

// FuzzReadCSV: arbitrary bytes as a CSV file, in a kind folder and in the
// inbox root, never panic, and every row read is good or rejected.
func FuzzReadCSV(f *testing.F) {
	for _, c := range kindCases {
		b, err := os.ReadFile(filepath.Join("testdata", "kinds", c.kind+".csv"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, p := range []string{"encodings/inbox/bom.csv", "encodings/inbox/so_registrations/latin1.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata", p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(""))
	f.Add([]byte("\xef\xbb\xbf"))
	f.Add([]byte(regHeader + "\"a\"\"b\",\"\n\",x,y\n"))
	f.Add([]byte("person_id;session_date;hours\n19850709-9805;2024-01-01;1,5;x\n\x00"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(dir, "f.csv")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		fuzzCheck(t, p, "so_registrations")
		fuzzCheck(t, p, "so_attendance")
		fuzzCheck(t, p, "")
	})
}

// FuzzReadXLSX: arbitrary bytes as an XLSX workbook never panic.
func FuzzReadXLSX(f *testing.F) {
	dir := f.TempDir()
	for i, c := range kindCases[:3] {
		p := filepath.Join(dir, c.kind+".xlsx")
		csvToXLSX(f, KindByName(c.kind), filepath.Join("testdata", "kinds", c.kind+".csv"), p, i%2 == 0)
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)*2/3])
	}
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(dir, "f.xlsx")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		fuzzCheck(t, p, "so_registrations")
		fuzzCheck(t, p, "")
	})
}
