package models

import (
	"context"
	"database/sql"
	"flag"
	"testing"

	"github.com/effekt/effekt/config"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

func computed(t *testing.T, fixtures ...string) *sql.DB {
	t.Helper()
	db := openDB(t)
	loadFixture(t, db, fixtures...)
	if _, err := Compute(context.Background(), db, ComputeOptions{AsOf: date("2024-06-30"), Groups: config.DefaultGroups(), Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	return db
}

func itoa(i int) string { return fmtInt(ptr(int64(i))) }

func ptr[T any](v T) *T { return &v }

// TestComputeDeterministic: a second Compute leaves indicator_values
// identical bit for bit, every column included (computed_at comes from Now).
func TestComputeDeterministic(t *testing.T) {
	db := computed(t, "so", "settle", "sfi", "plans", "participations")
	hash := func() (string, int) {
		var h string
		var n int
		err := db.QueryRow(`SELECT md5(string_agg(concat_ws('|', kpi, municipality, period, gender, numerator, denominator,
			value, ci_low, ci_high, status, as_of, epoch_us(computed_at)), ';' ORDER BY kpi, municipality, period, gender)), count(*)
			FROM indicator_values`).Scan(&h, &n)
		if err != nil {
			t.Fatal(err)
		}
		return h, n
	}
	h1, n1 := hash()
	if _, err := Compute(context.Background(), db, ComputeOptions{AsOf: date("2024-06-30"), Groups: config.DefaultGroups(), Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	h2, n2 := hash()
	if h1 != h2 || n1 != n2 || n1 == 0 {
		t.Errorf("second compute: %s (%d rows), first %s (%d rows)", h2, n2, h1, n1)
	}
}
