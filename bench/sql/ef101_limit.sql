-- The limit for `bench compute`: EF101 written as one independent query
-- straight from the loaded tables, without effekt's transform tables or
-- cell machinery. One row per area, period and gender: n cohort persons and
-- k completers (SPEC §5: earliest registration, ties to the lowest
-- municipality code; the window [registered_on, registered_on + 365] closed
-- by as_of; ≥ 60 present hours in it or a certificate issued in it). Gender
-- is the registration's own (every source derives it from the same
-- personnummer). Persons are joined on person_key, the 64-bit key every
-- source row stores beside its pseudonym, as effekt's transform joins
-- them (joining on the 64-character pseudonym took 1.8× as long).
-- Placeholders: {{as_of}} (a DATE literal) and {{groups}} (a VALUES list
-- of (group id, member code), or a query with no rows).
WITH first AS (
    SELECT person_key AS pk, gender, municipality, registered_on AS d
    FROM so_registrations
    WHERE registered_on + 365 <= {{as_of}}
    QUALIFY row_number() OVER (PARTITION BY person_key ORDER BY registered_on, municipality, file_id, line) = 1
),
done AS (
    SELECT f.pk
    FROM first f
    JOIN so_attendance a ON a.person_key = f.pk AND a.present AND a.session_date BETWEEN f.d AND f.d + 365
    GROUP BY f.pk
    HAVING sum(a.hours::DECIMAL(12, 2)) >= 60
    UNION
    SELECT f.pk
    FROM first f
    JOIN so_certificates c ON c.person_key = f.pk AND c.issued_on BETWEEN f.d AND f.d + 365
),
muni AS (
    SELECT f.municipality, year(f.d)::INTEGER AS period, f.gender,
           count(*) AS n, count(done.pk) AS k
    FROM first f
    LEFT JOIN done USING (pk)
    GROUP BY ALL
),
grp(gid, member) AS ({{groups}}),
areas AS (
    SELECT municipality AS area, period, gender, n, k FROM muni
    UNION ALL SELECT '00' || substr(municipality, 1, 2), period, gender, n, k FROM muni
    UNION ALL SELECT '0000', period, gender, n, k FROM muni
    UNION ALL SELECT g.gid, period, gender, n, k FROM muni JOIN grp g ON g.member = muni.municipality
)
SELECT area, period, gender, sum(n)::BIGINT AS n, sum(k)::BIGINT AS k FROM areas GROUP BY ALL
UNION ALL
SELECT area, period, 'T', sum(n)::BIGINT, sum(k)::BIGINT FROM areas GROUP BY ALL
