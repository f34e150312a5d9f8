-- EF104 Kostnad per person som slutfört samhällsorientering: the EF101
-- cohort and completion flag. The computation turns a cell into
-- fee × cohort persons ÷ completers (none without completers).
SELECT
    municipality,
    year(registered_on)::INTEGER       AS period,
    gender,
    registered_on                      AS cohort_date,
    age_band,
    (CASE WHEN completed THEN 1 ELSE 0 END)::DOUBLE AS x
FROM so_cohort
WHERE window_end <= getvariable('as_of')
