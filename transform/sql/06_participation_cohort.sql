-- participation_cohort: municipal labour-market participations (EF401,
-- EF402), one row per participation, in the participant's municipality.
-- provider_municipality is NULL when the intervention is not in the
-- interventions catalogue.
-- The person is person_key alone: the pseudonym is in persons (join on
-- person_key), written once rather than in every cohort table, where it
-- was half of the bytes a rebuild wrote (docs/decisions.md).
{{clear "participation_cohort"}};
CREATE TABLE IF NOT EXISTS participation_cohort (
    person_key UBIGINT USING COMPRESSION uncompressed,
    gender VARCHAR USING COMPRESSION dictionary,
    birth_date DATE USING COMPRESSION bitpacking,
    municipality VARCHAR USING COMPRESSION dictionary,
    intervention_id VARCHAR USING COMPRESSION dictionary,
    started_on DATE USING COMPRESSION bitpacking,
    ended_on DATE USING COMPRESSION bitpacking,
    outcome VARCHAR USING COMPRESSION dictionary,
    provider_municipality VARCHAR USING COMPRESSION dictionary,
    case_cov SMALLINT USING COMPRESSION bitpacking, -- the person's case-mix covariates (transform/casemix.go)
    age_band UTINYINT USING COMPRESSION bitpacking, -- the age band at started_on (transform.AgeBands)
    age_band_ended UTINYINT USING COMPRESSION bitpacking -- the age band at ended_on (transform.AgeBands)
);
INSERT INTO participation_cohort
SELECT
    p.pk AS person_key,
    p.gender,
    p.birth_date,
    i.municipality,
    i.intervention_id,
    i.started_on,
    i.ended_on,
    i.outcome,
    c.provider_municipality,
    p.case_cov,
    {{ageBand "p.birth_year" "p.birth_md" "i.started_on"}} AS age_band,
    {{ageBand "p.birth_year" "p.birth_md" "i.ended_on"}} AS age_band_ended
FROM {{src "intervention_participations"}} i
LEFT JOIN interventions c USING (intervention_id)
JOIN effekt_persons p ON p.pk = i.person_key;

-- the last model: drop what the persons model shared
DROP TABLE effekt_persons;
