package main

import (
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/ingest"
)

// TestProgress: in a pipe, plain lines with files n/N, rows, rows/s and the
// time left in the file; on a terminal, a bar with the same description.
func TestProgress(t *testing.T) {
	ev := ingest.ProgressEvent{File: "so_attendance/a.csv", Index: 2, Files: 9, Rows: 400000, Pos: 25 << 20, Size: 100 << 20,
		DoneBytes: 10 << 20, TotalBytes: 200 << 20, Elapsed: 2 * time.Second}

	var lines bytes.Buffer
	on := lineProgress(&lines, 0)
	on(ev)
	want := "ingest: file 2/9 so_attendance/a.csv: 400000 rows, 200000 rows/s, 25 % of the file, about 6s left in it\n"
	if lines.String() != want {
		t.Errorf("line\n%q, want\n%q", lines.String(), want)
	}

	var live bytes.Buffer
	var opt ingest.Options
	stop := liveProgress(&opt, &live)
	opt.OnProgress(ev)
	time.Sleep(150 * time.Millisecond) // past the bar's throttle
	ev.Rows, ev.Pos = 800000, 50<<20
	opt.OnProgress(ev)
	stop()
	if s := live.String(); !strings.Contains(s, "2/9 a.csv ") || !strings.Contains(s, "800000 rows  400000/s") || !strings.Contains(s, "%") {
		t.Errorf("live display %q lacks the file, rows and a percentage", s)
	}
}

// TestProgressOnTerminal runs a real ingest on a pseudo-terminal (util-linux
// script) and expects the live display; skipped where script is missing.
func TestProgressOnTerminal(t *testing.T) {
	scriptBin, err := exec.LookPath("script")
	if err != nil {
		t.Skip("no script(1) for a pseudo-terminal")
	}
	dir := t.TempDir()
	if _, errOut, code := cli(t, dir, "sample", "--out", "inbox", "--quiet"); code != 0 {
		t.Fatalf("sample: %s", errOut)
	}
	line := strconv.Quote(os.Args[0]) + " ingest --inbox inbox --db e.duckdb"
	cmd := exec.Command(scriptBin, "-qec", line, "/dev/null")
	cmd.Dir = dir
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "EFFEKT_") {
			cmd.Env = append(cmd.Env, e)
		}
	}
	cmd.Env = append(cmd.Env, envAsMain+"=1", config.EnvPseudonymKey+"="+testKey)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ingest on a terminal: %v\n%s", err, out)
	}
	s := string(out)
	if !strings.Contains(s, "1/9 so_registr…") || !strings.Contains(s, "\r") || !strings.Contains(s, "%") {
		t.Errorf("no live progress display on the terminal:\n%q", s)
	}
	if strings.Contains(s, `msg="file loaded"`) {
		t.Errorf("per-file INFO lines printed through the live display:\n%s", s)
	}
	if !strings.Contains(s, "9 files (0 failed)") {
		t.Errorf("no summary:\n%s", s)
	}
}
