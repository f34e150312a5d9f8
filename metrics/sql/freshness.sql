-- Newest event date per file kind (the dates a source reports on, not load
-- times); interventions is a catalogue without event dates.
SELECT 'so_registrations' AS kind, max(registered_on) AS newest FROM so_registrations
UNION ALL
SELECT 'so_attendance', max(session_date) FROM so_attendance
UNION ALL
SELECT 'so_certificates', max(issued_on) FROM so_certificates
UNION ALL
SELECT 'settlements', max(settled_on) FROM settlements
UNION ALL
SELECT 'sfi_courses', max(greatest(started_on, graded_on, discontinued_on)) FROM sfi_courses
UNION ALL
SELECT 'intervention_participations', max(greatest(started_on, ended_on)) FROM intervention_participations
UNION ALL
SELECT 'af_plans', max(greatest(plan_started_on, plan_ended_on, outcome_measured_on)) FROM af_plans
