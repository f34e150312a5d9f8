-- settlement_cohort: persons received by a municipality (EF105, EF303), one
-- row per person (settlements has one row per person), in the receiving
-- municipality. so_registered_on is the earliest civic-orientation
-- registration, in any municipality, dated within
-- [settled_on - 30, settled_on + 90]; window_end = settled_on + 90.
-- The pseudonym is random hex: FSST gains little on it and costs a lot to
-- write and to read back in every join, so it is stored uncompressed.
CREATE OR REPLACE TABLE settlement_cohort (
    person VARCHAR USING COMPRESSION uncompressed,
    gender VARCHAR,
    birth_date DATE,
    municipality VARCHAR,
    permit_on DATE,
    settled_on DATE,
    window_end DATE,
    days_permit_to_settled BIGINT,
    so_registered_on DATE
);
INSERT INTO settlement_cohort
WITH settled AS (
    SELECT effekt_pk(person) AS pk, person, municipality, permit_on, settled_on FROM settlements
),
registration_near AS (
    SELECT s.pk, min(r.registered_on) AS so_registered_on
    FROM settled s
    JOIN so_registrations r
      ON effekt_pk(r.person) = s.pk
     AND r.registered_on BETWEEN s.settled_on - 30 AND s.settled_on + 90
    GROUP BY s.pk
)
SELECT
    s.person,
    p.gender,
    p.birth_date,
    s.municipality,
    s.permit_on,
    s.settled_on,
    s.settled_on + 90                  AS window_end,
    date_diff('day', s.permit_on, s.settled_on) AS days_permit_to_settled,
    n.so_registered_on
FROM settled s
JOIN effekt_persons p USING (pk)
LEFT JOIN registration_near n USING (pk);
