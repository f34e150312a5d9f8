package ingest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestEncodings loads a Windows-1252 semicolon file with Swedish headers
// from its kind folder and a UTF-8-BOM file with decimal commas from the
// inbox root (kind recognised by its header).
func TestEncodings(t *testing.T) {
	e := newEnv(t)
	copyTree(t, filepath.Join("testdata", "encodings", "inbox"), e.inbox)
	sum := e.run()
	if len(sum.Files) != 2 || sum.Failed != 0 {
		t.Fatalf("summary: %+v", sum.Files)
	}
	// so_registrations loads before so_attendance (declaration order)
	if sum.Files[0].Kind != "so_registrations" || sum.Files[1].Kind != "so_attendance" || sum.Files[1].Name != "bom.csv" {
		t.Errorf("files %+v", sum.Files)
	}
	reg := e.tableRows(KindByName("so_registrations"), "")
	wantReg := []string{expand("2|{A}|1280|2024-01-15|sv|AF"), expand("3|{G}|1480|2024-02-15|fa|Socialtjänst")}
	if !slices.Equal(reg, wantReg) {
		t.Errorf("so_registrations:\n got  %q\n want %q", reg, wantReg)
	}
	att := e.tableRows(KindByName("so_attendance"), "")
	wantAtt := []string{expand("2|{A}|2024-01-20|2.5|Grupp 1|true"), expand("3|{G}|2024-01-20|3.0|Grupp 1|false")}
	if !slices.Equal(att, wantAtt) {
		t.Errorf("so_attendance:\n got  %q\n want %q", att, wantAtt)
	}
	got := e.strings(`SELECT concat_ws('|', kind, line, "column", value, reason, message) FROM rejected_rows ORDER BY kind, line`)
	want := []string{
		`so_attendance|4|Timmar|12,5|invalid_hours|line 4, column "Timmar": hours "12,5" are out of range`, // then what is expected
		`so_registrations|4|Anmälningsdatum|2024-02-30|invalid_date|line 4, column "Anmälningsdatum": "2024-02-30" is not a date (expected YYYY-MM-DD)`,
	}
	if len(got) != len(want) || !strings.HasPrefix(got[0], want[0]) || got[1] != want[1] {
		t.Errorf("rejected rows:\n got  %q\n want %q", got, want)
	}
}

// TestRerunIsIdempotent runs twice over the same files: the second run skips
// them all and changes no data.
func TestRerunIsIdempotent(t *testing.T) {
	e := newEnv(t)
	for _, c := range kindCases {
		b, err := os.ReadFile(filepath.Join("testdata", "kinds", c.kind+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(e.inbox, c.kind, "a.csv"), b)
	}
	first := e.run()
	if first.Failed != 0 || len(first.Files) != len(kindCases) {
		t.Fatalf("first run: %+v", first)
	}
	before := e.checksum()
	// the same files arrive again
	for _, c := range kindCases {
		b, _ := os.ReadFile(filepath.Join(e.archive, c.kind, "a.csv"))
		writeFile(t, filepath.Join(e.inbox, c.kind, "a.csv"), b)
	}
	second := e.run()
	if second.RowsLoaded != 0 || second.RowsRead != 0 || second.Failed != 0 {
		t.Errorf("second run loaded %d, read %d", second.RowsLoaded, second.RowsRead)
	}
	for _, f := range second.Files {
		if f.Status != StatusSkipped {
			t.Errorf("%s: status %s, want skipped", f.Path, f.Status)
		}
	}
	if after := e.checksum(); after != before {
		t.Errorf("data changed by the second run:\n before %s\n after  %s", before, after)
	}
	if n := e.count(`SELECT sum(rows_loaded) FROM files`); n != first.RowsLoaded {
		t.Errorf("total rows_loaded %d, want %d", n, first.RowsLoaded)
	}
	// the re-sent copies went to the archive beside the first ones
	if !exists(filepath.Join(e.archive, "settlements", "a-1.csv")) {
		t.Errorf("second copy not archived as a-1.csv")
	}
}

// checksum summarises every data table (kinds, rejected rows) as text.
func (e *env) checksum() string {
	var b strings.Builder
	for _, tbl := range append(KindNames(), "rejected_rows") {
		var n int64
		var h string
		q := fmt.Sprintf(`SELECT count(*), coalesce(CAST(sum(hash(t::VARCHAR)) AS VARCHAR), '0') FROM %s t`, tbl)
		if err := e.db.QueryRow(q).Scan(&n, &h); err != nil {
			e.t.Fatalf("%s: %v", q, err)
		}
		fmt.Fprintf(&b, "%s=%d/%s ", tbl, n, h)
	}
	fmt.Fprintf(&b, "files_loaded=%d", e.count(`SELECT count(*) FROM files WHERE status = 'loaded'`))
	return b.String()
}

// TestCorrectedResend: a later file replaces exactly the keys it carries.
func TestCorrectedResend(t *testing.T) {
	e := newEnv(t)
	k := KindByName("sfi_courses")
	writeFile(t, filepath.Join(e.inbox, "sfi_courses", "sfi_2024-01-31.csv"), []byte(
		"person_id,municipality,course,started_on,grade,graded_on\n"+
			"19850709-9805,0127,B,2023-09-01,,\n"+ // corrected below
			"19850709-9805,0127,C,2024-02-01,,\n"+ // untouched
			"900315-1231,0127,B,2023-09-01,,\n")) // untouched
	// a later export with a grade for A's course B, and a new course; both
	// files in the same run load in name order
	writeFile(t, filepath.Join(e.inbox, "sfi_courses", "sfi_2024-03-31.csv"), []byte(
		"person_id,municipality,course,started_on,grade,graded_on\n"+
			"198507099805,0127,SFI B,2023-09-01,D,2024-03-01\n"+
			"0112242342,0127,A,2024-01-01,,\n"))
	sum := e.run()
	if sum.Failed != 0 || len(sum.Files) != 2 || sum.Files[0].Name != "sfi_2024-01-31.csv" {
		t.Fatalf("summary %+v", sum.Files)
	}
	got := e.tableRows(k, "")
	want := []string{
		expand("3|{A}|0127|C|2024-02-01|∅|∅|∅"),
		expand("4|{B}|0127|B|2023-09-01|∅|∅|∅"),
		expand("2|{A}|0127|B|2023-09-01|D|2024-03-01|∅"),
		expand("3|{E}|0127|A|2024-01-01|∅|∅|∅"),
	}
	if !slices.Equal(got, want) {
		t.Errorf("after resend:\n got  %q\n want %q", got, want)
	}
	// a third export corrects B's row only, in a later run
	writeFile(t, filepath.Join(e.inbox, "sfi_courses", "sfi_2024-04-30.csv"), []byte(
		"person_id;kommun;kurs;kursstart;betyg;betygsdatum\n"+
			"19900315-1231;Botkyrka;B;2023-09-01;F;2024-03-01\n"+ // superseded by the next line
			"19900315-1231;Botkyrka;B;2023-09-01;E;2024-04-01\n"))
	e.run()
	got = e.tableRows(k, "")
	want = []string{
		want[0], want[2], want[3],
		expand("3|{B}|0127|B|2023-09-01|E|2024-04-01|∅"),
	}
	if !slices.Equal(got, want) {
		t.Errorf("after second resend:\n got  %q\n want %q", got, want)
	}
	if n := e.count(`SELECT count(*) FROM sfi_courses`); n != 4 {
		t.Errorf("%d rows, want 4", n)
	}
	// each resend replaced one row of an earlier file
	if got, want := e.strings(`SELECT name || ': ' || rows_replaced FROM files ORDER BY file_id`),
		[]string{"sfi_2024-01-31.csv: 0", "sfi_2024-03-31.csv: 1", "sfi_2024-04-30.csv: 1"}; !slices.Equal(got, want) {
		t.Errorf("rows_replaced %q, want %q", got, want)
	}
}

// TestRepeatedKeyAndEarlierFile: a key repeated within a file whose key is
// also held by an earlier file. The earlier row goes, the last line of the
// later file wins, its earlier line is superseded; a key only in the
// earlier file stays.
func TestRepeatedKeyAndEarlierFile(t *testing.T) {
	e := newEnv(t)
	k := KindByName("settlements")
	writeFile(t, filepath.Join(e.inbox, "settlements", "s_2024-01-31.csv"), []byte(
		"person_id,municipality,permit_on,settled_on\n"+
			"19850709-9805,0127,2023-01-01,2023-02-01\n"+ // A: replaced by the later file
			"900315-1231,0180,2023-01-01,2023-03-01\n")) // B: stays
	writeFile(t, filepath.Join(e.inbox, "settlements", "s_2024-02-29.csv"), []byte(
		"person_id,municipality,permit_on,settled_on\n"+
			"198507099805,0127,2023-01-01,2023-04-01\n"+ // A: superseded by line 4
			"0112242342,0180,2023-05-01,2023-06-01\n"+ // E: new
			"8507099805,1480,2023-01-01,2023-05-01\n")) // A: wins
	sum := e.run()
	if sum.Failed != 0 || len(sum.Files) != 2 {
		t.Fatalf("summary %+v", sum.Files)
	}
	if f := sum.Files[1]; f.RowsRead != 3 || f.RowsLoaded != 2 || f.RowsRejected != 1 {
		t.Errorf("second file read/loaded/rejected %d/%d/%d, want 3/2/1", f.RowsRead, f.RowsLoaded, f.RowsRejected)
	}
	got := e.tableRows(k, "")
	want := []string{
		expand("3|{B}|0180|2023-01-01|2023-03-01|∅|∅"),
		expand("3|{E}|0180|2023-05-01|2023-06-01|∅|∅"),
		expand("4|{A}|1480|2023-01-01|2023-05-01|∅|∅"),
	}
	if !slices.Equal(got, want) {
		t.Errorf("rows:\n got  %q\n want %q", got, want)
	}
	if got, want := e.rejects("settlements"), []string{"2|∅|superseded"}; !slices.Equal(got, want) {
		t.Errorf("rejects %q, want %q", got, want)
	}
	e.checkInvariants()
}

// TestRootWorkbookSheetNamedLikeKind: a workbook dropped straight into the
// inbox whose data sits on a sheet named like the kind (after an "Info"
// sheet) is read from that sheet, also for kinds with '_' in their name.
func TestRootWorkbookSheetNamedLikeKind(t *testing.T) {
	for _, kind := range []string{"so_registrations", "intervention_participations", "settlements"} {
		t.Run(kind, func(t *testing.T) {
			e := newEnv(t)
			csvToXLSX(t, KindByName(kind), filepath.Join("testdata", "kinds", kind+".csv"), filepath.Join(e.inbox, "export.xlsx"), true)
			sum := e.run()
			if len(sum.Files) != 1 || sum.Failed != 0 || sum.Files[0].Kind != kind || sum.Files[0].RowsLoaded == 0 {
				t.Fatalf("files %+v, want export.xlsx loaded as %s", sum.Files, kind)
			}
		})
	}
}

// TestRunCheckpointsAsLoads: a run's commits checkpoint at DuckDB's default
// log size, not at the instance's (store.CheckpointThreshold, raised for
// the compute), which the run restores: files whose rows are logged (too
// few for DuckDB to write them to the database file at once) past 16 MB
// leave the log folded into the database file.
func TestRunCheckpointsAsLoads(t *testing.T) {
	e := newEnv(t)
	const files, per = 6, 30000
	for f := 0; f < files; f++ {
		var b strings.Builder
		b.WriteString("person_id,municipality,permit_on,settled_on\n")
		for i := 0; i < per; i++ {
			fmt.Fprintf(&b, "%s,0127,2023-01-01,2023-02-15\n", genPNR(f*per+i))
		}
		writeFile(t, filepath.Join(e.inbox, "settlements", fmt.Sprintf("s%d.csv", f)), []byte(b.String()))
	}
	sum := e.run()
	if len(sum.Files) != files || sum.RowsLoaded != files*per {
		t.Fatalf("%d files, %d rows loaded, want %d, %d", len(sum.Files), sum.RowsLoaded, files, files*per)
	}
	var threshold string
	if err := e.db.QueryRow(`SELECT current_setting('checkpoint_threshold')::VARCHAR`).Scan(&threshold); err != nil {
		t.Fatal(err)
	}
	if threshold != "953.6 MiB" {
		t.Errorf("checkpoint_threshold after the run %q, want store's 1GB back", threshold)
	}
	fi, err := os.Stat(e.dbPath + ".wal")
	if err == nil && fi.Size() > 16<<20 {
		t.Errorf("write-ahead log %d bytes after the run: the loads' commits did not checkpoint", fi.Size())
	}
}
