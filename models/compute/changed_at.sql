-- indicator_changes after a compute: one row per cell of indicator_values.
-- A cell whose content (numerator, denominator, value, interval, status)
-- equals the previous compute's (effekt_prev) keeps its changed_at; a new or
-- changed cell gets this compute's computed_at.
CREATE OR REPLACE TEMP TABLE effekt_changes AS
SELECT v.kpi, v.municipality, v.period, v.gender,
       CASE WHEN p.kpi IS NOT NULL
             AND p.numerator IS NOT DISTINCT FROM v.numerator
             AND p.denominator = v.denominator
             AND p.value IS NOT DISTINCT FROM v.value
             AND p.ci_low IS NOT DISTINCT FROM v.ci_low
             AND p.ci_high IS NOT DISTINCT FROM v.ci_high
             AND p.status = v.status
            THEN coalesce(c.changed_at, v.computed_at)
            ELSE v.computed_at END AS changed_at
FROM indicator_values v
LEFT JOIN effekt_prev p USING (kpi, municipality, period, gender)
LEFT JOIN indicator_changes c USING (kpi, municipality, period, gender);
-- one row per cell (the table has no key constraint to keep it so)
SELECT error('compute: two indicator rows share a cell (kpi, municipality, period, gender), nothing was changed')
FROM (SELECT kpi, municipality, period, gender FROM effekt_changes GROUP BY ALL HAVING count(*) > 1 LIMIT 1);
DELETE FROM indicator_changes;
INSERT INTO indicator_changes SELECT * FROM effekt_changes;
DROP TABLE effekt_changes;
