-- The case-mix companions of one proportion indicator from effekt_expected,
-- into indicator_values. Parameters: base kpi, as_of, computed_at.
-- Denominator n is the base's (same cohort), so min_n and complementary
-- suppression treat them alike; numerator is NULL (not a count).
--   <kpi>F expected share 100·e/n (%)
--   <kpi>A deviation 100·(o − e)/n (percentage points) ± 100·z·√v/n
--   <kpi>K ratio o/e ± z·√v/e, the low end clamped at 0
-- z = 1.959964 (95 %), as the Wilson intervals. Values are rounded to 10
-- decimals: e and v are floating sums whose last bits depend on the order a
-- parallel aggregation adds them in, and a recompute of the same data must
-- not mark the cells changed (indicator_changes compares exactly).
INSERT INTO indicator_values
SELECT $1 || 'F', area, period, gender, NULL, n, round(100.0 * e / n, 10), NULL, NULL, '', $2::DATE, $3::TIMESTAMPTZ
FROM effekt_expected
UNION ALL
SELECT $1 || 'A', area, period, gender, NULL, n,
       round(100.0 * (o - e) / n, 10),
       round(100.0 * (o - e - 1.959964 * sqrt(v)) / n, 10),
       round(100.0 * (o - e + 1.959964 * sqrt(v)) / n, 10),
       '', $2::DATE, $3::TIMESTAMPTZ
FROM effekt_expected
UNION ALL
SELECT $1 || 'K', area, period, gender, NULL, n,
       CASE WHEN e > 0 THEN round(o / e, 10) END,
       CASE WHEN e > 0 THEN round(greatest(0.0, o / e - 1.959964 * sqrt(v) / e), 10) END,
       CASE WHEN e > 0 THEN round(o / e + 1.959964 * sqrt(v) / e, 10) END,
       '', $2::DATE, $3::TIMESTAMPTZ
FROM effekt_expected
