-- participation_cohort: municipal labour-market participations (EF401,
-- EF402), one row per participation, in the participant's municipality.
-- provider_municipality is NULL when the intervention is not in the
-- interventions catalogue.
CREATE OR REPLACE TABLE participation_cohort AS
SELECT
    i.person,
    p.gender,
    p.birth_date,
    i.municipality,
    i.intervention_id,
    i.started_on,
    i.ended_on,
    i.outcome,
    c.provider_municipality
FROM intervention_participations i
JOIN persons p USING (person)
LEFT JOIN interventions c USING (intervention_id);
