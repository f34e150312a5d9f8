package ingest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
	"unsafe"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/duckdb/duckdb-go/v2/mapping"

	"github.com/effekt/effekt/store"
)

// The good rows of a file are inserted once, after the whole file was read
// and its repeated keys resolved, inside the file's transaction, by one
// statement: INSERT INTO <kind> SELECT * FROM effekt_ingest_rows(token).
// effekt_ingest_rows is a table function over the file's row buffer
// (rowBuf, stage.go) that DuckDB runs on all its threads: each call claims
// the next insertStep rows of the buffer and writes them, but the
// superseded ones, straight into the vectors of DuckDB's data chunk
// (numbers, dates and booleans into the vectors' memory, texts of up to
// 12 bytes inline as DuckDB's string_t, longer ones, the 64-character
// pseudonym, with one cgo call). DuckDB compresses and writes the rows on
// the same threads. For that the statement runs with
// preserve_insertion_order off (store.ExecUnordered): with it on, DuckDB
// inserts from a table function on one thread. The order of rows in a
// table carries no meaning (file_id and line say where each came from).
//
// The duckdb-go Appender this replaces took one row of boxed values at a
// time and appended on one thread: at national scale the insert was half
// of a CSV load.

// rowsFunc is the table function's name. It is registered once per
// database instance; a token that only the loading statement knows binds
// it to a file in flight, so no other query can read the rows through it
// (evaluators' SQL may not call it at all: microdata allows only listed
// table functions).
const rowsFunc = "effekt_ingest_rows"

// rawChunkOK reports whether duckdb.DataChunk starts with its C API data
// chunk, as the pinned driver version does (data_chunk.go: the field chunk
// mapping.DataChunk). FillChunk needs the chunk's vectors, which the
// driver does not export; TestRawChunk keeps this true.
var rawChunkOK = func() bool {
	f, ok := reflect.TypeFor[duckdb.DataChunk]().FieldByName("chunk")
	return ok && f.Offset == 0 && f.Type == reflect.TypeFor[mapping.DataChunk]()
}()

// insertStep is how many buffered rows one FillChunk call claims: a data
// chunk's worth (tests set 1, so that a small file spreads over many
// chunks and threads).
var insertStep = int(mapping.VectorSize())

// inFlight holds the row sources of the files being inserted, by token.
var inFlight sync.Map // uint64 → *rowSource

// prepareInsert readies a run's inserts on conn: it checks every kind's
// table against the columns the insert writes, and registers
// effekt_ingest_rows on the database (a second run on the same database
// finds it there).
func prepareInsert(ctx context.Context, conn *sql.Conn) error {
	for _, k := range Kinds {
		if err := checkColumns(ctx, conn, k, targets(k)); err != nil {
			return err
		}
	}
	return registerRows(conn)
}

// registerRows registers effekt_ingest_rows on the database of conn.
func registerRows(conn *sql.Conn) error {
	ubig, err := duckdb.NewTypeInfo(duckdb.TYPE_UBIGINT)
	if err != nil {
		return fmt.Errorf("register %s: %w", rowsFunc, err)
	}
	err = duckdb.RegisterTableUDF(conn, rowsFunc, duckdb.ParallelChunkTableFunction{
		Config: duckdb.TableFunctionConfig{Arguments: []duckdb.TypeInfo{ubig}},
		BindArguments: func(_ map[string]any, args ...any) (duckdb.ParallelChunkTableSource, error) {
			tok, _ := args[0].(uint64)
			s, ok := inFlight.Load(tok)
			if !ok {
				return nil, errors.New("no file is being loaded under this token")
			}
			return s.(*rowSource), nil
		},
	})
	if err != nil && !strings.Contains(err.Error(), "already exists") {
		return fmt.Errorf("register %s: %w", rowsFunc, err)
	}
	return nil
}

// target is one table column the insert writes: from declared column col
// (-1: file_id or line), part of its value (a person expands to four).
type target struct {
	name string
	col  int
	part int // person: 0 pseudonym, 1 birth date, 2 gender, 3 key; 1 file_id, 2 line for col -1
	typ  duckdb.Type
}

// targets lists the table columns of k in staging order (TargetColumns
// gives their names) with the DuckDB type each is written as.
func targets(k *Kind) []target {
	var out []target
	for i, c := range k.Columns {
		switch kindOf(c.Type) {
		case colPerson:
			out = append(out, target{"person", i, 0, duckdb.TYPE_VARCHAR}, target{"birth_date", i, 1, duckdb.TYPE_DATE},
				target{"gender", i, 2, duckdb.TYPE_VARCHAR}, target{"person_key", i, 3, duckdb.TYPE_UBIGINT})
		case colText:
			out = append(out, target{c.Target, i, 0, duckdb.TYPE_VARCHAR})
		case colDate:
			out = append(out, target{c.Target, i, 0, duckdb.TYPE_DATE})
		case colDouble:
			out = append(out, target{c.Target, i, 0, duckdb.TYPE_DOUBLE})
		case colBigint:
			out = append(out, target{c.Target, i, 0, duckdb.TYPE_BIGINT})
		case colBool:
			out = append(out, target{c.Target, i, 0, duckdb.TYPE_BOOLEAN})
		}
	}
	return append(out, target{"file_id", -1, 1, duckdb.TYPE_BIGINT}, target{"line", -1, 2, duckdb.TYPE_BIGINT})
}

// targetNames returns the column names of tg, in order.
func targetNames(tg []target) []string {
	out := make([]string, len(tg))
	for i, t := range tg {
		out[i] = t.name
	}
	return out
}

// sqlType is the name duckdb_columns() gives the types targets uses.
var sqlType = map[duckdb.Type]string{duckdb.TYPE_VARCHAR: "VARCHAR", duckdb.TYPE_DATE: "DATE",
	duckdb.TYPE_DOUBLE: "DOUBLE", duckdb.TYPE_BIGINT: "BIGINT", duckdb.TYPE_BOOLEAN: "BOOLEAN", duckdb.TYPE_UBIGINT: "UBIGINT"}

// checkColumns makes sure the table of k has the columns the insert
// writes, with the types it writes (an INSERT … SELECT would cast
// silently otherwise).
func checkColumns(ctx context.Context, conn *sql.Conn, k *Kind, tg []target) error {
	rows, err := conn.QueryContext(ctx, `SELECT column_name, data_type FROM duckdb_columns()
		WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ?`, k.Name)
	if err != nil {
		return fmt.Errorf("read the columns of %s: %w", k.Name, err)
	}
	defer rows.Close()
	have := map[string]string{}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return fmt.Errorf("read the columns of %s: %w", k.Name, err)
		}
		have[name] = typ
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read the columns of %s: %w", k.Name, err)
	}
	for _, t := range tg {
		if have[t.name] != sqlType[t.typ] {
			return fmt.Errorf("internal error: column %s of %s has DuckDB type %q, the loader writes %s", t.name, k.Name, have[t.name], sqlType[t.typ])
		}
	}
	return nil
}

// insertRows inserts the rows of the buffer b but the superseded ones
// into the table of k, as rows of file fileID, in the transaction open on
// conn; persons are the run's persons by index. It returns the number of
// rows inserted.
func insertRows(ctx context.Context, conn *sql.Conn, k *Kind, b *rowBuf, persons personTable, fileID int64) (int64, error) {
	if !rawChunkOK {
		return 0, errors.New("internal error: this version of the DuckDB driver is not supported by the loader (its data chunk handle is not where expected)")
	}
	tg := targets(k) // checked against the table by prepareInsert
	var tb [8]byte
	if _, err := rand.Read(tb[:]); err != nil {
		return 0, fmt.Errorf("insert rows: %w", err)
	}
	tok := binary.LittleEndian.Uint64(tb[:])
	s := &rowSource{ctx: ctx, tg: tg, buf: b, persons: persons, fileID: fileID}
	inFlight.Store(tok, s)
	defer inFlight.Delete(tok)
	res, err := store.ExecUnordered(ctx, conn, fmt.Sprintf("INSERT INTO %s (%s) SELECT * FROM %s(%d::UBIGINT)", k.Name, strings.Join(targetNames(tg), ", "), rowsFunc, tok))
	if err != nil {
		if e := s.failure(); e != nil {
			err = e
		}
		return 0, fmt.Errorf("insert rows: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("insert rows: %w", err)
	}
	return n, nil
}

// rowSource is effekt_ingest_rows bound to one file's rows: a
// duckdb.ParallelChunkTableSource whose FillChunk runs on DuckDB's threads
// at once (the buffer and persons are only read meanwhile).
type rowSource struct {
	ctx     context.Context
	tg      []target
	buf     *rowBuf
	persons personTable
	fileID  int64
	next    atomic.Int64 // the first row of the buffer not claimed yet
	mu      sync.Mutex
	err     error // the first error of a FillChunk, with its full text
}

func (s *rowSource) ColumnInfos() []duckdb.ColumnInfo {
	out := make([]duckdb.ColumnInfo, len(s.tg))
	for i, t := range s.tg {
		ti, err := duckdb.NewTypeInfo(t.typ)
		if err != nil {
			panic(fmt.Sprintf("ingest: type %d: %v", t.typ, err)) // the types of targets are primitive
		}
		out[i] = duckdb.ColumnInfo{Name: t.name, T: ti}
	}
	return out
}

func (s *rowSource) Init() duckdb.ParallelTableSourceInfo {
	return duckdb.ParallelTableSourceInfo{MaxThreads: max(1, (s.buf.n+insertStep-1)/insertStep)}
}

func (s *rowSource) NewLocalState() any { return nil }

func (s *rowSource) Cardinality() *duckdb.CardinalityInfo {
	return &duckdb.CardinalityInfo{Cardinality: uint(s.buf.n)}
}

func (s *rowSource) failure() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

func (s *rowSource) fail(err error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		s.err = err
	}
	return err
}

// FillChunk fills chunk with the next rows of the buffer that are not
// superseded; an empty chunk ends the scan.
func (s *rowSource) FillChunk(_ any, chunk duckdb.DataChunk) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = s.fail(fmt.Errorf("internal error while inserting rows (please report it): %v", r))
		}
	}()
	if err := s.ctx.Err(); err != nil {
		return s.fail(err)
	}
	raw := *(*mapping.DataChunk)(unsafe.Pointer(&chunk))
	if n := int(mapping.DataChunkGetColumnCount(raw)); n != len(s.tg) {
		return s.fail(fmt.Errorf("internal error: DuckDB asked for %d columns of %d", n, len(s.tg)))
	}
	var f chunkFill
	f.init(raw, s.tg)
	step := min(insertStep, int(mapping.VectorSize()))
	for f.rows == 0 {
		from := int(s.next.Add(int64(step))) - step
		if from >= s.buf.n {
			break
		}
		f.add(s.buf, from, min(from+step, s.buf.n), s.persons, s.fileID)
	}
	mapping.DataChunkSetSize(raw, mapping.IdxT(f.rows))
	return nil
}

// chunkFill writes rows into the vectors of one data chunk.
type chunkFill struct {
	tg    []target
	vecs  []mapping.Vector
	data  []unsafe.Pointer
	valid []unsafe.Pointer
	rows  int
	// the pseudonym of person lastP, in hex
	pseudonym [2 * sha256Size]byte
	lastP     int32
}

const sha256Size = len(personEntry{}.sum)

func (f *chunkFill) init(chunk mapping.DataChunk, tg []target) {
	f.tg, f.lastP = tg, -1
	f.vecs = make([]mapping.Vector, len(tg))
	f.data = make([]unsafe.Pointer, len(tg))
	f.valid = make([]unsafe.Pointer, len(tg))
	for i := range tg {
		f.vecs[i] = mapping.DataChunkGetVector(chunk, mapping.IdxT(i))
		f.data[i] = mapping.VectorGetData(f.vecs[i])
	}
}

func (f *chunkFill) setNull(i, r int) {
	if f.valid[i] == nil {
		mapping.VectorEnsureValidityWritable(f.vecs[i])
		f.valid[i] = mapping.VectorGetValidity(f.vecs[i])
	}
	w := (*uint64)(unsafe.Add(f.valid[i], r/64*8))
	*w &^= 1 << (r % 64)
}

// setText stores s: inline when it fits DuckDB's string_t (12 bytes), else
// (or when it is not UTF-8, which DuckDB checks) through the C API.
func (f *chunkFill) setText(i, r int, s string) {
	if len(s) <= 12 && utf8.ValidString(s) {
		d := (*[16]byte)(unsafe.Add(f.data[i], r*16))
		*d = [16]byte{}
		binary.LittleEndian.PutUint32(d[:4], uint32(len(s)))
		copy(d[4:], s)
		return
	}
	mapping.VectorAssignStringElement(f.vecs[i], mapping.IdxT(r), s)
}

// add writes rows from … to-1 of b but the superseded ones (to-from at
// most the chunk's capacity less the rows it holds); persons are the run's persons
// by index.
func (f *chunkFill) add(b *rowBuf, from, to int, persons personTable, fileID int64) {
	for row := from; row < to; row++ {
		if b.flags.at(row)&superseded != 0 {
			continue
		}
		r := f.rows
		for i, t := range f.tg {
			if t.col < 0 {
				v := fileID
				if t.part == 2 {
					v = b.line.at(row)
				}
				*(*int64)(unsafe.Add(f.data[i], r*8)) = v
				continue
			}
			c := &b.cols[t.col]
			if c.null.at(row) {
				f.setNull(i, r)
				continue
			}
			switch c.kind {
			case colPerson:
				p := c.i32.at(row)
				e := persons.at(p)
				switch t.part {
				case 0:
					if p != f.lastP {
						hex.Encode(f.pseudonym[:], e.sum[:])
						f.lastP = p
					}
					mapping.VectorAssignStringElement(f.vecs[i], mapping.IdxT(r), unsafe.String(&f.pseudonym[0], len(f.pseudonym)))
				case 1:
					*(*int32)(unsafe.Add(f.data[i], r*4)) = e.birth
				case 2:
					g := "K"
					if e.male {
						g = "M"
					}
					f.setText(i, r, g)
				case 3:
					// person_key: the HMAC's first 64 bits, which is
					// the pseudonym's first 16 hex digits as a number
					// (store.PersonKey, migration 0006)
					*(*uint64)(unsafe.Add(f.data[i], r*8)) = binary.BigEndian.Uint64(e.sum[:8])
				}
			case colText:
				f.setText(i, r, c.s.at(row))
			case colDate:
				*(*int32)(unsafe.Add(f.data[i], r*4)) = c.i32.at(row)
			case colDouble:
				*(*float64)(unsafe.Add(f.data[i], r*8)) = c.f64.at(row)
			case colBigint:
				*(*int64)(unsafe.Add(f.data[i], r*8)) = c.i64.at(row)
			case colBool:
				*(*bool)(unsafe.Add(f.data[i], r)) = c.b.at(row)
			}
		}
		f.rows++
	}
}
