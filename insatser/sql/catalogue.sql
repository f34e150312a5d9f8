-- catalogue: one row per intervention in the catalogue, with the day the
-- file it came from was loaded ("last updated").
SELECT
    i.intervention_id,
    i.name,
    i.provider_municipality,
    coalesce(i.category, '')      AS category,
    coalesce(i.description, '')   AS description,
    coalesce(i.target_group, '')  AS target_group,
    coalesce(i.languages, '')     AS languages,
    i.open_to_others,
    i.price_per_participant,
    i.places,
    coalesce(i.location, '')      AS location,
    coalesce(i.contact, '')       AS contact,
    i.valid_from,
    i.valid_to,
    CAST(f.finished_at AS DATE)   AS updated_on
FROM interventions i
LEFT JOIN files f USING (file_id)
ORDER BY i.intervention_id
