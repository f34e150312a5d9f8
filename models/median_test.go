package models

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestMedianCells: cells_median.sql (grouping sets for municipalities,
// counties and Riket, a second aggregation for the groups) gives every
// cell the n, k and median that median() over the cell's own micro rows,
// placed one by one, gives, for micro
// rows with odd and even counts, repeated values, NULL values, cells
// with no value at all, a group of municipalities across counties and
// with and without the split by gender; a value that is not a whole
// number of days fails.
func TestMedianCells(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rng := rand.New(rand.NewPCG(3, 4))
	munis := []string{"0114", "0115", "0127", "0180", "1280", "1281"}
	var rows []string
	for i := range 3000 {
		m := munis[rng.IntN(len(munis))]
		x := "NULL"
		switch {
		case m == "1281": // a municipality without any value
		case rng.IntN(10) > 0:
			x = fmt.Sprintf("%d", rng.IntN(40)*rng.IntN(3)) // repeats, zeros
		}
		if i%97 == 0 && m != "1281" {
			x = "12345.0"
		}
		rows = append(rows, fmt.Sprintf("('%s', %d, '%s', %s::DOUBLE)", m, 2019+rng.IntN(3), []string{"K", "M"}[rng.IntN(2)], x))
	}
	setup := []string{
		`CREATE TEMP TABLE fx_micro (municipality VARCHAR, period INTEGER, gender VARCHAR, x DOUBLE)`,
		`INSERT INTO fx_micro VALUES ` + strings.Join(rows, ","),
		`CREATE OR REPLACE TEMP TABLE effekt_area_groups (gid VARCHAR, member VARCHAR)`,
		`INSERT INTO effekt_area_groups VALUES ('G1', '0114'), ('G1', '1280'), ('G2', '1281')`,
	}
	for _, q := range setup {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	// the same cells by median() over every cell's own micro rows
	const want = `
		WITH m AS (
		    SELECT municipality AS area, period, gender, x FROM fx_micro
		    UNION ALL SELECT '00' || substr(municipality, 1, 2), period, gender, x FROM fx_micro
		    UNION ALL SELECT '0000', period, gender, x FROM fx_micro
		    UNION ALL SELECT g.gid, period, gender, x FROM fx_micro JOIN effekt_area_groups g ON g.member = municipality
		), s AS (
		    SELECT * FROM m WHERE %s
		    UNION ALL SELECT area, period, 'T', x FROM m
		)
		SELECT area, period, gender, count(*)::BIGINT AS n, sum(x)::BIGINT AS k, median(x)::DOUBLE AS med FROM s GROUP BY ALL`
	for _, byGender := range []string{"true", "false"} {
		q := strings.NewReplacer("{{micro}}", "SELECT * FROM fx_micro", "{{by_gender}}", byGender).Replace(mustRead(computeSQL, "compute/cells_median.sql"))
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
		w := fmt.Sprintf(want, byGender)
		var cells, extra, missing, nullMed int
		if err := conn.QueryRowContext(ctx, fmt.Sprintf(`SELECT (SELECT count(*) FROM effekt_cells),
			(SELECT count(*) FROM (SELECT area, period, gender, n, k, med FROM effekt_cells EXCEPT ALL (%s))),
			(SELECT count(*) FROM ((%s) EXCEPT ALL SELECT area, period, gender, n, k, med FROM effekt_cells)),
			(SELECT count(*) FROM effekt_cells WHERE med IS NULL)`, w, w)).Scan(&cells, &extra, &missing, &nullMed); err != nil {
			t.Fatal(err)
		}
		// 6 municipalities, 2 counties, Riket, 2 groups; 3 years; T (and K, M)
		wantCells := 11 * 3
		if byGender == "true" {
			wantCells *= 3
		}
		if cells != wantCells || extra != 0 || missing != 0 || nullMed == 0 {
			t.Errorf("by gender %s: %d cells (want %d), %d not as median() gives them, %d of median()'s missing, %d with no value (want some)",
				byGender, cells, wantCells, extra, missing, nullMed)
		}
	}
	// the medians are of whole days (as BIGINT): half a day fails the
	// compute instead of being rounded
	if _, err := conn.ExecContext(ctx, `INSERT INTO fx_micro VALUES ('0114', 2020, 'K', 1.5)`); err != nil {
		t.Fatal(err)
	}
	q := strings.NewReplacer("{{micro}}", "SELECT * FROM fx_micro", "{{by_gender}}", "true").Replace(mustRead(computeSQL, "compute/cells_median.sql"))
	if _, err := conn.ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "not a whole number of days") {
		t.Errorf("a median over 1.5 days: %v, want an error saying it is not a whole number of days", err)
	}
}
