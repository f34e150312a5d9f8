-- 0007: person_key (0006) is NOT NULL: the loader writes it with every row,
-- and a row without one would drop out of every join on it. DuckDB refuses
-- this in the transaction of 0006's UPDATE, hence a migration of its own.
ALTER TABLE so_registrations ALTER COLUMN person_key SET NOT NULL;
ALTER TABLE so_attendance ALTER COLUMN person_key SET NOT NULL;
ALTER TABLE so_certificates ALTER COLUMN person_key SET NOT NULL;
ALTER TABLE settlements ALTER COLUMN person_key SET NOT NULL;
ALTER TABLE sfi_courses ALTER COLUMN person_key SET NOT NULL;
ALTER TABLE intervention_participations ALTER COLUMN person_key SET NOT NULL;
ALTER TABLE af_plans ALTER COLUMN person_key SET NOT NULL;
