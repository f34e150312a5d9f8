-- Rejected rows per kind and reason code.
SELECT kind, reason, count(*) AS n
FROM rejected_rows
GROUP BY ALL
ORDER BY ALL
