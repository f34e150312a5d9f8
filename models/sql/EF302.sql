-- EF302 I osubventionerat arbete 90 dagar efter avslutad etableringsplan:
-- the EF301 cohort; x = 1 for unsubsidised work (ARB).
SELECT
    municipality,
    year(plan_ended_on)::INTEGER       AS period,
    gender,
    plan_ended_on                      AS cohort_date,
    age_band,
    (CASE WHEN outcome_90d = 'ARB' THEN 1 ELSE 0 END)::DOUBLE AS x
FROM plan_cohort
WHERE outcome_90d IS NOT NULL
  AND window_end <= getvariable('as_of')
