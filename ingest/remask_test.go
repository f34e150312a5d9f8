package ingest

import (
	"context"
	"strings"
	"testing"
)

// TestRemask: text stored under an older masking (here written into the
// tables as a load before 2026-12-02 kept it: part of a personnummer
// unmasked) is masked again by the next run, once; a natural key holding
// part of one is left and reported.
func TestRemask(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := e.db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`INSERT INTO files (file_id, path, name, kind, sha256, size_bytes, status, started_at, finished_at, duration_ms, error, rows_read, rows_loaded, rows_rejected, rows_replaced)
		VALUES (1, 'interventions/lista 811218-987.csv', 'lista 811218-987.csv', 'interventions', 'x', 1, 'loaded', now(), now(), 1, NULL, 4, 2, 2, 0),
		       (2, 'so_registrations/a.csv', 'a.csv', 'so_registrations', 'y', 1, 'failed', now(), now(), 1, 'rad 2: x 811218987', 0, 0, 0, 0)`)
	ins := `INSERT INTO interventions (intervention_id, name, provider_municipality, category, description, contact, file_id, line) VALUES (?, ?, '0127', 'arbete', ?, ?, 1, ?)`
	exec(ins, "K-1", "Jobbspår", "Ring 19811218 987 för plats", "08-123 45 67", 2)
	exec(ins, "K-811218-987", "Språkpraktik 2", "Svenska på arbetsplatsen", "tel 081234567", 3)
	exec(`INSERT INTO rejected_rows VALUES (1, 'interventions', 4, 'start', 'x 811218987', 'invalid_date', '"x 811218987" is not a date (expected YYYY-MM-DD)'),
	                                        (1, 'interventions', 5, 'start', '2019-02-30', 'invalid_date', '"2019-02-30" is not a date (expected YYYY-MM-DD)')`)
	exec(`DELETE FROM mask_state`)

	e.run()
	query := func(q string) string {
		t.Helper()
		var s string
		if err := e.db.QueryRowContext(ctx, q).Scan(&s); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return s
	}
	tests := []struct{ q, want string }{
		{`SELECT description FROM interventions WHERE line = 2`, "Ring 19811218-**** för plats"},
		{`SELECT contact FROM interventions WHERE line = 2`, "08-123 45 67"},
		{`SELECT contact FROM interventions WHERE line = 3`, "tel 081234567"},
		{`SELECT intervention_id FROM interventions WHERE line = 3`, "K-811218-987"}, // a key: left, reported
		{`SELECT name FROM files WHERE file_id = 1`, "lista 19811218-****.csv"},
		{`SELECT path FROM files WHERE file_id = 1`, "interventions/lista 19811218-****.csv"},
		{`SELECT error FROM files WHERE file_id = 2`, "rad 2: x 19811218-****"},
		{`SELECT value FROM rejected_rows WHERE line = 4`, "x 19811218-****"},
		{`SELECT message FROM rejected_rows WHERE line = 4`, `"x 19811218-****" is not a date (expected YYYY-MM-DD)`},
		{`SELECT value FROM rejected_rows WHERE line = 5`, "2019-02-30"},
		{`SELECT string_agg(version || ':' || cells, ',') FROM mask_state`, "2:6"}, // description, name, path, error, value, message,
	}
	for _, tc := range tests {
		if got := query(tc.q); got != tc.want {
			t.Errorf("%s = %q, want %q", tc.q, got, tc.want)
		}
	}
	if logs := e.logs.String(); !strings.Contains(logs, "shaped like part of a personnummer") || !strings.Contains(logs, "kind=interventions") {
		t.Errorf("the key holding part of a personnummer is not reported:\n%s", logs)
	}

	// once: text written later under the current masking is not read again
	exec(`UPDATE interventions SET description = 'Ring 811218-987' WHERE line = 2`)
	e.run()
	if got := query(`SELECT description FROM interventions WHERE line = 2`); got != "Ring 811218-987" {
		t.Errorf("a second run masked again: %q", got)
	}
	if got := query(`SELECT count(*)::VARCHAR FROM mask_state`); got != "1" {
		t.Errorf("%s mask_state rows after two runs, want 1", got)
	}
}
