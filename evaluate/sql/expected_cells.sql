-- effekt_expected: observed and expected counts per indicator, area,
-- period and gender of the proportion indicators with a fitted model
-- (effekt_models: kpi, by_gender), from the case rows in effekt_case (one
-- per cohort row) and the model's probability of every pattern in effekt_p
-- (kpi, period, gender, a, cov: the levels, as effekt_case holds them;
-- fitCells computes p = 1/(1 + e^−z), z the sum of the pattern's
-- coefficients). n persons, o with x = 1, e = Σ p, v = Σ p(1 − p) (the
-- variance of o when the model holds). e and v are summed exactly, as
-- whole numbers of 10⁻¹⁸: effekt_p holds each pattern's p and p(1 − p) so
-- (pe, pv: BIGINT, rounded in Go), the sums are HUGEINT and become DOUBLE
-- only at the end. A floating sum's last bits depend on the order a
-- parallel aggregation adds in, and the same data must give the same
-- published values.
--
-- Areas and genders are placed as models' cells.sql places them: the
-- municipality, its county, Riket and each configured group
-- (effekt_area_groups); under its own gender when the indicator is divided
-- by gender, and under T.
CREATE OR REPLACE TEMP TABLE effekt_expected AS
WITH counted AS (
    SELECT c.kpi, c.municipality, c.period, c.gender,
           count(*) AS n, sum(c.x) AS o, sum(p.pe) AS e, sum(p.pv) AS v
    FROM effekt_case c
    JOIN effekt_p p ON p.kpi = c.kpi AND p.period = c.period AND p.gender = c.gender AND p.a = c.a AND p.cov = c.cov
    GROUP BY ALL
),
placed AS (
    SELECT kpi, municipality AS area, period, gender, n, o, e, v FROM counted
    UNION ALL
    SELECT kpi, '00' || substr(municipality, 1, 2), period, gender, n, o, e, v FROM counted
    UNION ALL
    SELECT kpi, '0000', period, gender, n, o, e, v FROM counted
    UNION ALL
    SELECT c.kpi, g.gid, c.period, c.gender, c.n, c.o, c.e, c.v
    FROM counted c
    JOIN effekt_area_groups g ON g.member = c.municipality
),
split AS (
    SELECT p.* FROM placed p JOIN effekt_models USING (kpi) WHERE effekt_models.by_gender
    UNION ALL
    SELECT kpi, area, period, 'T', n, o, e, v FROM placed
)
SELECT kpi, area, period, gender, sum(n)::BIGINT AS n, sum(o) AS o, sum(e)::DOUBLE / 1e18 AS e, sum(v)::DOUBLE / 1e18 AS v
FROM split
GROUP BY ALL
