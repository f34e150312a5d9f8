package ingest

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"hash/maphash"
	"slices"

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

// repeats finds the lines that may share their natural key with another
// line of the file, from the key hashes, so that the search for repeated
// keys in SQL only looks at those (usually none, or a few per cent). The
// hashes are kept in a flat slice and grouped once at the end: a map of
// millions of hashes costs a cache miss per row.
type repeats struct {
	rows []keyLine
}

type keyLine struct {
	h    uint64
	line int64
}

func (r *repeats) add(h uint64, line int64) { r.rows = append(r.rows, keyLine{h, line}) }

// candidates returns the lines whose key hash another line shares, and
// drops the hashes.
func (r *repeats) candidates() []int64 {
	rows := r.rows
	r.rows = nil
	if len(rows) < 2 {
		return nil
	}
	// counting sort on the top 16 bits, then each (small) bucket by hash
	const bits = 16
	start := make([]int, 1<<bits+1)
	for _, x := range rows {
		start[x.h>>(64-bits)+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	sorted := make([]keyLine, len(rows))
	next := slices.Clone(start[:1<<bits])
	for _, x := range rows {
		b := x.h >> (64 - bits)
		sorted[next[b]] = x
		next[b]++
	}
	var cand []int64
	for b := 0; b < 1<<bits; b++ {
		bucket := sorted[start[b]:start[b+1]]
		if len(bucket) < 2 {
			continue
		}
		slices.SortFunc(bucket, func(a, b keyLine) int { return cmp.Compare(a.h, b.h) })
		for i := 0; i < len(bucket); {
			j := i + 1
			for j < len(bucket) && bucket[j].h == bucket[i].h {
				j++
			}
			if j-i > 1 {
				for _, x := range bucket[i:j] {
					cand = append(cand, x.line)
				}
			}
			i = j
		}
	}
	return cand
}

// stageSink appends validated rows, new persons and rejected rows to the
// staging tables.
type stageSink struct {
	rowsA, persA, rejA *duckdb.Appender
	persons            *personCache
	repeats            repeats
	fileID             int64
	kind               string
	after              func(appended int64) error // fault hook, may be nil
	appended           int64
}

func (s *stageSink) flushPersons() error {
	for _, sp := range s.persons.take() {
		pseudonym, birth, gender := sp.e.values()
		if err := s.persA.AppendRow(sp.p, pseudonym, birth, gender); err != nil {
			return fmt.Errorf("stage person: %w", err)
		}
	}
	return nil
}

func (s *stageSink) rows(vals []driver.Value, keys []uint64, width int) error {
	if err := s.flushPersons(); err != nil {
		return err
	}
	for i, j := 0, 0; i+width <= len(vals); i, j = i+width, j+1 {
		if err := s.rowsA.AppendRow(vals[i : i+width]...); err != nil {
			return fmt.Errorf("stage row: %w", err)
		}
		s.repeats.add(keys[j], vals[i+width-1].(int64))
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
// creates afresh. repeated reports whether two rows may share a key (lines
// in ingest_cand); when false, no key is repeated within the file.
func (l *loader) stage(ctx context.Context, conn *sql.Conn, k *Kind, h header, src source, rec *fileRecord) (c counts, repeated bool, err error) {
	if _, err := conn.ExecContext(ctx, kindStatements[k.Name].stage); err != nil {
		return counts{}, false, fmt.Errorf("create staging tables: %w", err)
	}
	persons := l.persons
	persons.begin(rec.id)
	seed := maphash.MakeSeed()
	vals := make([]*validator, l.workers)
	for i := range vals {
		vals[i] = newValidator(k, h, len(src.Header()), src.XLSX(), l.opt.Key, l.today, persons, seed)
	}
	err = conn.Raw(func(dc any) (err error) {
		var apps []*duckdb.Appender
		defer func() {
			for _, a := range apps {
				if cerr := a.Close(); err == nil && cerr != nil {
					err = fmt.Errorf("stage: %w", cerr)
				}
			}
		}()
		for _, t := range []string{"ingest_rows", "ingest_persons", "ingest_rejects", "ingest_cand"} {
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
		cand := sk.repeats.candidates()
		for _, line := range cand {
			if err := apps[3].AppendRow(line); err != nil {
				return fmt.Errorf("stage candidate line: %w", err)
			}
		}
		repeated = len(cand) > 0
		return sk.flushPersons()
	})
	return c, repeated, err
}
