package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/effekt/effekt/access"
	"github.com/effekt/effekt/store"
)

// TestSQL runs `effekt sql` as a user does (the binary, in a child
// process: a query that aborted the process, as CALL enable_logging did,
// fails here instead of killing the tests). Only SELECT runs; the database
// survives every refused statement; rows are cut at --limit with a note;
// each query is audited under the OS user.
func TestSQL(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "e.duckdb")
	db, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO indicator_values (kpi, municipality, period, gender, numerator, denominator, value, ci_low, ci_high, status, as_of, computed_at) VALUES
		('EF101','0127',2020,'T',3,4,75,30.06,95.44,'','2021-06-30','2021-07-01 00:00:00+00'),
		('EF101','0127',2020,'K',1,2,50,9.45,90.55,'','2021-06-30','2021-07-01 00:00:00+00')`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // exact
		stderr string // substring
	}{
		{"csv", []string{"--format", "csv", `SELECT kpi, municipality, gender, numerator, denominator, value, as_of FROM indicator_values ORDER BY gender`}, 0,
			"kpi,municipality,gender,numerator,denominator,value,as_of\nEF101,0127,K,1,2,50,2021-06-30\nEF101,0127,T,3,4,75,2021-06-30\n", ""},
		{"json keeps the column order", []string{"--format", "json", `SELECT gender, denominator FROM indicator_values WHERE gender = 'T'`}, 0,
			"[\n  {\n    \"gender\": \"T\",\n    \"denominator\": 4\n  }\n]\n", ""},
		{"table", []string{`SELECT count(*) AS n FROM indicator_values`}, 0, "n\n2\n(1 row)\n", ""},
		{"streams and cuts at --limit", []string{"--limit", "2", `SELECT * FROM range(100000000)`}, 0,
			"range\n0\n1\n(2 rows; cut at the row limit of 2: more rows exist — narrow the query or raise --limit)\n", ""},
		{"csv says the cut on stderr", []string{"--limit", "1", "--format", "csv", `SELECT * FROM range(5)`}, 0, "range\n0\n", "cut at the row limit of 1"},
		{"copy onto the database refused", []string{"COPY (SELECT 'x' AS x) TO '" + path + "' (FORMAT csv, USE_TMP_FILE false)"}, 1, "", "COPY statements are not allowed"},
		{"copy onto the wal refused", []string{"COPY (SELECT 'x' AS x) TO '" + path + ".wal' (FORMAT csv, USE_TMP_FILE false)"}, 1, "", "COPY statements are not allowed"},
		{"enable_logging refused, no abort", []string{"CALL enable_logging(storage='file', storage_path='/x'); SELECT 1"}, 1, "", "CALL statements are not allowed"},
		{"file reader refused", []string{"SELECT * FROM read_csv('/etc/passwd')"}, 1, "", "table function read_csv() is not allowed"},
		{"no writes", []string{"DELETE FROM indicator_values"}, 1, "", "DELETE statements are not allowed"},
		{"bad limit", []string{"--limit", "0", "SELECT 1"}, 2, "", "--limit 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := cli(t, dir, append([]string{"sql", "--db", path}, tt.args...)...)
			if code != tt.code || stdout != tt.stdout || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("exit %d\nstdout %q\nstderr %q\nwant exit %d, stdout %q, stderr containing %q", code, stdout, stderr, tt.code, tt.stdout, tt.stderr)
			}
		})
	}
	for _, suffix := range []string{".wal", ".wal.checkpoint", ".wal.recovery"} {
		if _, err := os.Stat(path + suffix); err == nil {
			t.Errorf("%s%s was written", path, suffix)
		}
	}
	if stdout, stderr, code := cli(t, dir, "sql", "--db", path, "--format", "csv", "SELECT count(*) AS n FROM indicator_values"); code != 0 || stdout != "n\n2\n" {
		t.Fatalf("the database is damaged: exit %d %q %q", code, stdout, stderr)
	}
	// the audit log (paths.audit, data/audit.jsonl under the working folder)
	f, err := os.Open(filepath.Join(dir, "data", "audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		var rec access.Record
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		if rec.Who != access.OSUser() || rec.Via != "cli" || rec.Action != "sql" || rec.SQL == "" || rec.Outcome == "" {
			t.Errorf("audit record %s", sc.Text())
		}
		if strings.Contains(sc.Text(), "30.06") {
			t.Errorf("audit record holds a result value: %s", sc.Text())
		}
		n++
	}
	if want := len(tests) - 1 + 1; n != want { // the bad --limit never ran; the final check did
		t.Errorf("%d audit records, want %d", n, want)
	}
}
