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
	anyRows, overlap, deleteOld, countRows string
}

var kindStatements = map[string]kindSQL{}

// stageRejects, insertRejects and dropStaging do not depend on the kind.
var stageRejects, insertRejects, dropStaging string

func init() {
	for _, k := range Kinds {
		kindStatements[k.Name] = renderKind(k)
	}
	stageRejects = renderSQL("stage", nil)
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

// renderKind renders the statements of kind k.
func renderKind(k *Kind) kindSQL {
	var key, keyJoin []string
	for _, n := range k.Key {
		_, c := k.Column(n)
		key = append(key, c.Target)
		keyJoin = append(keyJoin, fmt.Sprintf("t.%s = s.%s", c.Target, c.Target))
	}
	data := map[string]string{
		"Table":   k.Name,
		"Key":     strings.Join(key, ", "),
		"KeyJoin": strings.Join(keyJoin, " AND "),
	}
	r := func(name string) string { return renderSQL(name, data) }
	deleteOld := "delete_old"
	if len(key) == 1 {
		deleteOld = "delete_old_one"
	}
	return kindSQL{anyRows: r("any_rows"), overlap: r("overlap"), deleteOld: r(deleteOld), countRows: r("count_rows")}
}

// withFile renders a statement for file id.
func withFile(q string, id int64) string {
	return strings.ReplaceAll(q, "$1", strconv.FormatInt(id, 10))
}

// loadTx loads src in one transaction on conn: it is read and validated
// and its good rows buffered, then inserted into the kind's table (stage.go,
// insert.go); then the superseded and rejected rows are recorded, the rows
// of earlier files with the same keys deleted and the file recorded. On
// any error or panic the transaction is rolled back and nothing of the
// file remains; the staging table is dropped either way.
func (l *loader) loadTx(ctx context.Context, conn *sql.Conn, k *Kind, h header, src source, rec *fileRecord) (err error) {
	if _, err := conn.ExecContext(ctx, stageRejects); err != nil {
		return fmt.Errorf("create staging table: %w", err)
	}
	defer func() {
		if _, derr := conn.ExecContext(context.Background(), dropStaging); derr != nil {
			l.log.Warn("drop staging tables", "err", derr)
		}
		l.buf.reset(k) // the strings it holds are garbage now
	}()
	timer := l.stepTimer(rec.name)
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
	var earlier int64
	if err := conn.QueryRowContext(ctx, st.anyRows).Scan(&earlier); err != nil {
		return fmt.Errorf("look for earlier rows: %w", err)
	}
	sg, err := l.stage(ctx, conn, k, h, src, rec)
	if err != nil {
		return err
	}
	c, sup := sg.counts, sg.sup
	superseded := int64(len(sup))
	timer("read and insert")
	if err := l.at(ctx, PointStaged, rec.name, c.read); err != nil {
		return err
	}
	if sg.inserted != c.good-superseded {
		return fmt.Errorf("internal error: %d rows read, %d superseded, but %d inserted", c.good, superseded, sg.inserted)
	}
	n, err := exec("insert rejected rows", insertRejects)
	if err != nil {
		return err
	}
	if n != c.rejected+superseded {
		return fmt.Errorf("internal error: %d rows rejected and %d superseded but %d recorded", c.rejected, superseded, n)
	}
	if err := l.at(ctx, PointTx, rec.name, 0); err != nil {
		return err
	}
	if err := conn.QueryRowContext(ctx, withFile(st.countRows, rec.id)).Scan(&n); err != nil {
		return fmt.Errorf("count rows: %w", err)
	}
	if n != c.good-superseded {
		return fmt.Errorf("internal error: %d rows read, %d superseded, but %d in the table", c.good, superseded, n)
	}
	timer("count rows")
	if earlier > 0 {
		// the file's keys are first bounded column by column: a file of
		// a later year (so_attendance) shares no key with the table, found
		// from the zone maps without building a hash table of its keys.
		// (Pseudonyms are spread evenly: bounds on them exclude nothing.)
		var keyI []int
		for _, i := range k.keyIndices() {
			if k.Columns[i].Type != TPerson {
				keyI = append(keyI, i)
			}
		}
		overlap := int64(1)
		if len(keyI) > 0 {
			conds, ok := l.buf.keyRange(k, keyI, l.persons.all())
			overlap = 0
			if ok {
				q := fmt.Sprintf(withFile(st.overlap, rec.id), strings.Join(conds, " AND "))
				if err := conn.QueryRowContext(ctx, q).Scan(&overlap); err != nil {
					return fmt.Errorf("look for earlier rows with the file's keys: %w", err)
				}
			}
			timer("bound keys")
		}
		if overlap > 0 {
			if rec.replaced, err = exec("replace rows of earlier files", st.deleteOld); err != nil {
				return err
			}
		}
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
	replaced                   int64 // rows of earlier files the load deleted (same keys)
	status                     string
	started, finished          time.Time
	warning                    string
	// verify, when set, is checked after the file was read, before the
	// files row is written: the file must not have changed
	verify func(src source) error
}

const insertFile = `INSERT INTO files (file_id, path, name, kind, sha256, size_bytes, rows_read, rows_loaded, rows_rejected, status, error, started_at, finished_at, duration_ms, rows_replaced)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

func (r fileRecord) args() []any {
	var kind, errText any
	if r.kind != "" {
		kind = r.kind
	}
	if r.err != "" {
		errText = r.err
	}
	return []any{r.id, r.path, r.name, kind, r.sha, r.size, r.read, r.loaded, r.rejected, r.status, errText,
		r.started, r.finished, r.finished.Sub(r.started).Milliseconds(), r.replaced}
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
