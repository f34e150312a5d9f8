-- EF402 Insatsdeltaganden hos annan kommun: participations started on or
-- before as_of in an intervention of the catalogue, in the participant's
-- municipality; x = 1 when the provider is another municipality.
SELECT
    municipality,
    year(started_on)::INTEGER          AS period,
    gender,
    started_on                         AS cohort_date,
    age_band,
    (CASE WHEN provider_municipality <> municipality THEN 1 ELSE 0 END)::DOUBLE AS x
FROM participation_cohort
WHERE provider_municipality IS NOT NULL
  AND started_on <= getvariable('as_of')
