-- persons: one row per pseudonym with birth date and legal gender.
--
-- Every source derives both from the same personnummer, so they agree. Should
-- a source ever disagree, the most authoritative source wins, in this order:
-- settlements, so_registrations, sfi_courses, af_plans,
-- intervention_participations, so_attendance, so_certificates; within one
-- source the earliest file and line.
--
-- Inside the transform a person is keyed by pk = effekt_pk(person), a 64-bit
-- integer hash of the pseudonym: joins, groups and windows on it are several
-- times cheaper than on the 64-character hex, and the models carry the
-- pseudonym itself only from the row that is written out. pk lives only in
-- the transform's temporary tables (every table it writes keys persons by
-- the pseudonym) and never leaves the transaction. It is checked to be
-- one-to-one: every row of every source is grouped under its pk with a
-- second, independent hash of its pseudonym, and the model fails when that
-- hash differs within a pk, so a join on pk is a join on the pseudonym.
--
-- The temporary tables built here are shared with the later models; the
-- model that uses one last drops it:
--   effekt_persons     pk, birth_date, gender (persons by pk)
--   effekt_so_first    the earliest registration per person (so_cohort)
--   effekt_so_attended the civic-orientation hours and first session (so_cohort)
CREATE OR REPLACE TEMP MACRO effekt_pk(p) AS hash(p);

-- effekt_so_first: one row per registered person, the earliest registration
-- (ties on the date: the lowest municipality code, then file and line).
CREATE OR REPLACE TEMP TABLE effekt_so_first AS
SELECT effekt_pk(person) AS pk, person, municipality, registered_on, language
FROM so_registrations
QUALIFY row_number() OVER (PARTITION BY effekt_pk(person) ORDER BY registered_on, municipality, file_id, line) = 1;

-- effekt_so_attended: so_attendance holds most of the loaded rows; this is
-- its one join. Per registered person with a present session: the present
-- hours dated in [registered_on, registered_on + 365] (summed as DECIMAL, so
-- that 60 is reached exactly whatever the order of the sum) and the first
-- present session on or after registered_on. An absent session counts for
-- nothing.
CREATE OR REPLACE TEMP TABLE effekt_so_attended AS
SELECT r.pk,
       sum(a.hours::DECIMAL(12, 2)) FILTER (
           WHERE a.session_date BETWEEN r.registered_on AND r.registered_on + 365) AS hours,
       min(a.session_date) FILTER (WHERE a.session_date >= r.registered_on) AS first_session
FROM so_attendance a
JOIN effekt_so_first r ON r.pk = effekt_pk(a.person)
WHERE a.present
GROUP BY r.pk;

-- effekt_attendees: one row per pseudonym in so_attendance with its first
-- row (file, line), grouped on the pseudonym itself (its rows come in runs of
-- one person, which DuckDB groups cheaply).
CREATE OR REPLACE TEMP TABLE effekt_attendees AS
SELECT person,
       min(file_id * 4294967296 + line) AS row_key,
       arg_min(birth_date, file_id * 4294967296 + line) AS birth_date,
       arg_min(gender, file_id * 4294967296 + line) AS gender
FROM so_attendance
GROUP BY person;

-- effekt_seen: every row of every source that names a person, ranked by
-- rank_key = source_rank · 2⁶⁰ + file_id · 2³² + line (exact while file ids
-- stay below 2²⁸: beyond that the model fails, never mis-ranks).
CREATE OR REPLACE TEMP VIEW effekt_seen AS
SELECT person, (1::BIGINT << 60) + file_id * 4294967296 + line AS rank_key, file_id, birth_date, gender FROM settlements
UNION ALL
SELECT person, (2::BIGINT << 60) + file_id * 4294967296 + line, file_id, birth_date, gender FROM so_registrations
UNION ALL
SELECT person, (3::BIGINT << 60) + file_id * 4294967296 + line, file_id, birth_date, gender FROM sfi_courses
UNION ALL
SELECT person, (4::BIGINT << 60) + file_id * 4294967296 + line, file_id, birth_date, gender FROM af_plans
UNION ALL
SELECT person, (5::BIGINT << 60) + file_id * 4294967296 + line, file_id, birth_date, gender FROM intervention_participations
UNION ALL
SELECT person, (6::BIGINT << 60) + row_key, row_key >> 32, birth_date, gender FROM effekt_attendees
UNION ALL
SELECT person, (7::BIGINT << 60) + file_id * 4294967296 + line, file_id, birth_date, gender FROM so_certificates;

-- effekt_first_rows: per person (pk) the rank_key of its first row, the one
-- birth date and gender come from. A second, independent hash (of the
-- pseudonym reversed), equal on every row of a pk, checks that pk is
-- one-to-one.
CREATE OR REPLACE TEMP TABLE effekt_first_rows AS
SELECT effekt_pk(person) AS pk,
       min(rank_key) AS rank_key,
       min(hash(reverse(person))) <> max(hash(reverse(person))) AS shared,
       max(file_id) AS max_file_id
FROM effekt_seen
GROUP BY pk;

SELECT error(CASE WHEN shared
                  THEN 'transform: two pseudonyms share the internal person key, nothing was changed'
                  ELSE 'transform: a file id of 2^28 or more does not fit the source rank key, nothing was changed' END)
FROM effekt_first_rows
WHERE shared OR max_file_id >= 268435456
LIMIT 1;

-- The pseudonym is random hex: FSST gains little on it and costs a lot to
-- write and to read back in every join, so it is stored uncompressed.
CREATE OR REPLACE TABLE persons (
    person VARCHAR USING COMPRESSION uncompressed,
    birth_date DATE,
    gender VARCHAR
);
-- persons: each person's first row (a row is one line of one file, so its
-- rank_key names it within the person's rows).
INSERT INTO persons
SELECT s.person, s.birth_date, s.gender
FROM effekt_seen s
SEMI JOIN effekt_first_rows f ON f.pk = effekt_pk(s.person) AND f.rank_key = s.rank_key;

-- effekt_persons: persons by pk, for the cohort models to join on.
CREATE OR REPLACE TEMP TABLE effekt_persons AS
SELECT effekt_pk(person) AS pk, birth_date, gender FROM persons;

DROP TABLE effekt_first_rows;
DROP VIEW effekt_seen;
DROP TABLE effekt_attendees;
