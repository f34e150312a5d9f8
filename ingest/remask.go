package ingest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/effekt/effekt/ingest/parse"
)

// maskVersion is the version of personnummer masking (parse.FindPNRs,
// parse.Redact) that text is stored with: 1 masked whole personnummer
// shapes, 2 (2026-12-02) parts of one too (nine digits, a date and one to
// three more), 3 (2026-12-02) read through every punctuation mark, symbol
// and space (a lone , ; : only), runs of up to five, invisible characters
// and combining marks, and count superscript and circled digits, 4
// (2026-12-02) count a run of white space among the separators as one,
// read HTML character references, backslash and percent escapes as the
// character they stand for, read modifier letters and letters that look
// like - / | : . as separators, and mask a birth date's short groups
// through the last four ("800101-1-1234"), 5 (2026-12-02) read character
// references as a browser does: every HTML5 name, hexadecimal ones with
// any number of digits or without ';', old names without ';', 6
// (2026-12-02) also read references escaped again, up to four rounds
// ("&amp;#x2D;"), and read through HTML tags and comments between digit
// groups, but not block-level tags ("8001<b>01</b>-1234", not
// "800101<br>1234").
const maskVersion = 6

// remaskTarget is a stored text column and how a value of it is masked.
type remaskTarget struct {
	table, column string
	mask          func(string) string
}

// remaskTargets are every stored text column a load masks: the kinds' free
// text (not their natural keys: masking could merge two keys, so a key
// holding part of a personnummer is only counted and reported), the
// rejected values and their messages, and the files' names, paths and
// errors.
func remaskTargets() []remaskTarget {
	var out []remaskTarget
	for _, k := range Kinds {
		for _, c := range k.Columns {
			if (c.Type == TText || c.Type == TReferredBy || c.Type == TLanguages) && !slices.Contains(k.Key, c.Name) {
				out = append(out, remaskTarget{k.Name, c.Target, scrub})
			}
		}
	}
	redact := func(s string) string { return parse.EscapeText(scrub(parse.Redact(s))) }
	return append(out,
		remaskTarget{"rejected_rows", "value", redact},
		remaskTarget{"rejected_rows", "message", scrub},
		remaskTarget{"files", "path", scrub},
		remaskTarget{"files", "name", scrub},
		remaskTarget{"files", "error", scrub},
	)
}

// ErrMaskOutdated is returned by CheckMasked for a database whose stored
// text an older masking wrote.
var ErrMaskOutdated = errors.New("the database holds text masked by an older version of effekt: open it for writing once (effekt ingest, effekt compute or effekt serve mask it again), then read it")

// CheckMasked returns ErrMaskOutdated unless the stored text of db is
// masked with the current masking (Remask recorded it) or no file was
// ever loaded into it (only a load stores text): a read-only open, which
// cannot mask it again, must not show it.
func CheckMasked(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}) error {
	version, err := storedMaskVersion(ctx, q)
	if err != nil {
		return err
	}
	if version >= maskVersion {
		return nil
	}
	var loaded bool
	if err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM files)`).Scan(&loaded); err != nil {
		return fmt.Errorf("read files: %w", err)
	}
	if loaded {
		return ErrMaskOutdated
	}
	return nil
}

// storedMaskVersion is the masking version the stored text was last
// masked with (0: none recorded).
func storedMaskVersion(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}) (int, error) {
	var version int
	if err := q.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM mask_state`).Scan(&version); err != nil {
		return 0, fmt.Errorf("read mask_state: %w", err)
	}
	return version, nil
}

// Remask masks the stored text again, in one transaction, when it was
// stored by an older masking version than maskVersion, and records the
// version (every writing open of the database and every ingest run call
// it; once done it costs one query); it returns the cells it changed. A natural key holding part of
// a personnummer is left (masking could merge two keys) and logged by
// kind and count, for the exporting system to fix.
func Remask(ctx context.Context, db *sql.DB, log *slog.Logger) (changed int64, err error) {
	version, err := storedMaskVersion(ctx, db)
	if err != nil {
		return 0, err
	}
	if version >= maskVersion {
		return 0, nil
	}
	start := time.Now()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("remask: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	for _, t := range remaskTargets() {
		n, err := remaskColumn(ctx, tx, t)
		if err != nil {
			return 0, fmt.Errorf("remask %s.%s: %w", t.table, t.column, err)
		}
		changed += n
	}
	for _, k := range Kinds {
		for _, key := range k.Key {
			_, c := k.Column(key)
			if c == nil || c.Type != TText {
				continue
			}
			n, err := countPNRs(ctx, tx, k.Name, c.Target)
			if err != nil {
				return 0, fmt.Errorf("remask %s.%s: %w", k.Name, c.Target, err)
			}
			if n > 0 {
				log.Warn("stored identifiers shaped like part of a personnummer: left as they are (masking could merge two); have the exporting system give them other ids", "kind", k.Name, "column", key, "rows", n)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO mask_state VALUES (?, ?, ?)`, maskVersion, time.Now(), changed); err != nil {
		return 0, fmt.Errorf("remask: record mask_state: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("remask: commit: %w", err)
	}
	level := slog.LevelDebug
	if changed > 0 {
		level = slog.LevelInfo
	}
	log.Log(ctx, level, "stored text masked again with the current masking", "version", maskVersion, "cells", changed, "seconds", time.Since(start).Seconds())
	return changed, nil
}

// withDigits calls fn with the rowid and value of every value of the
// column that holds a digit of any script (only they can be masked).
func withDigits(ctx context.Context, tx *sql.Tx, table, column string, fn func(rowid int64, v string)) error {
	rows, err := tx.QueryContext(ctx, fmt.Sprintf(`SELECT rowid, %q FROM %q WHERE regexp_matches(%q, '\pN')`, column, table, column))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var v string
		if err := rows.Scan(&id, &v); err != nil {
			return err
		}
		fn(id, v)
	}
	return rows.Err()
}

func remaskColumn(ctx context.Context, tx *sql.Tx, t remaskTarget) (int64, error) {
	type change struct {
		rowid int64
		value string
	}
	var todo []change
	if err := withDigits(ctx, tx, t.table, t.column, func(id int64, v string) {
		if m := t.mask(v); m != v {
			todo = append(todo, change{id, m})
		}
	}); err != nil {
		return 0, err
	}
	if len(todo) == 0 {
		return 0, nil
	}
	// the new values go into a temporary table, remaskBatch rows a
	// statement, and one UPDATE joins it on the rowid: an UPDATE a cell
	// took about a millisecond each, minutes for a million cells
	if _, err := tx.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE effekt_remask (id BIGINT, value VARCHAR)`); err != nil {
		return 0, err
	}
	defer tx.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS effekt_remask`) //nolint:errcheck // a temporary table of the transaction's connection
	for from := 0; from < len(todo); from += remaskBatch {
		batch := todo[from:min(from+remaskBatch, len(todo))]
		args := make([]any, 0, 2*len(batch))
		for _, c := range batch {
			args = append(args, c.rowid, c.value)
		}
		values := strings.Repeat("(?, ?), ", len(batch))
		if _, err := tx.ExecContext(ctx, `INSERT INTO effekt_remask VALUES `+values[:len(values)-2], args...); err != nil {
			return 0, err
		}
	}
	res, err := tx.ExecContext(ctx, fmt.Sprintf(`UPDATE %q SET %q = r.value FROM effekt_remask r WHERE %q.rowid = r.id`, t.table, t.column, t.table))
	if err != nil {
		return 0, err
	}
	if n, err := res.RowsAffected(); err != nil || n != int64(len(todo)) {
		return 0, fmt.Errorf("updated %d rows of %d (%v)", n, len(todo), err)
	}
	return int64(len(todo)), nil
}

// remaskBatch is how many new values one INSERT of Remask binds.
const remaskBatch = 1000

func countPNRs(ctx context.Context, tx *sql.Tx, table, column string) (int64, error) {
	var n int64
	err := withDigits(ctx, tx, table, column, func(_ int64, v string) {
		if parse.HasPNR(v) {
			n++
		}
	})
	return n, err
}

// maxErrorFile bounds the .error.txt files remaskErrorFiles reads: the
// loader writes a page at most (errorText), so a larger one is not its
// own and is left (logged).
const maxErrorFile = 1 << 20

// remaskErrorFiles masks again, with the current masking, every
// .error.txt the loader wrote below dir (the failed folder), older
// versions of effekt included: each line of its text but the sha256 one
// (hex digits that are no identity), and its name as errorPath gives it.
// A file is rewritten (through a temporary file and a rename) or renamed
// only when that changes it, so a run over files already masked writes
// nothing; a renamed file never replaces another. Symbolic links and
// other non-regular files are not followed. It returns how many files it
// changed; a file it cannot read or write is logged and left.
func remaskErrorFiles(dir string, log *slog.Logger) int {
	const suffix = ".error.txt"
	changed := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if !d.Type().IsRegular() || !strings.HasSuffix(d.Name(), suffix) {
			return nil
		}
		fail := func(what string, err error) error {
			log.Warn("error file not masked again", "file", scrub(path), "step", what, "err", scrub(err.Error()))
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return fail("stat", err)
		}
		if info.Size() > maxErrorFile {
			return fail("size", fmt.Errorf("%d bytes: not an error file effekt wrote", info.Size()))
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return fail("read", err)
		}
		text := maskErrorText(string(b))
		dst := filepath.Join(filepath.Dir(path), scrub(strings.TrimSuffix(d.Name(), suffix))+suffix)
		if dst != path && exists(dst) {
			dst = path // never replace another file
		}
		if text == string(b) && dst == path {
			return nil
		}
		tmp, err := os.CreateTemp(filepath.Dir(path), ".remask-*")
		if err != nil {
			return fail("write", err)
		}
		_, werr := tmp.WriteString(text)
		if cerr := tmp.Close(); werr == nil {
			werr = cerr
		}
		if werr == nil {
			werr = os.Rename(tmp.Name(), dst)
		}
		if werr != nil {
			os.Remove(tmp.Name())
			return fail("write", werr)
		}
		if dst != path {
			if err := os.Remove(path); err != nil {
				return fail("remove the old name", err)
			}
		}
		changed++
		return nil
	})
	if err != nil {
		log.Warn("error files not masked again", "folder", scrub(dir), "err", scrub(err.Error()))
	}
	if changed > 0 {
		log.Info("error files masked again with the current masking", "folder", scrub(dir), "files", changed)
	}
	return changed
}

// maskErrorText masks every line of an .error.txt but its sha256 line.
func maskErrorText(s string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, "sha256:") {
			lines[i] = scrub(l)
		}
	}
	return strings.Join(lines, "")
}
