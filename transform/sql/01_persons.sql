-- persons: one row per pseudonym with birth date and legal gender.
--
-- Every source derives both from the same personnummer, so they agree. Should
-- a source ever disagree, the most authoritative source wins, in this order:
-- settlements, so_registrations, sfi_courses, af_plans,
-- intervention_participations, so_attendance, so_certificates; within one
-- source the earliest file and line.
CREATE OR REPLACE TABLE persons AS
WITH seen AS (
    SELECT person, birth_date, gender, 1 AS source_rank, file_id, line FROM settlements
    UNION ALL
    SELECT person, birth_date, gender, 2, file_id, line FROM so_registrations
    UNION ALL
    SELECT person, birth_date, gender, 3, file_id, line FROM sfi_courses
    UNION ALL
    SELECT person, birth_date, gender, 4, file_id, line FROM af_plans
    UNION ALL
    SELECT person, birth_date, gender, 5, file_id, line FROM intervention_participations
    UNION ALL
    SELECT person, birth_date, gender, 6, file_id, line FROM so_attendance
    UNION ALL
    SELECT person, birth_date, gender, 7, file_id, line FROM so_certificates
)
SELECT person, birth_date, gender
FROM seen
QUALIFY row_number() OVER (PARTITION BY person ORDER BY source_rank, file_id, line) = 1;
