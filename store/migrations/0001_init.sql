-- 0001: the first schema of effekt. One table per file kind (named after the
-- kind), the municipality dimension, the file log, rejected rows, job runs and
-- indicator values. Persons are identified only by their pseudonym.

CREATE TABLE municipalities (
    id    VARCHAR NOT NULL PRIMARY KEY, -- Kolada id: 0127, 0001, 0000
    title VARCHAR NOT NULL,
    type  VARCHAR NOT NULL              -- K municipality, L region or Riket
);

CREATE SEQUENCE file_id_seq START 1;

CREATE TABLE files (
    file_id       BIGINT  NOT NULL PRIMARY KEY,
    path          VARCHAR NOT NULL,   -- path as found in the inbox
    name          VARCHAR NOT NULL,   -- base name
    kind          VARCHAR,            -- NULL when the kind could not be recognised
    sha256        VARCHAR NOT NULL,
    size_bytes    BIGINT  NOT NULL,
    rows_read     BIGINT  NOT NULL DEFAULT 0,
    rows_loaded   BIGINT  NOT NULL DEFAULT 0,
    rows_rejected BIGINT  NOT NULL DEFAULT 0,
    status        VARCHAR NOT NULL,   -- loaded | failed
    error         VARCHAR,            -- what to fix, for failed files
    started_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ NOT NULL,
    duration_ms   BIGINT  NOT NULL
);

CREATE TABLE rejected_rows (
    file_id BIGINT  NOT NULL,
    kind    VARCHAR NOT NULL,
    line    BIGINT  NOT NULL,         -- line (CSV) or row (XLSX) number, header = 1
    "column" VARCHAR,                 -- header as written in the file; NULL for whole-row reasons
    value   VARCHAR,                  -- the offending value, personnummer masked YYYYMMDD-****
    reason  VARCHAR NOT NULL,         -- code: invalid_person_id, invalid_date, superseded, ...
    message VARCHAR NOT NULL          -- what a person can act on
);

CREATE TABLE so_registrations (
    person        VARCHAR NOT NULL,   -- HMAC-SHA256 pseudonym (hex)
    birth_date    DATE    NOT NULL,
    gender        VARCHAR NOT NULL,   -- K or M
    municipality  VARCHAR NOT NULL,   -- kommunkod
    registered_on DATE    NOT NULL,
    language      VARCHAR NOT NULL,   -- ISO 639 code, or the lower-cased name
    referred_by   VARCHAR,
    file_id       BIGINT  NOT NULL,
    line          BIGINT  NOT NULL
);

CREATE TABLE so_attendance (
    person       VARCHAR NOT NULL,
    birth_date   DATE    NOT NULL,
    gender       VARCHAR NOT NULL,
    session_date DATE    NOT NULL,
    hours        DOUBLE  NOT NULL,
    group_id     VARCHAR NOT NULL DEFAULT '', -- '' when the file has none
    present      BOOLEAN NOT NULL,
    file_id      BIGINT  NOT NULL,
    line         BIGINT  NOT NULL
);

CREATE TABLE so_certificates (
    person      VARCHAR NOT NULL,
    birth_date  DATE    NOT NULL,
    gender      VARCHAR NOT NULL,
    issued_on   DATE    NOT NULL,
    hours_total VARCHAR,              -- descriptive, kept as given
    file_id     BIGINT  NOT NULL,
    line        BIGINT  NOT NULL
);

CREATE TABLE settlements (
    person        VARCHAR NOT NULL,
    birth_date    DATE    NOT NULL,
    gender        VARCHAR NOT NULL,
    municipality  VARCHAR NOT NULL,
    permit_on     DATE    NOT NULL,
    settled_on    DATE    NOT NULL,
    education     VARCHAR,            -- förgymnasial | gymnasial | eftergymnasial | okänd
    birth_country VARCHAR,
    file_id       BIGINT  NOT NULL,
    line          BIGINT  NOT NULL
);

CREATE TABLE sfi_courses (
    person          VARCHAR NOT NULL,
    birth_date      DATE    NOT NULL,
    gender          VARCHAR NOT NULL,
    municipality    VARCHAR NOT NULL,
    course          VARCHAR NOT NULL, -- A | B | C | D
    started_on      DATE    NOT NULL,
    grade           VARCHAR,          -- A-F, NULL = not graded yet
    graded_on       DATE,
    discontinued_on DATE,
    file_id         BIGINT  NOT NULL,
    line            BIGINT  NOT NULL
);

CREATE TABLE interventions (
    intervention_id       VARCHAR NOT NULL,
    name                  VARCHAR NOT NULL,
    provider_municipality VARCHAR NOT NULL,
    category              VARCHAR,
    file_id               BIGINT  NOT NULL,
    line                  BIGINT  NOT NULL
);

CREATE TABLE intervention_participations (
    person          VARCHAR NOT NULL,
    birth_date      DATE    NOT NULL,
    gender          VARCHAR NOT NULL,
    intervention_id VARCHAR NOT NULL,
    municipality    VARCHAR NOT NULL,
    started_on      DATE    NOT NULL,
    ended_on        DATE,
    outcome         VARCHAR,          -- arbete | studier | annat | avbrott; NULL ongoing/unknown
    file_id         BIGINT  NOT NULL,
    line            BIGINT  NOT NULL
);

CREATE TABLE af_plans (
    person              VARCHAR NOT NULL,
    birth_date          DATE    NOT NULL,
    gender              VARCHAR NOT NULL,
    municipality        VARCHAR NOT NULL,
    plan_started_on     DATE    NOT NULL,
    plan_ended_on       DATE,
    outcome_90d         VARCHAR,      -- ARB | SUB | STU | SOK | OVR; NULL unknown
    outcome_measured_on DATE,
    file_id             BIGINT  NOT NULL,
    line                BIGINT  NOT NULL
);

CREATE SEQUENCE run_id_seq START 1;

CREATE TABLE job_runs (
    run_id      BIGINT  NOT NULL PRIMARY KEY,
    job         VARCHAR NOT NULL,     -- ingest | compute | export
    trigger     VARCHAR NOT NULL,     -- schedule | api | cli | chain
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    outcome     VARCHAR NOT NULL,     -- running | ok | failed | skipped | panic
    rows        BIGINT  NOT NULL DEFAULT 0,
    error       VARCHAR
);

CREATE TABLE indicator_values (
    kpi          VARCHAR NOT NULL,    -- EF101 ...
    municipality VARCHAR NOT NULL,    -- 0127, 0001 (county), 0000 (Riket), G0001 (group)
    period       INTEGER NOT NULL,    -- calendar year of the cohort date
    gender       VARCHAR NOT NULL,    -- T | K | M
    numerator    BIGINT,              -- NULL for medians
    denominator  BIGINT  NOT NULL,    -- cohort count
    value        DOUBLE,              -- percent, days or kronor; NULL when undefined
    ci_low       DOUBLE,              -- Wilson 95 % for proportions
    ci_high      DOUBLE,
    status       VARCHAR NOT NULL,    -- '' ok; outward views add suppression
    as_of        DATE    NOT NULL,
    computed_at  TIMESTAMPTZ NOT NULL
);
