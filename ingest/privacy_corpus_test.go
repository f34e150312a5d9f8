package ingest

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/effekt/effekt/ingest/parse"
)

// shape is one line of testdata/privacy/shapes.tsv.
type shape struct{ raw, mask, what string }

func readShapes(t *testing.T) []shape {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "privacy", "shapes.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []shape
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := sc.Text(); l != "" && !strings.HasPrefix(l, "#") {
			p := strings.Split(l, "\t")
			if len(p) != 3 {
				t.Fatalf("shapes.tsv: bad line %q", l)
			}
			out = append(out, shape{p[0], p[1], p[2]})
		}
	}
	if len(out) < 20 {
		t.Fatalf("only %d shapes", len(out))
	}
	return out
}

// noShapes fails when text holds a personnummer shape (parse.FindPNRs).
func noShapes(t *testing.T, where, text string) {
	t.Helper()
	for _, sp := range parse.FindPNRs(text) {
		lo, hi := max(0, sp.Start-40), min(len(text), sp.End+40)
		t.Errorf("%s holds a personnummer shape %q: …%s…", where, text[sp.Start:sp.End], text[lo:hi])
	}
}

// numbers that are not data: hashes, durations, the log's time stamps
// (15:10:31.869 reads as a date, 151031, and three digits)
var notData = regexp.MustCompile(`(?m)(sha256:\s*[0-9a-f]{64}|(seconds|duration|time)=\S+)`)

// TestPrivacyCorpus puts every shape of the corpus into every free-text
// column, key column, person id, header and file name; afterwards no value
// of any text or integer column, no log line, summary line, .error.txt or
// its name holds a personnummer shape, and the free text keeps the masked form.
func TestPrivacyCorpus(t *testing.T) {
	shapes := readShapes(t)
	e := newEnv(t)
	pn := func(i int) string { return genPNR(i) }
	var reg, att, cert, set, ins, part strings.Builder
	reg.WriteString("pnr;kommun;anmäld;språk;anmäld av\n")
	att.WriteString("pnr;datum;timmar;grupp\n")
	cert.WriteString("pnr;intygsdatum;timmar totalt\n")
	set.WriteString("pnr;kommun;beslutsdatum;mottagningsdatum;födelseland\n")
	ins.WriteString("insats-id;namn;anordnare;kategori\n")
	part.WriteString("pnr;insats-id;hemkommun;startdatum\n")
	// q quotes a cell holding the CSV's separator (an HTML character
	// reference ends in ';')
	q := func(s string) string {
		if strings.ContainsAny(s, ";\"") {
			return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
		}
		return s
	}
	for i, s := range shapes {
		fmt.Fprintf(&reg, "%s;0127;2024-01-02;ar;%s\n", pn(i), q("Handläggare "+s.raw))
		fmt.Fprintf(&reg, "%s;0127;2024-01-03;%s;AF\n", pn(i), q(s.raw)) // an unknown language is kept
		fmt.Fprintf(&reg, "%s;0127;2024-01-04;ar;AF\n", q(s.raw))        // an invalid person id
		fmt.Fprintf(&att, "%s;2024-01-02;3;%s\n", pn(i), q(s.raw))       // group_id is a key
		fmt.Fprintf(&cert, "%s;2024-01-02;%s\n", pn(i), q(s.raw))
		fmt.Fprintf(&set, "%s;0127;2023-01-01;2023-02-01;%s\n", pn(i), q("Syrien "+s.raw))
		fmt.Fprintf(&ins, "INS-%d;%s;0127;%s\n", i, q("Insats "+s.raw), q(s.raw))
		fmt.Fprintf(&ins, "%s;Insats;0127;x\n", q(s.raw)) // intervention_id is a key
		fmt.Fprintf(&part, "%s;%s;0127;2024-01-02\n", pn(i), q(s.raw))
		// a header, a loaded file's name, a failed file's name
		writeFile(t, filepath.Join(e.inbox, "so_certificates", fmt.Sprintf("h%02d.csv", i)),
			[]byte(fmt.Sprintf("pnr;intygsdatum;%s\n%s;2024-01-05;\n", q(s.raw), pn(i))))
		if !strings.Contains(s.raw, "/") {
			writeFile(t, filepath.Join(e.inbox, "so_certificates", fmt.Sprintf("n%02d_%s.csv", i, s.raw)),
				[]byte(fmt.Sprintf("pnr;intygsdatum\n%s;2024-01-06\n", pn(i))))
			writeFile(t, filepath.Join(e.inbox, "so_certificates", fmt.Sprintf("f%02d_%s.csv", i, s.raw)),
				[]byte(fmt.Sprintf("intygsdatum;%s\n2024-01-06;x\n", q(s.raw))))
		}
	}
	for name, b := range map[string]*strings.Builder{"so_registrations": &reg, "so_attendance": &att,
		"so_certificates": &cert, "settlements": &set, "interventions": &ins, "intervention_participations": &part} {
		writeFile(t, filepath.Join(e.inbox, name, "corpus.csv"), []byte(b.String()))
	}
	// the inbox root: the header is a personnummer, no kind
	writeFile(t, filepath.Join(e.inbox, "root.csv"), []byte(shapes[0].raw+";0127\n"))

	sum := e.run()
	var out strings.Builder
	sum.Print(&out)

	// (1) every text and integer column of every table, each value checked
	// for shapes in Go (hex pseudonyms, their keys — the HMAC's first 64
	// bits as a number — and hashes are not data)
	rows, err := e.db.Query(`SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = 'main' AND (data_type LIKE '%CHAR%' OR data_type LIKE '%INT%')
		AND column_name NOT IN ('person', 'person_key', 'sha256')`)
	if err != nil {
		t.Fatal(err)
	}
	var cols [][2]string
	for rows.Next() {
		var c [2]string
		if err := rows.Scan(&c[0], &c[1]); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, c)
	}
	rows.Close()
	if len(cols) < 40 {
		t.Fatalf("only %d columns", len(cols))
	}
	values := 0
	for _, c := range cols {
		for _, v := range e.strings(fmt.Sprintf(`SELECT CAST("%s" AS VARCHAR) FROM "%s" WHERE "%s" IS NOT NULL`, c[1], c[0], c[1])) {
			values++
			noShapes(t, c[0]+"."+c[1], v)
		}
	}
	if values < 500 {
		t.Errorf("only %d values checked", values)
	}
	// (2) logs, summary, .error.txt files and their names
	noShapes(t, "logs", notData.ReplaceAllString(e.logs.String(), ""))
	noShapes(t, "summary", out.String())
	errFiles := 0
	filepath.Walk(e.dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && strings.HasSuffix(p, ".error.txt") {
			errFiles++
			noShapes(t, "error file name", filepath.Base(p))
			b, _ := os.ReadFile(p)
			noShapes(t, p, notData.ReplaceAllString(string(b), ""))
		}
		return nil
	})
	if errFiles < 15 {
		t.Errorf("%d .error.txt files, want one per failed file (%d)", errFiles, sum.Failed)
	}
	// (3) free text keeps its masked form; keys and person ids are rejected
	same := map[string]int64{} // shapes with the same mask
	for _, s := range shapes {
		same[s.mask]++
	}
	for _, s := range shapes {
		for q, want := range map[string]int64{
			`SELECT count(*) FROM settlements WHERE birth_country = ?`:                             1,
			`SELECT count(*) FROM so_registrations WHERE referred_by = ?`:                          1,
			`SELECT count(*) FROM interventions WHERE name = ?`:                                    1,
			`SELECT count(*) FROM so_certificates WHERE hours_total = ?`:                           1,
			`SELECT count(*) FROM interventions WHERE category = ?`:                                1,
			`SELECT count(*) FROM so_registrations WHERE language = ?`:                             1,
			`SELECT count(*) FROM rejected_rows WHERE reason = 'personnummer_in_id' AND value = ?`: 3,
		} {
			arg := s.mask
			switch {
			case strings.Contains(q, "birth_country"):
				arg = "Syrien " + s.mask
			case strings.Contains(q, "referred_by"):
				arg = "Handläggare " + s.mask
			case strings.Contains(q, "name"):
				arg = "Insats " + s.mask
			}
			if n := e.count(q, arg); n != want*same[s.mask] {
				t.Errorf("%s (%s) [%q]: %d, want %d", q, s.what, arg, n, want*same[s.mask])
			}
		}
	}
	// a shape in the person id column is a person (ASCII, valid) or a rejected row
	if n := e.count(`SELECT count(*) FROM rejected_rows WHERE kind = 'so_registrations' AND reason IN ('invalid_person_id', 'superseded')`) +
		e.count(`SELECT count(*) FROM so_registrations WHERE registered_on = DATE '2024-01-04'`); n != int64(len(shapes)) {
		t.Errorf("%d person ids rejected or loaded, want %d", n, len(shapes))
	}
}

// TestInvalidText: control characters and bidirectional overrides in any
// text column reject the row with invalid_text and are stored nowhere.
func TestInvalidText(t *testing.T) {
	e := newEnv(t)
	writeFile(t, filepath.Join(e.inbox, "so_registrations", "a.csv"), []byte(
		"pnr;kommun;anmäld;språk;anmäld av\n"+
			genPNR(1)+";0127;2024-01-02;ar;\x1b[31mAF\n"+
			genPNR(2)+";0127;2024-01-02;ar\a;AF\n"+
			genPNR(3)+";0127;2024-01-02;ar;x\u202Eevil\n"+
			genPNR(4)+";0127;2024-01-02;ar;Arbets\u0085förmedlingen\n"+
			genPNR(5)+";0127;2024-01-02;ar;AF\tMalmö\n"))
	writeFile(t, filepath.Join(e.inbox, "interventions", "i.csv"), []byte(
		"insats-id;namn;anordnare;kategori\nI1;\u2066Svenska\u2069;0127;x\nI2;Svenska;0127;a\u007fb\nI3;Svenska;0127;ok\n"))
	sum := e.run()
	if sum.RowsLoaded != 2 || sum.RowsRejected != 6 {
		t.Fatalf("loaded %d rejected %d, want 2 and 6", sum.RowsLoaded, sum.RowsRejected)
	}
	got := e.strings(`SELECT concat_ws('|', kind, line, "column", reason) FROM rejected_rows ORDER BY kind, line`)
	want := []string{
		"interventions|2|namn|invalid_text", "interventions|3|kategori|invalid_text",
		"so_registrations|2|anmäld av|invalid_text", "so_registrations|3|språk|invalid_text",
		"so_registrations|4|anmäld av|invalid_text", "so_registrations|5|anmäld av|invalid_text",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rejected:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := e.count(`SELECT count(*) FROM rejected_rows WHERE message NOT LIKE '%control character U+%'`); n != 0 {
		t.Errorf("%d messages do not name the character", n)
	}
	if v := e.strings(`SELECT value FROM rejected_rows WHERE line = 2 AND kind = 'so_registrations'`); len(v) != 1 || v[0] != `\u001B[31mAF` {
		t.Errorf("rejected value %q, want the control character escaped", v)
	}
	if n := e.count(`SELECT count(*) FROM so_registrations WHERE referred_by = 'AF	Malmö'`); n != 1 {
		t.Errorf("a tab is allowed: %d rows", n)
	}
}
