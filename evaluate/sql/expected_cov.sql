-- effekt_cov: the covariate levels that come from settlements, once per
-- compute for every indicator: per settled person, pk = hash(person) (a
-- 64-bit key, cheaper to join on than the 64-character pseudonym;
-- expected_case.sql checks the pseudonym on every match, so a collision
-- cannot give anyone another person's levels), and the levels l2
-- education, l3 region of birth (grouped from birth_country with the table
-- {{regions}} spliced in) and l4 months from permit to settlement, as
-- expected_case.sql documents them.
CREATE OR REPLACE TEMP TABLE effekt_cov AS
WITH regions(country, region) AS (
    VALUES {{regions}}
)
SELECT
    hash(s.person) AS pk,
    s.person,
    coalesce(nullif(s.education, ''), 'saknas') AS l2,
    CASE WHEN s.birth_country IS NULL OR trim(s.birth_country) = '' THEN 'saknas'
         ELSE coalesce(g.region, 'övriga') END AS l3,
    CASE WHEN s.permit_on IS NULL OR s.settled_on IS NULL THEN 'saknas'
         WHEN date_diff('month', s.permit_on, s.settled_on) <= 2 THEN '0–2'
         WHEN date_diff('month', s.permit_on, s.settled_on) <= 6 THEN '3–6'
         ELSE '7+' END AS l4
FROM settlements s
LEFT JOIN regions g ON g.country = lower(trim(s.birth_country))
