package models

import (
	"database/sql"
	"testing"
	"time"

	"github.com/effekt/effekt/internal/fixture"
)

// Fixtures: see package internal/fixture.

func openDB(t testing.TB) *sql.DB { return fixture.OpenDB(t) }

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
