package ingest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoRawPersonnummer loads every fixture, files that fail with a
// personnummer in their header, and personnummer typed into other columns;
// then no form of any personnummer may appear in any table column, rejected
// row, log line, .error.txt file, summary, or the bytes of the database and
// its WAL.
func TestNoRawPersonnummer(t *testing.T) {
	e := newEnv(t)
	for i, c := range kindCases {
		src := filepath.Join("testdata", "kinds", c.kind+".csv")
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(e.inbox, c.kind, "1.csv"), b)
		csvToXLSX(t, KindByName(c.kind), src, filepath.Join(e.inbox, c.kind, "2.xlsx"), i%2 == 1)
	}
	copyTree(t, filepath.Join("testdata", "encodings", "inbox"), e.inbox)
	// a header-less file in the inbox root: its first row (with a
	// personnummer) is taken for the header, which fits no kind: the file
	// is left alone and named (masked) in the log and summary
	writeFile(t, filepath.Join(e.inbox, "no_header.csv"), []byte("19850709-9805,0127,2024-01-15,ar\n900315-1231,0127,2024-01-15,ar\n"))
	// the same in a kind folder: required columns missing, header quoted
	writeFile(t, filepath.Join(e.inbox, "so_registrations", "3_no_header.csv"), []byte("880808-2468;0127;2024-01-15;ar\n"))
	// a file named after a person (its name must not reach the database)
	writeFile(t, filepath.Join(e.inbox, "so_certificates", "intyg_19850709-9805.csv"), []byte("pnr,intygsdatum\n880808-2468,2024-06-01\n"))
	// personnummer in free-text and identifier columns
	writeFile(t, filepath.Join(e.inbox, "so_registrations", "5_freetext.csv"), []byte(
		"pnr;kommun;anmäld;språk;anmäld av\n199003151231;0127;2024-01-02;ar;Handläggare 770101-5559\n"))
	writeFile(t, filepath.Join(e.inbox, "so_attendance", "6_group.csv"), []byte(
		"pnr;datum;timmar;grupp\n199003151231;2024-01-02;3;G19880808-2468\n199003151231;2024-01-03;3;grupp200112242342\n"))
	writeFile(t, filepath.Join(e.inbox, "settlements", "7_country.csv"), []byte(
		"pnr,kommun,beslutsdatum,mottagningsdatum,födelseland\n197701015559,0127,2023-01-01,2023-02-01,Syrien (pass 9211634564)\n"))
	// personnummer in the wrong columns, in every form
	var b strings.Builder
	b.WriteString("person_id,municipality,registered_on,language,referred_by\n")
	for _, p := range persons {
		for _, f := range p.forms {
			fmt.Fprintf(&b, "%s,%s,%s,%s,ok\n", "19850709-9805", f, "2024-01-01", "ar") // municipality
			fmt.Fprintf(&b, "%s,0127,%s,ar,ok\n", f, f)                                 // registered_on (and a bad or good person)
			fmt.Fprintf(&b, "xx%s,0127,2024-01-01,ar,ok\n", f)                          // invalid person id
		}
	}
	writeFile(t, filepath.Join(e.inbox, "so_registrations", "4_misplaced.csv"), []byte(b.String()))

	sum := e.run()
	if sum.Failed != 1 || len(sum.Ignored) != 1 || !strings.Contains(sum.Ignored[0].Why, `"19850709-****"`) {
		t.Errorf("%d failed files, ignored %+v; want 1 and no_header.csv", sum.Failed, sum.Ignored)
	}
	var out bytes.Buffer
	sum.Print(&out)

	var forms []string
	for _, p := range persons {
		forms = append(forms, p.forms...)
	}
	// (1) every text and integer column of every table, via SQL
	type col struct{ table, column string }
	var cols []col
	rows, err := e.db.Query(`SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = 'main' AND (data_type LIKE '%CHAR%' OR data_type LIKE '%INT%')`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var c col
		if err := rows.Scan(&c.table, &c.column); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, c)
	}
	rows.Close()
	if len(cols) < 40 {
		t.Fatalf("only %d columns found", len(cols))
	}
	var conds []string
	for _, f := range forms {
		conds = append(conds, fmt.Sprintf("contains(v, '%s')", f))
	}
	for _, c := range cols {
		q := fmt.Sprintf(`SELECT count(*) FROM (SELECT CAST("%s" AS VARCHAR) AS v FROM "%s") WHERE %s`, c.column, c.table, strings.Join(conds, " OR "))
		if n := e.count(q); n != 0 {
			t.Errorf("%s.%s: %d values hold a raw personnummer", c.table, c.column, n)
		}
	}
	// (2) rejected rows carry masked values
	masked := e.strings(`SELECT DISTINCT value FROM rejected_rows WHERE "column" = 'person_id' ORDER BY 1`)
	for _, v := range masked {
		if strings.ContainsAny(strings.TrimSuffix(v, "-****"), "+") || (len(v) > 9 && !strings.HasSuffix(v, "-****")) {
			t.Errorf("person_id value %q not masked", v)
		}
	}
	if n := e.count(`SELECT count(*) FROM rejected_rows WHERE value = '19850709-****'`); n == 0 {
		t.Errorf("no masked value 19850709-**** among rejected rows")
	}
	// (3) logs, (4) .error.txt files and the summary
	texts := map[string][]byte{"logs": []byte(e.logs.String()), "summary": out.Bytes()}
	filepath.Walk(e.fail, func(p string, info os.FileInfo, err error) error {
		if err == nil && strings.HasSuffix(p, ".error.txt") {
			texts[p], _ = os.ReadFile(p)
		}
		return nil
	})
	if len(texts) != 3 {
		t.Errorf("%d texts (want logs, summary, 1 error file)", len(texts))
	}
	e.close() // checkpoint: the WAL is folded into the database file
	e.open()
	for _, p := range []string{e.dbPath, e.dbPath + ".wal"} {
		if b, err := os.ReadFile(p); err == nil {
			texts[p] = b
		}
	}
	for name, b := range texts {
		for _, f := range forms {
			if bytes.Contains(b, []byte(f)) {
				t.Errorf("%s holds the raw personnummer %s", name, f)
			}
		}
	}
	for q, want := range map[string]int64{
		`SELECT count(*) FROM so_registrations WHERE referred_by = 'Handläggare 19770101-****'`: 1,
		// a key column shaped like a personnummer rejects the row (masking could merge keys)
		`SELECT count(*) FROM rejected_rows WHERE reason = 'personnummer_in_id' AND value IN ('G19880808-****', 'grupp20011224-****')`: 2,
		`SELECT count(*) FROM settlements WHERE birth_country = 'Syrien (pass 19921163-****)'`:                                         1,
	} {
		if n := e.count(q); n != want {
			t.Errorf("%s: %d, want %d", q, n, want)
		}
	}
	if n := e.count(`SELECT count(*) FROM files WHERE name = 'intyg_19850709-****.csv'`); n != 1 {
		t.Errorf("%d files named intyg_19850709-****.csv", n)
	}
	if !strings.Contains(e.logs.String(), "file loaded") || !strings.Contains(out.String(), "4_misplaced.csv") {
		t.Errorf("logs or summary are empty:\n%s\n%s", e.logs.String(), out.String())
	}
}
