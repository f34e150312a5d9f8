-- The release published before the values in indicator_values: each base
-- indicator cell of the compute those values replaced, with its true count
-- and numerator and whether that release hid it. Disclosure control of
-- the current values takes it into account (cohorts only grow, so a reader
-- holding both releases bounds the earlier hidden cells by the later
-- published ones). Written by the compute that changes the values
-- (snapshot.ReleaseStep); never published itself.
CREATE TABLE published_before (
    kpi          VARCHAR NOT NULL,
    municipality VARCHAR NOT NULL,
    period       INTEGER NOT NULL,
    gender       VARCHAR NOT NULL,
    denominator  BIGINT NOT NULL,
    numerator    BIGINT,
    suppressed   BOOLEAN NOT NULL
);
