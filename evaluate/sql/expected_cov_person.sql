-- effekt_cov_person: effekt_cov keyed by the pseudonym itself, for the case
-- rows' join when the hash key is not one-to-one (buildCov); the levels
-- and their numbers are effekt_cov_levels' (expected_cov.sql).
CREATE OR REPLACE TEMP TABLE effekt_cov_person AS
SELECT person, cov
FROM effekt_cov_source()
