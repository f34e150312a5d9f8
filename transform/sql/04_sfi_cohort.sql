-- sfi_cohort: SFI starters (EF201), one row per person. A person enters on
-- the earliest course start (ties on the date: the lowest course letter), in
-- the municipality of that course. passed_on is the earliest pass grade
-- (A–E), in any course, graded within [started_on, started_on + 365].
-- The person is person_key alone: the pseudonym is in persons (join on
-- person_key), written once rather than in every cohort table, where it
-- was half of the bytes a rebuild wrote (docs/decisions.md).
{{clear "sfi_cohort"}};
CREATE TABLE IF NOT EXISTS sfi_cohort (
    person_key UBIGINT USING COMPRESSION uncompressed,
    gender VARCHAR USING COMPRESSION dictionary,
    birth_date DATE USING COMPRESSION bitpacking,
    municipality VARCHAR USING COMPRESSION dictionary,
    course VARCHAR USING COMPRESSION dictionary,
    started_on DATE USING COMPRESSION bitpacking,
    window_end DATE USING COMPRESSION bitpacking,
    passed_on DATE USING COMPRESSION bitpacking,
    case_cov SMALLINT USING COMPRESSION bitpacking, -- the person's case-mix covariates (transform/casemix.go)
    age_band UTINYINT USING COMPRESSION bitpacking -- the age band at started_on (transform.AgeBands)
);
INSERT INTO sfi_cohort
WITH first_course AS (
    SELECT person_key AS pk, municipality, course, started_on
    FROM {{src "sfi_courses"}} t
    QUALIFY row_number() OVER (PARTITION BY person_key ORDER BY started_on, course, municipality, file_id, line) = 1
),
passed AS (
    SELECT f.pk, min(c.graded_on) AS passed_on
    FROM first_course f
    JOIN {{src "sfi_courses"}} c
      ON c.person_key = f.pk
     AND c.grade IN ('A', 'B', 'C', 'D', 'E')
     AND c.graded_on BETWEEN f.started_on AND f.started_on + 365
    GROUP BY f.pk
)
SELECT
    f.pk AS person_key,
    p.gender,
    p.birth_date,
    f.municipality,
    f.course,
    f.started_on,
    f.started_on + 365 AS window_end,
    s.passed_on,
    p.case_cov,
    {{ageBand "p.birth_year" "p.birth_md" "f.started_on"}} AS age_band
FROM first_course f
JOIN effekt_persons p USING (pk)
LEFT JOIN passed s USING (pk);
