-- EF101 Samhällsorientering slutförd inom 12 månader: one row per person in
-- the civic-orientation cohort whose 365-day window has closed by as_of;
-- x = 1 when completed (≥ 60 present hours or a certificate in the window).
SELECT
    municipality,
    year(registered_on)::INTEGER       AS period,
    gender,
    registered_on                      AS cohort_date,
    age_band,
    (CASE WHEN completed THEN 1 ELSE 0 END)::DOUBLE AS x
FROM so_cohort
WHERE window_end <= getvariable('as_of')
