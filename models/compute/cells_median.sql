-- effekt_cells for a median (x is a measure, e.g. days): re-aggregates one
-- indicator's micro rows (its SQL file, spliced in below) into cells per
-- area, period and gender: n cohort rows, k = the sum of x, med = median(x).
-- Every cohort row counts in its municipality, its county (00 + the first
-- two digits of the code), Riket (0000) and each configured group it
-- belongs to (effekt_area_groups), and under its own gender and under T.
-- Aggregates are computed from micro rows, never from municipal values.
CREATE OR REPLACE TEMP TABLE effekt_cells AS
WITH micro AS (
{{micro}}
),
placed AS (
    SELECT municipality AS area, period, gender, x FROM micro
    UNION ALL
    SELECT '00' || substr(municipality, 1, 2), period, gender, x FROM micro
    UNION ALL
    SELECT '0000', period, gender, x FROM micro
    UNION ALL
    SELECT g.gid, m.period, m.gender, m.x
    FROM micro m
    JOIN effekt_area_groups g ON g.member = m.municipality
),
split AS (
    SELECT area, period, gender, x FROM placed WHERE {{by_gender}}
    UNION ALL
    SELECT area, period, 'T', x FROM placed
)
SELECT
    area,
    period,
    gender,
    count(*)::BIGINT   AS n,
    sum(x)::BIGINT     AS k,     -- meaningful for 0/1 indicators
    median(x)::DOUBLE  AS med    -- meaningful for measures
FROM split
GROUP BY area, period, gender
