package transform

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/effekt/effekt/ingest"
	"github.com/effekt/effekt/internal/fixture"
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
			// wins; x2, with only a certificate, is in no cohort and not in
			// persons (which holds the persons of the cohorts' sources).
			name:  "persons",
			query: `SELECT person, birth_date, gender FROM persons ORDER BY person`,
			want:  []string{"x1|1990-01-01|K", "x3|1970-07-07|M"},
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

// TestHoursExact: the present hours of a window are summed in whole
// hundredths, each session's hours rounded to the hundredth (half away
// from zero, as a cast to DECIMAL(12, 2) rounds), so that 60 is reached
// exactly whatever the order of the sum: 600 sessions of 0.1 h sum to
// 59.99999999999906 as binary floating point, but complete here.
func TestHoursExact(t *testing.T) {
	ctx := context.Background()
	// n sessions from date on (one a day, i = 0 … n-1 days after it, the
	// day counted modulo 300 so every one is inside the window), each of
	// hours
	type sessions struct {
		n     int
		date  string
		hours string
	}
	for _, tt := range []struct {
		name string
		in   []sessions
		want string // hours_in_window|completed|first_session
	}{
		{name: "600 × 0.1 h", in: []sessions{{600, "2023-03-01", "0.1"}}, want: "60|true|2023-03-01"},
		{name: "599 × 0.1 h", in: []sessions{{599, "2023-03-01", "0.1"}}, want: "59.9|false|2023-03-01"},
		// hours · 100 in binary floating point, rounded, as DuckDB's cast
		// to DECIMAL(12, 2) does it: 11.995 (11.99499… as a DOUBLE) gives
		// 1199.5 and 12 h; 1.005 (1.00499…) gives 100.49999999999999 and 1 h
		{name: "5 × 11.995 h", in: []sessions{{5, "2023-03-01", "11.995"}}, want: "60|true|2023-03-01"},
		{name: "1.005 h", in: []sessions{{1, "2023-03-01", "1.005"}}, want: "1|false|2023-03-01"},
		// 0.125 is exact in binary: half a hundredth rounds up, to 0.13
		{name: "0.125 h, 4 × 12 h and 11.87 h", in: []sessions{{1, "2023-03-01", "0.125"}, {4, "2023-04-01", "12"}, {1, "2023-09-01", "11.87"}},
			want: "60|true|2023-03-01"},
		{name: "0.004 h rounds to nothing", in: []sessions{{1, "2023-03-01", "0.004"}}, want: "0|false|2023-03-01"},
		// a rebuild sums a person's sessions whole when all fall in the
		// window, else from the rows in it, as an update does
		{name: "sessions before and after the window", in: []sessions{{1, "2023-02-28", "12"}, {5, "2023-03-01", "11.9"}, {1, "2024-02-29", "0.5"}, {1, "2024-03-01", "12"}},
			want: "60|true|2023-03-01"},
		{name: "sessions before the window only", in: []sessions{{2, "2023-01-01", "12"}}, want: "0|false|-"},
		{name: "sessions after the window only", in: []sessions{{2, "2024-03-01", "12"}}, want: "0|false|2024-03-01"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := openDB(t)
			q := `INSERT INTO so_registrations (person, birth_date, gender, municipality, registered_on, language, file_id, line) VALUES
				('h1', '1990-01-01', 'K', '0127', '2023-03-01', 'sv', 1, 1);`
			for k, ss := range tt.in {
				q += fmt.Sprintf(`INSERT INTO so_attendance (person, birth_date, gender, session_date, hours, present, file_id, line)
					SELECT 'h1', '1990-01-01', 'K', DATE '%s' + (i %% 300)::INTEGER, %s, true, 2, %d * 1000 + i FROM range(%d) r(i);`,
					ss.date, ss.hours, k, ss.n)
			}
			fixture.Exec(t, db, q)
			if err := Run(ctx, db); err != nil {
				t.Fatal(err)
			}
			// a rebuild, then an update of the person (which sums the rows in
			// the window alone)
			for _, step := range []string{"rebuilt", "updated"} {
				if step == "updated" {
					if _, err := Update(ctx, db, []int64{1, 2}); err != nil {
						t.Fatal(err)
					}
				}
				if got := strings.Join(rowsOf(t, db, `SELECT hours_in_window, completed, coalesce(first_session::VARCHAR, '-') FROM so_cohort`), "\n"); got != tt.want {
					t.Errorf("%s: hours_in_window|completed|first_session = %s, want %s", step, got, tt.want)
				}
			}
		})
	}
}

// cohortRE finds a cohort table read in a test's query, with its alias
// when it has a one-letter one.
var cohortRE = regexp.MustCompile(`\b(FROM|JOIN) (so_cohort|settlement_cohort|sfi_cohort|plan_cohort|participation_cohort)( [a-z]\b)?`)

// withPersons gives the cohort tables q reads without an alias their
// rows' pseudonyms as person, from persons (a cohort table holds
// person_key alone), as an evaluator would join them.
func withPersons(q string) string {
	return cohortRE.ReplaceAllStringFunc(q, func(m string) string {
		sm := cohortRE.FindStringSubmatch(m)
		if sm[3] != "" {
			return m
		}
		return sm[1] + " (SELECT p.person, c.* FROM " + sm[2] + " c JOIN persons p USING (person_key)) " + sm[2]
	})
}

// rowsOf returns the rows of q with every column as text (dates as
// YYYY-MM-DD) joined by |; a cohort table q reads has person
// (withPersons).
func rowsOf(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(withPersons(q))
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

// TestPersonKey: the models key persons by person_key, the 64-bit key every
// source row stores; should two pseudonyms of persons' sources ever share
// it, or a file id not fit the rank key that orders the rows of a person
// whose sources disagree, the transform fails instead of merging persons
// or mis-ranking sources.
func TestPersonKey(t *testing.T) {
	ctx := context.Background()
	// x3 given x1's key in every source table
	var collide []string
	for _, tb := range Sources {
		if tb != catalogue {
			collide = append(collide, "UPDATE "+tb+" SET person_key = hash('x1') WHERE person = 'x3';")
		}
	}
	for _, tt := range []struct {
		name  string
		extra string // run after the fixture, through fixture.Exec
		want  string
		check string // with no error wanted: a query of the tables then, its rows joined by |
		rows  string
	}{
		{name: "collision", extra: strings.Join(collide, "\n"), want: "two pseudonyms share the internal person key"},
		{name: "file id", want: "does not fit the source rank key",
			extra: `INSERT INTO settlements (person, birth_date, gender, municipality, permit_on, settled_on, file_id, line) VALUES
				('x4', '2001-01-01', 'M', '0127', '2023-01-01', '2023-02-15', 268435456, 2);
				INSERT INTO so_registrations (person, birth_date, gender, municipality, registered_on, language, file_id, line) VALUES
				('x4', '2001-01-01', 'K', '0127', '2023-03-01', 'sv', 1, 9)`},
		{name: "file id, sources agree", want: "",
			extra: `INSERT INTO settlements (person, birth_date, gender, municipality, permit_on, settled_on, file_id, line) VALUES
				('x4', '2001-01-01', 'M', '0127', '2023-01-01', '2023-02-15', 268435456, 2)`,
			check: `SELECT person, gender, variants FROM persons WHERE person = 'x4'`, rows: "x4|M|1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := fixtureDB(t)
			if tt.extra != "" {
				fixture.Exec(t, db, tt.extra)
			}
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			var got error
			for _, m := range Models() {
				q, err := m.Render("")
				if err != nil {
					t.Fatal(err)
				}
				if _, got = tx.ExecContext(ctx, q); got != nil {
					break
				}
			}
			if tt.want == "" {
				if got != nil {
					t.Fatalf("error = %v, want none", got)
				}
				if tt.check != "" {
					var rows []string
					r, err := tx.QueryContext(ctx, withPersons(tt.check))
					if err != nil {
						t.Fatal(err)
					}
					defer r.Close()
					cols, _ := r.Columns()
					for r.Next() {
						vals := make([]sql.NullString, len(cols))
						ptrs := make([]any, len(cols))
						for i := range vals {
							ptrs[i] = &vals[i]
						}
						if err := r.Scan(ptrs...); err != nil {
							t.Fatal(err)
						}
						var parts []string
						for _, v := range vals {
							parts = append(parts, v.String)
						}
						rows = append(rows, strings.Join(parts, "|"))
					}
					if got := strings.Join(rows, "\n"); got != tt.rows {
						t.Errorf("%s:\n%s\nwant\n%s", tt.check, got, tt.rows)
					}
				}
				return
			}
			if got == nil || !strings.Contains(got.Error(), tt.want) {
				t.Fatalf("error = %v, want one saying %q", got, tt.want)
			}
		})
	}
}

// loadedFile records file id as a load of kind with rows loaded and
// replaced rows, as ingest records one.
func loadedFile(id int, kind string, loaded, replaced int) string {
	return fmt.Sprintf(`INSERT INTO files (file_id, path, name, kind, sha256, size_bytes, rows_read, rows_loaded, rows_rejected,
		status, started_at, finished_at, duration_ms, rows_replaced)
		VALUES (%d, 'f%[1]d.csv', 'f%[1]d.csv', '%s', 'sha%[1]d', 1, %[3]d, %[3]d, 0, 'loaded', now(), now(), 0, %[4]d);`, id, kind, loaded, replaced)
}

// TestRefresh: Refresh keeps the tables while the sources and models are
// as they were built from; updates them for the persons of the files
// loaded since when those loads account for every change (rows added,
// rows of an earlier file replaced, an intervention of the catalogue
// replaced) and touch at most half of the persons; and rebuilds them
// otherwise: a change no load accounts for, a table missing, the state
// forgotten or from before row counts, the models changed. Whatever it
// does, the tables are then those a rebuild gives.
func TestRefresh(t *testing.T) {
	ctx := context.Background()
	// three more persons, so that one file's persons are not half of all
	more := `INSERT INTO so_registrations (person, birth_date, gender, municipality, registered_on, language, file_id, line) VALUES
		('y1', '1980-01-01', 'K', '0127', '2022-02-02', 'sv', 1, 7), ('y2', '1981-01-01', 'M', '0127', '2022-03-03', 'sv', 1, 8),
		('y3', '1982-01-01', 'K', '0136', '2022-04-04', 'ar', 1, 9)`
	tests := []struct {
		name    string
		change  string // SQL run between two Refresh calls; "" none
		want    Action
		persons int64  // Updated: persons in scope
		reason  string // Rebuilt: part of the reason
		check   string // a query of the tables after it, its rows joined by |
		rows    string
	}{
		{name: "nothing changed", want: Kept, check: `SELECT count(*) FROM so_cohort`, rows: "5"},
		{name: "a new file's row", want: Updated, persons: 1,
			change: loadedFile(99, "so_registrations", 1, 0) + `INSERT INTO so_registrations VALUES ('x9', DATE '1985-05-05', 'K', '0136', DATE '2023-06-01', 'ar', NULL, 99, 2, NULL)`,
			check:  `SELECT person, municipality, registered_on FROM so_cohort WHERE person = 'x9'`, rows: "x9|0136|2023-06-01"},
		{name: "a row replaced by a later file", want: Updated, persons: 1,
			change: loadedFile(99, "settlements", 1, 1) + `DELETE FROM settlements WHERE person = 'x1';
				INSERT INTO settlements (person, birth_date, gender, municipality, permit_on, settled_on, file_id, line) VALUES
				('x1', '1990-01-01', 'K', '0180', '2023-01-01', '2023-03-01', 99, 2)`,
			check: `SELECT municipality, days_permit_to_settled, so_registered_on FROM settlement_cohort`, rows: "0180|59|2023-03-01"},
		// x2 (a certificate only, saying M: not in persons) gets a
		// registration saying K: a new person, from the registration alone
		{name: "a registration for a person of a certificate only", want: Updated, persons: 1,
			change: loadedFile(99, "so_registrations", 1, 0) + `INSERT INTO so_registrations VALUES ('x2', DATE '2001-01-01', 'K', '0127', DATE '2023-06-01', 'sv', NULL, 99, 2, NULL)`,
			check:  `SELECT person, birth_date, gender, variants FROM persons WHERE person IN ('x2', 'x1') ORDER BY person`, rows: "x1|1990-01-01|K|2\nx2|2001-01-01|K|1"},
		// y2 (a registration saying M) gets a settlement saying K, which
		// outranks it: y2's row is recomputed from all its rows, and its
		// cohort row takes the new gender
		{name: "a new row disagreeing with a known person", want: Updated, persons: 1,
			change: loadedFile(99, "settlements", 1, 0) + `INSERT INTO settlements (person, birth_date, gender, municipality, permit_on, settled_on, file_id, line) VALUES
				('y2', '1981-01-01', 'K', '0127', '2022-01-01', '2022-02-01', 99, 2)`,
			check: `SELECT person, p.birth_date, p.gender, variants, c.gender FROM persons p JOIN so_cohort c USING (person_key) WHERE person = 'y2'`, rows: "y2|1981-01-01|K|2|K"},
		// y1 (agreeing) gets a row that agrees: its row stands
		{name: "a new row agreeing with a known person", want: Updated, persons: 1,
			change: loadedFile(99, "so_certificates", 1, 0) + `INSERT INTO so_certificates (person, birth_date, gender, issued_on, file_id, line) VALUES ('y1', '1980-01-01', 'K', '2022-09-01', 99, 2)`,
			check:  `SELECT person, birth_date, gender, variants, certified_on FROM persons JOIN so_cohort USING (person, birth_date, gender) WHERE person = 'y1'`, rows: "y1|1980-01-01|K|1|2022-09-01"},
		{name: "two files, the second replacing the first's row", want: Updated, persons: 1,
			change: loadedFile(98, "so_certificates", 1, 0) + loadedFile(99, "so_certificates", 1, 1) +
				`INSERT INTO so_certificates (person, birth_date, gender, issued_on, file_id, line) VALUES ('x1', '1990-01-01', 'K', '2023-09-01', 99, 2)`,
			check: `SELECT person, certified_on, completed FROM so_cohort WHERE person = 'x1'`, rows: "x1|2023-09-01|true"},
		{name: "an intervention replaced", want: Updated, persons: 1,
			change: loadedFile(99, "interventions", 1, 1) + `DELETE FROM interventions;
				INSERT INTO interventions (intervention_id, name, provider_municipality, file_id, line) VALUES ('I1', 'Jobbspår', '0180', 99, 2)`,
			check: `SELECT intervention_id, coalesce(provider_municipality, '-') FROM participation_cohort ORDER BY 1`, rows: "I1|0180\nI9|-"},
		// a catalogue re-sent as it was changes no provider: nobody
		{name: "the catalogue re-sent unchanged", want: Updated, persons: 0,
			change: loadedFile(99, "interventions", 1, 1) + `DELETE FROM interventions;
				INSERT INTO interventions (intervention_id, name, provider_municipality, file_id, line) VALUES ('I1', 'Jobbspår', '0136', 99, 2)`,
			check: `SELECT intervention_id, coalesce(provider_municipality, '-') FROM participation_cohort ORDER BY 1`, rows: "I1|0136\nI9|-"},
		// a catalogue row for I9, which had none: its participant x1
		{name: "an intervention added to the catalogue", want: Updated, persons: 1,
			change: loadedFile(99, "interventions", 1, 0) + `INSERT INTO interventions (intervention_id, name, provider_municipality, file_id, line) VALUES ('I9', 'Språkcafé', '0127', 99, 2)`,
			check:  `SELECT intervention_id, coalesce(provider_municipality, '-') FROM participation_cohort ORDER BY 1`, rows: "I1|0136\nI9|0127"},
		{name: "most persons touched", want: Rebuilt, reason: "touched 4 of 5 persons",
			change: loadedFile(99, "af_plans", 4, 0) + `INSERT INTO af_plans (person, birth_date, gender, municipality, plan_started_on, plan_ended_on, file_id, line) VALUES
				('y1', '1980-01-01', 'K', '0127', '2022-01-01', '2022-06-01', 99, 1), ('y2', '1981-01-01', 'M', '0127', '2022-01-01', '2022-06-01', 99, 2),
				('y3', '1982-01-01', 'K', '0136', '2022-01-01', '2022-06-01', 99, 3), ('x3', '1970-07-07', 'M', '0180', '2022-01-01', '2022-06-01', 99, 4)`,
			check: `SELECT count(*) FROM plan_cohort`, rows: "6"},
		{name: "a row deleted", want: Rebuilt, reason: "so_registrations: 6 rows, the loads since account for 7",
			change: `DELETE FROM so_registrations WHERE person = 'x3' AND file_id = 1`, check: `SELECT count(*) FROM so_cohort`, rows: "5"},
		{name: "a row of no recorded file", want: Rebuilt, reason: "so_registrations: rows of 1 files not recorded as loaded",
			change: `INSERT INTO so_registrations VALUES ('x9', DATE '1985-05-05', 'K', '0136', DATE '2023-06-01', 'ar', NULL, 99, 2, NULL)`,
			check:  `SELECT count(*) FROM so_cohort`, rows: "6"},
		{name: "a file without a count of replaced rows", want: Rebuilt, reason: "1 files loaded without a count",
			change: loadedFile(99, "so_registrations", 1, 0) + `UPDATE files SET rows_replaced = NULL;
				INSERT INTO so_registrations VALUES ('x9', DATE '1985-05-05', 'K', '0136', DATE '2023-06-01', 'ar', NULL, 99, 2, NULL)`,
			check: `SELECT count(*) FROM so_cohort`, rows: "6"},
		{name: "another source emptied", want: Rebuilt, reason: "so_certificates: 0 rows",
			change: `DELETE FROM so_certificates`, check: `SELECT count(*) FROM persons`, rows: "5"},
		{name: "a cohort table dropped", want: Rebuilt, reason: "a table is missing",
			change: `DROP TABLE sfi_cohort`, check: `SELECT count(*) FROM sfi_cohort`, rows: "2"},
		{name: "state forgotten", want: Rebuilt, reason: "no state recorded",
			change: `DELETE FROM transform_state`, check: `SELECT count(*) FROM so_cohort`, rows: "5"},
		{name: "state without row counts", want: Rebuilt, reason: "no row counts",
			change: loadedFile(99, "so_registrations", 1, 0) + `UPDATE transform_state SET source_rows = NULL;
				INSERT INTO so_registrations VALUES ('x9', DATE '1985-05-05', 'K', '0136', DATE '2023-06-01', 'ar', NULL, 99, 2, NULL)`,
			check: `SELECT count(*) FROM so_cohort`, rows: "6"},
		{name: "models changed", want: Rebuilt, reason: "the models changed",
			change: `UPDATE transform_state SET models = 'other'; DELETE FROM so_certificates`, check: `SELECT count(*) FROM so_cohort`, rows: "5"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := fixtureDB(t)
			fixture.Exec(t, db, more)
			if out, err := Refresh(ctx, db); err != nil || out.Action != Rebuilt {
				t.Fatalf("first Refresh: %+v, %v; want rebuilt", out, err)
			}
			if tc.change != "" {
				fixture.Exec(t, db, tc.change)
			}
			out, err := Refresh(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			if out.Action != tc.want || out.Persons != tc.persons || !strings.Contains(out.Reason, tc.reason) {
				t.Errorf("second Refresh: %v for %d persons (%q); want %v for %d (%q)", out.Action, out.Persons, out.Reason, tc.want, tc.persons, tc.reason)
			}
			if got := strings.Join(rowsOf(t, db, tc.check), "\n"); got != tc.rows {
				t.Errorf("%s:\n%s\nwant\n%s", tc.check, got, tc.rows)
			}
			var states int
			if err := db.QueryRowContext(ctx, `SELECT count(*) FROM transform_state`).Scan(&states); err != nil || states != 1 {
				t.Errorf("transform_state %d rows, %v; want 1", states, err)
			}
			// the tables are a rebuild's
			got := snapshot(t, db)
			if err := Run(ctx, db); err != nil {
				t.Fatal(err)
			}
			if want := snapshot(t, db); got != want {
				t.Errorf("tables after Refresh\n%s\ndiffer from a rebuild's\n%s", got, want)
			}
			// a kept state is kept again
			if out, err := Refresh(ctx, db); err != nil || out.Action != Kept {
				t.Errorf("third Refresh: %+v, %v; want kept", out, err)
			}
		})
	}
}

// snapshot returns every model table's rows, sorted, as text.
func snapshot(t *testing.T, db *sql.DB) string {
	t.Helper()
	var b strings.Builder
	for _, m := range Models() {
		fmt.Fprintf(&b, "%s:\n%s\n", m.Name, strings.Join(rowsOf(t, db, "SELECT * FROM "+m.Name+" ORDER BY ALL"), "\n"))
	}
	return b.String()
}

// TestUpdate: Update recomputes the tables for the persons of the files
// given, whatever their number, and leaves the tables a rebuild's.
func TestUpdate(t *testing.T) {
	ctx := context.Background()
	db := fixtureDB(t)
	if _, err := Update(ctx, db, []int64{1}); err == nil || !strings.Contains(err.Error(), "never built") {
		t.Fatalf("Update before a build: %v, want an error saying the tables were never built", err)
	}
	if err := Run(ctx, db); err != nil {
		t.Fatal(err)
	}
	checkPersonKeys(t, db)
	want := snapshot(t, db)
	for _, tc := range []struct {
		files   []int64
		persons int64
	}{
		{[]int64{1}, 2},    // so_registrations: x1, x3
		{[]int64{6}, 1},    // so_certificates: x2
		{[]int64{9}, 0},    // the catalogue's I1, provider as built: nobody
		{[]int64{1, 6}, 3}, // everyone
		{[]int64{77}, 0},   // no such file
	} {
		out, err := Update(ctx, db, tc.files)
		if err != nil {
			t.Fatal(err)
		}
		if out.Action != Updated || out.Persons != tc.persons {
			t.Errorf("Update(%v): %v for %d persons, want updated for %d", tc.files, out.Action, out.Persons, tc.persons)
		}
		if got := snapshot(t, db); got != want {
			t.Errorf("Update(%v): tables\n%s\ndiffer from a rebuild's\n%s", tc.files, got, want)
		}
		checkPersonKeys(t, db)
	}
}

// checkPersonKeys: every row of persons has a person_key, the key of its
// pseudonym as the sources store it (store.PersonKey), and every row of a
// cohort table the key of a person in persons (what updates delete by,
// the case-mix companions join on and evaluators find the pseudonym by).
func checkPersonKeys(t *testing.T, db *sql.DB) {
	t.Helper()
	for _, m := range Models() {
		var rows, wrong int
		bad := "person_key IS DISTINCT FROM " + store.PersonKey("person")
		if m.Name != "persons" {
			bad = "person_key IS NULL OR person_key NOT IN (SELECT person_key FROM persons)"
		}
		if err := db.QueryRow(`SELECT count(*), count(*) FILTER (WHERE `+bad+`) FROM `+m.Name).Scan(&rows, &wrong); err != nil {
			t.Fatal(err)
		}
		if rows == 0 || wrong != 0 {
			t.Errorf("%s: %d of %d rows without their pseudonym's key as person_key (and want rows)", m.Name, wrong, rows)
		}
	}
}

// TestFingerprint: the fingerprint changes with each source table's rows,
// file ids and lines, and is the same for the same state.
func TestFingerprint(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	fp := func() string {
		t.Helper()
		s, err := readSources(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		return s.fingerprint()
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
func openDB(t *testing.T) *sql.DB { return fixture.OpenDB(t) }

// fixtureDB is openDB with the cohort fixture (testdata/cohorts) loaded.
func fixtureDB(t *testing.T) *sql.DB {
	t.Helper()
	db := openDB(t)
	rows, err := os.ReadFile(filepath.Join("testdata", "cohorts", "fixture.sql"))
	if err != nil {
		t.Fatal(err)
	}
	fixture.Exec(t, db, string(rows))
	return db
}

// builtOnOneConn is the cohort fixture with its transform tables built,
// on a pool of one connection (so a run's test hook and the test's
// queries after it see that run's connection), and its count of persons.
func builtOnOneConn(t *testing.T) (*sql.DB, int) {
	t.Helper()
	db := fixtureDB(t)
	db.SetMaxOpenConns(1)
	if err := Run(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM persons`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return db, n
}

// registration inserts a so_registrations row of person (in 0127, in
// Arabic) as line 1 of file fileID.
func registration(person, birth, gender, registered string, fileID int) string {
	return fmt.Sprintf(`INSERT INTO so_registrations (person, birth_date, gender, municipality, registered_on, language, file_id, line)
		VALUES ('%s', DATE '%s', '%s', '0127', DATE '%s', 'ar', %d, 1);`, person, birth, gender, registered, fileID)
}

// TestPersonKeyUpdate: an update checks the keys of the persons it writes
// against every person: a new person whose key is an existing person's
// fails the update with nothing changed; with the key mended, the same
// update goes through.
func TestPersonKeyUpdate(t *testing.T) {
	ctx := context.Background()
	db, before := builtOnOneConn(t)
	fixture.Exec(t, db, registration("x-new", "1990-01-01", "K", "2023-03-01", 95)+loadedFile(95, "so_registrations", 1, 0)+
		`UPDATE so_registrations SET person_key = hash('x1') WHERE person = 'x-new'`)
	_, err := Refresh(ctx, db)
	if err == nil || !strings.Contains(err.Error(), "two pseudonyms share the internal person key") {
		t.Fatalf("update with a new person sharing x1's key: %v, want the shared key error", err)
	}
	var after int
	if err := db.QueryRow(`SELECT count(*) FROM persons`).Scan(&after); err != nil || after != before {
		t.Errorf("after the failed update: %d persons, %v; want %d", after, err, before)
	}
	if _, err := db.Exec(`UPDATE so_registrations SET person_key = hash('x-new') WHERE person = 'x-new'`); err != nil {
		t.Fatal(err)
	}
	out, err := Refresh(ctx, db)
	if err != nil || out.Action != Updated || out.Persons != 1 {
		t.Fatalf("the same update with x-new's own key: %+v, %v; want 1 person updated", out, err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM persons`).Scan(&after); err != nil || after != before+1 {
		t.Errorf("after the update: %d persons, %v; want %d", after, err, before+1)
	}
}

// TestKeysHoldThePerson: an update relies on a load deleting only rows that
// share a key with a row of its own (ingest's delete_old), and on every
// source with persons keying its rows by the person, so that a deleted
// row's person is a person of the loaded file (in scope) and no load
// removes a person. Every kind that names a person must keep the person in
// its natural key, and every other source must be the catalogue.
func TestKeysHoldThePerson(t *testing.T) {
	for _, src := range Sources {
		k := ingest.KindByName(src)
		if k == nil {
			t.Errorf("source %s is no ingest kind", src)
			continue
		}
		hasPerson, keyed := false, false
		for _, c := range k.Columns {
			if c.Type != ingest.TPerson {
				continue
			}
			hasPerson = true
			for _, key := range k.Key {
				if key == c.Name {
					keyed = true
				}
			}
		}
		switch {
		case hasPerson && !keyed:
			t.Errorf("%s names a person but its key %v does not hold the person", src, k.Key)
		case !hasPerson && src != catalogue:
			t.Errorf("%s names no person and is not the catalogue %s", src, catalogue)
		}
	}
}

// TestSharedSources: the source tables an update selects the rows in scope
// of once are those the models read through src more than once, and the
// update SQL names them instead of reading the tables again.
func TestSharedSources(t *testing.T) {
	if got, want := strings.Join(sharedSources(), " "), "settlements sfi_courses so_registrations"; got != want {
		t.Errorf("sharedSources = %s, want %s", got, want)
	}
	for _, m := range Models() {
		q, err := m.Render("file_id = 99")
		if err != nil {
			t.Fatal(err)
		}
		for _, src := range sharedSources() {
			if strings.Contains(q, "FROM "+src+" WHERE person_key IN (SELECT pk FROM effekt_scope)") {
				t.Errorf("%s: the update reads %s's rows in scope itself", m.Name, src)
			}
		}
	}
}

// TestLoadBetweenPhases: the transform builds its first temporary tables
// before its transaction; a load committed in between (writers take turns,
// so only a test can make one) fails the run with nothing changed, and
// leaves no temporary table on the connection. A run after it succeeds.
func TestLoadBetweenPhases(t *testing.T) {
	ctx := context.Background()
	db, before := builtOnOneConn(t)
	fixture.Exec(t, db, registration("x-new", "1990-01-01", "K", "2023-03-01", 90))
	beforeTx = func(ctx context.Context, conn *sql.Conn) {
		if _, err := conn.ExecContext(ctx, loadedFile(91, "so_registrations", 0, 0)); err != nil {
			t.Error(err)
		}
	}
	_, err := Refresh(ctx, db)
	beforeTx = nil
	if err == nil || !strings.Contains(err.Error(), "a load committed while the transform ran") {
		t.Fatalf("Refresh with a load between its phases: %v, want the load error", err)
	}
	// the transform's temporary tables and views left on the connection
	const temporaries = `(SELECT count(*) FROM duckdb_tables() WHERE temporary) + (SELECT count(*) FROM duckdb_views() WHERE temporary AND view_name LIKE 'effekt%')`
	var after, temps int
	if err := db.QueryRow(`SELECT (SELECT count(*) FROM persons), `+temporaries).Scan(&after, &temps); err != nil {
		t.Fatal(err)
	}
	if after != before || temps != 0 {
		t.Errorf("after the failed run: %d persons (want %d, unchanged) and %d temporary tables and views (want 0)", after, before, temps)
	}
	if _, err := Refresh(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM persons`).Scan(&after); err != nil || after != before+1 {
		t.Errorf("after a run with nothing in between: %d persons, %v; want %d", after, err, before+1)
	}
	// an update (a recorded load of one more person) leaves no temporary
	// table either: the scope and the rows in scope go after it
	fixture.Exec(t, db, registration("x-newer", "1991-01-01", "M", "2023-04-01", 93)+loadedFile(93, "so_registrations", 1, 0))
	out, err := Refresh(ctx, db)
	if err != nil || out.Action != Updated {
		t.Fatalf("Refresh after a recorded load: %+v, %v; want an update", out, err)
	}
	if err := db.QueryRow(`SELECT ` + temporaries).Scan(&temps); err != nil || temps != 0 {
		t.Errorf("after an update: %d temporary tables and views, %v; want 0", temps, err)
	}
}

// TestModelColumns: each model's Columns makes a table with the columns,
// types and compression of the table the model builds.
func TestModelColumns(t *testing.T) {
	ctx := context.Background()
	db := fixtureDB(t)
	if err := Run(ctx, db); err != nil {
		t.Fatal(err)
	}
	shape := func(table string) string {
		return strings.Join(rowsOf(t, db, `SELECT column_name || ' ' || data_type FROM duckdb_columns()
			WHERE table_name = '`+table+`' ORDER BY column_index`), ", ")
	}
	for _, m := range Models() {
		cols, err := m.Columns()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, "CREATE TABLE copy_"+m.Name+" ("+cols+"); INSERT INTO copy_"+m.Name+" SELECT * FROM "+m.Name+"; CHECKPOINT"); err != nil {
			t.Fatalf("%s: %v\n%s", m.Name, err, cols)
		}
		if got, want := shape("copy_"+m.Name), shape(m.Name); got != want || want == "" {
			t.Errorf("%s: copy has columns %s, want %s", m.Name, got, want)
		}
		// the pseudonym, in persons alone, is stored uncompressed in both
		comp := func(table string) string {
			return strings.Join(rowsOf(t, db, `SELECT DISTINCT compression FROM pragma_storage_info('`+table+`')
				WHERE column_name = 'person' AND segment_type = 'VARCHAR'`), ",")
		}
		want := ""
		if m.Name == "persons" {
			want = "Uncompressed"
		}
		if got, have := comp("copy_"+m.Name), comp(m.Name); got != have || have != want {
			t.Errorf("%s: the copy's person is stored %q, the table's %q (want %q)", m.Name, got, have, want)
		}
	}
	if _, err := (Model{Name: "x", File: "x.sql", SQL: "SELECT 1"}).Columns(); err == nil {
		t.Error("a model without CREATE TABLE gave columns")
	}
}
