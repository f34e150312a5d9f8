-- effekt_expected: observed and expected counts per area, period and gender
-- of one proportion indicator, from effekt_case and the fitted model in
-- effekt_beta (f = −1 the intercept; f = 0…5 a level's coefficient, the
-- reference levels absent). Each case row's probability p = 1/(1 + e^−z)
-- with z the sum of its coefficients. n persons, o with x = 1, e = Σ p,
-- v = Σ p(1 − p) (the variance of o when the model holds). e and v are
-- summed as DECIMAL(38, 18), exactly: a floating sum's last bits depend on
-- the order a parallel aggregation adds in, and the same data must give
-- the same published values.
--
-- Areas and genders are placed as models' cells.sql places them: the
-- municipality, its county, Riket and each configured group
-- (effekt_area_groups); under its own gender when {{by_gender}} and under T.
CREATE OR REPLACE TEMP TABLE effekt_expected AS
WITH scored AS (
    SELECT
        c.municipality, c.period, c.gender, c.n, c.k,
        (SELECT beta FROM effekt_beta WHERE f = -1)
            + coalesce(b0.beta, 0) + coalesce(b1.beta, 0) + coalesce(b2.beta, 0)
            + coalesce(b3.beta, 0) + coalesce(b4.beta, 0) + coalesce(b5.beta, 0) AS z
    FROM effekt_case c
    LEFT JOIN effekt_beta b0 ON b0.f = 0 AND b0.level = c.l0
    LEFT JOIN effekt_beta b1 ON b1.f = 1 AND b1.level = c.l1
    LEFT JOIN effekt_beta b2 ON b2.f = 2 AND b2.level = c.l2
    LEFT JOIN effekt_beta b3 ON b3.f = 3 AND b3.level = c.l3
    LEFT JOIN effekt_beta b4 ON b4.f = 4 AND b4.level = c.l4
    LEFT JOIN effekt_beta b5 ON b5.f = 5 AND b5.level = c.l5
),
probs AS (
    SELECT *, CASE WHEN z >= 0 THEN 1.0 / (1.0 + exp(-z)) ELSE exp(z) / (1.0 + exp(z)) END AS p
    FROM scored
),
counted AS (
    SELECT municipality, period, gender,
           sum(n) AS n, sum(k) AS o,
           sum((n * p)::DECIMAL(38, 18)) AS e, sum((n * p * (1.0 - p))::DECIMAL(38, 18)) AS v
    FROM probs
    GROUP BY ALL
),
placed AS (
    SELECT municipality AS area, period, gender, n, o, e, v FROM counted
    UNION ALL
    SELECT '00' || substr(municipality, 1, 2), period, gender, n, o, e, v FROM counted
    UNION ALL
    SELECT '0000', period, gender, n, o, e, v FROM counted
    UNION ALL
    SELECT g.gid, c.period, c.gender, c.n, c.o, c.e, c.v
    FROM counted c
    JOIN effekt_area_groups g ON g.member = c.municipality
),
split AS (
    SELECT * FROM placed WHERE {{by_gender}}
    UNION ALL
    SELECT area, period, 'T', n, o, e, v FROM placed
)
SELECT area, period, gender, sum(n)::BIGINT AS n, sum(o) AS o, sum(e)::DOUBLE AS e, sum(v)::DOUBLE AS v
FROM split
GROUP BY ALL
