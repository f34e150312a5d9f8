-- Civic-orientation hours offered per teaching language to the members'
-- participants: one row per language other than Swedish with the most hours
-- one group gave and how many groups taught in it.
--
-- A group's sessions are the attendance rows with its group_id dated within
-- [{{from}}, {{to}}] of persons whose civic-orientation cohort municipality
-- is a member ({{members}}); present or not, a session was offered. A
-- group's hours are the sum over its session days of the longest session
-- recorded that day; its language the most common registration language
-- of the persons attending it (ties: the first in alphabetical order).
WITH att AS (
    SELECT a.group_id, a.session_date, a.hours, c.language
    FROM so_attendance a
    JOIN so_cohort c ON c.person_key = a.person_key
    WHERE a.group_id <> ''
      AND a.session_date BETWEEN DATE '{{from}}' AND DATE '{{to}}'
      AND c.municipality IN ({{members}})
),
group_language AS (
    SELECT group_id, language
    FROM (SELECT group_id, language, count(*) AS n FROM att GROUP BY ALL)
    QUALIFY row_number() OVER (PARTITION BY group_id ORDER BY n DESC, language) = 1
),
group_hours AS (
    SELECT group_id, sum(h) AS hours
    FROM (SELECT group_id, session_date, max(hours) AS h FROM att GROUP BY ALL)
    GROUP BY group_id
)
SELECT l.language, max(h.hours)::DOUBLE AS hours, count(*)::INTEGER AS groups
FROM group_language l
JOIN group_hours h USING (group_id)
WHERE l.language <> 'sv'
GROUP BY l.language
ORDER BY l.language
