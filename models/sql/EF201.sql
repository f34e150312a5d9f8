-- EF201 SFI: klarat minst en kurs inom 12 månader: SFI starters whose
-- 365-day window has closed by as_of, in the municipality of their first
-- course; x = 1 with a pass grade (A–E) dated in the window.
SELECT
    municipality,
    year(started_on)::INTEGER          AS period,
    gender,
    started_on                         AS cohort_date,
    age_band,
    (CASE WHEN passed_on IS NOT NULL THEN 1 ELSE 0 END)::DOUBLE AS x
FROM sfi_cohort
WHERE window_end <= getvariable('as_of')
