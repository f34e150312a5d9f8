-- persons: one row per pseudonym of the sources a cohort table is built
-- from (settlements, so_registrations, sfi_courses, af_plans,
-- intervention_participations) with birth date and legal gender.
-- so_attendance and so_certificates are read only through joins with the
-- registered persons (effekt_so_attended here, the certificates in
-- 02_so_cohort.sql): a person in them alone is in no cohort table, so
-- persons leaves them out. They are 18 of the national sample's 22 M
-- rows, and grouping their pseudonyms took 1–1.6 s of a rebuild.
--
-- Every source derives both from the same personnummer, so they agree (and
-- persons takes the one variant without ranking rows). Should a source ever
-- disagree, the most authoritative source wins, in this order:
-- settlements, so_registrations, sfi_courses, af_plans,
-- intervention_participations; within one source the earliest file and
-- line.
--
-- Inside the transform a person is keyed by person_key, which every source
-- table stores beside the pseudonym (the HMAC's first 64 bits, written by
-- the loader; migration 0006): joins, groups and windows on it read 8
-- bytes a row where hashing the 64-character hex took several times as
-- long. Only persons holds the pseudonym; the cohort tables hold the key
-- alone (writing the pseudonym into each of them was half of the bytes a
-- rebuild wrote). It is checked to be one-to-one over persons: the model
-- fails when two pseudonyms share a key, so a join on it between the
-- tables built from persons' sources is a join on the pseudonym. A join
-- of so_attendance or so_certificates rows, whose pseudonyms persons does
-- not hold, trusts the key alone: two persons share the first 64 bits of
-- their keyed HMACs with a probability below n²/2⁶⁵ (3·10⁻⁸ for the
-- national sample's 10⁶ persons), and comparing the pseudonyms too cost
-- all that the key gains (docs/decisions.md). Every table the transform
-- writes keeps it as person_key, so that an update finds a person's rows,
-- the case-mix companions join them, and evaluators find a cohort row's
-- pseudonym in persons, on it.

-- Every model is a template run in one of two modes (transform.go's
-- Render), with three functions:
--   rebuild  clear "t" drops table t, src "t" is source table t and
--            inKey "k" is true: every table is built anew.
--   update   for the persons in effekt_scope (pk of every person the loads
--            since the tables were built touched) only: clear "t" deletes
--            their rows from t (by its person_key), src "t" is t's rows of
--            them, and inKey "k" keeps them (k a person key). A
--            person's rows in every table depend on that person's
--            source rows alone (and on the intervention
--            catalogue's providers, whose changes put the participants in
--            scope), so the update gives the tables a rebuild would.
-- A source table a model reads only through a join with a scoped
-- temporary table (so_attendance, so_certificates) needs no src: the join
-- keeps only the persons in scope. A source table read through src more
-- than once (settlements, so_registrations, sfi_courses) has its rows of
-- the persons in scope selected once per update, into effekt_in_<table>
-- (transform.go's sharedSources), which src then names.
--
-- The temporary tables built here are shared with the later models; the
-- model that uses one last drops it:
--   effekt_persons     pk, birth_date, gender, case_cov, birth_year, birth_md
--                      (persons by pk; the birth date as the age bands read it)
--   effekt_so_first    the earliest registration per person (so_cohort)
--   effekt_so_attended the civic-orientation hours and first session (so_cohort)
--   effekt_near        the earliest registration near the settlement (settlement_cohort)
-- effekt_so_first: one row per registered person, the earliest registration
-- (ties on the date: the lowest municipality code, then file and line).
CREATE OR REPLACE TEMP TABLE effekt_so_first AS
SELECT person_key AS pk, municipality, registered_on, language
FROM {{src "so_registrations"}} t
QUALIFY row_number() OVER (PARTITION BY person_key ORDER BY registered_on, municipality, file_id, line) = 1;

-- effekt_so_attended: so_attendance holds most of the loaded rows. Per
-- registered person with a present session: the present hours dated in
-- [registered_on, registered_on + 365], in hundredths (centihours: each
-- session's hours rounded to the hundredth, as a cast to DECIMAL(12, 2)
-- rounds them, and summed as whole numbers, which a DOUBLE holds exactly:
-- the sum is exact whatever its order, so 60 hours is reached exactly; the
-- cast cost 0.1 s nationally) and the first present session on or after
-- registered_on. An absent session counts for nothing.
{{if .Scoped -}}
-- An update joins the rows of the persons in scope.
CREATE OR REPLACE TEMP TABLE effekt_so_attended AS
SELECT r.pk,
       sum(round(a.hours * 100)) FILTER (
           WHERE a.session_date BETWEEN r.registered_on AND r.registered_on + 365) AS centihours,
       min(a.session_date) FILTER (WHERE a.session_date >= r.registered_on) AS first_session
FROM so_attendance a
JOIN effekt_so_first r ON r.pk = a.person_key
WHERE a.present
GROUP BY r.pk;
{{- else -}}
-- A rebuild first sums every person's present sessions, whatever their
-- dates, with the first and the last (effekt_att): grouping the 15 M
-- national rows by key alone took half as long as joining each to its
-- person's registration first. A registered person whose present
-- sessions all fall in the window (every one in the national sample) has
-- those totals; the others are summed from their rows as an update does.
CREATE OR REPLACE TEMP TABLE effekt_att AS
SELECT person_key AS pk, sum(round(hours * 100)) AS centihours,
       min(session_date) AS first_on, max(session_date) AS last_on
FROM so_attendance
WHERE present
GROUP BY person_key;

CREATE OR REPLACE TEMP TABLE effekt_so_attended AS
WITH r AS MATERIALIZED (
    SELECT r.pk, r.registered_on, a.centihours, a.first_on,
           a.first_on >= r.registered_on AND a.last_on <= r.registered_on + 365 AS inside
    FROM effekt_so_first r
    JOIN effekt_att a USING (pk)
)
SELECT pk, centihours, first_on AS first_session
FROM r
WHERE inside
UNION ALL
SELECT r.pk,
       sum(round(s.hours * 100)) FILTER (
           WHERE s.session_date BETWEEN r.registered_on AND r.registered_on + 365),
       min(s.session_date) FILTER (WHERE s.session_date >= r.registered_on)
FROM so_attendance s
JOIN r ON r.pk = s.person_key AND NOT r.inside
WHERE s.present
GROUP BY r.pk;

DROP TABLE effekt_att;
{{- end}}

{{if .Scoped -}}
-- Update: a load never removes a person (it deletes only rows that share a
-- key, which holds the person, with a row of its own) and only adds rows.
-- So a person's row stands when it was known, its sources agreed
-- (variants = 1) and every row the loads added agrees with it; a person
-- not known before has only added rows. Only the rest (effekt_redo: known,
-- and a disagreement before or now, usually none) is recomputed from all
-- of its rows; with none, DuckDB reads no source for them.
--
-- effekt_fresh: every row the loads added that names a person, with its
-- source's rank (settlements 1 … intervention_participations 5, the order
-- above).
CREATE OR REPLACE TEMP TABLE effekt_fresh AS
          SELECT 1 AS source, person_key AS pk, person, birth_date, gender, file_id, line FROM settlements WHERE {{.Loaded}}
UNION ALL SELECT 2, person_key, person, birth_date, gender, file_id, line FROM so_registrations WHERE {{.Loaded}}
UNION ALL SELECT 3, person_key, person, birth_date, gender, file_id, line FROM sfi_courses WHERE {{.Loaded}}
UNION ALL SELECT 4, person_key, person, birth_date, gender, file_id, line FROM af_plans WHERE {{.Loaded}}
UNION ALL SELECT 5, person_key, person, birth_date, gender, file_id, line FROM intervention_participations WHERE {{.Loaded}};

-- effekt_known: the persons rows of the persons with an added row.
CREATE OR REPLACE TEMP TABLE effekt_known AS
SELECT person_key AS pk, person, birth_date, gender, variants
FROM persons
WHERE person_key IN (SELECT pk FROM effekt_fresh);

CREATE OR REPLACE TEMP TABLE effekt_redo AS
SELECT k.pk
FROM effekt_known k
WHERE k.variants <> 1
   OR EXISTS (SELECT 1 FROM effekt_fresh f
              WHERE f.pk = k.pk AND (f.person <> k.person OR f.birth_date IS DISTINCT FROM k.birth_date
                                     OR f.gender IS DISTINCT FROM k.gender));

-- effekt_seen: the added rows of the persons not known before, and every
-- row of the persons in effekt_redo.
CREATE OR REPLACE TEMP VIEW effekt_seen AS
          SELECT source, pk AS person_key, person, birth_date, gender, file_id, line FROM effekt_fresh
          WHERE pk NOT IN (SELECT pk FROM effekt_known)
UNION ALL SELECT 1 AS source, person_key, person, birth_date, gender, file_id, line FROM {{src "settlements" "effekt_redo"}} t
UNION ALL SELECT 2, person_key, person, birth_date, gender, file_id, line FROM {{src "so_registrations" "effekt_redo"}} t
UNION ALL SELECT 3, person_key, person, birth_date, gender, file_id, line FROM {{src "sfi_courses" "effekt_redo"}} t
UNION ALL SELECT 4, person_key, person, birth_date, gender, file_id, line FROM {{src "af_plans" "effekt_redo"}} t
UNION ALL SELECT 5, person_key, person, birth_date, gender, file_id, line FROM {{src "intervention_participations" "effekt_redo"}} t;
{{- else -}}
-- effekt_seen: every row of every source that names a person, with its
-- source's rank (settlements 1 … intervention_participations 5, the order
-- above).
CREATE OR REPLACE TEMP VIEW effekt_seen AS
          SELECT 1 AS source, person_key, person, birth_date, gender, file_id, line FROM settlements
UNION ALL SELECT 2, person_key, person, birth_date, gender, file_id, line FROM so_registrations
UNION ALL SELECT 3, person_key, person, birth_date, gender, file_id, line FROM sfi_courses
UNION ALL SELECT 4, person_key, person, birth_date, gender, file_id, line FROM af_plans
UNION ALL SELECT 5, person_key, person, birth_date, gender, file_id, line FROM intervention_participations;
{{- end}}

-- effekt_variants: every distinct (person, birth date, gender) of the rows
-- seen, with the person's key. The loader derives birth date and gender
-- from the identity the pseudonym is keyed on (SPEC §3), so a person has
-- one variant; only a database written otherwise can give a person two.
CREATE OR REPLACE TEMP TABLE effekt_variants AS
SELECT DISTINCT person_key, person, birth_date, gender FROM effekt_seen;

-- effekt_disagree: the keys with more than one variant, and how many: a
-- person whose rows disagree (none, as loaded), or two pseudonyms that
-- share a key (which the check below refuses). Grouped on the 8-byte key,
-- so that neither this nor the insert of the persons whose rows agree
-- groups the pseudonyms again (0.2–0.3 s of a national rebuild).
CREATE OR REPLACE TEMP TABLE effekt_disagree AS
SELECT person_key, count(*) AS variants FROM effekt_variants GROUP BY person_key HAVING count(*) > 1;

-- effekt_case_cov: per settled person (pk) case_cov, the case-mix
-- covariates of the settlement as one number (transform/casemix.go's
-- caseCovSQL builds it; CaseLevels names the numbers), for effekt_persons
-- to give every cohort row.
{{caseCov (src "settlements")}};

-- effekt_near (settlement_cohort): per settled person (pk) the earliest
-- registration in [settled_on - 30, settled_on + 90], in any municipality;
-- keys and dates only.
CREATE OR REPLACE TEMP TABLE effekt_near AS
SELECT s.pk, min(r.registered_on) AS so_registered_on
FROM (SELECT person_key AS pk, settled_on FROM {{src "settlements"}} t) s
JOIN (SELECT person_key AS pk, registered_on FROM {{src "so_registrations"}} t) r
  ON r.pk = s.pk
 AND r.registered_on BETWEEN s.settled_on - 30 AND s.settled_on + 90
GROUP BY s.pk;
{{- if not .Scoped}}

-- effekt_persons (a rebuild): persons by pk, for the cohort models to join
-- on, with case_cov, the case-mix covariates of the person's settlement (0
-- for a person without one; transform/casemix.go), which every cohort row
-- stores. settlements has one row per person (its key). A rebuild builds
-- it here, before its transaction, from the variants of the keys that have
-- one, which are those keys' rows of persons (below): the five cohort
-- models then read it faster (0.1 s nationally). The persons whose rows
-- disagree are added inside it, from persons; an update builds it there,
-- from persons.
CREATE OR REPLACE TEMP TABLE effekt_persons AS
SELECT v.person_key AS pk, v.birth_date, v.gender, coalesce(c.case_cov, 0)::SMALLINT AS case_cov,
       year(v.birth_date)::SMALLINT AS birth_year, (month(v.birth_date) * 100 + day(v.birth_date))::SMALLINT AS birth_md
FROM effekt_variants v
ANTI JOIN effekt_disagree USING (person_key)
LEFT JOIN effekt_case_cov c ON c.pk = v.person_key;
{{- end}}

-- effekt: the transaction begins here
-- (Everything above builds temporary tables from the sources and the
-- committed tables alone; the transform runs it on its connection before
-- its transaction, where DuckDB scans the tables it makes about twice as
-- fast as tables made inside a transaction. transform.go's run checks
-- that no load committed in between.)
--
-- The pseudonym is random hex: FSST gains little on it and costs a lot to
-- write and to read back in every join, so it is stored uncompressed.
-- variants: how many different (birth date, gender) the person's rows
-- give (1 as effekt loads them).
{{clear "persons" "effekt_redo"}};
CREATE TABLE IF NOT EXISTS persons (
    person VARCHAR USING COMPRESSION uncompressed,
    birth_date DATE USING COMPRESSION bitpacking,
    gender VARCHAR USING COMPRESSION dictionary,
    variants INTEGER USING COMPRESSION bitpacking,
    person_key UBIGINT USING COMPRESSION uncompressed
);
-- persons whose rows agree: the one variant of each key that has one
-- (a key with one variant has one pseudonym).
INSERT INTO persons
SELECT person, birth_date, gender, 1, person_key
FROM effekt_variants
ANTI JOIN effekt_disagree USING (person_key);

-- persons whose rows disagree: their first row, ranked by rank_key =
-- source_rank · 2⁶⁰ + file_id · 2³² + line (exact while file ids stay
-- below 2²⁸: beyond that the model fails, never mis-ranks), with the
-- number of variants of their key (theirs: the check below refuses a key
-- of two pseudonyms). With no such key (the join's build side empty)
-- DuckDB reads none of the sources.
INSERT INTO persons
SELECT person, arg_min(birth_date, rank_key), arg_min(gender, rank_key), any_value(d.variants), any_value(person_key)
FROM (
    SELECT person, person_key, birth_date, gender, file_id,
           (source::BIGINT << 60) + file_id * 4294967296 + line AS rank_key
    FROM effekt_seen
) s
JOIN effekt_disagree d USING (person_key)
GROUP BY person
HAVING CASE WHEN max(file_id) >= 268435456
            THEN error('transform: a file id of 2^28 or more does not fit the source rank key, nothing was changed')
            ELSE true END;

-- pk is one-to-one: no two pseudonyms of persons' sources share it. Only
-- a key of effekt_disagree can have two rows now (the insert of the
-- persons whose rows agree gives every other key of effekt_variants one
-- row, and an update first deleted the rows of the keys it rewrites, or
-- had none), so only those are checked, and every other pair was checked
-- when it was written: reading a few 8-byte keys costs far less than
-- counting the distinct keys of every person (0.07 s nationally).
SELECT error('transform: two pseudonyms share the internal person key, nothing was changed')
FROM (SELECT person_key FROM persons
      WHERE person_key IN (SELECT person_key FROM effekt_disagree)
      GROUP BY person_key HAVING count(*) > 1 LIMIT 1);

{{if .Scoped -}}
-- effekt_persons (an update): the persons in scope by pk, as a rebuild
-- builds it before its transaction.
CREATE OR REPLACE TEMP TABLE effekt_persons AS
SELECT p.person_key AS pk, p.birth_date, p.gender, coalesce(c.case_cov, 0)::SMALLINT AS case_cov,
       year(p.birth_date)::SMALLINT AS birth_year, (month(p.birth_date) * 100 + day(p.birth_date))::SMALLINT AS birth_md
FROM persons p
LEFT JOIN effekt_case_cov c ON c.pk = p.person_key
WHERE {{inKey "p.person_key"}};
{{- else -}}
-- effekt_persons (a rebuild): the persons whose rows disagree.
INSERT INTO effekt_persons
SELECT p.person_key, p.birth_date, p.gender, coalesce(c.case_cov, 0)::SMALLINT,
       year(p.birth_date)::SMALLINT, (month(p.birth_date) * 100 + day(p.birth_date))::SMALLINT
FROM persons p
SEMI JOIN effekt_disagree USING (person_key)
LEFT JOIN effekt_case_cov c ON c.pk = p.person_key;
{{- end}}

DROP TABLE effekt_case_cov;
DROP TABLE effekt_disagree;
DROP TABLE effekt_variants;
DROP VIEW effekt_seen;
{{- if .Scoped}}
DROP TABLE effekt_redo;
DROP TABLE effekt_known;
DROP TABLE effekt_fresh;
{{- end}}
