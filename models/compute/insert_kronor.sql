-- A cost per completer: fee × cohort persons ÷ completers; the completers
-- are the numerator, the cohort the denominator; no value without
-- completers. Parameters: kpi, as_of, computed_at, fee.
INSERT INTO indicator_values
SELECT
    $1, area, period, gender,
    k, n,
    CASE WHEN k > 0 THEN $4::DOUBLE * n / k END,
    NULL, NULL,
    '', $2::DATE, $3::TIMESTAMPTZ
FROM effekt_cells
