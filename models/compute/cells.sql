-- effekt_cells: one row per area, period and gender of one indicator (its
-- micro rows, spliced in below): n cohort rows, k = sum of x (the numerator
-- of 0/1 indicators) and med = the median of x (for measures).
--
-- Every cohort row counts in its municipality, its county (00 + the first
-- two digits of the code), Riket (0000) and each configured group it belongs
-- to (effekt_area_groups), under its own gender and under T. The micro rows
-- are read once and collapsed into a frequency table (how many rows have
-- each value of x) per municipality, period and gender; the areas and T are
-- sums of those frequencies, so every count and median is computed from the
-- full distribution of micro values, never from municipal values. The median
-- is taken as DuckDB's median() takes it: the middle value, or for an even
-- count lo + (hi - lo) / 2 of the two middle values; NULL x are counted in n
-- and left out of k and med, as count(*), sum() and median() do.
CREATE OR REPLACE TEMP TABLE effekt_cells AS
WITH micro AS (
{{micro}}
),
-- one row per municipality, period, gender and value of x: how many micro rows
freq AS (
    SELECT municipality, period, gender, x, count(*) AS c
    FROM micro
    GROUP BY ALL
),
placed AS (
    SELECT municipality AS area, period, gender, x, c FROM freq
    UNION ALL
    SELECT '00' || substr(municipality, 1, 2), period, gender, x, c FROM freq
    UNION ALL
    SELECT '0000', period, gender, x, c FROM freq
    UNION ALL
    SELECT g.gid, f.period, f.gender, f.x, f.c
    FROM freq f
    JOIN effekt_area_groups g ON g.member = f.municipality
),
split AS (
    SELECT area, period, gender, x, c FROM placed WHERE {{by_gender}}
    UNION ALL
    SELECT area, period, 'T', x, c FROM placed
),
-- one row per cell and value of x, with the running count of non-NULL values up to it
dist AS (
    SELECT area, period, gender, x, c,
           CASE WHEN x IS NOT NULL THEN sum(c) FILTER (WHERE x IS NOT NULL) OVER (
               PARTITION BY area, period, gender ORDER BY x ROWS UNBOUNDED PRECEDING) END AS upto,
           sum(c) FILTER (WHERE x IS NOT NULL) OVER (PARTITION BY area, period, gender) AS m
    FROM (SELECT area, period, gender, x, sum(c) AS c FROM split GROUP BY ALL)
),
cells AS (
    SELECT area, period, gender,
           sum(c)::BIGINT     AS n,
           sum(x * c)::BIGINT AS k,     -- meaningful for 0/1 indicators
           min(x) FILTER (WHERE upto >= (m - 1) // 2 + 1) AS lo,  -- the middle value(s), 1-based
           min(x) FILTER (WHERE upto >= m // 2 + 1)       AS hi
    FROM dist
    GROUP BY area, period, gender
)
SELECT area, period, gender, n, k,
       (lo + (hi - lo) * 0.5)::DOUBLE AS med  -- meaningful for measures
FROM cells
