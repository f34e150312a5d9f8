package ingest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"runtime"
	"sync"

	"github.com/duckdb/duckdb-go/v2"
)

// A file's rows are staged before its transaction: appended to TEMP tables
// of the loader's connection (sql/load.sql), outside any transaction of the
// database file. TEMP tables live in memory (spilling to DuckDB's temporary
// folder when large) and vanish with the connection, so a crash while
// staging leaves nothing behind. Staging keeps the Appender's work small:
// each person is one INTEGER index into ingest_persons instead of three
// values per row (a 64-character pseudonym, birth date, gender), and the
// file id is a constant of the insert. The transaction then copies the rows
// with one INSERT … SELECT, which DuckDB runs on all its threads, and
// leaves superseded rows out of it, so the transaction-local rows never
// carry deletions (which make DuckDB rewrite them at commit).

// stageWidth is the number of staged values per row: one per declared
// column (a person is its index) and the line.
func stageWidth(k *Kind) int { return len(k.Columns) + 1 }

// personIndex numbers the distinct persons of one file (p in the staging
// tables). Validators share it; the sink appends new persons to
// ingest_persons.
type personIndex struct {
	mu      sync.Mutex
	gen     int64 // the file
	idx     map[string]any
	pending []stagedPerson
}

type stagedPerson struct {
	p   any // boxed int32
	per *person
}

func newPersonIndex(gen int64) *personIndex {
	return &personIndex{gen: gen, idx: make(map[string]any)}
}

// get returns the boxed index of p, numbering it when new.
func (x *personIndex) get(p *person) any {
	x.mu.Lock()
	defer x.mu.Unlock()
	v, ok := x.idx[p.pseudonym]
	if !ok {
		v = int32(len(x.idx))
		x.idx[p.pseudonym] = v
		x.pending = append(x.pending, stagedPerson{v, p})
	}
	return v
}

// take returns the persons numbered since the last call.
func (x *personIndex) take() []stagedPerson {
	x.mu.Lock()
	defer x.mu.Unlock()
	out := x.pending
	x.pending = nil
	return out
}

// stageSink appends validated rows, new persons and rejected rows to the
// staging tables.
type stageSink struct {
	rowsA, persA, rejA *duckdb.Appender
	persons            *personIndex
	fileID             int64
	kind               string
	after              func(appended int64) error // fault hook, may be nil
	appended           int64
}

func (s *stageSink) flushPersons() error {
	for _, sp := range s.persons.take() {
		if err := s.persA.AppendRow(sp.p, sp.per.pseudonymV, sp.per.birthV, sp.per.genderV); err != nil {
			return fmt.Errorf("stage person: %w", err)
		}
	}
	return nil
}

func (s *stageSink) rows(vals []driver.Value, width int) error {
	if err := s.flushPersons(); err != nil {
		return err
	}
	for i := 0; i+width <= len(vals); i += width {
		if err := s.rowsA.AppendRow(vals[i : i+width]...); err != nil {
			return fmt.Errorf("stage row: %w", err)
		}
		s.appended++
	}
	if s.after != nil {
		return s.after(s.appended)
	}
	return nil
}

func (s *stageSink) reject(r reject) error {
	var col, val any
	if r.column != "" {
		col, val = r.column, r.value
	}
	if err := s.rejA.AppendRow(s.fileID, s.kind, r.line, col, val, r.reason, r.message); err != nil {
		return fmt.Errorf("stage rejected row: %w", err)
	}
	return nil
}

// stage validates src and appends its rows to the staging tables, which it
// creates afresh.
func (l *loader) stage(ctx context.Context, conn *sql.Conn, k *Kind, h header, src source, rec *fileRecord) (counts, error) {
	if _, err := conn.ExecContext(ctx, kindStatements[k.Name].stage); err != nil {
		return counts{}, fmt.Errorf("create staging tables: %w", err)
	}
	persons := newPersonIndex(rec.id)
	workers := max(1, min(runtime.GOMAXPROCS(0), len(l.caches)))
	vals := make([]*validator, workers)
	for i := range vals {
		vals[i] = newValidator(k, h, len(src.Header()), src.XLSX(), l.opt.Key, l.today, l.caches[i], persons)
	}
	var c counts
	err := conn.Raw(func(dc any) (err error) {
		var apps []*duckdb.Appender
		defer func() {
			for _, a := range apps {
				if cerr := a.Close(); err == nil && cerr != nil {
					err = fmt.Errorf("stage: %w", cerr)
				}
			}
		}()
		for _, t := range []string{"ingest_rows", "ingest_persons", "ingest_rejects"} {
			a, err := duckdb.NewAppender(dc.(driver.Conn), "temp", "main", t)
			if err != nil {
				return fmt.Errorf("appender: %w", err)
			}
			apps = append(apps, a)
		}
		sk := &stageSink{rowsA: apps[0], persA: apps[1], rejA: apps[2], persons: persons, fileID: rec.id, kind: k.Name}
		sk.after = func(n int64) error { return l.at(ctx, PointRows, rec.name, n) }
		c, err = pump(ctx, src, vals, stageWidth(k), sk, l.track.rows(src, l.progress(rec.name)))
		if err != nil {
			return err
		}
		return sk.flushPersons()
	})
	return c, err
}
