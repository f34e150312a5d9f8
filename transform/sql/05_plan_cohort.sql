-- plan_cohort: ended establishment plans (EF301, EF302), one per person and
-- calendar year of plan_ended_on: the latest ended that year (ties: the
-- latest start, then the lowest municipality code). The plan is chosen
-- first; the indicators then keep it only when it has an outcome and its
-- window (plan_ended_on + 90) has closed.
-- The person is person_key alone: the pseudonym is in persons (join on
-- person_key), written once rather than in every cohort table, where it
-- was half of the bytes a rebuild wrote (docs/decisions.md).
{{clear "plan_cohort"}};
CREATE TABLE IF NOT EXISTS plan_cohort (
    person_key UBIGINT USING COMPRESSION uncompressed,
    gender VARCHAR USING COMPRESSION dictionary,
    birth_date DATE USING COMPRESSION bitpacking,
    municipality VARCHAR USING COMPRESSION dictionary,
    plan_started_on DATE USING COMPRESSION bitpacking,
    plan_ended_on DATE USING COMPRESSION bitpacking,
    window_end DATE USING COMPRESSION bitpacking,
    outcome_90d VARCHAR USING COMPRESSION dictionary,
    case_cov SMALLINT USING COMPRESSION bitpacking, -- the person's case-mix covariates (transform/casemix.go)
    age_band UTINYINT USING COMPRESSION bitpacking -- the age band at plan_ended_on (transform.AgeBands)
);
INSERT INTO plan_cohort
SELECT
    p.pk AS person_key,
    p.gender,
    p.birth_date,
    a.municipality,
    a.plan_started_on,
    a.plan_ended_on,
    a.plan_ended_on + 90 AS window_end,
    a.outcome_90d,
    p.case_cov,
    {{ageBand "p.birth_year" "p.birth_md" "a.plan_ended_on"}} AS age_band
FROM {{src "af_plans"}} a
JOIN effekt_persons p ON p.pk = a.person_key
WHERE a.plan_ended_on IS NOT NULL
QUALIFY row_number() OVER (
    PARTITION BY p.pk, year(a.plan_ended_on)
    ORDER BY a.plan_ended_on DESC, a.plan_started_on DESC, a.municipality, a.file_id, a.line
) = 1;
