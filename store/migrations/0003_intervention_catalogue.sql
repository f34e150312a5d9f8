-- The intervention catalogue's optional columns (issue 12, Insatskarta).
-- provider_municipality also holds 'AF' (Arbetsförmedlingen). languages
-- is a comma-separated list of ISO 639 codes ('ar,prs,sv'). Values that
-- did not parse are NULL: these columns never reject a row.
ALTER TABLE interventions ADD COLUMN description VARCHAR;
ALTER TABLE interventions ADD COLUMN target_group VARCHAR;
ALTER TABLE interventions ADD COLUMN languages VARCHAR;
ALTER TABLE interventions ADD COLUMN open_to_others BOOLEAN;
ALTER TABLE interventions ADD COLUMN price_per_participant DOUBLE;
ALTER TABLE interventions ADD COLUMN places BIGINT;
ALTER TABLE interventions ADD COLUMN location VARCHAR;
ALTER TABLE interventions ADD COLUMN contact VARCHAR;
ALTER TABLE interventions ADD COLUMN valid_from DATE;
ALTER TABLE interventions ADD COLUMN valid_to DATE;
