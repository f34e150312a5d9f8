-- Wilson score interval for k successes out of n, in percent, at
-- z = 1.959964 (95 %), clamped to [0, 100]:
--   centre = (k + z²/2) / (n + z²)
--   half   = z · sqrt(k·(n − k)/n + z²/4) / (n + z²)
CREATE OR REPLACE TEMP MACRO effekt_wilson_low(k, n) AS
    greatest(0.0, 100.0 * (
        (k::DOUBLE + 1.959964::DOUBLE * 1.959964::DOUBLE / 2.0)
        - 1.959964::DOUBLE * sqrt(k::DOUBLE * (n::DOUBLE - k::DOUBLE) / n::DOUBLE + 1.959964::DOUBLE * 1.959964::DOUBLE / 4.0)
    ) / (n::DOUBLE + 1.959964::DOUBLE * 1.959964::DOUBLE));
CREATE OR REPLACE TEMP MACRO effekt_wilson_high(k, n) AS
    least(100.0, 100.0 * (
        (k::DOUBLE + 1.959964::DOUBLE * 1.959964::DOUBLE / 2.0)
        + 1.959964::DOUBLE * sqrt(k::DOUBLE * (n::DOUBLE - k::DOUBLE) / n::DOUBLE + 1.959964::DOUBLE * 1.959964::DOUBLE / 4.0)
    ) / (n::DOUBLE + 1.959964::DOUBLE * 1.959964::DOUBLE));
