package models

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/effekt/effekt/internal/fixture"
	"github.com/effekt/effekt/store"
)

// Fixtures: see package internal/fixture.

func openDB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := store.Open(context.Background(), ":memory:", store.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func loadFixture(t *testing.T, db *sql.DB, cases ...string) {
	t.Helper()
	fixture.Load(t, db, "testdata", cases...)
}

func date(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

var fixedNow = func() time.Time { return time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC) }
