package ingest

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	_ "embed"
	"fmt"
	"runtime"
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
	stageRows, stageRejects, dups, superseded, delete, insert, insertDedup, rejects, drop string
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
	cols := k.TargetColumns()
	scols := make([]string, len(cols))
	for i, c := range cols {
		scols[i] = "s." + c
	}
	data := map[string]string{
		"Table":     k.Name,
		"Cols":      strings.Join(cols, ", "),
		"SCols":     strings.Join(scols, ", "),
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
	return kindSQL{stageRows: r("stage_rows"), stageRejects: r("stage_rejects"), dups: r("dups"), superseded: r("superseded"),
		delete: r("delete"), insert: r("insert"), insertDedup: r("insert_dedup"), rejects: r("rejects"), drop: r("drop")}
}

// appenderSink appends validated rows and rejects to the staging tables.
type appenderSink struct {
	rowsA, rejA *duckdb.Appender
	fileID      int64
	kind        string
	after       func(staged int64) error // fault hook, may be nil
	staged      int64
}

func (s *appenderSink) rows(vals []driver.Value, width int) error {
	for i := 0; i+width <= len(vals); i += width {
		if err := s.rowsA.AppendRow(vals[i : i+width]...); err != nil {
			return fmt.Errorf("stage row: %w", err)
		}
		s.staged++
	}
	if s.after != nil {
		return s.after(s.staged)
	}
	return nil
}

func (s *appenderSink) reject(r reject) error {
	var col, val any
	if r.column != "" {
		col, val = r.column, r.value
	}
	if err := s.rejA.AppendRow(s.fileID, s.kind, r.line, col, val, r.reason, r.message); err != nil {
		return fmt.Errorf("stage rejected row: %w", err)
	}
	return nil
}

// stage reads src into the staging tables on conn.
func (l *loader) stage(ctx context.Context, conn *sql.Conn, k *Kind, h header, src source, fileID int64, name string) (counts, error) {
	st := kindStatements[k.Name]
	for _, q := range []string{st.stageRows, st.stageRejects} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return counts{}, fmt.Errorf("create staging table: %w", err)
		}
	}
	workers := max(1, min(runtime.GOMAXPROCS(0), len(l.caches)))
	vals := make([]*validator, workers)
	for i := range vals {
		vals[i] = newValidator(k, h, len(src.Header()), src.XLSX(), l.opt.Key, l.today, fileID, l.caches[i])
	}
	width := len(k.TargetColumns())
	var c counts
	err := conn.Raw(func(dc any) (err error) {
		rowsA, err := duckdb.NewAppender(dc.(driver.Conn), "temp", "main", "ingest_stage")
		if err != nil {
			return fmt.Errorf("staging appender: %w", err)
		}
		rejA, err := duckdb.NewAppender(dc.(driver.Conn), "temp", "main", "ingest_rejects")
		if err != nil {
			rowsA.Close()
			return fmt.Errorf("staging appender: %w", err)
		}
		sk := &appenderSink{rowsA: rowsA, rejA: rejA, fileID: fileID, kind: k.Name}
		sk.after = func(n int64) error { return l.fault.at(ctx, PointRows, name, n) }
		prog := l.progress(name)
		c, err = pump(ctx, src, vals, width, sk, prog)
		if cerr := rowsA.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("flush staging: %w", cerr)
		}
		if cerr := rejA.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("flush staging: %w", cerr)
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

// commit moves the staged rows into the kind's table in one transaction and
// records the file. It fills rec's loaded and rejected counts.
func (l *loader) commit(ctx context.Context, conn *sql.Conn, k *Kind, c counts, rec *fileRecord) error {
	st := kindStatements[k.Name]
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	timer := l.stepTimer(rec.name)
	if _, err := tx.ExecContext(ctx, st.dups); err != nil {
		return fmt.Errorf("find repeated keys: %w", err)
	}
	var dups, superseded int64
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM ingest_dups`).Scan(&dups); err != nil {
		return fmt.Errorf("count repeated keys: %w", err)
	}
	timer("dups")
	insert := st.insert
	if dups > 0 {
		res, err := tx.ExecContext(ctx, st.superseded)
		if err != nil {
			return fmt.Errorf("record superseded rows: %w", err)
		}
		superseded, _ = res.RowsAffected()
		insert = st.insertDedup
		timer("superseded")
	}
	if _, err := tx.ExecContext(ctx, st.delete); err != nil {
		return fmt.Errorf("replace rows with the file's keys: %w", err)
	}
	timer("delete")
	if err := l.fault.at(ctx, PointTx, rec.name, 0); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, insert)
	if err != nil {
		return fmt.Errorf("insert rows: %w", err)
	}
	loaded, _ := res.RowsAffected()
	timer("insert")
	if _, err := tx.ExecContext(ctx, st.rejects); err != nil {
		return fmt.Errorf("insert rejected rows: %w", err)
	}
	rec.read, rec.loaded, rec.rejected = c.read, loaded, c.rejected+superseded
	if rec.read != rec.loaded+rec.rejected {
		return fmt.Errorf("internal error: %d rows read but %d loaded and %d rejected", rec.read, rec.loaded, rec.rejected)
	}
	rec.status, rec.finished = StatusLoaded, time.Now()
	if _, err := tx.ExecContext(ctx, insertFile, rec.args()...); err != nil {
		return fmt.Errorf("record file: %w", err)
	}
	if err := l.fault.at(ctx, PointCommit, rec.name, 0); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	timer("commit")
	return nil
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
