-- Source rows for TestModels. Columns: person, birth_date, gender, ...,
-- file_id, line.

-- x1: settlements and so_registrations disagree: settlements wins.
INSERT INTO settlements (person, birth_date, gender, municipality, permit_on, settled_on, file_id, line) VALUES
    ('x1', '1990-01-01', 'K', '0127', '2023-01-01', '2023-02-15', 3, 2);
-- x1 registers twice: the earliest (0136) counts.
INSERT INTO so_registrations (person, birth_date, gender, municipality, registered_on, language, file_id, line) VALUES
    ('x1', '1990-02-02', 'M', '0127', '2023-05-01', 'sv', 1, 2),
    ('x1', '1990-02-02', 'M', '0136', '2023-03-01', 'ar', 1, 3),
-- x3: two files disagree: the earliest file wins (M).
    ('x3', '1970-07-07', 'K', '0180', '2022-01-10', 'so', 2, 2),
    ('x3', '1970-07-07', 'M', '0180', '2022-06-10', 'so', 1, 5);
-- x1 attendance: 12 + 12 + 12 + 12 + 11.9 present in the window = 59.9 h
-- (not complete); an absent session and one after the window do not count.
INSERT INTO so_attendance (person, birth_date, gender, session_date, hours, present, file_id, line) VALUES
    ('x1', '1990-01-01', 'K', '2023-02-20', 5,    true,  4, 1), -- before registration
    ('x1', '1990-01-01', 'K', '2023-03-10', 12,   true,  4, 2),
    ('x1', '1990-01-01', 'K', '2023-04-10', 12,   true,  4, 3),
    ('x1', '1990-01-01', 'K', '2023-05-10', 12,   false, 4, 4),
    ('x1', '1990-01-01', 'K', '2023-06-10', 12,   true,  4, 5),
    ('x1', '1990-01-01', 'K', '2023-07-10', 12,   true,  4, 6),
    ('x1', '1990-01-01', 'K', '2024-02-29', 11.9, true,  4, 7), -- registered_on + 365: in
    ('x1', '1990-01-01', 'K', '2024-03-01', 12,   true,  4, 8), -- a day after: out
-- x3: 5 × 12 h present reach exactly 60 h (complete); an absent 0.1 h
-- session does not add to it.
    ('x3', '1970-07-07', 'M', '2022-01-11', 12,   true,  5, 1),
    ('x3', '1970-07-07', 'M', '2022-01-12', 12,   true,  5, 2),
    ('x3', '1970-07-07', 'M', '2022-01-13', 12,   true,  5, 3),
    ('x3', '1970-07-07', 'M', '2022-01-14', 12,   true,  5, 4),
    ('x3', '1970-07-07', 'M', '2022-01-15', 12,   true,  5, 5),
    ('x3', '1970-07-07', 'M', '2022-01-16', 0.1,  false, 5, 6);
-- x2 appears only in so_certificates: it is in no cohort, and not in persons.
INSERT INTO so_certificates (person, birth_date, gender, issued_on, file_id, line) VALUES
    ('x2', '2001-01-01', 'M', '2023-01-01', 6, 1);
-- SFI: x1 starts A and B on the same day in two municipalities: A (0127) counts;
-- the pass on B one day after the window does not, the fail on A does not.
INSERT INTO sfi_courses (person, birth_date, gender, municipality, course, started_on, grade, graded_on, file_id, line) VALUES
    ('x1', '1990-01-01', 'K', '0136', 'B', '2023-01-10', 'C', '2024-01-11', 7, 1),
    ('x1', '1990-01-01', 'K', '0127', 'A', '2023-01-10', 'F', '2023-06-01', 7, 2),
    ('x3', '1970-07-07', 'M', '0180', 'C', '2022-02-01', 'E', '2023-02-01', 7, 3);
-- Plans: x1 ends two plans in 2023 and one in 2024.
INSERT INTO af_plans (person, birth_date, gender, municipality, plan_started_on, plan_ended_on, outcome_90d, file_id, line) VALUES
    ('x1', '1990-01-01', 'K', '0127', '2021-01-01', '2023-03-01', 'ARB', 8, 1),
    ('x1', '1990-01-01', 'K', '0127', '2023-03-02', '2023-11-30', NULL,  8, 2),
    ('x1', '1990-01-01', 'K', '0136', '2023-12-01', '2024-01-31', 'STU', 8, 3),
    ('x1', '1990-01-01', 'K', '0136', '2024-02-01', NULL,         NULL,  8, 4);
INSERT INTO interventions (intervention_id, name, provider_municipality, file_id, line) VALUES
    ('I1', 'Jobbspår', '0136', 9, 1);
INSERT INTO intervention_participations (person, birth_date, gender, intervention_id, municipality, started_on, ended_on, outcome, file_id, line) VALUES
    ('x1', '1990-01-01', 'K', 'I1', '0127', '2023-01-01', '2023-06-01', 'arbete', 10, 1),
    ('x1', '1990-01-01', 'K', 'I9', '0127', '2023-07-01', NULL,         NULL,     10, 2);
