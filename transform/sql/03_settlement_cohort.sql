-- settlement_cohort: persons received by a municipality (EF105, EF303), one
-- row per person (settlements has one row per person), in the receiving
-- municipality. so_registered_on is the earliest civic-orientation
-- registration, in any municipality, dated within
-- [settled_on - 30, settled_on + 90]; window_end = settled_on + 90.
-- education and birth_country are the settlement's, as loaded: the
-- case-mix covariates (evaluate's expected_cov.sql) read them here, keyed
-- by person_key, rather than hashing every settlement's pseudonym.
-- The pseudonym is random hex: FSST gains little on it and costs a lot to
-- write and to read back in every join, so it is stored uncompressed.
{{clear "settlement_cohort"}};
CREATE TABLE IF NOT EXISTS settlement_cohort (
    person VARCHAR USING COMPRESSION uncompressed,
    gender VARCHAR,
    birth_date DATE,
    municipality VARCHAR,
    permit_on DATE,
    settled_on DATE,
    window_end DATE,
    days_permit_to_settled BIGINT,
    so_registered_on DATE,
    education VARCHAR,
    birth_country VARCHAR,
    person_key UBIGINT,
    case_cov SMALLINT -- the person's case-mix covariates (transform/casemix.go)
);
-- effekt_near: per settled person (pk) the earliest registration in the
-- window; keys and dates only, so that the join below builds on it and
-- streams the pseudonyms.
CREATE OR REPLACE TEMP TABLE effekt_near AS
SELECT s.pk, min(r.registered_on) AS so_registered_on
FROM (SELECT effekt_pk(person) AS pk, settled_on FROM {{src "settlements"}} t) s
JOIN (SELECT effekt_pk(person) AS pk, registered_on FROM {{src "so_registrations"}} t) r
  ON r.pk = s.pk
 AND r.registered_on BETWEEN s.settled_on - 30 AND s.settled_on + 90
GROUP BY s.pk;

INSERT INTO settlement_cohort
SELECT
    s.person,
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
    p.pk AS person_key,
    p.case_cov
FROM {{src "settlements"}} s
JOIN effekt_persons p ON p.pk = effekt_pk(s.person)
LEFT JOIN effekt_near n ON n.pk = effekt_pk(s.person);

DROP TABLE effekt_near;
