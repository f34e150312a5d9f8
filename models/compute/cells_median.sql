-- effekt_cells for a median (x is a measure, e.g. days): re-aggregates one
-- indicator's micro rows (its SQL file, spliced in below) into cells per
-- area, period and gender: n cohort rows, k = the sum of x, med = median(x).
-- Every cohort row counts in its municipality, its county (00 + the first
-- two digits of the code), Riket (0000) and each configured group it
-- belongs to (effekt_area_groups), and under its own gender and under T.
-- Aggregates are computed from micro rows, never from municipal values.
--
-- The micro rows are read once and counted per municipality, period, gender
-- and value of x (days repeat a lot); the cells add up those counts, so each
-- cell has the exact frequency of every value of x. The median is then
-- median() of the cell's micro rows computed from the frequencies: with m
-- non-NULL values sorted, lo and hi at the (0-based) ranks ⌊(m−1)/2⌋ and
-- ⌊m/2⌋ (one value when m is odd), median = lo · 0.5 + hi · 0.5, as
-- median() interpolates a DOUBLE to the last bit; NULL when m is 0.
CREATE OR REPLACE TEMP TABLE effekt_cells AS
WITH micro AS (
{{micro}}
),
-- one row per municipality, period, gender and value of x: c micro rows
counted AS (
    SELECT municipality, period, gender, x, count(*) AS c
    FROM micro
    GROUP BY ALL
),
placed AS (
    SELECT municipality AS area, period, gender, x, c FROM counted
    UNION ALL
    SELECT '00' || substr(municipality, 1, 2), period, gender, x, c FROM counted
    UNION ALL
    SELECT '0000', period, gender, x, c FROM counted
    UNION ALL
    SELECT g.gid, m.period, m.gender, m.x, m.c
    FROM counted m
    JOIN effekt_area_groups g ON g.member = m.municipality
),
split AS (
    SELECT area, period, gender, x, c FROM placed WHERE {{by_gender}}
    UNION ALL
    SELECT area, period, 'T', x, c FROM placed
),
-- one row per cell and value of x: c micro rows
freq AS (
    SELECT area, period, gender, x, sum(c) AS c
    FROM split
    GROUP BY ALL
),
-- upto: the cell's micro rows with a value ≤ x; m: its non-NULL values
ranked AS (
    SELECT area, period, gender, x, c,
           sum(c) OVER (PARTITION BY area, period, gender ORDER BY x ASC NULLS LAST
                        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS upto,
           sum(c) FILTER (WHERE x IS NOT NULL) OVER (PARTITION BY area, period, gender) AS m
    FROM freq
),
middle AS (
    SELECT area, period, gender,
           sum(c)                                     AS n,
           sum(x * c)                                 AS k,
           min(x) FILTER (WHERE upto > (m - 1) // 2)  AS lo,
           min(x) FILTER (WHERE upto > m // 2)        AS hi
    FROM ranked
    GROUP BY area, period, gender
)
SELECT
    area,
    period,
    gender,
    n::BIGINT                      AS n,
    k::BIGINT                      AS k,     -- meaningful for 0/1 indicators
    (lo * 0.5 + hi * 0.5)::DOUBLE AS med    -- meaningful for measures
FROM middle
