-- effekt_case: the case-mix rows of one proportion indicator, collapsed.
-- Its cohort rows (the models' micro SQL, spliced in below with the cohort
-- table's person and birth date added) with the covariate levels that exist
-- in the data, counted per municipality, period, gender and levels: n rows,
-- k of them with x = 1. l0…l5 are the levels in evaluate's factor order:
-- gender, age band at the cohort date, education, region of birth (grouped
-- from birth_country with the table {{regions}} spliced in), months from
-- permit to settlement, cohort year. education, birth_country and the months
-- come from settlements (one row per person) and are 'saknas' for persons
-- without one.
CREATE OR REPLACE TEMP TABLE effekt_case AS
WITH micro AS (
{{micro}}
),
regions(country, region) AS (
    VALUES {{regions}}
),
rows AS (
    SELECT
        m.municipality,
        m.period,
        m.gender,
        m.x,
        (year(m.cohort_date) - year(m.eff_birth_date)
            - CASE WHEN strftime(m.cohort_date, '%m%d') < strftime(m.eff_birth_date, '%m%d') THEN 1 ELSE 0 END)::INTEGER AS age,
        s.education,
        s.birth_country,
        date_diff('month', s.permit_on, s.settled_on)::INTEGER AS months
    FROM micro m
    LEFT JOIN settlements s ON s.person = m.eff_person
    WHERE m.x IS NOT NULL
)
SELECT
    r.municipality,
    r.period,
    r.gender,
    r.gender AS l0,
    CASE WHEN r.age IS NULL THEN 'saknas' WHEN r.age < 25 THEN '−24' WHEN r.age < 35 THEN '25–34'
         WHEN r.age < 45 THEN '35–44' ELSE '45+' END AS l1,
    coalesce(nullif(r.education, ''), 'saknas') AS l2,
    CASE WHEN r.birth_country IS NULL OR trim(r.birth_country) = '' THEN 'saknas'
         ELSE coalesce(g.region, 'övriga') END AS l3,
    CASE WHEN r.months IS NULL THEN 'saknas' WHEN r.months <= 2 THEN '0–2' WHEN r.months <= 6 THEN '3–6'
         ELSE '7+' END AS l4,
    r.period::VARCHAR AS l5,
    count(*)::BIGINT AS n,
    sum(r.x)::DOUBLE AS k
FROM rows r
LEFT JOIN regions g ON g.country = lower(trim(r.birth_country))
GROUP BY ALL
