package models

import (
	"context"
	"flag"
	"fmt"
	"testing"

	"github.com/effekt/effekt/config"
)

var benchPersons = flag.Int("bench-persons", 0, "BenchmarkCompute: one population of this size instead of 10 000 and 100 000")

// BenchmarkCompute measures Compute (transform + all indicators) on a
// synthetic population generated in SQL: n persons over the 26 Stockholm
// county municipalities, each with a registration, 8 attendance sessions, a
// settlement, an SFI course, an AF plan and a participation.
// go test ./models -run '^$' -bench Compute -benchtime 3x [-bench-persons 1000000]
func BenchmarkCompute(b *testing.B) {
	sizes := []int{10_000, 100_000}
	if *benchPersons > 0 {
		sizes = []int{*benchPersons}
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("persons=%d", n), func(b *testing.B) {
			db := openDB(b)
			gen := fmt.Sprintf(`
CREATE TEMP TABLE gen AS
SELECT 'p' || i AS person, DATE '1980-01-01' + (i %% 7000)::INTEGER AS birth_date,
       CASE WHEN i %% 2 = 0 THEN 'K' ELSE 'M' END AS gender,
       (['0114','0115','0117','0120','0123','0125','0126','0127','0128','0136','0138','0139','0140',
         '0160','0162','0163','0180','0181','0182','0183','0184','0186','0187','0188','0191','0192'])[1 + i %% 26] AS municipality,
       DATE '2018-01-01' + (i %% 2500)::INTEGER AS d, i
FROM range(%d) t(i);
INSERT INTO settlements SELECT person, birth_date, gender, municipality, d - 60, d, NULL, NULL, 1, i, hash(person) FROM gen;
INSERT INTO so_registrations SELECT person, birth_date, gender, municipality, d + 20, CASE WHEN i %% 5 = 0 THEN 'sv' ELSE 'ar' END, NULL, 2, i, hash(person) FROM gen;
INSERT INTO so_attendance SELECT person, birth_date, gender, d + 30 + 7 * s::INTEGER, 8, '', s %% 4 <> 0, 3, i * 8 + s, hash(person) FROM gen, range(8) r(s);
INSERT INTO sfi_courses SELECT person, birth_date, gender, municipality, 'B', d + 40, CASE WHEN i %% 3 = 0 THEN 'C' END, CASE WHEN i %% 3 = 0 THEN d + 200 END, NULL, 4, i, hash(person) FROM gen;
INSERT INTO af_plans SELECT person, birth_date, gender, municipality, d, d + 700, (['ARB','SUB','STU','SOK','OVR'])[1 + i %% 5], NULL, 5, i, hash(person) FROM gen;
INSERT INTO interventions (intervention_id, name, provider_municipality, category, file_id, line) SELECT 'I' || j, 'Insats', '0127', NULL, 6, j FROM range(10) t(j);
INSERT INTO intervention_participations SELECT person, birth_date, gender, 'I' || (i %% 12), municipality, d + 100, d + 300, CASE WHEN i %% 4 = 0 THEN 'arbete' ELSE 'annat' END, 7, i, hash(person) FROM gen;`, n)
			if _, err := db.Exec(gen); err != nil {
				b.Fatal(err)
			}
			opt := ComputeOptions{AsOf: date("2026-01-01"), Groups: config.DefaultGroups()}
			b.ResetTimer()
			var rows int
			for i := 0; i < b.N; i++ {
				res, err := Compute(context.Background(), db, opt)
				if err != nil {
					b.Fatal(err)
				}
				rows = res.Rows
			}
			b.ReportMetric(float64(rows), "cells")
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "persons/s")
		})
	}
}
