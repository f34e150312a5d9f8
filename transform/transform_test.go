package transform

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/effekt/effekt/store"
)

func TestModelsOrder(t *testing.T) {
	var got []string
	for _, m := range Models() {
		got = append(got, m.Name)
	}
	want := "persons so_cohort settlement_cohort sfi_cohort plan_cohort participation_cohort"
	if strings.Join(got, " ") != want {
		t.Errorf("models = %v, want %s", got, want)
	}
}

func TestModels(t *testing.T) {
	ctx := context.Background()
	db := fixtureDB(t)
	for i := 0; i < 2; i++ { // a second run replaces the tables
		if err := Run(ctx, db); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name  string
		query string
		want  []string // rows, columns joined by |
	}{
		{
			// x1: settlements beat so_registrations; x3: the earliest file
			// wins; x2: only a certificate.
			name:  "persons",
			query: `SELECT person, birth_date, gender FROM persons ORDER BY person`,
			want:  []string{"x1|1990-01-01|K", "x2|2001-01-01|M", "x3|1970-07-07|M"},
		},
		{
			// x1: earliest registration 2023-03-01 in 0136 (ar); 12+12+12+12+11.9
			// present hours in [2023-03-01, 2024-02-29]: 59.9, not complete;
			// first session on or after registration 2023-03-10.
			// x3: 5 × 12 = 60 h exactly: complete.
			name: "so_cohort",
			query: `SELECT person, gender, municipality, registered_on, language, window_end, hours_in_window,
				coalesce(certified_on::VARCHAR, '-'), completed, first_session FROM so_cohort ORDER BY person`,
			want: []string{
				"x1|K|0136|2023-03-01|ar|2024-02-29|59.9|-|false|2023-03-10",
				"x3|M|0180|2022-01-10|so|2023-01-10|60|-|true|2022-01-11",
			},
		},
		{
			// x1 settled 2023-02-15: registrations 2023-03-01 and 2023-05-01 are in
			// [2023-01-16, 2023-05-16]; the earliest is kept. 45 days from permit.
			name:  "settlement_cohort",
			query: `SELECT person, municipality, window_end, days_permit_to_settled, so_registered_on FROM settlement_cohort`,
			want:  []string{"x1|0127|2023-05-16|45|2023-03-01"},
		},
		{
			// x1: two courses start the same day: A in 0127 counts; the C on B is
			// graded 2024-01-11, a day after the window. x3: E graded on the last day.
			name:  "sfi_cohort",
			query: `SELECT person, municipality, course, started_on, window_end, coalesce(passed_on::VARCHAR, '-') FROM sfi_cohort ORDER BY person`,
			want:  []string{"x1|0127|A|2023-01-10|2024-01-10|-", "x3|0180|C|2022-02-01|2023-02-01|2023-02-01"},
		},
		{
			// one plan per person and year of its end: the latest (2023-11-30,
			// no outcome) beats the ARB one; 2024 keeps the STU plan; an open plan
			// is no cohort row.
			name:  "plan_cohort",
			query: `SELECT person, municipality, plan_ended_on, window_end, coalesce(outcome_90d, '-') FROM plan_cohort ORDER BY plan_ended_on`,
			want:  []string{"x1|0127|2023-11-30|2024-02-28|-", "x1|0136|2024-01-31|2024-04-30|STU"},
		},
		{
			name:  "participation_cohort",
			query: `SELECT intervention_id, municipality, coalesce(provider_municipality, '-'), coalesce(outcome, '-') FROM participation_cohort ORDER BY intervention_id`,
			want:  []string{"I1|0127|0136|arbete", "I9|0127|-|-"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := rowsOf(t, db, tt.query)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// rowsOf returns the rows of q with every column as text (dates as
// YYYY-MM-DD) joined by |.
func rowsOf(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			switch v := v.(type) {
			case time.Time:
				parts[i] = v.Format(time.DateOnly)
			default:
				parts[i] = fmt.Sprint(v)
			}
		}
		out = append(out, strings.Join(parts, "|"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestPersonKey: the models key persons by a 64-bit hash inside the
// transform; should two pseudonyms ever share it, or a file id not fit the
// rank key that orders the rows of a person whose sources disagree, the
// transform fails instead of merging persons or mis-ranking sources.
func TestPersonKey(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name  string
		macro string // replaces hash(p) in effekt_pk
		extra string // run after the fixture
		want  string
	}{
		{name: "collision", macro: "length(p)", want: "two pseudonyms share the internal person key"},
		{name: "file id", macro: "hash(p)", want: "does not fit the source rank key",
			extra: `INSERT INTO settlements (person, birth_date, gender, municipality, permit_on, settled_on, file_id, line) VALUES
				('x4', '2001-01-01', 'M', '0127', '2023-01-01', '2023-02-15', 268435456, 2);
				INSERT INTO so_registrations (person, birth_date, gender, municipality, registered_on, language, file_id, line) VALUES
				('x4', '2001-01-01', 'K', '0127', '2023-03-01', 'sv', 1, 9)`},
		{name: "file id, sources agree", macro: "hash(p)", want: "",
			extra: `INSERT INTO settlements (person, birth_date, gender, municipality, permit_on, settled_on, file_id, line) VALUES
				('x4', '2001-01-01', 'M', '0127', '2023-01-01', '2023-02-15', 268435456, 2)`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := fixtureDB(t)
			if tt.extra != "" {
				if _, err := db.ExecContext(ctx, tt.extra); err != nil {
					t.Fatal(err)
				}
			}
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			var got error
			for _, m := range Models() {
				q := strings.Replace(m.SQL, "effekt_pk(p) AS hash(p)", "effekt_pk(p) AS "+tt.macro, 1)
				if _, got = tx.ExecContext(ctx, q); got != nil {
					break
				}
			}
			if tt.want == "" {
				if got != nil {
					t.Fatalf("error = %v, want none (the rank key orders only disagreeing rows)", got)
				}
				return
			}
			if got == nil || !strings.Contains(got.Error(), tt.want) {
				t.Fatalf("error = %v, want one saying %q", got, tt.want)
			}
		})
	}
}

// TestRefresh: Refresh keeps the tables while the sources and models are
// as they were built from, and rebuilds them after anything a load does
// (rows added, rows of an earlier file replaced or deleted), when a table
// is missing, or when Run rebuilt them meanwhile.
func TestRefresh(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		change string // SQL run between two Refresh calls; "" none
		want   bool   // the second Refresh rebuilt
		so     int    // so_cohort rows after it
	}{
		{"nothing changed", "", false, 2},
		{"a new file's row", `INSERT INTO so_registrations VALUES ('x9', DATE '1985-05-05', 'K', '0136', DATE '2023-06-01', 'ar', NULL, 99, 2)`, true, 3},
		{"a row replaced by a later file", `UPDATE so_registrations SET file_id = 99 WHERE person = 'x3'`, true, 2},
		{"a row deleted", `DELETE FROM so_registrations WHERE person = 'x3'`, true, 1},
		{"another source", `DELETE FROM so_certificates`, true, 2},
		{"a cohort table dropped", `DROP TABLE sfi_cohort`, true, 2},
		{"state forgotten", `DELETE FROM transform_state`, true, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := fixtureDB(t)
			if rebuilt, err := Refresh(ctx, db); err != nil || !rebuilt {
				t.Fatalf("first Refresh: rebuilt %v, %v; want true", rebuilt, err)
			}
			if tc.change != "" {
				if _, err := db.ExecContext(ctx, tc.change); err != nil {
					t.Fatal(err)
				}
			}
			rebuilt, err := Refresh(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			if rebuilt != tc.want {
				t.Errorf("second Refresh rebuilt = %v, want %v", rebuilt, tc.want)
			}
			var so, states int
			if err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM so_cohort), (SELECT count(*) FROM transform_state)`).Scan(&so, &states); err != nil {
				t.Fatal(err)
			}
			if so != tc.so || states != 1 {
				t.Errorf("so_cohort %d rows, transform_state %d rows; want %d and 1", so, states, tc.so)
			}
			// a kept state is kept again; Run always rebuilds
			if rebuilt, err := Refresh(ctx, db); err != nil || rebuilt {
				t.Errorf("third Refresh: rebuilt %v, %v; want false", rebuilt, err)
			}
			if err := Run(ctx, db); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestFingerprint: the fingerprint changes with each source table's rows,
// file ids and lines, and is the same for the same state.
func TestFingerprint(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	fp := func() string {
		t.Helper()
		s, err := Fingerprint(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	seen := map[string]string{}
	add := func(what string) {
		t.Helper()
		s := fp()
		if len(s) != 64 {
			t.Fatalf("%s: fingerprint %q is not a SHA-256 in hex", what, s)
		}
		if prev, ok := seen[s]; ok {
			t.Errorf("%s: same fingerprint as %s", what, prev)
		}
		seen[s] = what
		if again := fp(); again != s {
			t.Errorf("%s: fingerprint not stable: %s then %s", what, s, again)
		}
	}
	add("empty")
	for i, src := range Sources {
		var cols []string
		rows, err := db.QueryContext(ctx, `SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index`, src)
		if err != nil {
			t.Fatal(err)
		}
		var vals []string
		for rows.Next() {
			var c, typ string
			if err := rows.Scan(&c, &typ); err != nil {
				t.Fatal(err)
			}
			cols = append(cols, c)
			switch {
			case c == "file_id":
				vals = append(vals, fmt.Sprint(i+1))
			case c == "line":
				vals = append(vals, "2")
			case typ == "DATE":
				vals = append(vals, "DATE '2024-01-01'")
			case typ == "VARCHAR":
				vals = append(vals, "'v'")
			case typ == "BOOLEAN":
				vals = append(vals, "true")
			default:
				vals = append(vals, "1")
			}
		}
		rows.Close()
		if _, err := db.ExecContext(ctx, fmt.Sprintf(`INSERT INTO %s (%s) VALUES (%s)`, src, strings.Join(cols, ", "), strings.Join(vals, ", "))); err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		add(src + " row")
		if _, err := db.ExecContext(ctx, fmt.Sprintf(`UPDATE %s SET line = 3`, src)); err != nil {
			t.Fatal(err)
		}
		add(src + " line")
	}
}

// openDB opens an empty database in memory with effekt's schema.
func openDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := store.Open(context.Background(), ":memory:", store.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// fixtureDB is openDB with the cohort fixture (testdata/cohorts) loaded.
func fixtureDB(t *testing.T) *sql.DB {
	t.Helper()
	db := openDB(t)
	fixture, err := os.ReadFile(filepath.Join("testdata", "cohorts", "fixture.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(string(fixture)); err != nil {
		t.Fatal(err)
	}
	return db
}
