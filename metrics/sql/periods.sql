-- The latest N periods of each indicator (N = $1).
SELECT kpi, period
FROM (
    SELECT kpi, period, dense_rank() OVER (PARTITION BY kpi ORDER BY period DESC) AS r
    FROM (SELECT DISTINCT kpi, period FROM indicator_values)
)
WHERE r <= ?
ORDER BY kpi, period
