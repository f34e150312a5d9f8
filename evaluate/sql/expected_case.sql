-- effekt_case: the case-mix rows of one proportion indicator, collapsed.
-- Its cohort rows (the models' micro SQL, spliced in below with the cohort
-- table's person and birth date added) with the covariate levels that exist
-- in the data, counted per municipality, period, gender and levels: n rows,
-- k of them with x = 1. l0…l5 are the levels in evaluate's factor order:
-- gender, age band at the cohort date, education, region of birth, months
-- from permit to settlement, cohort year. Education, region and months come
-- from settlements (one row per person) through effekt_cov
-- (expected_cov.sql), joined ({{join}}, from evaluate's buildCov) on the hash
-- key c.pk = hash(m.eff_person) and checked on the pseudonym, or on the
-- pseudonym itself when keys collide;
-- they are 'saknas' for persons without a settlement. effekt_cov's keys are
-- unique (checked before this runs).
CREATE OR REPLACE TEMP TABLE effekt_case AS
WITH micro AS (
{{micro}}
),
rows AS (
    SELECT
        m.municipality,
        m.period,
        m.gender,
        m.x,
        (year(m.cohort_date) - year(m.eff_birth_date)
            - CASE WHEN strftime(m.cohort_date, '%m%d') < strftime(m.eff_birth_date, '%m%d') THEN 1 ELSE 0 END)::INTEGER AS age,
        c.person = m.eff_person AS settled, -- false only on a collision of hash keys
        c.l2, c.l3, c.l4
    FROM micro m
    LEFT JOIN effekt_cov c ON {{join}}
    WHERE m.x IS NOT NULL
)
SELECT
    municipality,
    period,
    gender,
    gender AS l0,
    CASE WHEN age IS NULL THEN 'saknas' WHEN age < 25 THEN '−24' WHEN age < 35 THEN '25–34'
         WHEN age < 45 THEN '35–44' ELSE '45+' END AS l1,
    CASE WHEN settled THEN l2 ELSE 'saknas' END AS l2,
    CASE WHEN settled THEN l3 ELSE 'saknas' END AS l3,
    CASE WHEN settled THEN l4 ELSE 'saknas' END AS l4,
    period::VARCHAR AS l5,
    count(*)::BIGINT AS n,
    sum(x)::DOUBLE AS k
FROM rows
GROUP BY ALL
