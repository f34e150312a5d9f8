package ingest

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	_ "embed"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

//go:embed sql/load.sql
var loadSQL string

var loadTmpl = template.Must(template.New("load").Parse(loadSQL))

// kindSQL holds the load statements of one kind, rendered once.
type kindSQL struct {
	dups, dupsCandidates, superseded, deleteSuperseded, deleteOld, drop string
}

var kindStatements = map[string]kindSQL{}

func init() {
	for _, k := range Kinds {
		kindStatements[k.Name] = renderKind(k)
	}
}

func renderKind(k *Kind) kindSQL {
	keys := k.KeyTargets()
	join := make([]string, len(keys))
	joinSD := make([]string, len(keys))
	for i, c := range keys {
		join[i] = fmt.Sprintf("t.%s = s.%s", c, c)
		joinSD[i] = fmt.Sprintf("s.%s = d.%s", c, c)
	}
	data := map[string]string{
		"Table":     k.Name,
		"KeyJoinSD": strings.Join(joinSD, " AND "),
		"Key":       strings.Join(keys, ", "),
		"KeyNames":  strings.Join(k.Key, ", "),
		"KeyJoin":   strings.Join(join, " AND "),
	}
	r := func(name string) string {
		var b bytes.Buffer
		if err := loadTmpl.ExecuteTemplate(&b, name, data); err != nil {
			panic(fmt.Sprintf("ingest: template %s for %s: %v", name, k.Name, err))
		}
		return strings.TrimSpace(b.String())
	}
	return kindSQL{dups: r("dups"), dupsCandidates: r("dups_candidates"), superseded: r("superseded"), deleteSuperseded: r("delete_superseded"),
		deleteOld: r("delete_old"), drop: r("drop")}
}

// appenderSink appends validated rows to the kind's table and rejected
// rows to rejected_rows, inside the file's transaction.
type appenderSink struct {
	rowsA, rejA *duckdb.Appender
	fileID      int64
	kind        string
	after       func(appended int64) error // fault hook, may be nil
	appended    int64
}

func (s *appenderSink) rows(vals []driver.Value, width int) error {
	for i := 0; i+width <= len(vals); i += width {
		if err := s.rowsA.AppendRow(vals[i : i+width]...); err != nil {
			return fmt.Errorf("append row: %w", err)
		}
		s.appended++
	}
	if s.after != nil {
		return s.after(s.appended)
	}
	return nil
}

func (s *appenderSink) reject(r reject) error {
	var col, val any
	if r.column != "" {
		col, val = r.column, r.value
	}
	if err := s.rejA.AppendRow(s.fileID, s.kind, r.line, col, val, r.reason, r.message); err != nil {
		return fmt.Errorf("append rejected row: %w", err)
	}
	return nil
}

// withFile renders a statement for file id.
func withFile(q string, id int64) string {
	return strings.ReplaceAll(q, "$1", strconv.FormatInt(id, 10))
}

// loadTx loads src in one transaction on conn: the Appender puts the good
// rows straight into the kind's table and the rejected ones into
// rejected_rows; then repeated keys are resolved, rows of earlier files with
// the same keys deleted and the file recorded. On any error or panic the
// transaction is rolled back and nothing of the file remains.
func (l *loader) loadTx(ctx context.Context, conn *sql.Conn, k *Kind, h header, src source, rec *fileRecord) (err error) {
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			if _, rerr := conn.ExecContext(context.Background(), "ROLLBACK"); rerr != nil {
				l.log.Error("rollback", "file", scrub(rec.name), "err", rerr)
			}
		}
	}()
	timer := l.stepTimer(rec.name)
	c, err := l.append(ctx, conn, k, h, src, rec)
	if err != nil {
		return err
	}
	timer("append")
	if err := l.fault.at(ctx, PointStaged, rec.name, c.read); err != nil {
		return err
	}
	st := kindStatements[k.Name]
	exec := func(what, q string) (int64, error) {
		res, err := conn.ExecContext(ctx, withFile(q, rec.id))
		if err != nil {
			return 0, fmt.Errorf("%s: %w", what, err)
		}
		n, _ := res.RowsAffected()
		timer(what)
		return n, nil
	}
	var dups, superseded int64
	if c.maybeDup {
		q := st.dups
		if c.candidates != nil {
			if err := l.candidates(ctx, conn, c.candidates); err != nil {
				return err
			}
			q = st.dupsCandidates
		}
		if _, err := exec("find repeated keys", q); err != nil {
			return err
		}
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM ingest_dups`).Scan(&dups); err != nil {
			return fmt.Errorf("count repeated keys: %w", err)
		}
	}
	if dups > 0 {
		if superseded, err = exec("record superseded rows", st.superseded); err != nil {
			return err
		}
		n, err := exec("remove superseded rows", st.deleteSuperseded)
		if err != nil {
			return err
		}
		if n != superseded {
			return fmt.Errorf("internal error: %d rows superseded but %d removed", superseded, n)
		}
	}
	if err := l.fault.at(ctx, PointTx, rec.name, 0); err != nil {
		return err
	}
	if _, err := exec("replace rows of earlier files", st.deleteOld); err != nil {
		return err
	}
	rec.read, rec.loaded, rec.rejected = c.read, c.good-superseded, c.rejected+superseded
	rec.status, rec.finished = StatusLoaded, time.Now()
	if _, err := conn.ExecContext(ctx, insertFile, rec.args()...); err != nil {
		return fmt.Errorf("record file: %w", err)
	}
	if err := l.fault.at(ctx, PointCommit, rec.name, 0); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	committed = true
	timer("commit")
	if c.maybeDup {
		if _, err := conn.ExecContext(ctx, st.drop); err != nil {
			l.log.Warn("drop ingest_dups", "err", err)
		}
	}
	return nil
}

// candidates puts the lines that may repeat a key into TEMP ingest_cand.
func (l *loader) candidates(ctx context.Context, conn *sql.Conn, lines []int64) error {
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE ingest_cand (line BIGINT)`); err != nil {
		return fmt.Errorf("candidate lines: %w", err)
	}
	return conn.Raw(func(dc any) error {
		a, err := duckdb.NewAppender(dc.(driver.Conn), "temp", "main", "ingest_cand")
		if err != nil {
			return fmt.Errorf("candidate lines: %w", err)
		}
		for _, n := range lines {
			if err := a.AppendRow(n); err != nil {
				a.Close()
				return fmt.Errorf("candidate lines: %w", err)
			}
		}
		return a.Close()
	})
}

// append validates src and appends its rows to the kind's table and its
// rejected rows to rejected_rows, inside the open transaction.
func (l *loader) append(ctx context.Context, conn *sql.Conn, k *Kind, h header, src source, rec *fileRecord) (counts, error) {
	workers := max(1, min(runtime.GOMAXPROCS(0), len(l.caches)))
	vals := make([]*validator, workers)
	for i := range vals {
		vals[i] = newValidator(k, h, len(src.Header()), src.XLSX(), l.opt.Key, l.today, rec.id, l.caches[i])
	}
	var c counts
	err := conn.Raw(func(dc any) (err error) {
		rowsA, err := duckdb.NewAppenderWithColumns(dc.(driver.Conn), "", "", k.Name, k.TargetColumns())
		if err != nil {
			return fmt.Errorf("appender: %w", err)
		}
		rejA, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", "rejected_rows")
		if err != nil {
			rowsA.Close()
			return fmt.Errorf("appender: %w", err)
		}
		sk := &appenderSink{rowsA: rowsA, rejA: rejA, fileID: rec.id, kind: k.Name}
		sk.after = func(n int64) error { return l.fault.at(ctx, PointRows, rec.name, n) }
		c, err = pump(ctx, src, vals, len(k.TargetColumns()), sk, l.progress(rec.name))
		if cerr := rowsA.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("append rows: %w", cerr)
		}
		if cerr := rejA.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("append rejected rows: %w", cerr)
		}
		return err
	})
	return c, err
}

// fileRecord is one row of the files table.
type fileRecord struct {
	id                         int64
	path, name, kind, sha, err string
	size                       int64
	read, loaded, rejected     int64
	status                     string
	started, finished          time.Time
}

const insertFile = `INSERT INTO files (file_id, path, name, kind, sha256, size_bytes, rows_read, rows_loaded, rows_rejected, status, error, started_at, finished_at, duration_ms)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

func (r fileRecord) args() []any {
	var kind, errText any
	if r.kind != "" {
		kind = r.kind
	}
	if r.err != "" {
		errText = r.err
	}
	return []any{r.id, r.path, r.name, kind, r.sha, r.size, r.read, r.loaded, r.rejected, r.status, errText,
		r.started, r.finished, r.finished.Sub(r.started).Milliseconds()}
}

// stepTimer logs at debug level how long each step of a load took.
func (l *loader) stepTimer(name string) func(step string) {
	last := time.Now()
	return func(step string) {
		now := time.Now()
		l.log.Debug("load step", "file", scrub(name), "step", step, "seconds", now.Sub(last).Seconds())
		last = now
	}
}

// dropStaging empties the staging tables (best effort).
func (l *loader) dropStaging(conn *sql.Conn, k *Kind) {
	if k == nil {
		return
	}
	if _, err := conn.ExecContext(context.Background(), kindStatements[k.Name].drop); err != nil {
		l.log.Warn("drop staging tables", "err", err)
	}
}
