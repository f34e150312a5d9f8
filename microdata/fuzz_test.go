package microdata_test

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/effekt/effekt/microdata"
)

// FuzzRun sends arbitrary text to the runner on the server's kind of
// instance (read-write, no sandbox): it never panics, and whatever it runs
// leaves the database and its files as they were.
func FuzzRun(f *testing.F) {
	path := fixture(f)
	for _, q := range escapes {
		f.Add(strings.ReplaceAll(q, "{DB}", path))
	}
	f.Add("SELECT * FROM indicator_values")
	db := open(f, path, "server")
	r, _ := runner(f, db, microdata.Limits{Rows: 5, Timeout: 2 * time.Second})
	f.Fuzz(func(t *testing.T, q string) {
		w, _ := microdata.NewWriter("json", io.Discard, nil)
		r.Run(context.Background(), evaluator, q, 0, w)
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM indicator_values`).Scan(&n); err != nil || n != 2 {
			t.Fatalf("after %q: %d rows, %v", q, n, err)
		}
		for _, suffix := range []string{".wal.checkpoint", ".wal.recovery", ".csv", ".export"} {
			if _, err := os.Stat(path + suffix); err == nil {
				t.Fatalf("after %q: %s%s exists", q, path, suffix)
			}
		}
	})
}
