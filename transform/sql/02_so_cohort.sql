-- so_cohort: the civic-orientation cohort (EF101–EF104), one row per person.
--
-- A person enters on the earliest registration (ties on the date: the lowest
-- municipality code), in the municipality of that registration. The
-- follow-up window is [registered_on, registered_on + 365], both ends
-- included. Completion: at least 60 hours of present sessions dated in the
-- window, or a certificate issued in the window. Hours are summed in
-- whole hundredths so that 60 is reached exactly, whatever the order of
-- the sum (01_persons.sql, effekt_so_attended).
-- first_session is the first present session on or after registered_on
-- (any date; the indicator caps it at as_of).
--
-- The earliest registrations and the attendance per person come from the
-- temporary tables the persons model built (effekt_so_first,
-- effekt_so_attended, keyed by pk as effekt_persons is); this model drops
-- both.
-- The person is person_key alone: the pseudonym is in persons (join on
-- person_key), written once rather than in every cohort table, where it
-- was half of the bytes a rebuild wrote (docs/decisions.md).
{{clear "so_cohort"}};
CREATE TABLE IF NOT EXISTS so_cohort (
    person_key UBIGINT USING COMPRESSION uncompressed,
    gender VARCHAR USING COMPRESSION dictionary,
    birth_date DATE USING COMPRESSION bitpacking,
    municipality VARCHAR USING COMPRESSION dictionary,
    registered_on DATE USING COMPRESSION bitpacking,
    language VARCHAR USING COMPRESSION dictionary,
    window_end DATE USING COMPRESSION bitpacking,
    hours_in_window DOUBLE USING COMPRESSION alp,
    certified_on DATE USING COMPRESSION bitpacking,
    completed BOOLEAN USING COMPRESSION bitpacking,
    first_session DATE USING COMPRESSION bitpacking,
    case_cov SMALLINT USING COMPRESSION bitpacking, -- the person's case-mix covariates (transform/casemix.go)
    age_band UTINYINT USING COMPRESSION bitpacking -- the age band at registered_on (transform.AgeBands)
);
INSERT INTO so_cohort
WITH window_certificate AS (
    SELECT r.pk, min(c.issued_on) AS certified_on
    FROM effekt_so_first r
    JOIN so_certificates c
      ON c.person_key = r.pk -- the key alone (01_persons.sql)
     AND c.issued_on BETWEEN r.registered_on AND r.registered_on + 365
    GROUP BY r.pk
)
SELECT
    r.pk AS person_key,
    p.gender,
    p.birth_date,
    r.municipality,
    r.registered_on,
    r.language,
    r.registered_on + 365                    AS window_end,
    coalesce(h.centihours, 0) / 100          AS hours_in_window,
    c.certified_on,
    coalesce(h.centihours, 0) >= 6000 OR c.certified_on IS NOT NULL AS completed,
    h.first_session,
    p.case_cov,
    {{ageBand "p.birth_year" "p.birth_md" "r.registered_on"}} AS age_band
FROM effekt_so_first r
JOIN effekt_persons p USING (pk)
LEFT JOIN effekt_so_attended h USING (pk)
LEFT JOIN window_certificate c USING (pk);

DROP TABLE effekt_so_attended;
DROP TABLE effekt_so_first;
