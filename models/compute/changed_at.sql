-- indicator_changes after a compute: one row per cell of indicator_values.
-- A cell whose content (numerator, denominator, value, interval, status)
-- equals the previous compute's (effekt_prev) keeps its changed_at; a new or
-- changed cell gets this compute's computed_at. Only the rows that differ
-- are written: those of new and changed cells (effekt_changes; and of a
-- cell that has none yet) replace theirs. Rewriting all 334 k national rows
-- after a compute that changed none cost 0.2–0.3 s more.
--
-- After this every cell of indicator_values has at least one row, so when
-- the table then holds as many rows as indicator_values has cells, it
-- holds one per cell; else (a cell no longer computed, or a damaged table
-- with two rows for a cell) compute runs changed_repair.sql.
--
-- one row per cell of indicator_values (the table has no key constraint to
-- keep it so)
SELECT error('compute: two indicator rows share a cell (kpi, municipality, period, gender), nothing was changed')
FROM (SELECT kpi, municipality, period, gender FROM indicator_values GROUP BY ALL HAVING count(*) > 1 LIMIT 1);
CREATE OR REPLACE TEMP TABLE effekt_changes AS
SELECT v.kpi, v.municipality, v.period, v.gender, v.computed_at AS changed_at
FROM indicator_values v
LEFT JOIN effekt_prev p USING (kpi, municipality, period, gender)
LEFT JOIN indicator_changes c USING (kpi, municipality, period, gender)
WHERE c.kpi IS NULL
   OR NOT (p.kpi IS NOT NULL
       AND p.numerator IS NOT DISTINCT FROM v.numerator
       AND p.denominator = v.denominator
       AND p.value IS NOT DISTINCT FROM v.value
       AND p.ci_low IS NOT DISTINCT FROM v.ci_low
       AND p.ci_high IS NOT DISTINCT FROM v.ci_high
       AND p.status = v.status);
DELETE FROM indicator_changes c
WHERE EXISTS (SELECT 1 FROM effekt_changes x
              WHERE x.kpi = c.kpi AND x.municipality = c.municipality AND x.period = c.period AND x.gender = c.gender);
INSERT INTO indicator_changes SELECT * FROM effekt_changes;
DROP TABLE effekt_changes;
