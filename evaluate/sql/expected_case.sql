-- effekt_case: the case-mix rows of proportion indicators, one per
-- indicator and cohort row, as a view: the companions read it twice, once
-- grouped by pattern for the fit (readPatterns) and once joined to the
-- patterns' probabilities and grouped by cell (expected_cells.sql). Both
-- group into few rows (53 652 patterns and 46 901 cells nationally), which
-- DuckDB does fast; the rows grouped by cell and pattern (2.4 M of the
-- 5.6 M national rows) cost more to group and store (1.3–1.7 s) than the
-- second read of the rows (0.25 s). The rows are the indicators' cohort
-- rows (the models' micro SQL of each, spliced in below with its id as
-- eff_kpi and the cohort table's birth date and case_cov added) with x and
-- the levels, in evaluate's factor order l0…l5 (gender, age band at the
-- cohort date, education, region of birth, months from permit to
-- settlement, cohort year), held as numbers, which DuckDB groups far
-- faster than strings: l0 is gender and l5 period themselves, a the age
-- band (0 'saknas', 1 '−24', 2 '25–34', 3 '35–44', 4 '45+', as ageBands
-- names them) and cov the combination of l2…l4: the cohort row's case_cov,
-- which the transform computed from the person's settlement
-- (transform.CaseLevels names it; 0 for persons without a settlement).
-- Reading it with the row instead of joining every row to the
-- settlements' covariates at each compute halves both reads. as_of is
-- read when the view is.
CREATE OR REPLACE TEMP VIEW effekt_case AS
WITH micro AS (
{{micro}}
),
rows AS (
    SELECT
        m.eff_kpi AS kpi,
        m.municipality,
        m.period,
        m.gender,
        m.x,
        (year(m.cohort_date) - year(m.eff_birth_date)
            - CASE WHEN month(m.cohort_date) * 100 + day(m.cohort_date) < month(m.eff_birth_date) * 100 + day(m.eff_birth_date)
                   THEN 1 ELSE 0 END)::INTEGER AS age,
        m.eff_cov AS cov
    FROM micro m
    WHERE m.x IS NOT NULL
)
SELECT
    kpi,
    municipality,
    period,
    gender,
    (CASE WHEN age IS NULL THEN 0 WHEN age < 25 THEN 1 WHEN age < 35 THEN 2
          WHEN age < 45 THEN 3 ELSE 4 END)::UTINYINT AS a,
    cov,
    x
FROM rows
