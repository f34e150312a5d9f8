-- Last successful finish per job.
SELECT job, max(finished_at) AS last_ok
FROM job_runs
WHERE outcome = 'ok'
GROUP BY ALL
ORDER BY ALL
