-- EF301 I arbete eller studier 90 dagar efter avslutad etableringsplan: the
-- latest ended plan per person and year, when it has an outcome and
-- plan_ended_on + 90 ≤ as_of; x = 1 for unsubsidised work (ARB),
-- subsidised work (SUB) or studies (STU).
SELECT
    municipality,
    year(plan_ended_on)::INTEGER       AS period,
    gender,
    plan_ended_on                      AS cohort_date,
    age_band,
    (CASE WHEN outcome_90d IN ('ARB', 'SUB', 'STU') THEN 1 ELSE 0 END)::DOUBLE AS x
FROM plan_cohort
WHERE outcome_90d IS NOT NULL
  AND window_end <= getvariable('as_of')
