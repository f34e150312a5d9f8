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

// file loads one inbox file and moves it. The error is for problems of the
// run (see Run); a bad file gives a FileResult with status failed.
func (l *loader) file(ctx context.Context, conn *sql.Conn, f inboxFile) (FileResult, error) {
	// the record and the result carry the path and name scrubbed: sources
	// have been known to name a file after the person in it
	rec := fileRecord{path: scrub(f.path), name: scrub(f.name), started: time.Now()}
	if f.kind != nil {
		rec.kind = f.kind.Name
	}
	info, err := scanFile(f.path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			l.log.Warn("file vanished from the inbox before it was read", "file", scrub(f.rel))
			return FileResult{Path: rec.path, Name: rec.name, Kind: rec.kind, Status: StatusSkipped, Error: "file vanished before it was read"}, nil
		}
		return l.fail(ctx, conn, f, &rec, fileErrorf("the file cannot be read: %v", err))
	}
	rec.sha, rec.size = info.sha256, info.size
	var n int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM files WHERE sha256 = ? AND status = 'loaded'`, rec.sha).Scan(&n); err != nil {
		return FileResult{}, fmt.Errorf("ingest: look up file: %w", err)
	}
	if err := conn.QueryRowContext(ctx, `SELECT nextval('file_id_seq')`).Scan(&rec.id); err != nil {
		return FileResult{}, fmt.Errorf("ingest: allocate file id: %w", err)
	}
	if n > 0 {
		rec.status, rec.finished = StatusSkipped, time.Now()
		if _, err := conn.ExecContext(ctx, insertFile, rec.args()...); err != nil {
			return FileResult{}, fmt.Errorf("ingest: record skipped file: %w", err)
		}
		l.move(f, l.opt.Archive)
		l.log.Info("file already loaded (same sha256): skipped", "file", scrub(f.rel))
		return rec.result(nil), nil
	}
	if f.bad != "" {
		return l.fail(ctx, conn, f, &rec, &errFile{msg: f.bad})
	}
	unknown, err := l.load(ctx, conn, f, info, &rec)
	if err != nil {
		var fe *errFile
		if ctx.Err() != nil || errors.Is(err, ErrFault) || (!errors.As(err, &fe) && isConnErr(err)) {
			return FileResult{}, &errSystem{fmt.Errorf("ingest %s: %w", scrub(f.rel), err)}
		}
		return l.fail(ctx, conn, f, &rec, err)
	}
	res := rec.result(unknown)
	// the files row holds the time up to the commit (it is written inside
	// the transaction); the result counts the commit too
	res.Duration = time.Since(rec.started)
	l.move(f, l.opt.Archive)
	l.log.Info("file loaded", "file", scrub(f.rel), "kind", rec.kind, "rows_read", rec.read, "rows_loaded", rec.loaded, "rows_rejected", rec.rejected, "duration", res.Duration)
	return res, nil
}

// isConnErr reports errors that say the database itself is unusable.
func isConnErr(err error) bool {
	s := err.Error()
	return errors.Is(err, sql.ErrConnDone) || strings.Contains(s, "database has been invalidated") || strings.Contains(s, "FATAL")
}

func (r *fileRecord) result(unknown []string) FileResult {
	return FileResult{Path: r.path, Name: r.name, Kind: r.kind, Status: r.status, Error: r.err,
		RowsRead: r.read, RowsLoaded: r.loaded, RowsRejected: r.rejected, UnknownColumns: unknown,
		Duration: r.finished.Sub(r.started), FileID: r.id, Size: r.size}
}

// load reads, stages and commits one file. A panic becomes an error.
func (l *loader) load(ctx context.Context, conn *sql.Conn, f inboxFile, info fileInfo, rec *fileRecord) (unknown []string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fileErrorf("internal error while loading the file (please report it): %v", r)
		}
	}()
	src, err := openSource(f.path, info, rec.kind)
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
		l.log.Error("create folder", "folder", filepath.Dir(dst), "err", err)
		return ""
	}
	ext := filepath.Ext(dst)
	base := strings.TrimSuffix(dst, ext)
	for i := 1; exists(dst) || exists(errorPath(dst)); i++ {
		dst = fmt.Sprintf("%s-%d%s", base, i, ext)
	}
	if err := os.Rename(f.path, dst); err != nil {
		if err := copyFile(f.path, dst); err != nil {
			l.log.Error("move file", "file", scrub(f.rel), "to", scrub(dst), "err", err)
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
