-- The fingerprint of the pseudonym key the database's pseudonyms were made
-- with (hex HMAC-SHA256(key, 'effekt-key-check')), written by the first
-- ingest, and who made the database ('demo' for effekt demo): a run with
-- another key is refused instead of giving the same person a second
-- pseudonym. At most one row.
CREATE TABLE pseudonym_key (
    fingerprint VARCHAR NOT NULL,
    made_by     VARCHAR NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
