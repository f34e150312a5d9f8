-- persons: one row per pseudonym with birth date and legal gender.
--
-- Every source derives both from the same personnummer, so they agree. Should
-- a source ever disagree, the most authoritative source wins, in this order:
-- settlements, so_registrations, sfi_courses, af_plans,
-- intervention_participations, so_attendance, so_certificates; within one
-- source the earliest file and line. (Grouping per source first keeps this a
-- hash aggregate rather than a sort of every attendance row.)
CREATE OR REPLACE TABLE persons AS
WITH seen AS (
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
    UNION ALL
    SELECT person, 6, arg_min(birth_date, file_id * 4294967296 + line), arg_min(gender, file_id * 4294967296 + line)
    FROM so_attendance GROUP BY person
    UNION ALL
    SELECT person, 7, arg_min(birth_date, file_id * 4294967296 + line), arg_min(gender, file_id * 4294967296 + line)
    FROM so_certificates GROUP BY person
)
SELECT person,
       arg_min(birth_date, source_rank) AS birth_date,
       arg_min(gender, source_rank)     AS gender
FROM seen
GROUP BY person;
