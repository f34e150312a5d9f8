package ingest

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestRemask: text stored under an older masking (here written into the
// tables as a load before 2026-12-02 kept it: part of a personnummer
// unmasked) is masked again by the next run, once; a natural key holding
// part of one is left and reported.
func TestRemask(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := e.db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`INSERT INTO files (file_id, path, name, kind, sha256, size_bytes, status, started_at, finished_at, duration_ms, error, rows_read, rows_loaded, rows_rejected, rows_replaced)
		VALUES (1, 'interventions/lista 811218-987.csv', 'lista 811218-987.csv', 'interventions', 'x', 1, 'loaded', now(), now(), 1, NULL, 7, 2, 5, 0),
		       (2, 'so_registrations/a.csv', 'a.csv', 'so_registrations', 'y', 1, 'failed', now(), now(), 1, 'rad 2: x 811218987', 0, 0, 0, 0)`)
	ins := `INSERT INTO interventions (intervention_id, name, provider_municipality, category, description, contact, file_id, line) VALUES (?, ?, '0127', 'arbete', ?, ?, 1, ?)`
	exec(ins, "K-1", "Jobbspår", "Ring 19811218 987 för plats", "08-123 45 67", 2)
	exec(ins, "K-811218-987", "Språkpraktik 2", "Svenska på arbetsplatsen", "tel 081234567", 3)
	exec(`INSERT INTO rejected_rows VALUES (1, 'interventions', 4, 'start', 'x 811218987', 'invalid_date', '"x 811218987" is not a date (expected YYYY-MM-DD)'),
	                                        (1, 'interventions', 5, 'start', '2019-02-30', 'invalid_date', '"2019-02-30" is not a date (expected YYYY-MM-DD)'),
	                                        (1, 'interventions', 6, 'start', 'x 800101_1234', 'invalid_date', 'not a date'),
	                                        (1, 'interventions', 7, 'start', 'x 800101&#45;1234', 'invalid_date', 'not a date'),
	                                        (1, 'interventions', 8, 'start', 'x 800101   -   1234', 'invalid_date', 'not a date')`)
	exec(`DELETE FROM mask_state`)

	e.run()
	query := func(q string) string {
		t.Helper()
		var s string
		if err := e.db.QueryRowContext(ctx, q).Scan(&s); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return s
	}
	tests := []struct{ q, want string }{
		{`SELECT description FROM interventions WHERE line = 2`, "Ring 19811218-**** för plats"},
		{`SELECT contact FROM interventions WHERE line = 2`, "08-123 45 67"},
		{`SELECT contact FROM interventions WHERE line = 3`, "tel 081234567"},
		{`SELECT intervention_id FROM interventions WHERE line = 3`, "K-811218-987"}, // a key: left, reported
		{`SELECT name FROM files WHERE file_id = 1`, "lista 19811218-****.csv"},
		{`SELECT path FROM files WHERE file_id = 1`, "interventions/lista 19811218-****.csv"},
		{`SELECT error FROM files WHERE file_id = 2`, "rad 2: x 19811218-****"},
		{`SELECT value FROM rejected_rows WHERE line = 4`, "x 19811218-****"},
		{`SELECT message FROM rejected_rows WHERE line = 4`, `"x 19811218-****" is not a date (expected YYYY-MM-DD)`},
		{`SELECT value FROM rejected_rows WHERE line = 5`, "2019-02-30"},
		// masking version 3: an underscore joins the parts too
		{`SELECT value FROM rejected_rows WHERE line = 6`, "x 19800101-****"},
		// masking version 4: an escape is the character it stands for,
		// white space around a hyphen counts once
		{`SELECT value FROM rejected_rows WHERE line = 7`, "x 19800101-****"},
		{`SELECT value FROM rejected_rows WHERE line = 8`, "x 19800101-****"},
		{`SELECT string_agg(version || ':' || cells, ',') FROM mask_state`, strconv.Itoa(maskVersion) + ":9"}, // description, name, path, error, value, message, three values
	}
	for _, tc := range tests {
		if got := query(tc.q); got != tc.want {
			t.Errorf("%s = %q, want %q", tc.q, got, tc.want)
		}
	}
	if logs := e.logs.String(); !strings.Contains(logs, "shaped like part of a personnummer") || !strings.Contains(logs, "kind=interventions") {
		t.Errorf("the key holding part of a personnummer is not reported:\n%s", logs)
	}

	// once: text written later under the current masking is not read again
	exec(`UPDATE interventions SET description = 'Ring 811218-987' WHERE line = 2`)
	e.run()
	if got := query(`SELECT description FROM interventions WHERE line = 2`); got != "Ring 811218-987" {
		t.Errorf("a second run masked again: %q", got)
	}
	if got := query(`SELECT count(*)::VARCHAR FROM mask_state`); got != "1" {
		t.Errorf("%s mask_state rows after two runs, want 1", got)
	}
}

// TestRemaskErrorFiles: an .error.txt written by an older masking (part
// of a personnummer in its name and text) is masked again by the next
// run, name and text but its sha256 and time lines; one already masked,
// a symbolic link and a file the loader did not write are left as they
// are, and a second run changes nothing.
func TestRemaskErrorFiles(t *testing.T) {
	e := newEnv(t)
	dir := filepath.Join(e.fail, "interventions")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	const sha = "0123456789811218987012345678901234567890123456789012345678901234"
	old := "effekt could not load this file; none of its rows were loaded.\n\nfile:    lista 811218-987.csv\nkind:    interventions\n" +
		"sha256:  " + sha + "\ntime:    2026-12-01T10:11:12Z\n\nproblem: rad 2: \"x 811218987\" is not a date\n"
	write := func(name, text string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	oldPath := write("lista 811218-987.csv.error.txt", old)
	write("lista 811218-987.csv", "the failed file keeps its name\n")
	clean := "effekt could not load this file\n\nproblem: 19811218-**** and nothing else\n"
	cleanPath := write("b.csv.error.txt", clean)
	big := strings.Repeat("811218987 ", maxErrorFile/10+1)
	bigPath := write("big.csv.error.txt", big)
	if err := os.Symlink(oldPath, filepath.Join(dir, "link 811218-987.csv.error.txt")); err != nil {
		t.Fatal(err)
	}

	e.run()
	newPath := filepath.Join(dir, "lista 19811218-****.csv.error.txt")
	got, err := os.ReadFile(newPath)
	if err != nil {
		t.Fatalf("the masked name: %v", err)
	}
	want := strings.NewReplacer("lista 811218-987", "lista 19811218-****", `"x 811218987"`, `"x 19811218-****"`).Replace(old)
	if string(got) != want {
		t.Errorf("masked again:\n%s\nwant:\n%s", got, want)
	}
	if _, err := os.Lstat(oldPath); !os.IsNotExist(err) {
		t.Errorf("the old name is still there: %v", err)
	}
	for p, text := range map[string]string{cleanPath: clean, bigPath: big, filepath.Join(dir, "lista 811218-987.csv"): "the failed file keeps its name\n"} {
		if b, err := os.ReadFile(p); err != nil || string(b) != text {
			t.Errorf("%s changed: %v", filepath.Base(p), err)
		}
	}
	if target, err := os.Readlink(filepath.Join(dir, "link 811218-987.csv.error.txt")); err != nil || target != oldPath {
		t.Errorf("the symbolic link was touched: %q %v", target, err)
	}
	if !strings.Contains(e.logs.String(), "files=1") {
		t.Errorf("the log does not count one file masked again:\n%s", e.logs.String())
	}
	if n := remaskErrorFiles(e.fail, slog.New(slog.DiscardHandler)); n != 0 {
		t.Errorf("a second pass changed %d files", n)
	}

	// masking version 4 (2026-12-02): white space around a hyphen and an
	// HTML character reference, in the name and the text
	v4 := strings.NewReplacer("lista 811218-987", "reg 19800101   -   1234", `"x 811218987"`, `"x 800101&#45;1234"`).Replace(old)
	v4Path := write("reg 19800101   -   1234.csv.error.txt", v4)
	if n := remaskErrorFiles(e.fail, slog.New(slog.DiscardHandler)); n != 1 {
		t.Errorf("masking v4: %d files masked again, want 1", n)
	}
	got, err = os.ReadFile(filepath.Join(dir, "reg 19800101-****.csv.error.txt"))
	if err != nil {
		t.Fatalf("masking v4, the masked name: %v", err)
	}
	if want := strings.NewReplacer("reg 19800101   -   1234", "reg 19800101-****", `"x 800101&#45;1234"`, `"x 19800101-****"`).Replace(v4); string(got) != want {
		t.Errorf("masking v4, masked again:\n%s\nwant:\n%s", got, want)
	}
	if _, err := os.Lstat(v4Path); !os.IsNotExist(err) {
		t.Errorf("masking v4: the old name is still there: %v", err)
	}
}
