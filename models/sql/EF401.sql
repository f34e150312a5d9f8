-- EF401 Arbete eller studier efter avslutad kommunal arbetsmarknadsinsats:
-- participations ended on or before as_of with an outcome, in the
-- participant's municipality; x = 1 for arbete or studier.
SELECT
    municipality,
    year(ended_on)::INTEGER            AS period,
    gender,
    ended_on                           AS cohort_date,
    age_band_ended                     AS age_band,
    (CASE WHEN outcome IN ('arbete', 'studier') THEN 1 ELSE 0 END)::DOUBLE AS x
FROM participation_cohort
WHERE ended_on IS NOT NULL
  AND outcome IS NOT NULL
  AND ended_on <= getvariable('as_of')
