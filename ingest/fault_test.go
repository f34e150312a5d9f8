package ingest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// genPNR returns a valid 12-digit personnummer for person i (born 1960–1999).
func genPNR(i int) string {
	y := 60 + i%40
	m := 1 + (i/40)%12
	d := 1 + (i/480)%28
	serial := (i / 13440) % 1000
	nine := fmt.Sprintf("%02d%02d%02d%03d", y, m, d, serial)
	sum := 0
	for j, c := range nine {
		v := int(c-'0') * (2 - j%2)
		sum += v/10 + v%10
	}
	return fmt.Sprintf("19%s%d", nine, (10-sum%10)%10)
}

// settlementsCSV is a settlements export of n persons.
func settlementsCSV(n int, settled string) []byte {
	var b strings.Builder
	b.WriteString("person_id,municipality,permit_on,settled_on\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%s,0127,2023-01-01,%s\n", genPNR(i), settled)
	}
	return []byte(b.String())
}

// faultSetup loads a.csv (3000 persons) and puts b.csv (5000 persons, 3000 of
// them the same keys) into the inbox; it returns the checksum before b.
func faultSetup(t *testing.T, e *env) string {
	writeFile(t, filepath.Join(e.inbox, "settlements", "a.csv"), settlementsCSV(3000, "2023-02-01"))
	if sum := e.run(); sum.RowsLoaded != 3000 {
		t.Fatalf("a.csv loaded %d rows", sum.RowsLoaded)
	}
	writeFile(t, filepath.Join(e.inbox, "settlements", "b.csv"), settlementsCSV(5000, "2023-03-01"))
	return e.checksum()
}

// faultCheck: the database is exactly as before b.csv, b.csv is still in the
// inbox, and the next run loads it.
func faultCheck(t *testing.T, e *env, before string) {
	t.Helper()
	if after := e.checksum(); after != before {
		t.Errorf("database changed by the failed load:\n before %s\n after  %s", before, after)
	}
	if n := e.count(`SELECT count(*) FROM files WHERE name = 'b.csv'`); n != 0 {
		t.Errorf("b.csv has %d files rows", n)
	}
	if !exists(filepath.Join(e.inbox, "settlements", "b.csv")) {
		t.Fatalf("b.csv left the inbox")
	}
	sum := e.run()
	if len(sum.Files) != 1 || sum.Files[0].Status != StatusLoaded || sum.Files[0].RowsLoaded != 5000 {
		t.Fatalf("next run: %+v", sum.Files)
	}
	if n := e.count(`SELECT count(*) FROM settlements WHERE settled_on = DATE '2023-03-01'`); n != 5000 {
		t.Errorf("%d rows from b.csv, want 5000", n)
	}
	if n := e.count(`SELECT count(*) FROM settlements`); n != 5000 {
		t.Errorf("%d rows, want 5000 (b replaces a's 3000 keys)", n)
	}
}

// TestFaultError injects an error at every point of a load, with the rows
// inserted a chunk at a time and one buffered row per chunk (so over many
// chunks and DuckDB's threads): nothing of the file is left behind.
func TestFaultError(t *testing.T) {
	for _, point := range []string{PointRows, PointStaged, PointTx, PointCommit} {
		t.Run(point, func(t *testing.T) { faultError(t, point) })
		t.Run(point+"/step1", func(t *testing.T) {
			step := insertStep
			insertStep = 1
			defer func() { insertStep = step }()
			faultError(t, point)
		})
	}
}

func faultError(t *testing.T, point string) {
	e := newEnv(t)
	before := faultSetup(t, e)
	opt := e.options()
	opt.Fault = &Fault{Point: point, Action: "error", File: "b.csv", Rows: 2000}
	_, err := Run(context.Background(), e.db, opt)
	if !errors.Is(err, ErrFault) {
		t.Fatalf("Run error %v, want ErrFault", err)
	}
	faultCheck(t, e, before)
}

const childEnv = "EFFEKT_TEST_CHILD_DIR"

// TestFaultChild is the subprocess of TestFaultKill: it runs the ingest of
// the environment in $EFFEKT_TEST_CHILD_DIR with $EFFEKT_FAULT set, and
// kills itself at the fault.
func TestFaultChild(t *testing.T) {
	dir := os.Getenv(childEnv)
	if dir == "" {
		t.Skip("only as the subprocess of TestFaultKill")
	}
	e := &env{t: t, dir: dir, inbox: filepath.Join(dir, "inbox"), archive: filepath.Join(dir, "archive"),
		fail: filepath.Join(dir, "failed"), dbPath: filepath.Join(dir, "e.duckdb"), logs: &syncBuffer{}}
	e.open()
	defer e.close()
	_, err := Run(context.Background(), e.db, e.options())
	t.Fatalf("the fault did not kill the process (Run returned %v)", err)
}

// TestFaultKill kills a subprocess in the middle of staging, in the middle of
// the transaction and just before commit.
func TestFaultKill(t *testing.T) {
	for _, point := range []string{PointRows, PointTx, PointCommit} {
		t.Run(point, func(t *testing.T) {
			e := newEnv(t)
			before := faultSetup(t, e)
			e.close()
			cmd := exec.Command(os.Args[0], "-test.run=^TestFaultChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), childEnv+"="+e.dir, EnvFault+"=point="+point+",action=kill,file=b.csv,rows=2000")
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || !ee.Sys().(syscall.WaitStatus).Signaled() || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("child was not killed: %v\n%s", err, out)
			}
			e.open()
			faultCheck(t, e, before)
		})
	}
}

// TestStagingDropped: after a load, failed at any point or not, the
// loader's connection holds no staging tables (one connection, so the
// query below runs on it).
func TestStagingDropped(t *testing.T) {
	for _, point := range []string{"", PointRows, PointStaged, PointTx, PointCommit} {
		t.Run("fault="+point, func(t *testing.T) {
			e := newEnv(t)
			e.db.SetMaxOpenConns(1)
			writeFile(t, filepath.Join(e.inbox, "settlements", "b.csv"), settlementsCSV(5000, "2023-03-01"))
			opt := e.options()
			if point != "" {
				opt.Fault = &Fault{Point: point, Action: "error", File: "b.csv", Rows: 2000}
			}
			_, err := Run(context.Background(), e.db, opt)
			if (point == "") != (err == nil) {
				t.Fatalf("Run error %v", err)
			}
			if n := e.count(`SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name LIKE 'ingest%'`); n != 0 {
				t.Errorf("%d staging tables left", n)
			}
			if n := e.count(`SELECT count(*) FROM settlements`); (point == "" && n != 5000) || (point != "" && n != 0) {
				t.Errorf("%d settlements rows", n)
			}
		})
	}
}

// TestInterruptedMove: a run stopped (killed, or failing) after a file's
// commit but before its move to the archive; the rerun finishes the move
// and records nothing twice.
func TestInterruptedMove(t *testing.T) {
	for _, action := range []string{"kill", "error"} {
		t.Run(action, func(t *testing.T) {
			e := newEnv(t)
			faultSetup(t, e)
			spec := "point=move,action=" + action + ",file=b.csv"
			if action == "kill" {
				e.close()
				cmd := exec.Command(os.Args[0], "-test.run=^TestFaultChild$", "-test.count=1")
				cmd.Env = append(os.Environ(), childEnv+"="+e.dir, EnvFault+"="+spec)
				out, err := cmd.CombinedOutput()
				var ee *exec.ExitError
				if !errors.As(err, &ee) || !ee.Sys().(syscall.WaitStatus).Signaled() {
					t.Fatalf("child was not killed: %v\n%s", err, out)
				}
				e.open()
			} else {
				f, err := ParseFault(spec)
				if err != nil {
					t.Fatal(err)
				}
				opt := e.options()
				opt.Fault = f
				if _, err := Run(context.Background(), e.db, opt); !errors.Is(err, ErrFault) {
					t.Fatalf("Run error %v, want ErrFault", err)
				}
			}
			b := filepath.Join(e.inbox, "settlements", "b.csv")
			if !exists(b) || e.count(`SELECT count(*) FROM files WHERE name = 'b.csv' AND status = 'loaded'`) != 1 {
				t.Fatalf("b.csv should be committed and still in the inbox")
			}
			sum := e.run()
			if len(sum.Files) != 1 || sum.Files[0].Status != StatusSkipped || !strings.Contains(sum.Files[0].Warning, "moved to the archive now") {
				t.Fatalf("rerun: %+v", sum.Files)
			}
			if exists(b) || !exists(filepath.Join(e.archive, "settlements", "b.csv")) {
				t.Errorf("b.csv was not moved to the archive")
			}
			if got := e.strings(`SELECT status FROM files WHERE name = 'b.csv'`); len(got) != 1 {
				t.Errorf("b.csv has files rows %q, want one (loaded)", got)
			}
			if n := e.count(`SELECT count(*) FROM settlements`); n != 5000 {
				t.Errorf("%d rows, want 5000", n)
			}
			// a copy of the same content sent again later is still recorded as skipped
			writeFile(t, b, settlementsCSV(5000, "2023-03-01"))
			future := time.Now().Add(time.Minute)
			os.Chtimes(b, future, future)
			if sum := e.run(); len(sum.Files) != 1 || sum.Files[0].Status != StatusSkipped || sum.Files[0].Warning != "" {
				t.Errorf("re-sent copy: %+v", sum.Files)
			}
			if got := e.strings(`SELECT status FROM files WHERE name = 'b.csv' ORDER BY file_id`); strings.Join(got, ",") != "loaded,skipped" {
				t.Errorf("b.csv files rows %q, want loaded,skipped", got)
			}
		})
	}
}
