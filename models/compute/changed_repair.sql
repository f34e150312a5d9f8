-- indicator_changes holds more rows than indicator_values has cells
-- (changed_at.sql): rows of cells no longer computed, or two rows for one
-- cell. Keep one row per computed cell, its latest change.
CREATE OR REPLACE TEMP TABLE effekt_repair AS
SELECT c.kpi, c.municipality, c.period, c.gender, max(c.changed_at) AS changed_at
FROM indicator_changes c
SEMI JOIN indicator_values v
  ON v.kpi = c.kpi AND v.municipality = c.municipality AND v.period = c.period AND v.gender = c.gender
GROUP BY ALL;
DELETE FROM indicator_changes;
INSERT INTO indicator_changes SELECT * FROM effekt_repair;
DROP TABLE effekt_repair;
