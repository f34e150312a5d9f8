-- persons: one row per pseudonym with birth date and legal gender.
--
-- Every source derives both from the same personnummer, so they agree. Should
-- a source ever disagree, the most authoritative source wins, in this order:
-- settlements, so_registrations, sfi_courses, af_plans,
-- intervention_participations, so_attendance, so_certificates; within one
-- source the earliest file and line.
--
-- so_attendance holds most of the loaded rows and is read once per compute:
-- this model also builds two temporary tables that so_cohort reads (and
-- drops), so that persons and the civic-orientation cohort share that pass.
--
-- effekt_so_first: one row per registered person, the earliest registration
-- (ties on the date: the lowest municipality code, then file and line).
CREATE OR REPLACE TEMP TABLE effekt_so_first AS
SELECT person, municipality, registered_on, language
FROM so_registrations
QUALIFY row_number() OVER (PARTITION BY person ORDER BY registered_on, municipality, file_id, line) = 1;

-- effekt_so_attended: one row per person in so_attendance (a registered
-- person: with a present session). For registered persons: the present
-- hours dated in [registered_on, registered_on + 365] and the first present
-- session on or after registered_on. For persons without a registration:
-- birth date and gender from their earliest row (persons needs them only
-- when no other source has the person).
CREATE OR REPLACE TEMP TABLE effekt_so_attended AS
SELECT a.person,
       sum(a.hours::DECIMAL(12, 2)) FILTER (
           WHERE a.present AND a.session_date BETWEEN r.registered_on AND r.registered_on + 365) AS hours,
       min(a.session_date) FILTER (WHERE a.present AND a.session_date >= r.registered_on) AS first_session,
       arg_min(a.birth_date, a.file_id * 4294967296 + a.line) FILTER (WHERE r.person IS NULL) AS birth_date,
       arg_min(a.gender, a.file_id * 4294967296 + a.line) FILTER (WHERE r.person IS NULL) AS gender
FROM so_attendance a
LEFT JOIN effekt_so_first r ON r.person = a.person
WHERE a.present OR r.person IS NULL  -- an absent session of a registered person counts for nothing
GROUP BY a.person;

-- The pseudonym is random hex: FSST gains little on it and costs a lot to
-- write and to read back in every join, so it is stored uncompressed.
CREATE OR REPLACE TABLE persons (
    person VARCHAR USING COMPRESSION uncompressed,
    birth_date DATE,
    gender VARCHAR
);
INSERT INTO persons
WITH seen AS (
    -- per source: the earliest file and line (grouping per source keeps
    -- every aggregate a hash aggregate)
    SELECT person, 1 AS source_rank,
           arg_min(birth_date, file_id * 4294967296 + line) AS birth_date,
           arg_min(gender, file_id * 4294967296 + line) AS gender
    FROM settlements GROUP BY person
    UNION ALL
    SELECT person, 2, arg_min(birth_date, file_id * 4294967296 + line), arg_min(gender, file_id * 4294967296 + line)
    FROM so_registrations GROUP BY person
    UNION ALL
    SELECT person, 3, arg_min(birth_date, file_id * 4294967296 + line), arg_min(gender, file_id * 4294967296 + line)
    FROM sfi_courses GROUP BY person
    UNION ALL
    SELECT person, 4, arg_min(birth_date, file_id * 4294967296 + line), arg_min(gender, file_id * 4294967296 + line)
    FROM af_plans GROUP BY person
    UNION ALL
    SELECT person, 5, arg_min(birth_date, file_id * 4294967296 + line), arg_min(gender, file_id * 4294967296 + line)
    FROM intervention_participations GROUP BY person
),
core AS (
    SELECT person,
           arg_min(birth_date, source_rank) AS birth_date,
           arg_min(gender, source_rank)     AS gender
    FROM seen
    GROUP BY person
),
-- persons known only from attendance (rank 6) or certificates (rank 7)
only_so AS (
    SELECT a.person, 6 AS source_rank, a.birth_date, a.gender
    FROM effekt_so_attended a ANTI JOIN core c ON c.person = a.person
    WHERE a.birth_date IS NOT NULL
    UNION ALL
    SELECT s.person, 7,
           arg_min(s.birth_date, s.file_id * 4294967296 + s.line),
           arg_min(s.gender, s.file_id * 4294967296 + s.line)
    FROM so_certificates s ANTI JOIN core c ON c.person = s.person
    GROUP BY s.person
)
SELECT person, birth_date, gender FROM core
UNION ALL
SELECT person, arg_min(birth_date, source_rank), arg_min(gender, source_rank)
FROM only_so
GROUP BY person;
