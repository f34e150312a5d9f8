-- effekt_case: the case-mix rows of proportion indicators, one per
-- indicator and cohort row, as a view: the companions read it twice, once
-- grouped by pattern for the fit (readPatterns) and once joined to the
-- patterns' probabilities and grouped by cell (expected_cells.sql). Both
-- group into few rows (53 652 patterns and 46 901 cells nationally), which
-- DuckDB does fast; the rows grouped by cell and pattern (2.4 M of the
-- 5.6 M national rows) cost more to group and store (1.3–1.7 s) than the
-- second read of the rows (0.25 s). The rows are the indicators' cohort
-- rows (the models' micro SQL of each, spliced in below with its id as
-- eff_kpi and the cohort table's case_cov added) with x and
-- the levels, in evaluate's factor order l0…l5 (gender, age band at the
-- cohort date, education, region of birth, months from permit to
-- settlement, cohort year), held as numbers, which DuckDB groups far
-- faster than strings: l0 is gender and l5 period themselves, a the age
-- band at the cohort date, which the micro SQL gives as age_band (the
-- cohort row's, which the transform stored: 0 'saknas', 1 '−24',
-- 2 '25–34', 3 '35–44', 4 '45+', as transform.AgeBands names them;
-- computing it here from two dates cost 0.1 s of each of the two reads)
-- and cov the combination of l2…l4: the cohort row's case_cov,
-- which the transform computed from the person's settlement
-- (transform.CaseLevels names it; 0 for persons without a settlement).
-- Reading it with the row instead of joining every row to the
-- settlements' covariates at each compute halves both reads. as_of is
-- read when the view is.
CREATE OR REPLACE TEMP VIEW effekt_case AS
WITH micro AS (
{{micro}}
)
SELECT
    m.eff_kpi AS kpi,
    m.municipality,
    m.period,
    m.gender,
    m.age_band AS a,
    m.eff_cov AS cov,
    m.x
FROM micro m
WHERE m.x IS NOT NULL
