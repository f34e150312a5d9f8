package main

import (
	"strings"
	"testing"
)

// TestEvaluateUsage: what a user can get wrong on the evaluate command line
// is a usage error (exit 2) naming the fix; an empty database says to
// compute first (exit 1).
func TestEvaluateUsage(t *testing.T) {
	dir := t.TempDir()
	db := emptyDB(t, dir)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"evaluate", "--db", db}, 2, `required flag(s) "collaboration" not set`},
		{[]string{"evaluate", "--db", db, "--collaboration", "SOSI"}, 2, "did you mean SOIS?"},
		{[]string{"evaluate", "--db", db, "--collaboration", "SOIS", "--kpi", "EF104"}, 2, "no person-level share or measure"},
		{[]string{"evaluate", "--db", db, "--collaboration", "SOIS", "--kpi", "EF4O1"}, 2, "did you mean EF401"},
		{[]string{"evaluate", "--db", db, "--collaboration", "sois", "--format", "xml"}, 2, "want table, csv or json"},
		{[]string{"evaluate", "--db", db, "--collaboration", "SOIS"}, 1, "run effekt compute"},
		{[]string{"expected", "--db", db, "--kpi", "EF102"}, 2, "no person-level share"},
		{[]string{"expected", "--db", db, "Atlantis"}, 2, "not a municipality"},
		{[]string{"expected", "--db", db}, 1, "run effekt compute"},
		{[]string{"goals", "--db", db, "--format", "csv"}, 2, "want table or json"},
		{[]string{"goals", "extra"}, 2, "takes no arguments"},
	} {
		_, stderr, code := cli(t, dir, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("effekt %s: exit %d, stderr %q; want exit %d and %q", strings.Join(tc.args, " "), code, stderr, tc.code, tc.want)
		}
	}
}
