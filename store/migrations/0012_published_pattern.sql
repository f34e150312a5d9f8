-- The pattern the current values are published with: the base indicator
-- cells disclosure control hides (published_pattern), computed once by
-- the compute that wrote the values (snapshot.ReleaseStep, inside its
-- transaction), and what it was computed from (published_pattern_state:
-- a fingerprint of the cells, their as_of, min_n, the groups and the
-- releases before, and the cells' part alone: a compute that changed no
-- cell checks the rest without reading them). snapshot.Build uses it when the fingerprint is the one
-- of the values and options it builds with, else computes the pattern
-- itself; the next compute records it as the release it replaces.
CREATE TABLE published_pattern (
    kpi          VARCHAR NOT NULL,
    municipality VARCHAR NOT NULL,
    period       INTEGER NOT NULL,
    gender       VARCHAR NOT NULL
);
CREATE TABLE published_pattern_state (
    fingerprint VARCHAR NOT NULL,
    cells       VARCHAR NOT NULL, -- the cells' part of the fingerprint
    computed_at TIMESTAMPTZ,      -- of the values it was written for
    written_at  TIMESTAMPTZ NOT NULL
);
