-- indicator_changes: when each cell's computed content (numerator,
-- denominator, value, interval, status) last differed from the compute
-- before; Kolada's from_date filters on it. Compute keeps it in step with
-- indicator_values in the same transaction.
CREATE TABLE indicator_changes (
    kpi          VARCHAR NOT NULL,
    municipality VARCHAR NOT NULL,
    period       INTEGER NOT NULL,
    gender       VARCHAR NOT NULL,
    changed_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (kpi, municipality, period, gender)
);
INSERT INTO indicator_changes SELECT kpi, municipality, period, gender, computed_at FROM indicator_values;
