package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/effekt/effekt/ingest"
)

// attachProgress makes an ingest run show its progress on w: a live bar
// (files n/N, rows, rows/s, ETA over the bytes of the run) on a terminal,
// plain lines every few seconds otherwise. The returned function ends the
// display.
func attachProgress(opt *ingest.Options, w *os.File) func() {
	if term.IsTerminal(int(w.Fd())) {
		return liveProgress(opt, w)
	}
	opt.OnProgress = lineProgress(w, 5*time.Second)
	return func() {}
}

// liveProgress draws a progress bar; per-file INFO lines are held back
// while it runs (the summary after it says the same).
func liveProgress(opt *ingest.Options, w io.Writer) func() {
	var bar *progressbar.ProgressBar
	level := logLevel.Level()
	if level < slog.LevelWarn {
		logLevel.Set(slog.LevelWarn)
	}
	opt.OnProgress = func(ev ingest.ProgressEvent) {
		if bar == nil {
			bar = progressbar.NewOptions64(max(ev.TotalBytes, 1),
				progressbar.OptionSetWriter(w),
				progressbar.OptionSetWidth(15),
				progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionSetPredictTime(true),
				progressbar.OptionClearOnFinish(),
			)
		}
		bar.Describe(shortDescribe(ev))
		bar.Set64(ev.DoneBytes + filePos(ev))
	}
	return func() {
		if bar != nil {
			bar.Finish()
		}
		logLevel.Set(level)
	}
}

// lineProgress prints one line at most every interval.
func lineProgress(w io.Writer, interval time.Duration) func(ingest.ProgressEvent) {
	var mu sync.Mutex
	var last time.Time
	return func(ev ingest.ProgressEvent) {
		mu.Lock()
		defer mu.Unlock()
		if ev.Done || time.Since(last) < interval || ev.Elapsed < interval {
			return
		}
		last = time.Now()
		fmt.Fprintf(w, "ingest: %s%s\n", describe(ev), eta(ev))
	}
}

// describe is "file 3/9 so_attendance/x.csv: 250000 rows, 410000 rows/s".
func describe(ev ingest.ProgressEvent) string {
	s := fmt.Sprintf("file %d/%d %s: %d rows", ev.Index, ev.Files, ev.File, ev.Rows)
	if ev.Elapsed > 0 && ev.Rows > 0 {
		s += fmt.Sprintf(", %.0f rows/s", float64(ev.Rows)/ev.Elapsed.Seconds())
	}
	return s
}

// eta is ", 42 % of the file, about 12s left in it" from the bytes read,
// or "" when unknown.
func eta(ev ingest.ProgressEvent) string {
	if ev.Pos <= 0 || ev.Size <= 0 || ev.Elapsed <= 0 {
		return ""
	}
	frac := min(float64(ev.Pos)/float64(ev.Size), 1)
	left := time.Duration(float64(ev.Elapsed) * (1 - frac) / frac)
	return fmt.Sprintf(", %.0f %% of the file, about %s left in it", 100*frac, left.Round(time.Second))
}

// filePos is how far into the current file the run is, in bytes.
func filePos(ev ingest.ProgressEvent) int64 {
	switch {
	case ev.Done:
		return ev.Size
	case ev.Pos > 0:
		return min(ev.Pos, ev.Size)
	}
	return 0
}

// shortDescribe is describe for one terminal line of 80 columns with the
// bar: "2/9 so_attenda…2026-11-30.csv 49204 rows 38456/s".
func shortDescribe(ev ingest.ProgressEvent) string {
	name := []rune(filepath.Base(ev.File))
	if len(name) > 24 { // keep the end: the date is in it
		name = append(append(name[:10:10], '…'), name[len(name)-13:]...)
	}
	s := fmt.Sprintf("%d/%d %-24s %8d rows", ev.Index, ev.Files, string(name), ev.Rows)
	if ev.Elapsed > 0 && ev.Rows > 0 {
		s += fmt.Sprintf(" %7.0f/s", float64(ev.Rows)/ev.Elapsed.Seconds())
	}
	return s
}
