-- 0008: mask_state records the version of personnummer masking the stored
-- text was last masked with (ingest's maskVersion): when masking learns a
-- new shape, the next ingest masks the text already stored again, once
-- (1: whole personnummer shapes; 2, 2026-12-02: parts of one too; 3, the
-- same day: more separators, invisible characters, superscript digits).
CREATE TABLE mask_state (
    version   INTEGER NOT NULL,
    masked_at TIMESTAMPTZ NOT NULL,
    cells     BIGINT NOT NULL   -- stored cells the run changed
);
