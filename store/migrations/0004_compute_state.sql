-- 0004: what lets a compute skip work that cannot have changed.
--
-- indicator_changes loses its PRIMARY KEY. Compute replaces the whole table
-- in every run (delete all, insert one row per cell), and keeping DuckDB's
-- ART index in step with that cost 2.5–3.5 s per national compute, more than
-- all eleven indicators together. The key stays one row per cell: compute
-- builds the table from indicator_values and checks it before the insert
-- (models/compute/changed_at.sql).
CREATE TABLE indicator_changes_0004 (
    kpi          VARCHAR NOT NULL,
    municipality VARCHAR NOT NULL,
    period       INTEGER NOT NULL,
    gender       VARCHAR NOT NULL,
    changed_at   TIMESTAMPTZ NOT NULL
);
INSERT INTO indicator_changes_0004 SELECT kpi, municipality, period, gender, changed_at FROM indicator_changes;
DROP TABLE indicator_changes;
ALTER TABLE indicator_changes_0004 RENAME TO indicator_changes;

-- transform_state: the source state the transform tables (persons and the
-- cohorts) were last built from. A compute whose source state and
-- transform SQL match the row here reuses those tables instead of
-- rebuilding them (transform.Run); the row is written in the transform's
-- own transaction, so it never describes tables that were not committed.
CREATE TABLE transform_state (
    fingerprint    VARCHAR NOT NULL,
    transformed_at TIMESTAMPTZ NOT NULL
);
