package ingest

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestRawChunk: the pinned DuckDB driver keeps its C API data chunk where
// the table function of insert.go reads it.
func TestRawChunk(t *testing.T) {
	if !rawChunkOK {
		t.Fatal("duckdb.DataChunk does not start with its mapping.DataChunk: insert.go needs another way to the chunk's vectors")
	}
}

// TestFaultErrorInserted: with the rows inserted one buffered row per
// chunk (so over many chunks and threads), a load that fails at any point
// still leaves nothing of the file behind.
func TestFaultErrorInserted(t *testing.T) {
	step := insertStep
	insertStep = 1
	defer func() { insertStep = step }()
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

// TestRowsFuncToken: effekt_ingest_rows gives nothing without the token
// of a file being loaded.
func TestRowsFuncToken(t *testing.T) {
	e := newEnv(t)
	e.run() // registers the function
	_, err := e.db.Exec(`SELECT * FROM effekt_ingest_rows(12345::UBIGINT)`)
	if err == nil || !strings.Contains(err.Error(), "no file is being loaded under this token") {
		t.Errorf("query with a made-up token: %v, want the token error", err)
	}
}
