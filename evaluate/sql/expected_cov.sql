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
-- effekt_cov_source() gives every settlement's pseudonym, key and levels;
-- the tables read from it only the columns they keep (the pseudonym is not
-- written out unless the fallback needs it: a join reads its whole build
-- side, and without the pseudonym it is several times cheaper).
CREATE OR REPLACE TEMP MACRO effekt_cov_source() AS TABLE
WITH regions(country, region) AS (
    VALUES {{regions}}
)
SELECT
    s.person,
    s.person_key,
    coalesce(nullif(s.education, ''), 'saknas') AS l2,
    CASE WHEN s.birth_country IS NULL OR trim(s.birth_country) = '' THEN 'saknas'
         ELSE coalesce(g.region, 'övriga') END AS l3,
    CASE WHEN s.permit_on IS NULL OR s.settled_on IS NULL THEN 'saknas'
         WHEN date_diff('month', s.permit_on, s.settled_on) <= 2 THEN '0–2'
         WHEN date_diff('month', s.permit_on, s.settled_on) <= 6 THEN '3–6'
         ELSE '7+' END AS l4
FROM settlement_cohort s
LEFT JOIN regions g ON g.country = lower(trim(s.birth_country));

CREATE OR REPLACE TEMP TABLE effekt_cov_rows AS
SELECT person_key AS pk, l2, l3, l4 FROM effekt_cov_source();

CREATE OR REPLACE TEMP TABLE effekt_cov_levels AS
SELECT 0 AS cov, 'saknas' AS l2, 'saknas' AS l3, 'saknas' AS l4
UNION ALL
SELECT (row_number() OVER (ORDER BY l2, l3, l4))::INTEGER, l2, l3, l4
FROM (SELECT DISTINCT l2, l3, l4 FROM effekt_cov_rows);

CREATE OR REPLACE TEMP TABLE effekt_cov AS
SELECT r.pk, v.cov
FROM effekt_cov_rows r
JOIN effekt_cov_levels v ON v.cov > 0 AND v.l2 = r.l2 AND v.l3 = r.l3 AND v.l4 = r.l4;

DROP TABLE effekt_cov_rows;
