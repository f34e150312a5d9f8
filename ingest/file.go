package ingest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// errSystem marks an error of the run rather than of the file.
type errSystem struct{ err error }

func (e *errSystem) Error() string { return e.err.Error() }
func (e *errSystem) Unwrap() error { return e.err }

// errChanged is a file that changed while it was loaded: the load is
// rolled back and the file stays in the inbox for the next run.
type errChanged struct{ msg string }

func (e *errChanged) Error() string { return e.msg }

// file loads one inbox file and moves it. The error is for problems of the
// run (see Run); a bad file gives a FileResult with status failed, a file
// that changed since it was found one with status waiting.
func (l *loader) file(ctx context.Context, conn *sql.Conn, f inboxFile) (FileResult, error) {
	// the record and the result carry the path and name scrubbed: sources
	// have been known to name a file after the person in it
	rec := fileRecord{path: scrub(f.path), name: scrub(f.name), started: time.Now()}
	if f.kind != nil {
		rec.kind = f.kind.Name
	}
	if st, err := os.Stat(f.path); err == nil && (st.Size() != f.size || !st.ModTime().Equal(f.mtime)) {
		l.log.Info("file changed since the inbox was read: left for the next run", "file", scrub(f.rel))
		return FileResult{Path: rec.path, Name: rec.name, Kind: rec.kind, Status: StatusWaiting,
			Error: "changed since the inbox was read: taken once unchanged"}, nil
	}
	info, err := scanFile(f.path, l.tmp)
	if info.copy != "" {
		defer os.Remove(info.copy)
	}
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			l.log.Warn("file vanished from the inbox before it was read", "file", scrub(f.rel))
			return FileResult{Path: rec.path, Name: rec.name, Kind: rec.kind, Status: StatusSkipped, Error: "file vanished before it was read"}, nil
		}
		return l.fail(ctx, conn, f, &rec, fileErrorf("the file cannot be read: %v", err))
	}
	rec.sha, rec.size = info.sha256, info.size
	if r, done, err := l.loadedBefore(ctx, conn, f, &rec); done || err != nil {
		return r, err
	}
	if err := conn.QueryRowContext(ctx, `SELECT nextval('file_id_seq')`).Scan(&rec.id); err != nil {
		return FileResult{}, fmt.Errorf("ingest: allocate file id: %w", err)
	}
	if f.bad != "" {
		return l.fail(ctx, conn, f, &rec, &errFile{msg: f.bad})
	}
	// the file must be as found, and the bytes loaded those hashed
	rec.verify = func(src source) error {
		sha, n := src.Loaded()
		st, err := os.Stat(f.path)
		switch {
		case err != nil:
			return &errChanged{"the file disappeared while it was loaded; nothing of it was loaded"}
		case st.Size() != f.size || !st.ModTime().Equal(f.mtime) || n != info.size || sha != info.sha256:
			return &errChanged{fmt.Sprintf("the file changed while it was loaded (size %d → %d bytes): nothing of it was loaded; it stays in the inbox for the next run", f.size, st.Size())}
		}
		return nil
	}
	unknown, err := l.load(ctx, conn, f, info, &rec)
	if err != nil {
		var fe *errFile
		if ctx.Err() != nil || errors.Is(err, ErrFault) || (!errors.As(err, &fe) && isConnErr(err)) {
			return FileResult{}, &errSystem{fmt.Errorf("ingest %s: %w", scrub(f.rel), err)}
		}
		var ce *errChanged
		if errors.As(err, &ce) {
			return l.record(ctx, conn, f, &rec, err, false)
		}
		return l.fail(ctx, conn, f, &rec, err)
	}
	res := rec.result(unknown)
	// the files row holds the time up to the commit (it is written inside
	// the transaction); the result counts the commit too
	res.Duration = time.Since(rec.started)
	if err := l.at(ctx, PointMove, rec.name, 0); err != nil {
		return FileResult{}, &errSystem{fmt.Errorf("ingest %s: %w", scrub(f.rel), err)}
	}
	l.move(f, l.opt.Archive)
	l.log.Info("file loaded", "file", scrub(f.rel), "kind", rec.kind, "rows_read", rec.read, "rows_loaded", rec.loaded, "rows_rejected", rec.rejected, "duration", res.Duration)
	if res.Warning != "" {
		l.log.Warn("file loaded with a warning", "file", scrub(f.rel), "warning", res.Warning)
	}
	return res, nil
}

// loadedBefore handles a file whose content (sha256) is already loaded:
// when a run committed this very file (same path, not modified since that
// load began) but stopped before moving it, the move is finished and
// nothing is recorded; any other copy is recorded as skipped and archived.
func (l *loader) loadedBefore(ctx context.Context, conn *sql.Conn, f inboxFile, rec *fileRecord) (FileResult, bool, error) {
	var (
		id      int64
		path    string
		started time.Time
	)
	err := conn.QueryRowContext(ctx, `SELECT file_id, path, started_at FROM files WHERE sha256 = ? AND status = 'loaded'
		ORDER BY path = ? DESC, file_id DESC LIMIT 1`, rec.sha, rec.path).Scan(&id, &path, &started)
	if errors.Is(err, sql.ErrNoRows) {
		return FileResult{}, false, nil
	}
	if err != nil {
		return FileResult{}, true, fmt.Errorf("ingest: look up file: %w", err)
	}
	if path == rec.path && f.mtime.Before(started) {
		l.move(f, l.opt.Archive)
		l.log.Info("file was loaded by a run that stopped before moving it: moved to the archive", "file", scrub(f.rel), "file_id", id)
		return FileResult{Path: rec.path, Name: rec.name, Kind: rec.kind, Status: StatusSkipped, FileID: id, Size: rec.size,
			Warning: fmt.Sprintf("loaded before (file id %d) by a run that stopped before moving it: moved to the archive now", id)}, true, nil
	}
	if err := conn.QueryRowContext(ctx, `SELECT nextval('file_id_seq')`).Scan(&rec.id); err != nil {
		return FileResult{}, true, fmt.Errorf("ingest: allocate file id: %w", err)
	}
	rec.status, rec.finished = StatusSkipped, time.Now()
	if _, err := conn.ExecContext(ctx, insertFile, rec.args()...); err != nil {
		return FileResult{}, true, fmt.Errorf("ingest: record skipped file: %w", err)
	}
	l.move(f, l.opt.Archive)
	l.log.Info("file already loaded (same sha256): skipped", "file", scrub(f.rel))
	return rec.result(nil), true, nil
}

// isConnErr reports errors that say the database itself is unusable.
func isConnErr(err error) bool {
	s := err.Error()
	return errors.Is(err, sql.ErrConnDone) || strings.Contains(s, "database has been invalidated") || strings.Contains(s, "FATAL")
}

func (r *fileRecord) result(unknown []string) FileResult {
	return FileResult{Path: r.path, Name: r.name, Kind: r.kind, Status: r.status, Error: r.err,
		RowsRead: r.read, RowsLoaded: r.loaded, RowsRejected: r.rejected, UnknownColumns: unknown,
		Duration: r.finished.Sub(r.started), FileID: r.id, Size: r.size, Warning: r.warning}
}

// load reads, stages and commits one file. A panic becomes an error.
func (l *loader) load(ctx context.Context, conn *sql.Conn, f inboxFile, info fileInfo, rec *fileRecord) (unknown []string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fileErrorf("internal error while loading the file (please report it): %v", r)
		}
	}()
	src, err := openSource(f.path, info, rec.kind, l.xlsxLimits(), l.csvMaxRows())
	if err != nil {
		return nil, err
	}
	defer src.Close()
	k := f.kind // never nil here: discover recognised it, or f.bad failed the file
	h, err := matchHeader(k, src.Header())
	if err != nil {
		return nil, fileErrorf("header (line %d): %v", src.HeaderLine(), err)
	}
	if len(h.missing) > 0 {
		names := make([]string, len(h.missing))
		for i, m := range h.missing {
			_, c := k.Column(m)
			names[i] = m
			if len(c.Aliases) > 0 {
				names[i] += " (or " + strings.Join(c.Aliases, ", ") + ")"
			}
		}
		return nil, fileErrorf("required columns missing for %s: %s; header found: %s. Name the columns so, or put the file in the inbox folder of its kind",
			k.Name, strings.Join(names, "; "), quoteList(src.Header(), 12))
	}
	if len(h.unknown) > 0 {
		for i := range h.unknown {
			h.unknown[i] = scrub(h.unknown[i])
		}
		l.log.Warn("unknown columns ignored", "file", scrub(f.rel), "kind", k.Name, "columns", strings.Join(h.unknown, ", "))
	}
	return h.unknown, l.loadTx(ctx, conn, k, h, src, rec)
}

// fail records a failed file (no data rows), writes its .error.txt and moves
// it to the failed folder.
func (l *loader) fail(ctx context.Context, conn *sql.Conn, f inboxFile, rec *fileRecord, cause error) (FileResult, error) {
	return l.record(ctx, conn, f, rec, cause, true)
}

// record records a failed load; with move, the file goes to the failed
// folder with its .error.txt, else it stays in the inbox.
func (l *loader) record(ctx context.Context, conn *sql.Conn, f inboxFile, rec *fileRecord, cause error, move bool) (FileResult, error) {
	msg := scrub(cause.Error())
	rec.status, rec.err, rec.finished = StatusFailed, msg, time.Now()
	rec.read, rec.loaded, rec.rejected = 0, 0, 0
	if rec.id == 0 {
		if err := conn.QueryRowContext(ctx, `SELECT nextval('file_id_seq')`).Scan(&rec.id); err != nil {
			return FileResult{}, fmt.Errorf("ingest: allocate file id: %w", err)
		}
	}
	if _, err := conn.ExecContext(ctx, insertFile, rec.args()...); err != nil {
		return FileResult{}, fmt.Errorf("ingest: record failed file: %w", err)
	}
	l.log.Warn("file failed", "file", scrub(f.rel), "kind", rec.kind, "error", msg)
	if !move {
		return rec.result(nil), nil
	}
	if dst := l.move(f, l.opt.Failed); dst != "" {
		if err := os.WriteFile(errorPath(dst), []byte(errorText(f, rec, l.opt.Inbox)), 0o644); err != nil {
			l.log.Error("write error file", "file", scrub(dst), "err", scrub(err.Error()))
		}
	}
	return rec.result(nil), nil
}

// errorText is the .error.txt written beside a failed file.
func errorText(f inboxFile, rec *fileRecord, inbox string) string {
	kind := rec.kind
	if kind == "" {
		kind = "not recognised"
	}
	folder := filepath.Join(inbox, "<kind>")
	if rec.kind != "" {
		folder = filepath.Join(inbox, rec.kind)
	}
	// everything but the sha256 (which may hold long digit runs) is scrubbed
	return fmt.Sprintf(`effekt could not load this file; none of its rows were loaded.

file:    %s
kind:    %s
sha256:  %s
time:    %s

problem: %s

What to do: correct the file (or export it again) and put it into %s.
Kinds: %s.
`, scrub(f.name), kind, rec.sha, rec.finished.UTC().Format(time.RFC3339), scrub(rec.err), scrub(folder), strings.Join(KindNames(), ", "))
}

// move moves a processed file below dir, keeping its path relative to the
// inbox and never overwriting (a suffix -1, -2, … is added). It returns the
// destination, or "" when the move failed (logged).
func (l *loader) move(f inboxFile, dir string) string {
	if dir == "" {
		return ""
	}
	dst := filepath.Join(dir, f.rel)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		l.log.Error("create folder", "folder", scrub(filepath.Dir(dst)), "err", scrub(err.Error()))
		return ""
	}
	ext := filepath.Ext(dst)
	base := strings.TrimSuffix(dst, ext)
	for i := 1; exists(dst) || exists(errorPath(dst)); i++ {
		dst = fmt.Sprintf("%s-%d%s", base, i, ext)
	}
	if err := os.Rename(f.path, dst); err != nil {
		if err := copyFile(f.path, dst); err != nil {
			l.log.Error("move file", "file", scrub(f.rel), "to", scrub(dst), "err", scrub(err.Error()))
			return ""
		}
		os.Remove(f.path)
	}
	return dst
}

// errorPath is the .error.txt beside a failed file: its name has
// personnummer shapes masked (the failed file keeps its own name).
func errorPath(dst string) string {
	return filepath.Join(filepath.Dir(dst), scrub(filepath.Base(dst))+".error.txt")
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(dst)
		return err
	}
	return out.Close()
}
