-- effekt_cells for a proportion or a cost (x is 0 or 1): one row per area,
-- period and gender of one indicator (its micro rows, spliced in below), n
-- cohort rows and k = the sum of x; med is NULL (cells_median.sql computes
-- medians).
--
-- Every cohort row counts in its municipality, its county (00 + the first
-- two digits of the code), Riket (0000) and each configured group it belongs
-- to (effekt_area_groups), and under its own gender and under T. The micro
-- rows are read once and counted per municipality, period and gender; the
-- other cells add up those counts, so every n and k is an exact count of
-- micro rows (never an average of municipal values).
CREATE OR REPLACE TEMP TABLE effekt_cells AS
WITH micro AS (
{{micro}}
),
-- one row per municipality, period and gender: cohort rows and the sum of x
counted AS (
    SELECT municipality, period, gender, count(*) AS n, sum(x) AS k
    FROM micro
    GROUP BY ALL
),
placed AS (
    SELECT municipality AS area, period, gender, n, k FROM counted
    UNION ALL
    SELECT '00' || substr(municipality, 1, 2), period, gender, n, k FROM counted
    UNION ALL
    SELECT '0000', period, gender, n, k FROM counted
    UNION ALL
    SELECT g.gid, c.period, c.gender, c.n, c.k
    FROM counted c
    JOIN effekt_area_groups g ON g.member = c.municipality
),
split AS (
    SELECT area, period, gender, n, k FROM placed WHERE {{by_gender}}
    UNION ALL
    SELECT area, period, 'T', n, k FROM placed
)
SELECT
    area,
    period,
    gender,
    sum(n)::BIGINT     AS n,
    sum(k)::BIGINT     AS k,
    NULL::DOUBLE       AS med
FROM split
GROUP BY area, period, gender
