-- Case-mix rows of one proportion indicator: its cohort rows (the models'
-- micro SQL, spliced in below with the person and birth date of the cohort
-- table added) with the covariates that exist in the data. One row per
-- cohort row; x is 0/1.
--
-- age: whole years at the cohort date. education, birth_country and the
-- months from permit to settlement come from settlements (one row per
-- person) and are NULL for persons without one.
SELECT
    m.municipality,
    m.period,
    m.gender,
    m.x,
    (year(m.cohort_date) - year(m.eff_birth_date)
        - CASE WHEN strftime(m.cohort_date, '%m%d') < strftime(m.eff_birth_date, '%m%d') THEN 1 ELSE 0 END)::INTEGER AS age,
    s.education,
    s.birth_country,
    date_diff('month', s.permit_on, s.settled_on)::INTEGER AS months_permit_to_settled
FROM ({{micro}}) m
LEFT JOIN settlements s ON s.person = m.eff_person
WHERE m.x IS NOT NULL
