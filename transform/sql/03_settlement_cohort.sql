-- settlement_cohort: persons received by a municipality (EF105, EF303), one
-- row per person (settlements has one row per person), in the receiving
-- municipality. so_registered_on is the earliest civic-orientation
-- registration, in any municipality, dated within
-- [settled_on - 30, settled_on + 90]; window_end = settled_on + 90.
-- education and birth_country are the settlement's, as loaded: the
-- case-mix covariates (evaluate's expected_cov.sql) read them here, keyed
-- by person_key, rather than hashing every settlement's pseudonym.
-- The earliest registration in the window per settled person comes from
-- effekt_near, which the persons model built before the transform's
-- transaction (01_persons.sql); this model drops it.
-- The person is person_key alone: the pseudonym is in persons (join on
-- person_key), written once rather than in every cohort table, where it
-- was half of the bytes a rebuild wrote (docs/decisions.md).
{{clear "settlement_cohort"}};
CREATE TABLE IF NOT EXISTS settlement_cohort (
    person_key UBIGINT USING COMPRESSION uncompressed,
    gender VARCHAR USING COMPRESSION dictionary,
    birth_date DATE USING COMPRESSION bitpacking,
    municipality VARCHAR USING COMPRESSION dictionary,
    permit_on DATE USING COMPRESSION bitpacking,
    settled_on DATE USING COMPRESSION bitpacking,
    window_end DATE USING COMPRESSION bitpacking,
    days_permit_to_settled BIGINT USING COMPRESSION bitpacking,
    so_registered_on DATE USING COMPRESSION bitpacking,
    education VARCHAR USING COMPRESSION dictionary,
    birth_country VARCHAR USING COMPRESSION dictionary,
    case_cov SMALLINT USING COMPRESSION bitpacking, -- the person's case-mix covariates (transform/casemix.go)
    age_band UTINYINT USING COMPRESSION bitpacking -- the age band at settled_on (transform.AgeBands)
);
INSERT INTO settlement_cohort
SELECT
    p.pk AS person_key,
    p.gender,
    p.birth_date,
    s.municipality,
    s.permit_on,
    s.settled_on,
    s.settled_on + 90                  AS window_end,
    date_diff('day', s.permit_on, s.settled_on) AS days_permit_to_settled,
    n.so_registered_on,
    s.education,
    s.birth_country,
    p.case_cov,
    {{ageBand "p.birth_year" "p.birth_md" "s.settled_on"}} AS age_band
FROM {{src "settlements"}} s
JOIN effekt_persons p ON p.pk = s.person_key
LEFT JOIN effekt_near n ON n.pk = s.person_key;

DROP TABLE effekt_near;
