-- A median of days: no numerator, the cohort count as denominator.
-- Parameters: kpi, as_of, computed_at.
INSERT INTO indicator_values
SELECT
    $1, area, period, gender,
    NULL, n,
    med,
    NULL, NULL,
    '', $2::DATE, $3::TIMESTAMPTZ
FROM effekt_cells
