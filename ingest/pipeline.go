package ingest

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"sync"
)

const batchRows = 2048

// sink receives validated rows (flat, width values per row, with the line
// and the hash of the natural key of each row) and rejected rows. It must
// not keep vals, lines or keys: the slices are reused.
type sink interface {
	rows(vals []driver.Value, lines []int64, keys []uint64, width int) error
	reject(r reject) error
}

type rawBatch struct {
	lines  []int64
	fields [][]string // each a slice of flat
	flat   []string   // the fields of every row, one after the other
}

type doneBatch struct {
	vals    []driver.Value
	lines   []int64
	keys    []uint64
	rejects []reject
	read    int64
}

// counts are a file's row tallies before the within-file duplicates are
// resolved (in SQL, over the staged rows).
type counts struct {
	read, good, rejected int64
}

// pump reads every row of src, validates them on len(vals) goroutines (one
// validator each) and hands the results to out from the calling goroutine,
// a batch at a time as each is validated (rows carry their lines, so the
// order of batches means nothing).
// progress, when not nil, is called after every batch with the rows read so
// far. The sum good+rejected always equals read.
func pump(pctx context.Context, src source, vals []*validator, width int, out sink, progress func(read int64)) (counts, error) {
	ctx, cancel := context.WithCancel(pctx)
	defer cancel()
	raw := make(chan rawBatch, 2*len(vals))
	done := make(chan doneBatch, 2*len(vals))
	// batches are recycled (cleared) through free lists: fewer allocations,
	// less for the GC to scan
	freeRaw := make(chan rawBatch, 4*len(vals)+2)
	freeVals := make(chan doneBatch, 4*len(vals)+2)
	var (
		readErr  error
		panicMu  sync.Mutex
		panicErr error
	)
	recoverTo := func() {
		if r := recover(); r != nil {
			panicMu.Lock()
			panicErr = fmt.Errorf("internal error while reading the file (please report it): %v", r)
			panicMu.Unlock()
			cancel()
		}
	}
	go func() { // reader
		defer close(raw)
		defer recoverTo()
		for {
			var b rawBatch
			select {
			case b = <-freeRaw:
			default:
				b = rawBatch{lines: make([]int64, 0, batchRows), fields: make([][]string, 0, batchRows)}
			}
			for len(b.lines) < batchRows {
				line, f, err := src.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					readErr = err
					break
				}
				// a source may reuse f: its fields are copied
				start := len(b.flat)
				b.flat = append(b.flat, f...)
				b.lines = append(b.lines, line)
				b.fields = append(b.fields, b.flat[start:len(b.flat):len(b.flat)])
			}
			if len(b.lines) > 0 {
				select {
				case raw <- b:
				case <-ctx.Done():
					return
				}
			}
			if len(b.lines) < batchRows {
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for _, v := range vals {
		wg.Add(1)
		go func() { // validator
			defer wg.Done()
			defer recoverTo()
			for b := range raw {
				var d doneBatch
				select {
				case d = <-freeVals:
				default:
					d = doneBatch{vals: make([]driver.Value, 0, batchRows*width), lines: make([]int64, 0, batchRows), keys: make([]uint64, 0, batchRows)}
				}
				d.read = int64(len(b.lines))
				for i, line := range b.lines {
					var rej *reject
					d.vals, rej = v.row(line, b.fields[i], d.vals)
					if rej != nil {
						d.rejects = append(d.rejects, *rej)
						continue
					}
					d.lines = append(d.lines, line)
					d.keys = append(d.keys, v.keyHash())
				}
				clear(b.fields)
				clear(b.flat)
				b.lines, b.fields, b.flat = b.lines[:0], b.fields[:0], b.flat[:0]
				select {
				case freeRaw <- b:
				default:
				}
				select {
				case done <- d:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()

	var c counts
	var sinkErr error
	sinkBatch := func(d doneBatch) error {
		c.read += d.read
		c.rejected += int64(len(d.rejects))
		c.good += int64(len(d.vals) / width)
		var err error
		if len(d.vals) > 0 {
			err = out.rows(d.vals, d.lines, d.keys, width)
		}
		for _, r := range d.rejects {
			if err == nil {
				err = out.reject(r)
			}
		}
		clear(d.vals)
		clear(d.rejects)
		select {
		case freeVals <- doneBatch{vals: d.vals[:0], lines: d.lines[:0], keys: d.keys[:0], rejects: d.rejects[:0]}:
		default:
		}
		if err == nil && progress != nil {
			progress(c.read)
		}
		return err
	}
	for d := range done {
		if sinkErr != nil {
			continue // drain
		}
		if sinkErr = sinkBatch(d); sinkErr != nil {
			cancel()
		}
	}
	switch {
	case panicErr != nil:
		return c, panicErr
	case sinkErr != nil:
		return c, sinkErr
	case readErr != nil:
		return c, readErr
	}
	return c, pctx.Err()
}
