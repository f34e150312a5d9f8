package models

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/effekt/effekt/store"
)

// Fixtures are folders under testdata/ holding people.csv (person,
// birth_date, gender) and one CSV per source table, named after the table,
// with only the columns a case needs; birth_date and gender come from
// people.csv, file_id is 0 and line the CSV row.

var sourceTables = []string{
	"so_registrations", "so_attendance", "so_certificates", "settlements",
	"sfi_courses", "interventions", "intervention_participations", "af_plans",
}

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
	for _, c := range cases {
		dir := filepath.Join("testdata", c)
		people := filepath.Join(dir, "people.csv")
		for _, table := range sourceTables {
			path := filepath.Join(dir, table+".csv")
			if _, err := os.Stat(path); err != nil {
				continue
			}
			src := "read_csv('" + path + "', header = true, all_varchar = true)"
			q := `INSERT INTO ` + table + ` BY NAME
SELECT c.*, p.birth_date::DATE AS birth_date, p.gender, 0 AS file_id, row_number() OVER () AS line
FROM ` + src + ` c JOIN read_csv('` + people + `', header = true, all_varchar = true) p USING (person)`
			if table == "interventions" {
				q = `INSERT INTO interventions BY NAME SELECT *, 0 AS file_id, row_number() OVER () AS line FROM ` + src
			}
			if _, err := db.Exec(q); err != nil {
				t.Fatalf("load %s: %v", path, err)
			}
		}
	}
}

func date(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

var fixedNow = func() time.Time { return time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC) }
