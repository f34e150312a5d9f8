package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

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
	if s := live.String(); !strings.Contains(s, "file 2/9 so_attendance/a.csv: 800000 rows") || !strings.Contains(s, "%") {
		t.Errorf("live display %q lacks the file, rows and a percentage", s)
	}
}
