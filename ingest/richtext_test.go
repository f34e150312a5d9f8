package ingest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestRichTextMasked: a rich-text XLSX cell whose runs hold the parts of a
// personnummer ("800101" / "   -   " / "1234", 2026-12-02) is read as one
// text and masked like any other, and a file name of that shape is masked
// in the files table.
func TestRichTextMasked(t *testing.T) {
	e := newEnv(t)
	f := excelize.NewFile()
	defer f.Close()
	for cell, v := range map[string]string{"A1": "pnr", "B1": "kommun", "C1": "anmäld", "D1": "språk", "E1": "anmäld av",
		"A2": genPNR(0), "B2": "0127", "C2": "2024-01-02", "D2": "ar"} {
		if err := f.SetCellStr("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SetCellRichText("Sheet1", "E2", []excelize.RichTextRun{
		{Text: "Handläggare 800101"}, {Text: "   -   ", Font: &excelize.Font{Bold: true}}, {Text: "1234"},
	}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(e.inbox, "so_registrations")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(filepath.Join(dir, "reg 19800101   -   1234.xlsx")); err != nil {
		t.Fatal(err)
	}
	e.run()
	for _, c := range []struct{ q, want string }{
		{`SELECT referred_by FROM so_registrations`, "Handläggare 19800101-****"},
		{`SELECT name FROM files WHERE name LIKE 'reg%'`, "reg 19800101-****.xlsx"},
	} {
		got := e.strings(c.q)
		if len(got) != 1 || got[0] != c.want {
			t.Errorf("%s = %q, want %q", c.q, got, c.want)
		}
	}
}
