-- effekt_cells for a median (x is a measure, e.g. days): one row per area,
-- period and gender of one indicator (its micro rows, spliced in below): n
-- cohort rows, k = the sum of x and med = median(x) of the cell's micro
-- rows (the mean of the two middle values for an even count, NULL when no
-- row has a value).
--
-- Every cohort row counts in its municipality, its county (00 + the first
-- two digits of the code), Riket (0000) and each configured group it
-- belongs to (effekt_area_groups), and under its own gender and under T.
-- Aggregates are computed from micro rows, never from municipal values: a
-- median cannot be added up, so every cell's median is median() over its
-- own micro rows. The municipalities, counties and Riket are one
-- aggregation with grouping sets (each cell with and without gender); the
-- groups a second one over the micro rows of their members.
CREATE OR REPLACE TEMP TABLE effekt_cells AS
WITH micro AS (
{{micro}}
),
-- days: a number of days is whole, and median() of whole numbers as
-- BIGINT gives what it gives of them as DOUBLE (the same interpolation,
-- as DOUBLE) a third faster; a value that is not whole fails the compute
-- rather than be rounded
m AS (
    SELECT municipality, '00' || substr(municipality, 1, 2) AS county, period, gender, x,
           CASE WHEN x IS NULL THEN NULL
                WHEN x = trunc(x) THEN x::BIGINT
                ELSE error('compute: a median of days over a value that is not a whole number of days')
           END AS days
    FROM micro
),
areas AS (
    SELECT
        CASE WHEN grouping(municipality) = 0 THEN municipality
             WHEN grouping(county) = 0 THEN county
             ELSE '0000' END                              AS area,
        period,
        CASE WHEN grouping(gender) = 0 THEN gender ELSE 'T' END AS gender,
        count(*)                                          AS n,
        sum(x)                                            AS k,
        median(days)                                      AS med
    FROM m
    GROUP BY GROUPING SETS ((municipality, period, gender), (municipality, period),
                            (county, period, gender), (county, period),
                            (period, gender), (period))
),
grouped AS (
    SELECT
        g.gid                                             AS area,
        m.period,
        CASE WHEN grouping(m.gender) = 0 THEN m.gender ELSE 'T' END AS gender,
        count(*)                                          AS n,
        sum(m.x)                                          AS k,
        median(m.days)                                    AS med
    FROM m
    JOIN effekt_area_groups g ON g.member = m.municipality
    GROUP BY GROUPING SETS ((g.gid, m.period, m.gender), (g.gid, m.period))
)
SELECT
    area,
    period,
    gender,
    n::BIGINT      AS n,
    k::BIGINT      AS k,     -- meaningful for 0/1 indicators
    med::DOUBLE    AS med    -- meaningful for measures
FROM (SELECT * FROM areas UNION ALL SELECT * FROM grouped)
WHERE gender = 'T' OR {{by_gender}}
