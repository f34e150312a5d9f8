package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/effekt/effekt/store"
)

func TestSQLSandbox(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "e.duckdb")
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO indicator_values VALUES
		('EF101','0127',2020,'T',3,4,75,30.06,95.44,'','2021-06-30','2021-07-01 00:00:00+00'),
		('EF101','0127',2020,'K',1,2,50,9.45,90.55,'','2021-06-30','2021-07-01 00:00:00+00')`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	ro, err := store.Open(ctx, path, store.Options{ReadOnly: true, Sandboxed: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()

	tests := []struct {
		name, query, format string
		want                string // exact output, or the error substring when wantErr
		wantErr             bool
	}{
		{"csv", `SELECT kpi, municipality, gender, numerator, denominator, value, as_of FROM indicator_values ORDER BY gender`, "csv",
			"kpi,municipality,gender,numerator,denominator,value,as_of\nEF101,0127,K,1,2,50,2021-06-30\nEF101,0127,T,3,4,75,2021-06-30\n", false},
		{"json", `SELECT gender, denominator FROM indicator_values WHERE gender = 'T'`, "json",
			"[\n  {\n    \"gender\": \"T\",\n    \"denominator\": 4\n  }\n]\n", false},
		{"table", `SELECT count(*) AS n FROM indicator_values`, "table", "n\n2\n(1 rows)\n", false},
		{"no file reads", `SELECT * FROM read_csv('/etc/hostname')`, "csv", "disabled", true},
		{"no copy out", `COPY indicator_values TO '/tmp/effekt-leak.csv'`, "csv", "", true},
		{"no attach", `ATTACH '/tmp/other.duckdb'`, "csv", "", true},
		{"no unlocking", `SET enable_external_access = true`, "csv", "", true},
		{"no writes", `DELETE FROM indicator_values`, "csv", "read-only", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := querySQL(ctx, ro, tt.query, tt.format, &buf)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("query ran: %q", buf.String())
				}
				if !strings.Contains(strings.ToLower(err.Error()), tt.want) {
					t.Fatalf("error %q does not mention %q", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if buf.String() != tt.want {
				t.Fatalf("got\n%s\nwant\n%s", buf.String(), tt.want)
			}
		})
	}
}
