package ingest

import (
	"io"
	"time"
)

// ProgressEvent is the state of a run, given to Options.OnProgress after
// every batch of rows and when a file is finished. Sizes are in bytes;
// a display can show files n of N, rows, rows/s and the ETA from them.
type ProgressEvent struct {
	File       string        // the file being loaded, relative to the inbox, masked
	Index      int           // 1-based number of the file in this run
	Files      int           // files this run loads
	Rows       int64         // rows read of this file so far
	Pos        int64         // bytes of this file read so far; -1 unknown (workbooks)
	Size       int64         // bytes of this file
	DoneBytes  int64         // bytes of the files finished before this one
	TotalBytes int64         // bytes of every file of the run
	Elapsed    time.Duration // since this file started
	Done       bool          // the file is finished
}

// tracker reports a run's progress to Options.OnProgress.
type tracker struct {
	on         func(ProgressEvent)
	ev         ProgressEvent
	start      time.Time
	totalBytes int64
}

// newTracker returns nil when nobody listens.
func newTracker(on func(ProgressEvent), files []inboxFile) *tracker {
	if on == nil {
		return nil
	}
	t := &tracker{on: on}
	for _, f := range files {
		t.totalBytes += f.size
	}
	t.ev.Files, t.ev.TotalBytes = len(files), t.totalBytes
	return t
}

// begin starts file number i (0-based).
func (t *tracker) begin(i int, f inboxFile) {
	if t == nil {
		return
	}
	t.ev.File, t.ev.Index, t.ev.Size, t.ev.Rows, t.ev.Pos, t.ev.Done = scrub(f.rel), i+1, f.size, 0, 0, false
	t.start = time.Now()
	t.ev.Elapsed = 0
	t.on(t.ev)
}

// end finishes the current file.
func (t *tracker) end() {
	if t == nil {
		return
	}
	t.ev.Done, t.ev.Pos, t.ev.Elapsed = true, t.ev.Size, time.Since(t.start)
	t.on(t.ev)
	t.ev.DoneBytes += t.ev.Size
}

// rows wraps next (the per-batch callback, may be nil) to report rows read
// and how far src is in its file.
func (t *tracker) rows(src source, next func(int64)) func(int64) {
	if t == nil {
		return next
	}
	return func(n int64) {
		if next != nil {
			next(n)
		}
		t.ev.Rows, t.ev.Pos, t.ev.Elapsed = n, position(src), time.Since(t.start)
		t.on(t.ev)
	}
}

// position is how far src has read its file: the offset of a CSV file
// (lseek, safe beside the reading goroutine; a little ahead of the rows
// parsed because of buffering); -1 when unknown.
func position(src source) int64 {
	if s, ok := src.(*csvSource); ok && s.f != nil {
		if off, err := s.f.Seek(0, io.SeekCurrent); err == nil {
			return off
		}
	}
	return -1
}
