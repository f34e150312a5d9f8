package ingest

import (
	"context"
	"errors"
	"testing"
)

// TestRawConn: the pinned DuckDB driver keeps its C API connection where
// the appender of append.go reads it.
func TestRawConn(t *testing.T) {
	if !rawConnOK {
		t.Fatal("duckdb.Conn does not start with its mapping.Connection: append.go needs another way to the connection handle")
	}
}

// TestFaultErrorAppended: with every row appended to the table as soon as
// it is read (appendLag 0), a load that fails at any point still leaves
// nothing of the file behind.
func TestFaultErrorAppended(t *testing.T) {
	lag, step := appendLag, appendStep
	appendLag, appendStep = 0, 1
	defer func() { appendLag, appendStep = lag, step }()
	for _, point := range []string{PointRows, PointStaged, PointTx, PointCommit} {
		t.Run(point, func(t *testing.T) {
			e := newEnv(t)
			before := faultSetup(t, e)
			opt := e.options()
			opt.Fault = &Fault{Point: point, Action: "error", File: "b.csv", Rows: 4000}
			_, err := Run(context.Background(), e.db, opt)
			if !errors.Is(err, ErrFault) {
				t.Fatalf("Run error %v, want ErrFault", err)
			}
			faultCheck(t, e, before)
		})
	}
}
