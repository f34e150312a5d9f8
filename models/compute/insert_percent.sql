-- A proportion: numerator k of denominator n, value 100·k/n with its Wilson
-- interval. Parameters: kpi, as_of, computed_at.
INSERT INTO indicator_values
SELECT
    $1, area, period, gender,
    k, n,
    100.0::DOUBLE * k / n,
    effekt_wilson_low(k, n),
    effekt_wilson_high(k, n),
    '', $2::DATE, $3::TIMESTAMPTZ
FROM effekt_cells
