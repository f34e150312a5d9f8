-- EF103 Samhällsorientering på annat språk än svenska: every person by the
-- earliest registration made on or before as_of (no follow-up window);
-- x = 1 when the registration language is not Swedish.
SELECT
    municipality,
    year(registered_on)::INTEGER       AS period,
    gender,
    registered_on                      AS cohort_date,
    age_band,
    (CASE WHEN language <> 'sv' THEN 1 ELSE 0 END)::DOUBLE AS x
FROM so_cohort
WHERE registered_on <= getvariable('as_of')
