package microdata_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/effekt/effekt/access"
	"github.com/effekt/effekt/microdata"
)

// TestAuditRecords: one record per run with who, via, the SQL, rows,
// duration and outcome; no value of any result row, nor one quoted by an
// error message, is written.
func TestAuditRecords(t *testing.T) {
	db := open(t, fixture(t), "cli")
	r, path := runner(t, db, microdata.Limits{Rows: 2})
	runs := []struct {
		who     access.Identity
		query   string
		rows    int64
		outcome string
		errText string
	}{
		{evaluator, `SELECT 'RESULT-ROW-VALUE-7' AS v, kpi, numerator FROM indicator_values`, 2, access.OutcomeOK, ""},
		{access.Identity{Name: "kim", Via: "cli"}, `SELECT 'RESULT-ROW-VALUE-7' || range AS v FROM range(10)`, 2, access.OutcomeCut, ""},
		{evaluator, `COPY indicator_values TO '/tmp/leak.csv'`, 0, access.OutcomeRefused, "COPY statements are not allowed: only SELECT statements run (evaluators' SQL only reads)"},
		{evaluator, `SELECT CAST(gender || '19850603-7525' AS INTEGER) FROM indicator_values`, 0, access.OutcomeError, "Conversion Error"},
		{evaluator, `SELEC 1`, 0, access.OutcomeError, "syntax error"},
		// a personnummer typed into the SQL is masked in the record
		{evaluator, `SELECT '19800101-1234' AS a`, 1, access.OutcomeOK, ""},
	}
	recorded := func(q string) string {
		return strings.NewReplacer("19800101-1234", "19800101-****", "19850603-7525", "19850603-****").Replace(q)
	}
	for _, run := range runs {
		var buf bytes.Buffer
		w, _ := microdata.NewWriter("json", &buf, nil)
		r.Run(context.Background(), run.who, run.query, 0, w)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// values the queries produced (their SQL text is recorded, their rows
	// never), and the values DuckDB quotes in a conversion error
	for _, leak := range []string{"RESULT-ROW-VALUE-70", "RESULT-ROW-VALUE-71", "EF101", "T19850603", "K19850603", "1234"} {
		if strings.Contains(string(b), leak) {
			t.Errorf("audit log holds %q:\n%s", leak, b)
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	i := 0
	for ; sc.Scan(); i++ {
		var rec access.Record
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		want := runs[i]
		role := ""
		if want.who.Role != access.Anonymous {
			role = want.who.Role.String()
		}
		if rec.Who != want.who.Name || rec.Via != want.who.Via || rec.Role != role || rec.Action != "sql" || rec.SQL != recorded(want.query) ||
			rec.Rows != want.rows || rec.Outcome != want.outcome || rec.Error != want.errText ||
			time.Since(rec.Time) > time.Minute || rec.DurationMS < 0 {
			t.Errorf("record %d: %s", i, sc.Text())
		}
	}
	if i != len(runs) {
		t.Fatalf("%d records, want %d", i, len(runs))
	}
}
