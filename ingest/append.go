package ingest

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"unicode/utf8"
	"unsafe"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/duckdb/duckdb-go/v2/mapping"
)

// The good rows of a file are appended once, straight into the kind's
// table, inside the file's transaction (DuckDB's appender appends within
// the connection's open transaction, so the rows appear with its commit or
// not at all). duckdb-go's Appender takes one row of boxed values at a
// time (a type switch per value and a cgo call per row and per string);
// this writes DuckDB data chunks directly instead, through the driver's
// C API bindings (package mapping): numbers, dates and booleans are stored
// into the vectors' memory, texts of up to 12 bytes inline (DuckDB's
// string_t), longer ones (the 64-character pseudonym) with one cgo call,
// and one call appends 2048 rows.

// rawConnOK reports whether duckdb.Conn starts with its C API connection
// handle, as the pinned driver version does (connection.go: the field
// conn mapping.Connection). appendRows needs the handle, which the driver
// does not export; TestRawConn keeps this true.
var rawConnOK = func() bool {
	f, ok := reflect.TypeFor[duckdb.Conn]().FieldByName("conn")
	return ok && f.Offset == 0 && f.Type == reflect.TypeFor[mapping.Connection]()
}()

// rawConn returns the C API connection of a driver connection.
func rawConn(dc any) (mapping.Connection, error) {
	c, ok := dc.(*duckdb.Conn)
	if !ok || !rawConnOK {
		return mapping.Connection{}, errors.New("internal error: this version of the DuckDB driver is not supported by the loader (its connection handle is not where expected)")
	}
	conn := *(*mapping.Connection)(unsafe.Pointer(c))
	if conn.Ptr == nil {
		return conn, errors.New("internal error: the database connection is closed")
	}
	return conn, nil
}

// target is one table column the append writes: from declared column col
// (-1: file_id or line), part of its value (a person expands to three).
type target struct {
	name string
	col  int
	part int // person: 0 pseudonym, 1 birth date, 2 gender; 1 file_id, 2 line for col -1
	typ  mapping.Type
}

// targets lists the table columns of k in TargetColumns order with the
// DuckDB type each is written as.
func targets(k *Kind) []target {
	var out []target
	for i, c := range k.Columns {
		switch kindOf(c.Type) {
		case colPerson:
			out = append(out, target{"person", i, 0, mapping.TypeVarchar}, target{"birth_date", i, 1, mapping.TypeDate},
				target{"gender", i, 2, mapping.TypeVarchar})
		case colText:
			out = append(out, target{c.Target, i, 0, mapping.TypeVarchar})
		case colDate:
			out = append(out, target{c.Target, i, 0, mapping.TypeDate})
		case colDouble:
			out = append(out, target{c.Target, i, 0, mapping.TypeDouble})
		case colBigint:
			out = append(out, target{c.Target, i, 0, mapping.TypeBigInt})
		case colBool:
			out = append(out, target{c.Target, i, 0, mapping.TypeBoolean})
		}
	}
	return append(out, target{"file_id", -1, 1, mapping.TypeBigInt}, target{"line", -1, 2, mapping.TypeBigInt})
}

// tableAppender appends rows of a rowBuf to the table of a kind, in data
// chunks of DuckDB's vector size.
type tableAppender struct {
	app    mapping.Appender
	chunk  mapping.DataChunk
	types  []mapping.LogicalType
	tg     []target
	vecs   []mapping.Vector
	data   []unsafe.Pointer
	valid  []unsafe.Pointer
	size   int // rows per chunk
	rows   int // rows in the chunk
	n      int64
	fileID int64
	// the pseudonym of person lastP, in hex
	pseudonym [2 * sha256Size]byte
	lastP     int32
}

const sha256Size = len(personEntry{}.sum)

// newTableAppender opens an appender to the table of k on driver
// connection dc (in the file's transaction) for the rows of file fileID.
// It must be closed.
func newTableAppender(dc any, k *Kind, fileID int64) (*tableAppender, error) {
	conn, err := rawConn(dc)
	if err != nil {
		return nil, err
	}
	a := &tableAppender{tg: targets(k), fileID: fileID, lastP: -1}
	if mapping.AppenderCreateExt(conn, "", "main", k.Name, &a.app) == mapping.StateError {
		msg := mapping.AppenderError(a.app)
		mapping.AppenderDestroy(&a.app)
		return nil, fmt.Errorf("appender: %s", msg)
	}
	a.types = make([]mapping.LogicalType, len(a.tg))
	for i, t := range a.tg {
		if mapping.AppenderAddColumn(a.app, t.name) == mapping.StateError {
			err := fmt.Errorf("appender column %s: %s", t.name, mapping.AppenderError(a.app))
			a.close(false)
			return nil, err
		}
		a.types[i] = mapping.AppenderColumnType(a.app, mapping.IdxT(i))
		if got := mapping.GetTypeId(a.types[i]); got != t.typ {
			a.close(false)
			return nil, fmt.Errorf("internal error: column %s of %s has DuckDB type %d, the loader writes %d", t.name, k.Name, got, t.typ)
		}
	}
	a.chunk = mapping.CreateDataChunk(a.types)
	a.size = int(mapping.VectorSize())
	a.vecs = make([]mapping.Vector, len(a.tg))
	a.data = make([]unsafe.Pointer, len(a.tg))
	a.valid = make([]unsafe.Pointer, len(a.tg))
	a.reset()
	return a, nil
}

func (a *tableAppender) reset() {
	mapping.DataChunkReset(a.chunk)
	for i := range a.tg {
		a.vecs[i] = mapping.DataChunkGetVector(a.chunk, mapping.IdxT(i))
		a.data[i] = mapping.VectorGetData(a.vecs[i])
		a.valid[i] = nil
	}
	a.rows = 0
}

// flush appends the chunk.
func (a *tableAppender) flush() error {
	if a.rows == 0 {
		return nil
	}
	mapping.DataChunkSetSize(a.chunk, mapping.IdxT(a.rows))
	if mapping.AppendDataChunk(a.app, a.chunk) == mapping.StateError {
		return errors.New(mapping.AppenderError(a.app))
	}
	a.n += int64(a.rows)
	a.reset()
	return nil
}

// close flushes what is appended (with ok) or drops it, and frees the
// appender; it returns the number of rows appended.
func (a *tableAppender) close(ok bool) (int64, error) {
	var err error
	if ok {
		if err = a.flush(); err == nil && mapping.AppenderFlush(a.app) == mapping.StateError {
			err = errors.New(mapping.AppenderError(a.app))
		}
	}
	if !ok || err != nil { // nothing more reaches the table (the transaction is rolled back anyway)
		mapping.AppenderClear(a.app)
	}
	mapping.AppenderDestroy(&a.app)
	if a.chunk.Ptr != nil {
		mapping.DestroyDataChunk(&a.chunk)
	}
	for i := range a.types {
		if a.types[i].Ptr != nil {
			mapping.DestroyLogicalType(&a.types[i])
		}
	}
	return a.n, err
}

func (a *tableAppender) setNull(i, r int) {
	if a.valid[i] == nil {
		mapping.VectorEnsureValidityWritable(a.vecs[i])
		a.valid[i] = mapping.VectorGetValidity(a.vecs[i])
	}
	w := (*uint64)(unsafe.Add(a.valid[i], r/64*8))
	*w &^= 1 << (r % 64)
}

// setText stores s: inline when it fits DuckDB's string_t (12 bytes), else
// (or when it is not UTF-8, which DuckDB checks) through the C API.
func (a *tableAppender) setText(i, r int, s string) {
	if len(s) <= 12 && utf8.ValidString(s) {
		d := (*[16]byte)(unsafe.Add(a.data[i], r*16))
		*d = [16]byte{}
		binary.LittleEndian.PutUint32(d[:4], uint32(len(s)))
		copy(d[4:], s)
		return
	}
	mapping.VectorAssignStringElement(a.vecs[i], mapping.IdxT(r), s)
}

// add appends rows from … to-1 of b but those whose flags have a bit of
// skip; persons are the run's persons by index (at least those of these
// rows).
func (a *tableAppender) add(ctx context.Context, b *rowBuf, from, to int, skip uint8, persons []personEntry) error {
	for row := from; row < to; row++ {
		if b.flags.at(row)&skip != 0 {
			continue
		}
		if a.rows == a.size {
			if err := a.flush(); err != nil {
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		r := a.rows
		for i, t := range a.tg {
			if t.col < 0 {
				v := a.fileID
				if t.part == 2 {
					v = b.line.at(row)
				}
				*(*int64)(unsafe.Add(a.data[i], r*8)) = v
				continue
			}
			c := &b.cols[t.col]
			if c.null.at(row) {
				a.setNull(i, r)
				continue
			}
			switch c.kind {
			case colPerson:
				p := c.i32.at(row)
				e := &persons[p]
				switch t.part {
				case 0:
					if p != a.lastP {
						hex.Encode(a.pseudonym[:], e.sum[:])
						a.lastP = p
					}
					mapping.VectorAssignStringElement(a.vecs[i], mapping.IdxT(r), unsafe.String(&a.pseudonym[0], len(a.pseudonym)))
				case 1:
					*(*int32)(unsafe.Add(a.data[i], r*4)) = e.birth
				case 2:
					g := "K"
					if e.male {
						g = "M"
					}
					a.setText(i, r, g)
				}
			case colText:
				a.setText(i, r, c.s.at(row))
			case colDate:
				*(*int32)(unsafe.Add(a.data[i], r*4)) = c.i32.at(row)
			case colDouble:
				*(*float64)(unsafe.Add(a.data[i], r*8)) = c.f64.at(row)
			case colBigint:
				*(*int64)(unsafe.Add(a.data[i], r*8)) = c.i64.at(row)
			case colBool:
				*(*bool)(unsafe.Add(a.data[i], r)) = c.b.at(row)
			}
		}
		a.rows++
	}
	return nil
}
