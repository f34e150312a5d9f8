-- oudata: EF401 per intervention (Kolada's organisational unit), period
-- (year of ended_on) and gender: participations ended on or before as_of
-- ($1) with an outcome (n), of them arbete or studier (k). T is K + M.
WITH ended AS (
    SELECT p.intervention_id, year(p.ended_on)::INTEGER AS period, p.gender,
           (p.outcome IN ('arbete', 'studier'))::INTEGER AS x
    FROM participation_cohort p
    JOIN interventions c USING (intervention_id)
    WHERE p.ended_on <= $1 AND p.outcome IS NOT NULL
)
SELECT intervention_id, period, gender, count(*) AS n, sum(x) AS k
FROM ended GROUP BY intervention_id, period, gender
UNION ALL
SELECT intervention_id, period, 'T', count(*), sum(x)
FROM ended GROUP BY intervention_id, period
ORDER BY 1, 2, 3
