package ingest

import (
	"bytes"
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"text/template"
	"time"
)

//go:embed sql/load.sql
var loadSQL string

var loadTmpl = template.Must(template.New("load").Parse(loadSQL))

// kindSQL holds the load statements of one kind, rendered once.
type kindSQL struct {
	stage, dups, superseded, rejectSuperseded, anyRows, deleteOld, insert, insertDedup string
}

var kindStatements = map[string]kindSQL{}

// insertRejects and dropStaging do not depend on the kind.
var insertRejects, dropStaging string

func init() {
	for _, k := range Kinds {
		kindStatements[k.Name] = renderKind(k)
	}
	insertRejects = renderSQL("insert_rejects", nil)
	dropStaging = renderSQL("drop", nil)
}

func renderSQL(name string, data any) string {
	var b bytes.Buffer
	if err := loadTmpl.ExecuteTemplate(&b, name, data); err != nil {
		panic(fmt.Sprintf("ingest: template %s: %v", name, err))
	}
	return strings.TrimSpace(b.String())
}

// renderKind renders the statements of kind k over its staging table
// ingest_rows (see stage.go): a person is its index p there.
func renderKind(k *Kind) kindSQL {
	var stageDef, insertSel, stageKey, stageKeyJoin, stageKeyTargets, keyJoin []string
	person := false
	for _, c := range k.Columns {
		if c.Type == TPerson {
			if person {
				panic("ingest: kind " + k.Name + " has two person columns")
			}
			person = true
			stageDef = append(stageDef, "CAST(0 AS INTEGER) AS p")
			insertSel = append(insertSel, "pp.person", "pp.birth_date", "pp.gender")
			continue
		}
		stageDef = append(stageDef, c.Target)
		insertSel = append(insertSel, "s."+c.Target)
	}
	stageDef = append(stageDef, "line")
	insertSel = append(insertSel, "$1", "s.line")
	for _, n := range k.Key {
		_, c := k.Column(n)
		if c.Type == TPerson {
			stageKey = append(stageKey, "p")
			stageKeyTargets = append(stageKeyTargets, "pp.person AS person")
			keyJoin = append(keyJoin, "t.person = s.person")
		} else {
			stageKey = append(stageKey, c.Target)
			stageKeyTargets = append(stageKeyTargets, "s."+c.Target)
			keyJoin = append(keyJoin, fmt.Sprintf("t.%s = s.%s", c.Target, c.Target))
		}
	}
	for _, c := range stageKey {
		stageKeyJoin = append(stageKeyJoin, fmt.Sprintf("s.%s = d.%s", c, c))
	}
	personJoin := ""
	if person {
		personJoin = "JOIN ingest_persons AS pp ON pp.p = s.p"
	}
	data := map[string]string{
		"Table":           k.Name,
		"KeyNames":        strings.Join(k.Key, ", "),
		"StageDef":        strings.Join(stageDef, ", "),
		"StageKey":        strings.Join(stageKey, ", "),
		"StageKeyJoin":    strings.Join(stageKeyJoin, " AND "),
		"StageKeyTargets": strings.Join(stageKeyTargets, ", "),
		"KeyJoin":         strings.Join(keyJoin, " AND "),
		"PersonJoin":      personJoin,
		"Targets":         strings.Join(k.TargetColumns(), ", "),
		"InsertSelect":    strings.Join(insertSel, ", "),
	}
	r := func(name string) string { return renderSQL(name, data) }
	return kindSQL{stage: r("stage"), dups: r("dups"), superseded: r("superseded"), rejectSuperseded: r("reject_superseded"),
		anyRows: r("any_rows"), deleteOld: r("delete_old"), insert: r("insert"), insertDedup: r("insert_dedup")}
}

// withFile renders a statement for file id.
func withFile(q string, id int64) string {
	return strings.ReplaceAll(q, "$1", strconv.FormatInt(id, 10))
}

// loadTx loads src: its rows are staged (stage.go), then one transaction
// on conn resolves repeated keys, deletes the rows of earlier files with the
// same keys, copies the staged rows into the kind's table and rejected_rows
// and records the file. On any error or panic the transaction is rolled
// back and nothing of the file remains; the staging tables are dropped
// either way.
func (l *loader) loadTx(ctx context.Context, conn *sql.Conn, k *Kind, h header, src source, rec *fileRecord) (err error) {
	defer func() {
		if _, derr := conn.ExecContext(context.Background(), dropStaging); derr != nil {
			l.log.Warn("drop staging tables", "err", derr)
		}
	}()
	timer := l.stepTimer(rec.name)
	c, repeated, err := l.stage(ctx, conn, k, h, src, rec)
	if err != nil {
		return err
	}
	timer("stage")
	if err := l.at(ctx, PointStaged, rec.name, c.read); err != nil {
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
	// (CREATE TABLE AS reports no rows affected: count them)
	var dups, superseded int64
	if repeated {
		if _, err := exec("find repeated keys", st.dups); err != nil {
			return err
		}
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM ingest_dups`).Scan(&dups); err != nil {
			return fmt.Errorf("count repeated keys: %w", err)
		}
	}
	if dups > 0 {
		if _, err := exec("find superseded rows", st.superseded); err != nil {
			return err
		}
		if superseded, err = exec("record superseded rows", st.rejectSuperseded); err != nil {
			return err
		}
	}
	if err := l.at(ctx, PointTx, rec.name, 0); err != nil {
		return err
	}
	var earlier int64
	if err := conn.QueryRowContext(ctx, st.anyRows).Scan(&earlier); err != nil {
		return fmt.Errorf("look for earlier rows: %w", err)
	}
	if earlier > 0 {
		if _, err := exec("replace rows of earlier files", st.deleteOld); err != nil {
			return err
		}
	}
	ins := st.insert
	if dups > 0 {
		ins = st.insertDedup
	}
	n, err := exec("insert rows", ins)
	if err != nil {
		return err
	}
	if n != c.good-superseded {
		return fmt.Errorf("internal error: %d rows staged, %d superseded, but %d inserted", c.good, superseded, n)
	}
	if n, err = exec("insert rejected rows", insertRejects); err != nil {
		return err
	}
	if n != c.rejected {
		return fmt.Errorf("internal error: %d rows rejected but %d recorded", c.rejected, n)
	}
	if rec.verify != nil {
		if err := rec.verify(src); err != nil {
			return err
		}
	}
	rec.read, rec.loaded, rec.rejected = c.read, c.good-superseded, c.rejected+superseded
	var warn []string
	if w := src.Warning(); w != "" {
		warn = append(warn, w)
	}
	if c.read == 0 {
		warn = append(warn, "the file has a header but no data rows")
	}
	rec.warning = strings.Join(warn, "; ")
	rec.status, rec.finished = StatusLoaded, time.Now()
	if _, err := conn.ExecContext(ctx, insertFile, rec.args()...); err != nil {
		return fmt.Errorf("record file: %w", err)
	}
	if err := l.at(ctx, PointCommit, rec.name, 0); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	committed = true
	timer("commit")
	return nil
}

// fileRecord is one row of the files table.
type fileRecord struct {
	id                         int64
	path, name, kind, sha, err string
	size                       int64
	read, loaded, rejected     int64
	status                     string
	started, finished          time.Time
	warning                    string
	// verify, when set, is checked after the file was read, before the
	// files row is written: the file must not have changed
	verify func(src source) error
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
