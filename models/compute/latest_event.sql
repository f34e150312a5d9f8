-- The latest event date in the loaded data, over every event-date column of
-- every kind, ignoring dates after $1 (today). NULL when nothing is loaded.
SELECT max(d) FROM (
    SELECT max(registered_on)       AS d FROM so_registrations            WHERE registered_on       <= $1::DATE
    UNION ALL SELECT max(session_date)        FROM so_attendance               WHERE session_date        <= $1::DATE
    UNION ALL SELECT max(issued_on)           FROM so_certificates             WHERE issued_on           <= $1::DATE
    UNION ALL SELECT max(permit_on)           FROM settlements                 WHERE permit_on           <= $1::DATE
    UNION ALL SELECT max(settled_on)          FROM settlements                 WHERE settled_on          <= $1::DATE
    UNION ALL SELECT max(started_on)          FROM sfi_courses                 WHERE started_on          <= $1::DATE
    UNION ALL SELECT max(graded_on)           FROM sfi_courses                 WHERE graded_on           <= $1::DATE
    UNION ALL SELECT max(discontinued_on)     FROM sfi_courses                 WHERE discontinued_on     <= $1::DATE
    UNION ALL SELECT max(started_on)          FROM intervention_participations WHERE started_on          <= $1::DATE
    UNION ALL SELECT max(ended_on)            FROM intervention_participations WHERE ended_on            <= $1::DATE
    UNION ALL SELECT max(plan_started_on)     FROM af_plans                    WHERE plan_started_on     <= $1::DATE
    UNION ALL SELECT max(plan_ended_on)       FROM af_plans                    WHERE plan_ended_on       <= $1::DATE
    UNION ALL SELECT max(outcome_measured_on) FROM af_plans                    WHERE outcome_measured_on <= $1::DATE
)
