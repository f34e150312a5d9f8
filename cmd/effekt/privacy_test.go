package main

// The whole-system privacy checks of the demo: no personnummer in any form
// anywhere effekt writes, invalid ones masked, pseudonyms keyed.

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/server"
)

// idCell is one person_id cell of an inbox file.
type idCell struct {
	file, column, raw string
	line              int64 // CSV line or XLSX row, header = 1
}

// personHeaders are the person_id header names (SPEC §2), normalised.
var personHeaders = map[string]bool{"person_id": true, "personnummer": true, "pnr": true, "personnr": true, "samordningsnummer": true}

func normHeader(h string) string {
	h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
	return strings.NewReplacer(" ", "_", "-", "_").Replace(h)
}

// readInbox collects every cell of every person_id column under dir and the
// sha256 of each file. Every kind but interventions has such a column.
func readInbox(dir string) ([]idCell, map[string]string, error) {
	var ids []idCell
	shas := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		shas[e.Name()] = sha(b)
		var rows [][]string
		var lines []int64
		switch filepath.Ext(p) {
		case ".csv":
			rows, lines, err = readCSV(b)
		case ".xlsx":
			rows, lines, err = readXLSX(p)
		default:
			return fmt.Errorf("%s: unexpected file in the inbox", p)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		col := -1
		for i, h := range rows[0] {
			if personHeaders[normHeader(h)] {
				col = i
			}
		}
		if col < 0 {
			if filepath.Base(filepath.Dir(p)) == "interventions" {
				return nil
			}
			return fmt.Errorf("%s: no person_id column in %q", p, rows[0])
		}
		for i, r := range rows[1:] {
			if col < len(r) && strings.TrimSpace(r[col]) != "" {
				ids = append(ids, idCell{file: e.Name(), column: rows[0][col], raw: r[col], line: lines[i+1]})
			}
		}
		return nil
	})
	return ids, shas, err
}

// readCSV decodes UTF-8 (BOM dropped) or else Windows-1252 and splits on
// the header's separator.
func readCSV(b []byte) ([][]string, []int64, error) {
	if !utf8.Valid(b) {
		var err error
		if b, err = charmap.Windows1252.NewDecoder().Bytes(b); err != nil {
			return nil, nil, err
		}
	}
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	head, _, _ := bytes.Cut(b, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(b))
	r.Comma = ','
	if bytes.Count(head, []byte(";")) > bytes.Count(head, []byte(",")) {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	var rows [][]string
	var lines []int64
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, lines, nil
		}
		if err != nil {
			return nil, nil, err
		}
		line, _ := r.FieldPos(0)
		rows, lines = append(rows, rec), append(lines, int64(line))
	}
}

func readXLSX(p string) ([][]string, []int64, error) {
	f, err := excelize.OpenFile(p, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	it, err := f.Rows(f.GetSheetList()[0])
	if err != nil {
		return nil, nil, err
	}
	var rows [][]string
	var lines []int64
	for n := int64(1); it.Next(); n++ {
		r, err := it.Columns()
		if err != nil {
			return nil, nil, err
		}
		rows, lines = append(rows, r), append(lines, n)
	}
	return rows, lines, it.Close()
}

// canonical returns the 12 digits of a written person id (the century of a
// 10-digit form is the one that makes the person younger than 100 this
// year, '+' 100 years more), and false when s is not one of the forms.
func canonical(s string, today time.Time) (string, bool) {
	s = strings.TrimSpace(s)
	plus := false
	if len(s) == 11 || len(s) == 13 {
		sep := s[len(s)-5]
		if sep != '-' && sep != '+' {
			return "", false
		}
		plus = sep == '+'
		s = s[:len(s)-5] + s[len(s)-4:]
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return "", false
		}
	}
	switch len(s) {
	case 12:
		return s, !plus
	case 10:
		yy, _ := strconv.Atoi(s[:2])
		y := today.Year()/100*100 + yy
		if y > today.Year() {
			y -= 100
		}
		if plus {
			y -= 100
		}
		return fmt.Sprintf("%04d", y)[:2] + s, true
	}
	return "", false
}

// realDate reports whether the first 8 digits of c12 are a real date
// (day − 60 for a samordningsnummer).
func realDate(c12 string) bool {
	y, _ := strconv.Atoi(c12[:4])
	m, _ := strconv.Atoi(c12[4:6])
	dd, _ := strconv.Atoi(c12[6:8])
	if dd > 60 {
		dd -= 60
	}
	t := time.Date(y, time.Month(m), dd, 0, 0, 0, 0, time.UTC)
	return m >= 1 && m <= 12 && dd >= 1 && t.Month() == time.Month(m) && t.Day() == dd
}

// validID: a real date not after today and the Luhn digit over the
// 10-digit form.
func validID(c12 string, today time.Time) bool {
	if !realDate(c12) {
		return false
	}
	sum := 0
	for i, c := range c12[2:11] {
		v := int(c - '0')
		if i%2 == 0 {
			if v *= 2; v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	if byte('0'+(10-sum%10)%10) != c12[11] {
		return false
	}
	y, _ := strconv.Atoi(c12[:4])
	m, _ := strconv.Atoi(c12[4:6])
	dd, _ := strconv.Atoi(c12[6:8])
	if dd > 60 {
		dd -= 60
	}
	return !time.Date(y, time.Month(m), dd, 0, 0, 0, 0, time.UTC).After(today)
}

// maskOf is the only form SPEC §3 allows to be stored: YYYYMMDD-**** when
// the date is real, else ****.
func maskOf(c12 string) string {
	if realDate(c12) {
		return c12[:8] + "-****"
	}
	return "****"
}

// idForms are the five written forms of c12 (and YYMMDD+NNNN).
func idForms(c12 string) []string {
	return []string{c12[:8] + "-" + c12[8:], c12, c12[2:8] + "-" + c12[8:], c12[2:], c12[2:8] + "+" + c12[8:]}
}

// formsOf maps every form of every id (valid or not) to the id's mask, the
// only thing a failure message may show.
func formsOf(ids []idCell, today time.Time) map[string]string {
	forms := map[string]string{}
	for _, c := range ids {
		if c12, ok := canonical(c.raw, today); ok {
			for _, f := range idForms(c12) {
				forms[f] = maskOf(c12)
			}
		}
		if raw := strings.TrimSpace(c.raw); forms[raw] == "" {
			forms[raw] = "****"
		}
	}
	return forms
}

var (
	reDigits = regexp.MustCompile(`[0-9]{10,}`) // maximal digit runs of 10 or more
	reDash8  = regexp.MustCompile(`[0-9]{8}-[0-9]{4}`)
	reDash6  = regexp.MustCompile(`[0-9]{6}[-+][0-9]{4}`)
)

// findIDs returns (masked) the forms found in b: any 12-digit window of a
// digit run, a run of exactly 10 digits (every 10-digit window with
// windows10, for binary data), and the dashed forms. A bare 10-digit form
// inside a longer digit run is matched only with windows10: decimals such
// as 45.45454545454545 would otherwise give false hits in text.
func findIDs(b []byte, forms map[string]string, windows10 bool) []string {
	seen := map[string]bool{}
	hit := func(s []byte) {
		if m, ok := forms[string(s)]; ok {
			seen[m] = true
		}
	}
	for _, r := range reDigits.FindAll(b, -1) {
		if len(r) == 10 {
			hit(r)
		}
		for i := 0; i+12 <= len(r); i++ {
			hit(r[i : i+12])
		}
		for i := 0; windows10 && i+10 <= len(r); i++ {
			hit(r[i : i+10])
		}
	}
	for _, re := range []*regexp.Regexp{reDash8, reDash6} {
		for _, r := range re.FindAll(b, -1) {
			hit(r)
		}
	}
	out := make([]string, 0, len(seen))
	for m := range seen {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

// scanDBFiles byte-scans the database and its WAL (proves little: DuckDB
// compresses strings; the SQL scan is the real check). The names of the
// files read are recorded in the result as "read NAME".
func scanDBFiles(dir string, forms map[string]string) []string {
	var hits []string
	for _, n := range []string{"effekt.duckdb", "effekt.duckdb.wal"} {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			continue
		}
		hits = append(hits, fmt.Sprintf("read %s (%d bytes)", n, len(b)))
		for _, h := range findIDs(b, forms, true) {
			hits = append(hits, n+": "+h)
		}
	}
	return hits
}

// sqlHit is one column holding personnummer.
type sqlHit struct {
	column  string
	n       int64
	example string // masked
}

// scanColumn counts the distinct values of one column holding a form of a
// personnummer, with the same candidates as findIDs (windows10 false).
func scanColumn(ctx context.Context, conn *sql.Conn, catalog, schema, table, column string) (sqlHit, error) {
	q := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	col := q(column)
	query := fmt.Sprintf(`WITH v AS (SELECT CAST(%[1]s AS VARCHAR) AS s FROM %[2]s.%[3]s.%[4]s WHERE %[1]s IS NOT NULL),
runs AS (SELECT s, unnest(regexp_extract_all(s, '[0-9]{10,}')) AS r FROM v),
cand AS (
	SELECT s, r AS c FROM runs WHERE length(r) = 10
	UNION ALL SELECT s, substr(r, i, 12) FROM (SELECT s, r, unnest(range(1, length(r) - 10)) AS i FROM runs WHERE length(r) >= 12)
	UNION ALL SELECT s, unnest(regexp_extract_all(s, '[0-9]{8}-[0-9]{4}')) FROM v
	UNION ALL SELECT s, unnest(regexp_extract_all(s, '[0-9]{6}[-+][0-9]{4}')) FROM v)
SELECT count(DISTINCT s), coalesce(min(f.masked), '') FROM cand JOIN pnr_forms f ON f.form = cand.c`, col, q(catalog), q(schema), q(table))
	h := sqlHit{column: catalog + "." + schema + "." + table + "." + column}
	err := conn.QueryRowContext(ctx, query).Scan(&h.n, &h.example)
	if err != nil {
		return h, fmt.Errorf("%s: %w", h.column, err)
	}
	return h, nil
}

// loadForms puts the forms into the temporary table pnr_forms(form, masked).
func loadForms(ctx context.Context, conn *sql.Conn, forms map[string]string) error {
	var sb strings.Builder
	for f, m := range forms {
		if sb.Len() > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(f + ":" + m)
	}
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE pnr_forms AS
		SELECT split_part(x, ':', 1) AS form, split_part(x, ':', 2) AS masked FROM (SELECT unnest(string_split(?, ',')) AS x)`, sb.String()); err != nil {
		return fmt.Errorf("load forms: %w", err)
	}
	var n int
	if err := conn.QueryRowContext(ctx, `SELECT count(DISTINCT form) FROM pnr_forms`).Scan(&n); err != nil || n != len(forms) {
		return fmt.Errorf("pnr_forms holds %d forms, want %d (%v)", n, len(forms), err)
	}
	return nil
}

func TestDemoNoPersonnummerAnywhere(t *testing.T) {
	d := demoFixture(t)
	var persons int
	for _, c := range d.ids {
		if _, ok := canonical(c.raw, d.today); ok {
			persons++
		}
	}
	if persons != len(d.ids) || persons == 0 {
		t.Fatalf("%d of %d person_id cells are in one of the five forms", persons, len(d.ids))
	}
	var want int64
	for _, f := range d.stats.Files {
		if f.Kind != "interventions" {
			want += f.Rows
		}
	}
	if int64(len(d.ids)) != want {
		t.Fatalf("read %d person_id cells, the sample wrote %d rows with one", len(d.ids), want)
	}
	t.Logf("%d person_id cells, %d forms", len(d.ids), len(d.forms))

	// Positive controls: the scanner finds each form, and the ids of a
	// file the demo ingested in it and in its name.
	if got := findIDs([]byte(probeText(d)), d.forms, false); len(got) != 1 {
		t.Fatalf("found %v in the probe", got)
	}
	intyg, _ := filepath.Glob(filepath.Join(d.dir, "archive", "so_certificates", "intyg_*.csv"))
	if len(intyg) != 1 {
		t.Fatalf("archived %v, want the one intyg_*.csv of testdata/badinbox", intyg)
	}
	b, err := os.ReadFile(intyg[0])
	if err != nil || len(findIDs(b, d.forms, false)) != 1 || len(findIDs([]byte(intyg[0]), d.nameForms, false)) != 1 {
		t.Fatalf("the scan does not find the personnummer in and in the name of %s (%v)", intyg[0], err)
	}

	for _, set := range []struct {
		name  string
		forms map[string]string
	}{{"content", d.forms}, {"file name", d.nameForms}} {
		t.Run(set.name, func(t *testing.T) { privacyScan(t, d, set.forms, d.byteHits[set.name]) })
	}
}

// privacyScan looks for forms in the database (every column of every
// table and view, in SQL, and the raw bytes), the logs of the three runs,
// every file effekt wrote and the HTTP answers.
func privacyScan(t *testing.T, d *demoRun, forms map[string]string, byteHits []string) {
	ctx := context.Background()
	t.Run("database/sql", func(t *testing.T) {
		conn, err := d.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		f := maps.Clone(forms)
		for _, p := range idForms(probeID(d)) {
			f[p] = "probe"
		}
		if err := loadForms(ctx, conn, f); err != nil {
			t.Fatal(err)
		}
		// Positive control: the scan finds each of the five forms between
		// words in a text column, and the 12 digits in an integer column.
		if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE probe AS SELECT 'x ' || f || ' y' AS s, ?::BIGINT AS i
			FROM (SELECT unnest(string_split(?, ',')) AS f)`, idForms(probeID(d))[1], strings.Join(idForms(probeID(d)), ",")); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			col  string
			want int64
		}{{"s", 5}, {"i", 1}} {
			h, err := scanColumn(ctx, conn, "temp", "main", "probe", c.col)
			if err != nil || h.n != c.want {
				t.Fatalf("probe column %s: %d hits, want %d (%v)", c.col, h.n, c.want, err)
			}
		}
		rows, err := conn.QueryContext(ctx, `SELECT table_catalog, table_schema, table_name, column_name FROM information_schema.columns
			WHERE table_catalog NOT IN ('temp', 'system') AND table_schema NOT IN ('information_schema', 'pg_catalog')
			ORDER BY ALL`)
		if err != nil {
			t.Fatal(err)
		}
		var cols [][4]string
		for rows.Next() {
			var c [4]string
			if err := rows.Scan(&c[0], &c[1], &c[2], &c[3]); err != nil {
				t.Fatal(err)
			}
			cols = append(cols, c)
		}
		rows.Close()
		tables := map[string]bool{}
		for _, c := range cols {
			tables[c[2]] = true
			h, err := scanColumn(ctx, conn, c[0], c[1], c[2], c[3])
			if err != nil {
				t.Error(err)
				continue
			}
			if h.n > 0 {
				t.Errorf("%s: %d distinct values hold a personnummer, e.g. %s", h.column, h.n, h.example)
			}
		}
		if !tables["rejected_rows"] || !tables["so_attendance"] || !tables["files"] {
			t.Fatalf("information_schema lists only the tables %v", tables)
		}
		t.Logf("scanned %d columns of %d tables and views", len(cols), len(tables))
	})

	t.Run("database/bytes", func(t *testing.T) {
		var read, hits []string
		for _, h := range byteHits {
			if strings.HasPrefix(h, "read ") {
				read = append(read, h)
			} else {
				hits = append(hits, h)
			}
		}
		if len(read) == 0 {
			t.Fatal("the database file was not byte-scanned")
		}
		t.Logf("byte-scanned %v", read)
		if len(hits) > 0 {
			t.Errorf("the raw database files hold personnummer: %v", hits)
		}
	})

	t.Run("logs", func(t *testing.T) {
		for _, c := range []struct {
			name string
			b    []byte
		}{{"demo stdout", d.demo.stdout}, {"demo stderr", d.demo.stderr}, {"ingest stdout", d.rerun.stdout}, {"ingest stderr", d.rerun.stderr},
			{"bad ingest stdout", d.bad.stdout}, {"bad ingest stderr", d.bad.stderr}} {
			if len(c.b) == 0 {
				t.Errorf("%s is empty", c.name)
			}
			if h := findIDs(c.b, forms, false); len(h) > 0 {
				t.Errorf("%s holds personnummer: %v", c.name, h)
			}
		}
	})

	t.Run("files", func(t *testing.T) {
		scanned := map[string]int{}
		err := filepath.WalkDir(d.dir, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(d.dir, p)
			top, _, _ := strings.Cut(rel, string(filepath.Separator))
			switch {
			case e.IsDir() && top == "archive": // the sources' files themselves
				return filepath.SkipDir
			case e.IsDir() || strings.HasPrefix(top, "effekt.duckdb"): // database/bytes
				return nil
			}
			// failed/ holds the sources' files (scan their names only) and effekt's .error.txt.
			b := []byte(rel)
			if top != "failed" || strings.HasSuffix(rel, ".error.txt") {
				c, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				b = append(c, "\n"+rel...)
			}
			scanned[top]++
			if h := findIDs(b, forms, false); len(h) > 0 {
				t.Errorf("%s holds personnummer: %v", rel, h)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if scanned["exports"] != 7 || scanned["dashboards"] != 6 || scanned["failed"] != 8 || scanned[demoMarker] != 1 ||
			scanned["report-SOIS.html"] != 1 || scanned["report-INTRO-SODERTORN.html"] != 1 || len(scanned) != 6 {
			t.Errorf("scanned %v, want the 7 export and 6 dashboard files (3 boards, 2 provisioning, the gazetteer), the 4 failed files and their .error.txt, the demo's marker and its two reports", scanned)
		}
	})

	t.Run("http", func(t *testing.T) {
		var logs bytes.Buffer
		cfg := config.Default()
		cfg.Paths = config.Paths{Inbox: filepath.Join(d.dir, "inbox"), Archive: filepath.Join(d.dir, "archive"), Failed: filepath.Join(d.dir, "failed"),
			Database: filepath.Join(d.dir, "effekt.duckdb"), Exports: filepath.Join(d.dir, "exports"), Dashboards: filepath.Join(d.dir, "dashboards"),
			Audit: filepath.Join(t.TempDir(), "audit.jsonl")}
		cfg.Pseudonym.Key = testKey
		// micro data needs an evaluator's token; its answers are scanned too
		const evaluator = "evaluator-token-0123456789"
		cfg.API.Tokens = []config.Token{{Name: "eva", Role: config.RoleEvaluator, SHA256: config.HashToken(evaluator)}}
		srv, err := server.New(ctx, cfg, d.db, server.Options{Version: "test", Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/metrics", "/api/v1/rejects", "/api/v1/files", "/api/v1/files?status=failed", "/api/v1/jobs", "/api/v1/values",
			"/v3/kpi", "/v3/data/kpi/" + strings.Join(allKPIs, ",") + "/year/" + yearsUpTo(d.today.Year(), 6),
			"POST /api/v1/sql SELECT * FROM rejected_rows", "POST /api/v1/sql SELECT * FROM files"} {
			var req *http.Request
			if q, ok := strings.CutPrefix(path, "POST /api/v1/sql "); ok {
				body, _ := json.Marshal(map[string]string{"sql": q})
				req = httptest.NewRequest("POST", "/api/v1/sql", bytes.NewReader(body))
			} else {
				req = httptest.NewRequest("GET", path, nil)
			}
			req.Header.Set("Authorization", "Bearer "+evaluator)
			rec := httptest.NewRecorder()
			srv.Handler.ServeHTTP(rec, req)
			if rec.Code != 200 || rec.Body.Len() == 0 {
				t.Errorf("GET %s: %d, %d bytes", path, rec.Code, rec.Body.Len())
			}
			if h := findIDs(rec.Body.Bytes(), forms, false); len(h) > 0 {
				t.Errorf("GET %s answers personnummer: %v", path, h)
			}
			if path == "/metrics" && !bytes.Contains(rec.Body.Bytes(), []byte(`effekt_rejected_rows_total{kind="so_attendance",reason="invalid_person_id"}`)) {
				t.Errorf("/metrics lacks the rejected-row counters:\n%.2000s", rec.Body.String())
			}
		}
		if h := findIDs(logs.Bytes(), forms, false); len(h) > 0 {
			t.Errorf("the server's log holds personnummer: %v", h)
		}
		if b, err := os.ReadFile(cfg.Paths.Audit); err != nil || len(b) == 0 {
			t.Errorf("no audit records of the micro-data reads: %v", err)
		} else if h := findIDs(b, forms, false); len(h) > 0 {
			t.Errorf("the audit log holds personnummer: %v", h)
		}
	})
}

func yearsUpTo(y, n int) string {
	var s []string
	for i := n - 1; i >= 0; i-- {
		s = append(s, strconv.Itoa(y-i))
	}
	return strings.Join(s, ",")
}

// probeID is the first valid id of the inbox; probeText holds it in all
// five forms, each between words.
func probeID(d *demoRun) string {
	for _, c := range d.ids {
		if c12, ok := canonical(c.raw, d.today); ok && validID(c12, d.today) {
			return c12
		}
	}
	panic("no valid person id in the inbox")
}

func probeText(d *demoRun) string { return "x " + strings.Join(idForms(probeID(d)), " y ") + " z" }

// The invalid personnummer of the sample (wrong Luhn digit, impossible date)
// are rejected rows whose value is masked: YYYYMMDD-**** or ****.
func TestDemoInvalidPersonnummerMasked(t *testing.T) {
	d := demoFixture(t)
	type key struct {
		file string
		line int64
	}
	type rej struct{ column, value string }
	want := map[key]rej{}
	masks := map[string]int{}
	for _, c := range d.ids {
		c12, _ := canonical(c.raw, d.today)
		if !validID(c12, d.today) {
			want[key{c.file, c.line}] = rej{c.column, maskOf(c12)}
			masks[strings.TrimPrefix(maskOf(c12), c12[:8])]++
		}
	}
	if masks["-****"] == 0 || masks["****"] == 0 {
		t.Fatalf("the sample should have both wrong check digits and impossible dates: masks %v", masks)
	}
	rows, err := d.db.QueryContext(context.Background(), `SELECT f.name, r.line, coalesce(r."column", ''), coalesce(r.value, '') FROM rejected_rows r
		JOIN files f USING (file_id) WHERE r.reason = 'invalid_person_id'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[key]rej{}
	for rows.Next() {
		var k key
		var r rej
		if err := rows.Scan(&k.file, &k.line, &r.column, &r.value); err != nil {
			t.Fatal(err)
		}
		got[k] = r
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d invalid person ids in the inbox (%v)", len(want), masks)
	masked := regexp.MustCompile(`^([0-9]{8}-\*{4}|\*{4})$`)
	for k, w := range want {
		g, ok := got[k]
		switch {
		case !ok:
			t.Errorf("%s line %d: invalid person id (%s) not rejected as invalid_person_id", k.file, k.line, w.value)
		case g != w:
			t.Errorf("%s line %d: rejected as column %q value %q, want %q %q", k.file, k.line, g.column, maskOrHide(g.value, masked), w.column, w.value)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s line %d: rejected as invalid_person_id (%q) but the inbox has a valid id there", k.file, k.line, maskOrHide(g.value, masked))
		}
	}
}

// maskOrHide shows v only when it is masked.
func maskOrHide(v string, masked *regexp.Regexp) string {
	if masked.MatchString(v) {
		return v
	}
	return fmt.Sprintf("<unmasked, %d chars>", len(v))
}

// The pseudonyms are HMAC-SHA256 under the configured key of the valid ids
// of the inbox, and nothing else.
func TestDemoPseudonymsUseConfiguredKey(t *testing.T) {
	d := demoFixture(t)
	pseudo := func(key, c12 string) string {
		m := hmac.New(sha256.New, []byte(key))
		m.Write([]byte(c12))
		return hex.EncodeToString(m.Sum(nil))
	}
	want := map[string]bool{}
	for _, c := range d.ids {
		if c12, _ := canonical(c.raw, d.today); validID(c12, d.today) {
			want[pseudo(testKey, c12)] = true
		}
	}
	for _, c12 := range d.badIDs {
		want[pseudo(testKey, c12)] = true
	}
	var all, bad int64
	for _, tb := range []string{"so_registrations", "so_attendance", "so_certificates", "settlements", "sfi_courses", "intervention_participations", "af_plans"} {
		rows, err := d.db.QueryContext(context.Background(), "SELECT DISTINCT person FROM "+tb)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var p string
			if err := rows.Scan(&p); err != nil {
				t.Fatal(err)
			}
			all++
			if !want[p] {
				bad++
			}
		}
		rows.Close()
	}
	if all == 0 || bad > 0 {
		t.Errorf("%d of %d distinct (table, person) pseudonyms are not HMAC-SHA256(key, canonical 12 digits) of an inbox id", bad, all)
	}
	if want[pseudo(config.DemoKey, probeID(d))] || pseudo(config.DemoKey, probeID(d)) == pseudo(testKey, probeID(d)) {
		t.Error("the test key gives the demo key's pseudonyms")
	}
}
