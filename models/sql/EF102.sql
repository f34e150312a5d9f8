-- EF102 Dagar från anmälan till första tillfälle: the EF101 cohort,
-- restricted to persons with a present session on or after registered_on
-- (and on or before as_of); x = days from registration to that session.
SELECT
    municipality,
    year(registered_on)::INTEGER       AS period,
    gender,
    registered_on                      AS cohort_date,
    age_band,
    date_diff('day', registered_on, first_session)::DOUBLE AS x
FROM so_cohort
WHERE window_end <= getvariable('as_of')
  AND first_session <= getvariable('as_of')
