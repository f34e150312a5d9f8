-- category: the same figures pooled over every participation of the
-- catalogue's interventions of one category (from micro data, never an
-- average of the interventions' values). Participations of ids not in the
-- catalogue and interventions without a category are left out.
SELECT
    c.category,
    count(DISTINCT p.person_key)                                                AS participants,
    count(*) FILTER (WHERE p.ended_on <= $1 AND p.outcome IS NOT NULL)          AS n,
    count(*) FILTER (WHERE p.ended_on <= $1 AND p.outcome IN ('arbete', 'studier')) AS k,
    count(*) FILTER (WHERE p.ended_on <= $1)                                    AS n_len,
    median(p.ended_on - p.started_on) FILTER (WHERE p.ended_on <= $1)           AS median_days
FROM participation_cohort p
JOIN interventions c USING (intervention_id)
WHERE c.category IS NOT NULL AND c.category <> ''
GROUP BY c.category
ORDER BY c.category
