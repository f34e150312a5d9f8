-- changed_at: when a cell's computed content (numerator, denominator, value,
-- interval, status, as_of) last differed from the compute before; Kolada's
-- from_date filters on it. Existing rows count as changed when computed.
ALTER TABLE indicator_values ADD COLUMN changed_at TIMESTAMPTZ;
UPDATE indicator_values SET changed_at = computed_at;
