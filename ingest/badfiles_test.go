package ingest

import (
	"bytes"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

const regHeader = "person_id,municipality,registered_on,language\n"

// badFile is one file of a bad shape and what must happen to it.
type badFile struct {
	rel    string // path below the inbox
	data   func(t *testing.T, e *env) []byte
	status string
	errHas string // substring of the error (failed) — what to fix
	read   int64
	loaded int64
}

func static(s string) func(*testing.T, *env) []byte {
	return func(*testing.T, *env) []byte { return []byte(s) }
}

func goodXLSX(t *testing.T, e *env) []byte {
	p := filepath.Join(e.dir, "tmp.xlsx")
	csvToXLSX(t, KindByName("so_certificates"), filepath.Join("testdata", "kinds", "so_certificates.csv"), p, false)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var badFiles = []badFile{
	{rel: "so_registrations/01_empty.csv", data: static(""), status: StatusFailed, errHas: "the file is empty"},
	{rel: "so_registrations/02_header_only.csv", data: static(regHeader), status: StatusLoaded},
	{rel: "so_registrations/03_blank_lines_only.csv", data: static("\n\n;;;\n"), status: StatusFailed, errHas: "the file is empty"},
	{rel: "so_registrations/04_binary.csv", data: func(*testing.T, *env) []byte {
		b := make([]byte, 4096)
		rand.New(rand.NewSource(1)).Read(b)
		return b
	}, status: StatusFailed, errHas: "NUL bytes"},
	{rel: "so_registrations/05_truncated_quote.csv", data: static(regHeader + "19850709-9805,0127,2024-01-15,ar\n900315-1231,\"Botkyrka,2024-01-15,ar\n"),
		status: StatusFailed, errHas: "line 3: extraneous or missing \" in quoted-field"},
	{rel: "so_registrations/06_utf16.csv", data: func(t *testing.T, _ *env) []byte {
		b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(regHeader + "19850709-9805,0127,2024-01-15,ar\n"))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}, status: StatusFailed, errHas: "UTF-16"},
	{rel: "so_registrations/07_latin1.csv", data: func(t *testing.T, _ *env) []byte {
		b, err := charmap.ISO8859_1.NewEncoder().Bytes([]byte("Personnummer;Kommun;Anmäld;Språk\n19850709-9805;Malmö;2024-01-15;Svenska\n"))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}, status: StatusLoaded, read: 1, loaded: 1},
	{rel: "so_registrations/08_long_line.csv", data: static(regHeader + "19850709-9805,0127,2024-01-15," + strings.Repeat("a", 2<<20) + "\n"),
		status: StatusFailed, errHas: "line 2 is 2097182 bytes long"},
	{rel: "so_registrations/09_missing_column.csv", data: static("person_id,municipality,language\n19850709-9805,0127,ar\n"),
		status: StatusFailed, errHas: "required columns missing for so_registrations: registered_on"},
	{rel: "so_registrations/10_duplicate_column.csv", data: static("person_id,pnr,municipality,registered_on,language\n"),
		status: StatusFailed, errHas: `columns "person_id" and "pnr" both mean person_id`},
	{rel: "so_registrations/11_field_count.csv", data: static(regHeader + "19850709-9805,0127,2024-01-15,ar\n900315-1231,0127,2024-01-15,ar,1,5\n"),
		status: StatusLoaded, read: 2, loaded: 1},
	{rel: "so_certificates/12_garbage.xlsx", data: static("this is not a workbook"), status: StatusFailed, errHas: "not a readable XLSX workbook"},
	{rel: "so_certificates/13_truncated.xlsx", data: func(t *testing.T, e *env) []byte {
		b := goodXLSX(t, e)
		return b[:len(b)/2]
	}, status: StatusFailed, errHas: "XLSX"},
	{rel: "so_certificates/14_good.xlsx", data: goodXLSX, status: StatusLoaded, read: 3, loaded: 2},
	// no column of any kind: not an export, left in place and named
	{rel: "15_unknown_header.csv", data: static("foo;bar;baz\n1;2;3\n"), status: "ignored", errHas: "header row matches no file kind"},
	{rel: "16_old.xls", data: static("\xd0\xcf\x11\xe0 old excel"), status: StatusFailed, errHas: "not supported"},
	{rel: "so_registrations/18_sep_line.csv", data: static("sep=;\r\nperson_id;municipality;registered_on;language\r\n19850709-9805;0127;2024-01-15;ar\r\n900315-1231;0127;2024-13-15;ar\r\n"),
		status: StatusLoaded, read: 2, loaded: 1},
	{rel: "so_registrations/19_mixed_encoding.csv", data: static("Personnummer;Kommun;Anmälningsdatum;Språk\n19850709-9805;Malm\xf6;2024-01-15;ar\n"),
		status: StatusFailed, errHas: "line 2 is not UTF-8, yet the file holds UTF-8 letters"},
	{rel: "17_root_certificates.csv", data: static("Personnummer,Intygsdatum\n19850709-9805,2024-06-01\n"), status: StatusLoaded, read: 1, loaded: 1},
}

// TestBadFiles puts files of every bad shape into one inbox: each bad file
// fails alone with a message saying what to fix, the others load.
func TestBadFiles(t *testing.T) {
	e := newEnv(t)
	for _, f := range badFiles {
		writeFile(t, filepath.Join(e.inbox, f.rel), f.data(t, e))
	}
	sum := e.run()
	byName := map[string]FileResult{}
	for _, r := range sum.Files {
		byName[r.Name] = r
	}
	failed := 0
	for _, f := range badFiles {
		name := filepath.Base(f.rel)
		if f.status == "ignored" {
			if len(sum.Ignored) != 1 || sum.Ignored[0].Path != f.rel || !strings.Contains(sum.Ignored[0].Why, f.errHas) || !exists(filepath.Join(e.inbox, f.rel)) {
				t.Errorf("%s: ignored %+v, want it left in the inbox and named", name, sum.Ignored)
			}
			continue
		}
		r, ok := byName[name]
		if !ok {
			t.Errorf("%s: no result", name)
			continue
		}
		if r.Status != f.status {
			t.Errorf("%s: status %s, want %s (error %q)", name, r.Status, f.status, r.Error)
			continue
		}
		if f.status == StatusFailed {
			failed++
			if !strings.Contains(r.Error, f.errHas) {
				t.Errorf("%s: error %q, want it to contain %q", name, r.Error, f.errHas)
			}
			errFile := filepath.Join(e.fail, f.rel+".error.txt")
			b, err := os.ReadFile(errFile)
			if err != nil {
				t.Errorf("%s: %v", name, err)
			} else if !bytes.Contains(b, []byte(f.errHas)) {
				t.Errorf("%s: .error.txt does not say %q:\n%s", name, f.errHas, b)
			}
			if !exists(filepath.Join(e.fail, f.rel)) || exists(filepath.Join(e.inbox, f.rel)) {
				t.Errorf("%s: not moved to failed/", name)
			}
			var status, msg string
			if err := e.db.QueryRow(`SELECT status, error FROM files WHERE file_id = ?`, r.FileID).Scan(&status, &msg); err != nil || status != StatusFailed || msg != r.Error {
				t.Errorf("%s: files row %q %q %v", name, status, msg, err)
			}
			continue
		}
		if r.RowsRead != f.read || r.RowsLoaded != f.loaded {
			t.Errorf("%s: read %d loaded %d, want %d %d", name, r.RowsRead, r.RowsLoaded, f.read, f.loaded)
		}
		if !exists(filepath.Join(e.archive, f.rel)) {
			t.Errorf("%s: not archived", name)
		}
	}
	if sum.Failed != failed {
		t.Errorf("summary says %d failed, want %d", sum.Failed, failed)
	}
	// failed files left no data rows
	for _, k := range KindNames() {
		if n := e.count(`SELECT count(*) FROM ` + k + ` WHERE file_id IN (SELECT file_id FROM files WHERE status = 'failed')`); n != 0 {
			t.Errorf("%s: %d rows from failed files", k, n)
		}
	}
	got := e.rejects("so_registrations")
	if len(got) != 2 || got[0] != "3|∅|wrong_field_count" || got[1] != "4|registered_on|invalid_date" {
		t.Errorf("field count rejects %q", got)
	}
}
