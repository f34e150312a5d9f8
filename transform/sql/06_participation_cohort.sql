-- participation_cohort: municipal labour-market participations (EF401,
-- EF402), one row per participation, in the participant's municipality.
-- provider_municipality is NULL when the intervention is not in the
-- interventions catalogue.
-- The pseudonym is random hex: FSST gains little on it and costs a lot to
-- write and to read back in every join, so it is stored uncompressed.
{{clear "participation_cohort"}};
CREATE TABLE IF NOT EXISTS participation_cohort (
    person VARCHAR USING COMPRESSION uncompressed,
    gender VARCHAR,
    birth_date DATE,
    municipality VARCHAR,
    intervention_id VARCHAR,
    started_on DATE,
    ended_on DATE,
    outcome VARCHAR,
    provider_municipality VARCHAR,
    person_key UBIGINT,
    case_cov SMALLINT -- the person's case-mix covariates (transform/casemix.go)
);
INSERT INTO participation_cohort
SELECT
    i.person,
    p.gender,
    p.birth_date,
    i.municipality,
    i.intervention_id,
    i.started_on,
    i.ended_on,
    i.outcome,
    c.provider_municipality,
    p.pk AS person_key,
    p.case_cov
FROM {{src "intervention_participations"}} i
LEFT JOIN interventions c USING (intervention_id)
JOIN effekt_persons p ON p.pk = effekt_pk(i.person);

-- the last model: drop what the persons model shared
DROP TABLE effekt_persons;
