-- 0006: person_key, a 64-bit key of the person beside the pseudonym in every
-- source table that names a person: the pseudonym's first 16 hex digits as
-- a number, i.e. the first 64 bits of its HMAC-SHA256 (the loader writes it
-- from the HMAC it computes; store.PersonKey is this expression). The
-- transform joins, groups and scopes persons on it, reading 8 bytes a row
-- instead of reading and hashing 64 characters; the pseudonym stays for
-- the evaluators. A text that is not 64 characters long, which no loader
-- wrote, gets DuckDB's hash() of it (hand-made test rows).
--
-- 0007 makes it NOT NULL (DuckDB cannot in the transaction that filled it).
--
-- The transform's models changed with it, so the first compute after this
-- migration rebuilds its tables (transform_state.models), whose person_key
-- becomes this key too.

ALTER TABLE so_registrations ADD COLUMN person_key UBIGINT;
UPDATE so_registrations SET person_key = CASE WHEN length(person) = 64 THEN ('0x' || left(person, 16))::UBIGINT ELSE hash(person) END;

ALTER TABLE so_attendance ADD COLUMN person_key UBIGINT;
UPDATE so_attendance SET person_key = CASE WHEN length(person) = 64 THEN ('0x' || left(person, 16))::UBIGINT ELSE hash(person) END;

ALTER TABLE so_certificates ADD COLUMN person_key UBIGINT;
UPDATE so_certificates SET person_key = CASE WHEN length(person) = 64 THEN ('0x' || left(person, 16))::UBIGINT ELSE hash(person) END;

ALTER TABLE settlements ADD COLUMN person_key UBIGINT;
UPDATE settlements SET person_key = CASE WHEN length(person) = 64 THEN ('0x' || left(person, 16))::UBIGINT ELSE hash(person) END;

ALTER TABLE sfi_courses ADD COLUMN person_key UBIGINT;
UPDATE sfi_courses SET person_key = CASE WHEN length(person) = 64 THEN ('0x' || left(person, 16))::UBIGINT ELSE hash(person) END;

ALTER TABLE intervention_participations ADD COLUMN person_key UBIGINT;
UPDATE intervention_participations SET person_key = CASE WHEN length(person) = 64 THEN ('0x' || left(person, 16))::UBIGINT ELSE hash(person) END;

ALTER TABLE af_plans ADD COLUMN person_key UBIGINT;
UPDATE af_plans SET person_key = CASE WHEN length(person) = 64 THEN ('0x' || left(person, 16))::UBIGINT ELSE hash(person) END;
