-- The case-mix companions of the proportion indicators in effekt_expected,
-- into indicator_values. Parameters: as_of, computed_at.
-- Denominator n is the base's (same cohort), so min_n and complementary
-- suppression treat them alike; numerator is NULL (not a count).
--   <kpi>F expected share 100·e/n (%)
--   <kpi>A deviation 100·(o − e)/n (percentage points) ± 100·z·√v/n
--   <kpi>K ratio o/e ± z·√v/e, the low end clamped at 0
-- z = 1.959964 (95 %), as the Wilson intervals. e and v are exact sums
-- (expected_cells.sql), so a recompute of the same data gives the same
-- bits and marks no cell changed (indicator_changes compares exactly).
INSERT INTO indicator_values
SELECT kpi || 'F', area, period, gender, NULL, n, 100.0 * e / n, NULL, NULL, '', $1::DATE, $2::TIMESTAMPTZ
FROM effekt_expected
UNION ALL
SELECT kpi || 'A', area, period, gender, NULL, n,
       100.0 * (o - e) / n,
       100.0 * (o - e - 1.959964 * sqrt(v)) / n,
       100.0 * (o - e + 1.959964 * sqrt(v)) / n,
       '', $1::DATE, $2::TIMESTAMPTZ
FROM effekt_expected
UNION ALL
SELECT kpi || 'K', area, period, gender, NULL, n,
       CASE WHEN e > 0 THEN o / e END,
       CASE WHEN e > 0 THEN greatest(0.0, o / e - 1.959964 * sqrt(v) / e) END,
       CASE WHEN e > 0 THEN o / e + 1.959964 * sqrt(v) / e END,
       '', $1::DATE, $2::TIMESTAMPTZ
FROM effekt_expected
