package ingest

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"hash/maphash"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// A file is read and validated inside its transaction. Its good rows go
// into a typed, column-wise buffer in Go memory (rowBuf: a person is its
// index in the run's pseudonym cache, a date its day number; ~40 bytes a
// row for so_attendance); its rejected rows into the TEMP table
// ingest_rejects of the loader's connection (sql/load.sql: private to the
// connection, gone with it), through a writer goroutine while the file is
// read. Keys repeated within the file are resolved in Go, exactly, among
// the rows whose key hash another row shares (repeats): the last line
// wins. Then the rows but the superseded ones are inserted once, by one
// statement that DuckDB runs on all its threads (insert.go). Nothing is
// visible before the commit; a crash while reading leaves the database as
// it was.

// stageWidth is the number of validated values per row: one per declared
// column (a person is its index).
func stageWidth(k *Kind) int { return len(k.Columns) }

// repeats finds the rows that may share their natural key with another
// row of the file, from the key hashes, so that the exact comparison only
// looks at those (usually none, or a few per cent). The hashes are kept in
// a flat list and grouped once at the end: a map of millions of hashes
// costs a cache miss per row. Its memory is kept from file to file (64 MB
// for a file of 4 M rows; growing a slice that large anew for every file
// cost more than the grouping).
type repeats struct {
	rows   blocks[keyRow]
	sorted []keyRow
}

type keyRow struct {
	h   uint64
	row int64
}

func (r *repeats) add(h uint64, row int64) { r.rows.add(keyRow{h, row}) }

// candidates returns the rows whose key hash another row shares, and
// forgets the hashes.
func (r *repeats) candidates() []int64 {
	n := r.rows.n
	defer func() { r.rows.n = 0 }()
	if n < 2 {
		return nil
	}
	each := func(f func(keyRow)) {
		for i, b := range r.rows.b {
			if i<<blockBits >= n {
				break
			}
			for _, x := range b[:min(len(b), n-i<<blockBits)] {
				f(x)
			}
		}
	}
	// two bitmaps indexed by hash bits (8 per row or more): hashes seen,
	// and seen twice; the rows whose bit was seen twice (the repeated
	// hashes and a few per cent of others) are then grouped by hash
	size := 1 << max(16, bits.Len(uint(n))+3)
	seen, twice := make([]uint64, size/64), make([]uint64, size/64)
	mask := uint64(size - 1)
	each(func(x keyRow) {
		i := x.h & mask
		w, b := i>>6, uint64(1)<<(i&63)
		if seen[w]&b != 0 {
			twice[w] |= b
		}
		seen[w] |= b
	})
	maybe := r.sorted[:0]
	each(func(x keyRow) {
		if i := x.h & mask; twice[i>>6]&(1<<(i&63)) != 0 {
			maybe = append(maybe, x)
		}
	})
	r.sorted = maybe[:0]
	slices.SortFunc(maybe, func(a, b keyRow) int { return cmp.Compare(a.h, b.h) })
	var cand []int64
	for i := 0; i < len(maybe); {
		j := i + 1
		for j < len(maybe) && maybe[j].h == maybe[i].h {
			j++
		}
		if j-i > 1 {
			for _, x := range maybe[i:j] {
				cand = append(cand, x.row)
			}
		}
		i = j
	}
	return cand
}

// blocks is an append-only column of values in blocks of 64 Ki: no
// doubling copies and at most one block of slack however long the file.
type blocks[T any] struct {
	b [][]T
	n int
}

const blockBits = 16

func (x *blocks[T]) add(v T) {
	i := x.n >> blockBits
	if i == len(x.b) {
		x.b = append(x.b, make([]T, 1<<blockBits))
	}
	x.b[i][x.n&(1<<blockBits-1)] = v
	x.n++
}

func (x *blocks[T]) at(i int) T { return x.b[i>>blockBits][i&(1<<blockBits-1)] }

func (x *blocks[T]) set(i int, v T) { x.b[i>>blockBits][i&(1<<blockBits-1)] = v }

// reset empties x, keeping its blocks (cleared, so that no strings are
// kept alive).
func (x *blocks[T]) reset() {
	for i := range x.b {
		clear(x.b[i])
	}
	x.n = 0
}

// colKind is how a declared column is held in a rowBuf and inserted.
type colKind uint8

const (
	colPerson colKind = iota // int32 index into the run's person cache → person, birth_date, gender
	colText                  // VARCHAR
	colDate                  // DATE, days since 1970-01-01
	colDouble                // DOUBLE
	colBigint                // BIGINT
	colBool                  // BOOLEAN
)

// kindOf maps a value type to the column kind of its table column.
func kindOf(t ValueType) colKind {
	switch t {
	case TPerson:
		return colPerson
	case TDate, TTermDate:
		return colDate
	case THours, TAmount:
		return colDouble
	case TCount:
		return colBigint
	case TPresent, TYesNo:
		return colBool
	}
	return colText
}

// bufColumn holds one declared column of a file's good rows: the values of
// its kind and, for every row, whether it is NULL.
type bufColumn struct {
	kind colKind
	name string
	i32  blocks[int32] // person, date
	f64  blocks[float64]
	i64  blocks[int64]
	b    blocks[bool]
	s    blocks[string]
	null blocks[bool]
}

// rowBuf holds the good rows of one file, column-wise and typed, until its
// transaction inserts them.
type rowBuf struct {
	cols  []bufColumn
	line  blocks[int64]
	flags blocks[uint8] // superseded
	n     int
}

// Row flags.
const (
	superseded uint8 = 1 << iota // a later line has its key
)

// reset empties b for a file of kind k.
func (b *rowBuf) reset(k *Kind) {
	if len(b.cols) != len(k.Columns) {
		b.cols = make([]bufColumn, len(k.Columns))
	}
	for i, c := range k.Columns {
		bc := &b.cols[i]
		bc.kind, bc.name = kindOf(c.Type), c.Name
		bc.i32.reset()
		bc.f64.reset()
		bc.i64.reset()
		bc.b.reset()
		bc.s.reset()
		bc.null.reset()
	}
	b.line.reset()
	b.flags.reset()
	b.n = 0
}

// add appends one validated row: a value per declared column, and its
// line.
func (b *rowBuf) add(vals []driver.Value, line int64) error {
	for i := range b.cols {
		c := &b.cols[i]
		v := vals[i]
		c.null.add(v == nil)
		ok := true
		switch c.kind {
		case colPerson:
			var x int32
			x, ok = v.(int32)
			c.i32.add(x)
		case colText:
			ok = addValue(&c.s, v)
		case colDate:
			var x int32
			if v != nil {
				var t time.Time
				t, ok = v.(time.Time)
				x = int32(t.Unix() / (24 * 60 * 60)) // as the driver converts a time.Time
			}
			c.i32.add(x)
		case colDouble:
			ok = addValue(&c.f64, v)
		case colBigint:
			ok = addValue(&c.i64, v)
		case colBool:
			ok = addValue(&c.b, v)
		}
		if !ok {
			return fmt.Errorf("internal error: column %s: value of type %T", c.name, v)
		}
	}
	b.line.add(line)
	b.flags.add(0)
	b.n++
	return nil
}

// addValue adds v to x (the zero value for NULL, which the null column
// marks) and reports whether v was NULL or of x's type.
func addValue[T any](x *blocks[T], v driver.Value) bool {
	var t T
	ok := true
	if v != nil {
		t, ok = v.(T)
	}
	x.add(t)
	return ok
}

// compareKey orders rows r and s by the columns keyI (NULL first).
func (b *rowBuf) compareKey(keyI []int, r, s int) int {
	for _, i := range keyI {
		c := &b.cols[i]
		if x := cmp.Compare(b2i(c.null.at(r)), b2i(c.null.at(s))); x != 0 {
			return -x
		}
		var x int
		switch c.kind {
		case colPerson, colDate:
			x = cmp.Compare(c.i32.at(r), c.i32.at(s))
		case colText:
			x = strings.Compare(c.s.at(r), c.s.at(s))
		case colDouble:
			x = cmp.Compare(c.f64.at(r), c.f64.at(s))
		case colBigint:
			x = cmp.Compare(c.i64.at(r), c.i64.at(s))
		case colBool:
			x = cmp.Compare(b2i(c.b.at(r)), b2i(c.b.at(s)))
		}
		if x != 0 {
			return x
		}
	}
	return 0
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// supersededRow is a row whose natural key a later line of the file has.
type supersededRow struct {
	row          int
	line, winner int64
}

// superseded compares the candidate rows' keys (columns keyI) exactly: of
// the rows sharing a key, the last line wins and the others are returned
// (by row). A key with a NULL in it is never equal to another, as in SQL.
func (b *rowBuf) superseded(cand []int64, keyI []int) []supersededRow {
	slices.SortFunc(cand, func(r, s int64) int {
		if x := b.compareKey(keyI, int(r), int(s)); x != 0 {
			return x
		}
		return cmp.Compare(b.line.at(int(r)), b.line.at(int(s)))
	})
	var out []supersededRow
	for i := 0; i < len(cand); {
		j := i + 1
		for j < len(cand) && b.compareKey(keyI, int(cand[i]), int(cand[j])) == 0 {
			j++
		}
		if j-i > 1 && !b.nullKey(keyI, int(cand[i])) {
			winner := b.line.at(int(cand[j-1]))
			for _, r := range cand[i : j-1] {
				out = append(out, supersededRow{row: int(r), line: b.line.at(int(r)), winner: winner})
				b.flags.set(int(r), b.flags.at(int(r))|superseded)
			}
		}
		i = j
	}
	slices.SortFunc(out, func(x, y supersededRow) int { return cmp.Compare(x.row, y.row) })
	return out
}

func (b *rowBuf) nullKey(keyI []int, r int) bool {
	for _, i := range keyI {
		if b.cols[i].null.at(r) {
			return true
		}
	}
	return false
}

// stageSink buffers validated rows and hands the rejected rows to the
// file's writer (one goroutine that makes the DuckDB calls while the file
// is read).
type stageSink struct {
	ctx      context.Context
	buf      *rowBuf
	rej      []reject
	w        *writer
	repeats  *repeats
	after    func(read int64) error // fault hook, may be nil
	buffered int64
}

func (s *stageSink) rows(vals []driver.Value, lines []int64, keys []uint64, width int) error {
	if err := s.flushRejects(); err != nil {
		return err
	}
	for i, j := 0, 0; i+width <= len(vals); i, j = i+width, j+1 {
		if err := s.buf.add(vals[i:i+width], lines[j]); err != nil {
			return err
		}
		s.repeats.add(keys[j], int64(s.buf.n-1))
		s.buffered++
	}
	if s.after != nil {
		return s.after(s.buffered)
	}
	return nil
}

func (s *stageSink) reject(r reject) error {
	s.rej = append(s.rej, r)
	if len(s.rej) >= batchRows {
		return s.flushRejects()
	}
	return nil
}

func (s *stageSink) flushRejects() error {
	if len(s.rej) == 0 {
		return nil
	}
	err := s.w.send(s.ctx, writeJob{rejects: s.rej})
	s.rej = nil
	return err
}

// writeJob is work for a writer: rejected rows.
type writeJob struct {
	rejects []reject
}

// writer makes the DuckDB calls of a file being read, on its own
// goroutine, in the order sent.
type writer struct {
	jobs   chan writeJob
	failed chan struct{} // closed when err is set
	end    chan struct{} // closed when the goroutine is done
	err    error
}

func startWriter(rejA *duckdb.Appender, fileID int64, kind string) *writer {
	w := &writer{jobs: make(chan writeJob, 4), failed: make(chan struct{}), end: make(chan struct{})}
	go func() {
		defer close(w.end)
		defer func() {
			if r := recover(); r != nil && w.err == nil {
				w.err = fmt.Errorf("internal error while recording rejected rows (please report it): %v", r)
				close(w.failed)
			}
		}()
		for j := range w.jobs {
			if w.err != nil {
				continue // drain
			}
			var err error
			for _, r := range j.rejects {
				if err = appendReject(rejA, fileID, kind, r); err != nil {
					break
				}
			}
			if err != nil {
				w.err = err
				close(w.failed)
			}
		}
	}()
	return w
}

// send hands j to the writer; it fails once the writer failed.
func (w *writer) send(ctx context.Context, j writeJob) error {
	select {
	case w.jobs <- j:
		return nil
	case <-w.failed:
		return w.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stop waits for the writer to finish the jobs sent and returns its error.
func (w *writer) stop() error {
	close(w.jobs)
	<-w.end
	return w.err
}

func appendReject(rejA *duckdb.Appender, fileID int64, kind string, r reject) error {
	var col, val any
	if r.column != "" {
		col, val = r.column, r.value
	}
	if err := rejA.AppendRow(fileID, kind, r.line, col, val, r.reason, r.message); err != nil {
		return fmt.Errorf("stage rejected row: %w", err)
	}
	return nil
}

// staged is what stage found in a file.
type staged struct {
	counts
	sup      []supersededRow // by row of the buffer, ascending
	inserted int64           // rows inserted into the table
}

// stage reads and validates src inside the file's transaction: good rows
// go to l's row buffer, rejected rows to ingest_rejects (which must
// exist). At the end it resolves the keys repeated within the file, stages
// the superseded rows as rejects and inserts the rest of the rows into the
// kind's table.
func (l *loader) stage(ctx context.Context, conn *sql.Conn, k *Kind, h header, src source, rec *fileRecord) (st staged, err error) {
	persons := l.persons
	persons.begin()
	l.buf.reset(k)
	seed := maphash.MakeSeed()
	vals := make([]*validator, l.workers)
	for i := range vals {
		vals[i] = newValidator(k, h, len(src.Header()), src.XLSX(), l.opt.Key, l.today, persons, seed)
	}
	keyI := k.keyIndices()
	err = conn.Raw(func(dc any) (err error) {
		rejA, err := duckdb.NewAppender(dc.(driver.Conn), "temp", "main", "ingest_rejects")
		if err != nil {
			return fmt.Errorf("appender: %w", err)
		}
		defer func() {
			if cerr := rejA.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("stage: %w", cerr)
			}
		}()
		l.rep.rows.n = 0
		w := startWriter(rejA, rec.id, k.Name)
		sk := &stageSink{ctx: ctx, buf: &l.buf, repeats: &l.rep, w: w}
		sk.after = func(n int64) error { return l.at(ctx, PointRows, rec.name, n) }
		st.counts, err = pump(ctx, src, vals, stageWidth(k), sk, l.track.rows(src, l.progress(rec.name)))
		if err == nil {
			err = sk.flushRejects()
		}
		if werr := w.stop(); err == nil {
			err = werr
		}
		if err != nil {
			return err
		}
		st.sup = l.buf.superseded(sk.repeats.candidates(), keyI)
		keys := strings.Join(k.Key, ", ")
		for _, s := range st.sup {
			if err := appendReject(rejA, rec.id, k.Name, reject{line: s.line, reason: ReasonSuperseded,
				message: fmt.Sprintf("line %d: superseded by line %d of the same file, which has the same %s", s.line, s.winner, keys)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return st, err
	}
	start := time.Now()
	st.inserted, err = insertRows(ctx, conn, k, &l.buf, persons.all(), rec.id)
	l.log.Debug("insert rows", "file", scrub(rec.name), "rows", st.inserted, "seconds", time.Since(start).Seconds())
	return st, err
}

// keyRange renders, for the good rows other than the superseded ones, one
// condition per natural key column (keyI, at least one) that bounds it by
// the rows' smallest and largest value: a row of an earlier file outside
// the bounds shares no key with the file. ok is false when no row has a
// key without NULL (then the file replaces nothing).
func (b *rowBuf) keyRange(k *Kind, keyI []int, persons personTable) (conds []string, ok bool) {
	type bound struct {
		lo, hi int // rows holding the smallest and largest value
	}
	bounds := make([]bound, len(keyI))
	for i := range bounds {
		bounds[i] = bound{-1, -1}
	}
	less := func(c *bufColumn, r, s int) bool {
		switch c.kind {
		case colPerson:
			return bytes.Compare(persons.at(c.i32.at(r)).sum[:], persons.at(c.i32.at(s)).sum[:]) < 0
		case colDate:
			return c.i32.at(r) < c.i32.at(s)
		case colText:
			return c.s.at(r) < c.s.at(s)
		case colDouble:
			return c.f64.at(r) < c.f64.at(s)
		case colBigint:
			return c.i64.at(r) < c.i64.at(s)
		case colBool:
			return !c.b.at(r) && c.b.at(s)
		}
		return false
	}
	for row := 0; row < b.n; row++ {
		if b.flags.at(row)&superseded != 0 || b.nullKey(keyI, row) {
			continue
		}
		for j, i := range keyI {
			c, bd := &b.cols[i], &bounds[j]
			if bd.lo < 0 {
				bd.lo, bd.hi = row, row
				continue
			}
			if less(c, row, bd.lo) {
				bd.lo = row
			}
			if less(c, bd.hi, row) {
				bd.hi = row
			}
		}
	}
	if bounds[0].lo < 0 {
		return nil, false
	}
	lit := func(c *bufColumn, r int) string {
		switch c.kind {
		case colPerson:
			return "'" + hex.EncodeToString(persons.at(c.i32.at(r)).sum[:]) + "'"
		case colDate:
			return "DATE '" + time.Unix(int64(c.i32.at(r))*24*60*60, 0).UTC().Format(time.DateOnly) + "'"
		case colText:
			return "'" + strings.ReplaceAll(c.s.at(r), "'", "''") + "'"
		case colDouble:
			return "CAST(" + strconv.FormatFloat(c.f64.at(r), 'g', -1, 64) + " AS DOUBLE)"
		case colBigint:
			return strconv.FormatInt(c.i64.at(r), 10)
		case colBool:
			return strconv.FormatBool(c.b.at(r))
		}
		return "NULL"
	}
	for j, i := range keyI {
		c := &b.cols[i]
		target := k.Columns[i].Target
		conds = append(conds, fmt.Sprintf("%s BETWEEN %s AND %s", target, lit(c, bounds[j].lo), lit(c, bounds[j].hi)))
	}
	return conds, true
}
