-- The limit query's EF101 cells (bench_ef101: area, period, gender, n, k)
-- against effekt's (indicator_values): one row, the number of cells found
-- on one side only or with another numerator or denominator, and the
-- number of cells the limit query gave.
SELECT
    (SELECT count(*) FROM (
        SELECT area, period, gender, k, n FROM bench_ef101
        EXCEPT
        SELECT municipality, period, gender, numerator, denominator FROM indicator_values WHERE kpi = 'EF101'))
  + (SELECT count(*) FROM (
        SELECT municipality, period, gender, numerator, denominator FROM indicator_values WHERE kpi = 'EF101'
        EXCEPT
        SELECT area, period, gender, k, n FROM bench_ef101)) AS mismatched,
    (SELECT count(*) FROM bench_ef101) AS cells
