-- EF105 Anmälda till samhällsorientering inom 90 dagar från
-- kommunmottagande: persons received by a municipality whose 90-day window
-- has closed by as_of, in the receiving municipality; x = 1 when registered
-- for civic orientation within [settled_on - 30, settled_on + 90].
SELECT
    municipality,
    year(settled_on)::INTEGER          AS period,
    gender,
    settled_on                         AS cohort_date,
    age_band,
    (CASE WHEN so_registered_on IS NOT NULL THEN 1 ELSE 0 END)::DOUBLE AS x
FROM settlement_cohort
WHERE window_end <= getvariable('as_of')
