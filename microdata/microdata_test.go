package microdata_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/effekt/effekt/access"
	"github.com/effekt/effekt/microdata"
	"github.com/effekt/effekt/store"
)

// fixture writes a database with two indicator rows and returns its path.
func fixture(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "e.duckdb")
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO indicator_values (kpi, municipality, period, gender, numerator, denominator, value, ci_low, ci_high, status, as_of, computed_at) VALUES
		('EF101','0127',2020,'T',3,4,75,30.06,95.44,'','2021-06-30','2021-07-01 00:00:00+00'),
		('EF101','0127',2020,'K',1,2,50,9.45,90.55,'','2021-06-30','2021-07-01 00:00:00+00')`); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// open opens path as `effekt sql` does (cli) or as `effekt serve` does
// (server: read-write, no sandbox).
func open(t testing.TB, path, mode string) *sql.DB {
	t.Helper()
	opt := store.Options{}
	if mode == "cli" {
		opt = store.Options{ReadOnly: true, Sandboxed: true, MemoryLimit: "512MB"}
	}
	db, err := store.Open(context.Background(), path, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func runner(t testing.TB, db *sql.DB, limits microdata.Limits) (*microdata.Runner, string) {
	t.Helper()
	auditPath := filepath.Join(t.TempDir(), "audit.jsonl")
	a, err := access.OpenAudit(auditPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return microdata.NewRunner(db, limits, a), auditPath
}

var evaluator = access.Identity{Name: "anna", Role: access.Evaluator, Via: "api"}

// TestEscapesRefused runs the corpus in a child process, so that a query
// aborting the process (as CALL enable_logging did) fails this test
// instead of killing the test binary.
func TestEscapesRefused(t *testing.T) {
	if os.Getenv("MICRODATA_CHILD") == "1" {
		t.Skip("child")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestEscapesChild$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), "MICRODATA_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the corpus run failed or the process died (%v):\n%s", err, out)
	}
	if !bytes.Contains(out, []byte("--- PASS: TestEscapesChild")) {
		t.Fatalf("the child did not run the corpus:\n%s", out)
	}
	t.Logf("%d escape attempts, all refused before running, on both instances", len(escapes))
}

func TestEscapesChild(t *testing.T) {
	if os.Getenv("MICRODATA_CHILD") != "1" {
		t.Skip("run by TestEscapesRefused in a child process")
	}
	for _, mode := range []string{"cli", "server"} {
		t.Run(mode, func(t *testing.T) {
			path := fixture(t)
			db := open(t, path, mode)
			r, _ := runner(t, db, microdata.Limits{Rows: 10, Timeout: 20 * time.Second})
			refused := 0
			for _, q := range escapes {
				q = strings.ReplaceAll(q, "{DB}", path)
				var buf bytes.Buffer
				w, _ := microdata.NewWriter("csv", &buf, nil)
				_, err := r.Run(context.Background(), evaluator, q, 0, w)
				var re *microdata.RefusedError
				if !errors.As(err, &re) {
					t.Errorf("not refused: %s\n  error: %v\n  output: %q", q, err, buf.String())
					continue
				}
				if buf.Len() > 0 {
					t.Errorf("refused but wrote %q: %s", buf.String(), q)
				}
				refused++
			}
			t.Logf("%s: %d of %d refused", mode, refused, len(escapes))
			// hostile text that is no escape must fail cleanly, not crash
			for _, q := range []string{
				"SELECT " + strings.Repeat("(", 100000) + "1" + strings.Repeat(")", 100000),
				strings.Repeat("SELECT * FROM (", 10000) + "SELECT 1" + strings.Repeat(")", 10000),
				"SELECT 1" + strings.Repeat("+1", 100000),
				"SELECT '" + strings.Repeat("x", 1<<20),
				"\x00SELECT 1",
				"SELECT 1 /*",
			} {
				w, _ := microdata.NewWriter("csv", io.Discard, nil)
				if _, err := r.Run(context.Background(), evaluator, q, 0, w); err == nil {
					t.Errorf("ran: %.60s", q)
				}
			}
			for _, suffix := range []string{".wal.checkpoint", ".wal.recovery", ".leak.csv", ".export", ".other", ".csv"} {
				if _, err := os.Stat(path + suffix); err == nil {
					t.Errorf("%s%s was written", path, suffix)
				}
			}
			if _, err := os.Stat("/x"); err == nil {
				t.Error("/x was written")
			}
			// the database still holds its rows
			var n int
			if err := db.QueryRow(`SELECT count(*) FROM indicator_values`).Scan(&n); err != nil || n != 2 {
				t.Fatalf("database damaged: %d rows, %v", n, err)
			}
			db.Close()
			ro, err := store.Open(context.Background(), path, store.Options{ReadOnly: true})
			if err != nil {
				t.Fatalf("database no longer opens: %v", err)
			}
			if err := ro.QueryRow(`SELECT count(*) FROM indicator_values`).Scan(&n); err != nil || n != 2 {
				t.Fatalf("database damaged on reopening: %d rows, %v", n, err)
			}
			ro.Close()
		})
	}
}

// TestAllowed: reading queries run and print as expected on both instances.
func TestAllowed(t *testing.T) {
	path := fixture(t)
	for _, mode := range []string{"cli", "server"} {
		db := open(t, path, mode)
		r, _ := runner(t, db, microdata.Limits{Rows: 3})
		tests := []struct {
			name, query, format, want string
		}{
			{"csv", `SELECT kpi, municipality, gender, numerator, denominator, value, as_of FROM indicator_values ORDER BY gender`, "csv",
				"kpi,municipality,gender,numerator,denominator,value,as_of\nEF101,0127,K,1,2,50,2021-06-30\nEF101,0127,T,3,4,75,2021-06-30\n"},
			{"json keeps column order", `SELECT gender, denominator, NULL AS nothing FROM indicator_values WHERE gender = 'T'`, "json",
				"[\n  {\n    \"gender\": \"T\",\n    \"denominator\": 4,\n    \"nothing\": null\n  }\n]\n"},
			{"json empty", `SELECT gender FROM indicator_values WHERE false`, "json", "[]\n"},
			{"table", `SELECT count(*) AS n FROM indicator_values`, "table", "n\n2\n(1 row)\n"},
			{"table aligned", `SELECT gender AS g, value FROM indicator_values ORDER BY value DESC`, "table", "g  value\nT  75\nK  50\n(2 rows)\n"},
			{"order kept under the limit", `SELECT range AS i FROM range(10) ORDER BY i DESC;`, "csv", "i\n9\n8\n7\n"},
			{"cut at the limit", `SELECT * FROM range(100000000)`, "table", "range\n0\n1\n2\n(3 rows; cut at the row limit of 3: more rows exist — narrow the query or raise --limit)\n"},
			{"trailing comment", "SELECT 1 AS one -- why not", "csv", "one\n1\n"},
			{"semicolon and comment", "SELECT 1 AS one; -- done", "csv", "one\n1\n"},
			{"duplicate names", `SELECT 1 AS a, 2 AS a`, "csv", "a,a_1\n1,2\n"},
			{"catalogue", `SELECT count(*) > 5 AS ok FROM information_schema.tables`, "csv", "ok\ntrue\n"},
			{"cte and window", `WITH t AS (SELECT gender, value FROM indicator_values) SELECT gender, rank() OVER (ORDER BY value) AS r FROM t ORDER BY r`, "csv", "gender,r\nK,1\nT,2\n"},
			{"map (recursed forever before)", `SELECT MAP {'k': 1} AS m, [MAP {2: 'v'}] AS l`, "csv", "m,l\n\"{\"\"k\"\":1}\",\"[{\"\"2\"\":\"\"v\"\"}]\"\n"},
			{"catalogue with a map column", `SELECT count(*) > 0 AS ok, count(tags) > 0 AS tagged FROM (SELECT * FROM duckdb_tables())`, "csv", "ok,tagged\ntrue,true\n"},
			{"duckdb_tables rows", `SELECT table_name, tags FROM duckdb_tables() WHERE table_name = 'files'`, "json", "[\n  {\n    \"table_name\": \"files\",\n    \"tags\": {}\n  }\n]\n"},
			{"types as text", `SELECT '00000000-0000-0000-0000-00000000000a'::UUID AS id, TIME '01:02:03' AS tm, TIMETZ '12:00:00+02' AS tz, '\xAA'::BLOB AS bl, INTERVAL 3 DAY AS iv, union_value(k := 1)::UNION(k INT, s VARCHAR) AS u, 'nan'::DOUBLE AS nan, 12.345::DECIMAL(10,3) AS d`, "csv",
				"id,tm,tz,bl,iv,u,nan,d\n00000000-0000-0000-0000-00000000000a,01:02:03,12:00:00+02:00,\\xAA,0 months 3 days 0 microseconds,1,NaN,12.345\n"},
			{"harmless built-in macros", `SELECT nullif(1, 2) AS a, split_part('a-b', '-', 2) AS b, list_sum([1, 2]) AS c, pg_typeof(1) AS d`, "csv", "a,b,c,d\n1,b,3,integer\n"},
			{"nested", `SELECT [1, 2] AS l, {'a': 'x'} AS s`, "json", "[\n  {\n    \"l\": [\n      1,\n      2\n    ],\n    \"s\": {\n      \"a\": \"x\"\n    }\n  }\n]\n"},
		}
		for _, tt := range tests {
			t.Run(mode+"/"+tt.name, func(t *testing.T) {
				var buf bytes.Buffer
				w, err := microdata.NewWriter(tt.format, &buf, nil)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := r.Run(context.Background(), evaluator, tt.query, 0, w); err != nil {
					t.Fatal(err)
				}
				if buf.String() != tt.want {
					t.Errorf("got\n%s\nwant\n%s", buf.String(), tt.want)
				}
			})
		}
		db.Close()
	}
}

// TestLimitAndTimeout: a limit below the runner's applies, one above it
// does not; a query past the timeout stops with ErrTimeout.
func TestLimitAndTimeout(t *testing.T) {
	db := open(t, fixture(t), "cli")
	r, _ := runner(t, db, microdata.Limits{Rows: 1000, Timeout: 300 * time.Millisecond})
	for _, tc := range []struct {
		asked int
		rows  int64
	}{{0, 1000}, {5, 5}, {1000, 1000}, {5000, 1000}} {
		var buf bytes.Buffer
		w, _ := microdata.NewWriter("csv", &buf, nil)
		res, err := r.Run(context.Background(), evaluator, `SELECT * FROM range(100000000)`, tc.asked, w)
		if err != nil || res.Rows != tc.rows || !res.Truncated {
			t.Errorf("limit %d: %d rows, truncated %v, %v; want %d rows, truncated", tc.asked, res.Rows, res.Truncated, err, tc.rows)
		}
	}
	var buf bytes.Buffer
	w, _ := microdata.NewWriter("csv", &buf, nil)
	start := time.Now()
	_, err := r.Run(context.Background(), evaluator, `SELECT count(*) FROM range(100000000000) a`, 0, w)
	if !errors.Is(err, microdata.ErrTimeout) || time.Since(start) > 10*time.Second {
		t.Fatalf("got %v after %s, want a timeout soon after 300ms", err, time.Since(start))
	}
}

// TestSandboxSettings: the instance of effekt sql has external access off,
// its configuration locked and the memory limit; SQL cannot change them.
func TestSandboxSettings(t *testing.T) {
	db := open(t, fixture(t), "cli")
	var access, locked, mem string
	if err := db.QueryRow(`SELECT current_setting('enable_external_access')::VARCHAR, current_setting('lock_configuration')::VARCHAR, current_setting('memory_limit')`).Scan(&access, &locked, &mem); err != nil {
		t.Fatal(err)
	}
	if access != "false" || locked != "true" || !strings.HasPrefix(mem, "488") { // 512 MB = 488.2 MiB
		t.Fatalf("enable_external_access %s, lock_configuration %s, memory_limit %s", access, locked, mem)
	}
	if _, err := db.Exec(`SET memory_limit = '100GB'`); err == nil {
		t.Fatal("memory_limit changed on a locked instance")
	}
}

// TestConcurrentBound: with one slot, a second query waits for the first;
// one that cannot get a slot within its deadline times out.
func TestConcurrentBound(t *testing.T) {
	db := open(t, fixture(t), "server")
	r, _ := runner(t, db, microdata.Limits{Rows: 10, Timeout: 400 * time.Millisecond, Concurrent: 1})
	done := make(chan error, 1)
	go func() {
		w, _ := microdata.NewWriter("csv", io.Discard, nil)
		_, err := r.Run(context.Background(), evaluator, `SELECT count(*) FROM range(100000000000)`, 0, w)
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	w, _ := microdata.NewWriter("csv", io.Discard, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := r.Run(ctx, evaluator, `SELECT 1`, 0, w)
	if !errors.Is(err, microdata.ErrTimeout) {
		t.Errorf("second query: %v, want a timeout waiting for the slot", err)
	}
	if err := <-done; !errors.Is(err, microdata.ErrTimeout) {
		t.Errorf("first query: %v", err)
	}
	w, _ = microdata.NewWriter("csv", io.Discard, nil)
	if _, err := r.Run(context.Background(), evaluator, `SELECT 1`, 0, w); err != nil {
		t.Errorf("the slot was not given back: %v", err)
	}
}
