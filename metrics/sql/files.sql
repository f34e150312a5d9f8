-- Files and rows per kind and status. A file whose kind was not recognised
-- counts under kind "unknown".
SELECT coalesce(kind, 'unknown') AS kind,
       status,
       count(*)                  AS files,
       sum(rows_loaded)::BIGINT  AS rows_loaded,
       sum(rows_rejected)::BIGINT AS rows_rejected,
       max(finished_at) FILTER (WHERE status = 'loaded') AS last_loaded
FROM files
GROUP BY ALL
ORDER BY ALL
