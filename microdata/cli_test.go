package microdata_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/effekt/effekt/access"
	"github.com/effekt/effekt/api"
	"github.com/effekt/effekt/microdata"
	"github.com/effekt/effekt/store"
)

// TestRemoteSameAsLocal: `effekt sql` through a running server (POST
// /api/v1/sql with the local token) prints what it prints on the file,
// cut included, and a refusal is the server's message.
func TestRemoteSameAsLocal(t *testing.T) {
	path := fixture(t)
	dir := t.TempDir()
	local := microdata.CLI{Database: path, Audit: filepath.Join(dir, "cli-audit.jsonl"), MemoryLimit: "256MB", Limits: microdata.Limits{Rows: 3}}
	// the server holds the database read-write, as effekt serve does
	db, err := store.Open(context.Background(), path+".copy", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`INSERT INTO indicator_values (kpi, municipality, period, gender, numerator, denominator, value, ci_low, ci_high, status, as_of, computed_at) VALUES
		('EF101','0127',2020,'T',3,4,75,30.06,95.44,'','2021-06-30','2021-07-01 00:00:00+00'),
		('EF101','0127',2020,'K',1,2,50,9.45,90.55,'','2021-06-30','2021-07-01 00:00:00+00')`); err != nil {
		t.Fatal(err)
	}
	audit, err := access.OpenAudit(filepath.Join(dir, "api-audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer audit.Close()
	const token = "local-token-0123456789abcdef"
	srv := httptest.NewServer(api.New(db, api.Options{
		LocalToken: token, Audit: audit, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		SQL: microdata.NewRunner(db, microdata.Limits{Rows: 100}, audit),
	}))
	defer srv.Close()
	remote := microdata.Server{URL: srv.URL, Token: token, User: "kim"}
	for _, format := range []string{"table", "csv", "json"} {
		for _, q := range []string{
			`SELECT gender, value, as_of, computed_at, NULL AS nothing, 'a,"b"' AS quoted FROM indicator_values ORDER BY gender`,
			`SELECT * FROM range(100000000)`,
			`SELECT 1 AS one WHERE false`,
		} {
			var lo, le, ro, re bytes.Buffer
			l, r := local, local
			l.Format, l.Out, l.Note = format, &lo, &le
			r.Format, r.Out, r.Note = format, &ro, &re
			if err := l.RunLocal(context.Background(), q); err != nil {
				t.Fatalf("%s local: %v", format, err)
			}
			if err := r.RunRemote(context.Background(), remote, q); err != nil {
				t.Fatalf("%s remote: %v", format, err)
			}
			if lo.String() != ro.String() || le.String() != re.String() {
				t.Errorf("%s %s:\nlocal\n%s%s\nremote\n%s%s", format, q, lo.String(), le.String(), ro.String(), re.String())
			}
		}
	}
	var out bytes.Buffer
	r := local
	r.Format, r.Out = "table", &out
	err = r.RunRemote(context.Background(), remote, `COPY indicator_values TO '/tmp/x.csv'`)
	if err == nil || !strings.Contains(err.Error(), "400 Bad Request: COPY statements are not allowed") || out.Len() > 0 {
		t.Fatalf("remote COPY: %v, %q", err, out.String())
	}
	r.Format = "json"
	err = r.RunRemote(context.Background(), microdata.Server{URL: srv.URL, Token: "wrong", User: "kim"}, `SELECT 1`)
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("wrong token: %v", err)
	}
}
