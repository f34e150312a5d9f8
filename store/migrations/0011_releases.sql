-- Every release published before the values in indicator_values, as a
-- reader who kept each of them holds it: releases numbers them in the
-- order they were replaced (the values of one compute each), with the
-- as_of they were computed at (NULL: unknown, the release kept by 0010);
-- release_cells holds each release's blocks (an indicator's cells of one
-- period, with their true counts and numerators and whether that release
-- hid them) that differ from the release before it; a block it does not
-- hold is as that one's. Disclosure control of the current values takes
-- every release into account (snapshot.History, disclosure.Areas.History);
-- written by the compute that replaces values (snapshot.ReleaseStep),
-- never published itself. Replaces published_before (the release before
-- only: releases that were not consecutive still gave hidden cells away).
CREATE TABLE releases (
    release     INTEGER PRIMARY KEY,
    as_of       DATE,
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE release_cells (
    release      INTEGER NOT NULL,
    kpi          VARCHAR NOT NULL,
    municipality VARCHAR NOT NULL,
    period       INTEGER NOT NULL,
    gender       VARCHAR NOT NULL,
    denominator  BIGINT NOT NULL,
    numerator    BIGINT,
    suppressed   BOOLEAN NOT NULL
);
INSERT INTO releases SELECT 1, NULL, now() WHERE EXISTS (SELECT 1 FROM published_before);
INSERT INTO release_cells SELECT 1, kpi, municipality, period, gender, denominator, numerator, suppressed FROM published_before;
DROP TABLE published_before;
