package ingest

import (
	"context"
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

// TestRowsFuncToken: effekt_ingest_rows gives nothing without the token
// of a file being loaded; registering it again (a second run on the same
// database) is no error.
func TestRowsFuncToken(t *testing.T) {
	e := newEnv(t)
	e.run() // registers the function
	conn, err := e.db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := registerRows(conn); err != nil {
		t.Fatalf("second registration: %v", err)
	}
	_, err = e.db.Exec(`SELECT * FROM effekt_ingest_rows(12345::UBIGINT)`)
	if err == nil || !strings.Contains(err.Error(), "no file is being loaded under this token") {
		t.Errorf("query with a made-up token: %v, want the token error", err)
	}
}

// TestInsertColumnTypes: a run refuses to start when a kind's table does
// not have the type the insert writes (an INSERT … SELECT would cast
// silently).
func TestInsertColumnTypes(t *testing.T) {
	e := newEnv(t)
	if _, err := e.db.Exec(`ALTER TABLE so_attendance ALTER hours TYPE VARCHAR`); err != nil {
		t.Fatal(err)
	}
	_, err := Run(context.Background(), e.db, e.options())
	if err == nil || !strings.Contains(err.Error(), `column hours of so_attendance has DuckDB type "VARCHAR", the loader writes DOUBLE`) {
		t.Errorf("Run with a changed column: %v, want the column type error", err)
	}
}
