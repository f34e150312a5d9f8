-- effekt_cov_person: effekt_cov keyed by the pseudonym itself, for the case
-- rows' join when the hash key is not one-to-one (buildCov); the levels
-- and their numbers are effekt_cov_levels' (expected_cov.sql).
CREATE OR REPLACE TEMP TABLE effekt_cov_person AS
SELECT r.person, v.cov
FROM effekt_cov_source() r
JOIN effekt_cov_levels v ON v.cov > 0 AND v.l2 = r.l2 AND v.l3 = r.l3 AND v.l4 = r.l4
