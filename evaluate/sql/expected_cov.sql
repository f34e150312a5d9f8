-- effekt_cov: the covariate levels that come from settlements, once per
-- compute for every indicator: per settled person, pk = its person_key
-- (hash(person), as the transform stores it in settlement_cohort, which
-- holds every settlement with its education and birth country: a 64-bit
-- key, cheaper to read and join on than the 64-character pseudonym;
-- buildCov checks that the stored keys are the pseudonyms' hashes and
-- one-to-one over every person in persons, else it also builds
-- effekt_cov_person (expected_cov_person.sql) and the case rows join that
-- on the pseudonym itself) and cov, the number of its combination of
-- levels in effekt_cov_levels: l2 education, l3 region of birth (grouped
-- from birth_country with the table {{regions}} spliced in) and l4 months
-- from permit to settlement, as expected_case.sql documents them. Cov 0 is
-- a person without a settlement: 'saknas' for all three. Grouping the case
-- rows on one small integer instead of three strings is what makes them
-- cheap.
--
-- The levels are worked out once per combination of the columns they come
-- from (education, birth_country and the band of months, m: 0 none, 1
-- 0–2, 2 3–6, 3 7+), a few thousand nationally, in effekt_cov_codes; each
-- settlement then finds its number by a join on those columns. Working
-- them out per settlement and joining the million rows' three level
-- strings to effekt_cov_levels cost three times as much.
CREATE OR REPLACE TEMP MACRO effekt_cov_band(permit_on, settled_on) AS
    CASE WHEN permit_on IS NULL OR settled_on IS NULL THEN 0
         WHEN date_diff('month', permit_on, settled_on) <= 2 THEN 1
         WHEN date_diff('month', permit_on, settled_on) <= 6 THEN 2
         ELSE 3 END;

CREATE OR REPLACE TEMP TABLE effekt_cov_combos AS
WITH regions(country, region) AS (
    VALUES {{regions}}
),
raw AS (
    SELECT DISTINCT education, birth_country, effekt_cov_band(permit_on, settled_on) AS m
    FROM settlement_cohort
)
SELECT
    r.education,
    r.birth_country,
    r.m,
    coalesce(nullif(r.education, ''), 'saknas') AS l2,
    CASE WHEN r.birth_country IS NULL OR trim(r.birth_country) = '' THEN 'saknas'
         ELSE coalesce(g.region, 'övriga') END AS l3,
    ['saknas', '0–2', '3–6', '7+'][r.m + 1] AS l4
FROM raw r
LEFT JOIN regions g ON g.country = lower(trim(r.birth_country));

CREATE OR REPLACE TEMP TABLE effekt_cov_levels AS
SELECT 0 AS cov, 'saknas' AS l2, 'saknas' AS l3, 'saknas' AS l4
UNION ALL
SELECT (row_number() OVER (ORDER BY l2, l3, l4))::INTEGER, l2, l3, l4
FROM (SELECT DISTINCT l2, l3, l4 FROM effekt_cov_combos);

CREATE OR REPLACE TEMP TABLE effekt_cov_codes AS
SELECT c.education, c.birth_country, c.m, v.cov
FROM effekt_cov_combos c
JOIN effekt_cov_levels v ON v.cov > 0 AND v.l2 = c.l2 AND v.l3 = c.l3 AND v.l4 = c.l4;

-- effekt_cov_source() gives every settlement's pseudonym, key and number;
-- the tables read from it only the columns they keep (the pseudonym is not
-- written out unless the fallback needs it: a join reads its whole build
-- side, and without the pseudonym it is several times cheaper).
CREATE OR REPLACE TEMP MACRO effekt_cov_source() AS TABLE
SELECT s.person, s.person_key, c.cov
FROM settlement_cohort s
JOIN effekt_cov_codes c
  ON c.education IS NOT DISTINCT FROM s.education
 AND c.birth_country IS NOT DISTINCT FROM s.birth_country
 AND c.m = effekt_cov_band(s.permit_on, s.settled_on);

CREATE OR REPLACE TEMP TABLE effekt_cov AS
SELECT person_key AS pk, cov FROM effekt_cov_source();

DROP TABLE effekt_cov_combos;
