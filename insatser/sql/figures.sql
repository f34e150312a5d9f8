-- figures: what each intervention achieved, from the compute's
-- participation_cohort (one row per participation, EF401/EF402's cohort).
-- One row per intervention id with participations:
--   participants  distinct persons who took part;
--   n, k          participations ended on or before as_of ($1) with an
--                 outcome, and of them those ending in arbete or studier
--                 (EF401's rule, per intervention);
--   n_len, median_days  participations ended on or before as_of, and the
--                 median of ended_on − started_on in days (the mean of the
--                 two middle values for an even count).
SELECT
    intervention_id,
    count(DISTINCT person_key)                                              AS participants,
    count(*) FILTER (WHERE ended_on <= $1 AND outcome IS NOT NULL)          AS n,
    count(*) FILTER (WHERE ended_on <= $1 AND outcome IN ('arbete', 'studier')) AS k,
    count(*) FILTER (WHERE ended_on <= $1)                                  AS n_len,
    median(ended_on - started_on) FILTER (WHERE ended_on <= $1)             AS median_days
FROM participation_cohort
GROUP BY intervention_id
ORDER BY intervention_id
