-- Statements of one file load, templated over the kind's declaration
-- ({{.Table}}, {{.Key}} …). The file's rows are first appended to TEMP
-- staging tables of the loader's connection (in memory, private to it, gone
-- with it): ingest_rows (the kind's values, each person as an index p into
-- ingest_persons, no file_id), ingest_persons (p → pseudonym, birth date,
-- gender) and ingest_rejects. Staging is not data: the file's one
-- transaction then copies the rows into {{.Table}} and rejected_rows
-- (file id $1).

{{define "stage"}}
CREATE OR REPLACE TEMP TABLE ingest_rows AS SELECT {{.StageDef}} FROM {{.Table}} LIMIT 0;
CREATE OR REPLACE TEMP TABLE ingest_persons (p INTEGER, person VARCHAR, birth_date DATE, gender VARCHAR);
CREATE OR REPLACE TEMP TABLE ingest_rejects AS SELECT file_id, kind, line, "column", value, reason, message FROM rejected_rows LIMIT 0;
-- lines whose key hash (computed while staging) another line of the file
-- shares: every repeated key is among them (a hash collision only adds lines)
CREATE OR REPLACE TEMP TABLE ingest_cand (line BIGINT)
{{end}}

{{define "dups"}}
-- keys repeated within the file, with the line that wins (the last one);
-- only the candidate lines can hold one.
CREATE OR REPLACE TEMP TABLE ingest_dups AS
SELECT {{.StageKey}}, max(line) AS winner
FROM ingest_rows
WHERE line IN (SELECT line FROM ingest_cand)
GROUP BY {{.StageKey}}
HAVING count(*) > 1
{{end}}

{{define "superseded"}}
-- (a) a key repeated within the file: the last row wins, the lines of
-- earlier ones are superseded …
CREATE OR REPLACE TEMP TABLE ingest_sup AS
SELECT s.line, d.winner
FROM ingest_rows AS s
JOIN ingest_dups AS d ON {{.StageKeyJoin}}
WHERE s.line < d.winner
{{end}}

{{define "reject_superseded"}}
-- … rejected …
INSERT INTO rejected_rows (file_id, kind, line, "column", value, reason, message)
SELECT $1, '{{.Table}}', line, NULL, NULL, 'superseded',
       'line ' || line || ': superseded by line ' || winner || ' of the same file, which has the same {{.KeyNames}}'
FROM ingest_sup
{{end}}

{{define "any_rows"}}
SELECT count(*) FROM (SELECT 1 FROM {{.Table}} LIMIT 1)
{{end}}

{{define "delete_old"}}
-- (b) the file replaces the rows of earlier files it shares keys with.
DELETE FROM {{.Table}} AS t
USING (SELECT DISTINCT {{.StageKeyTargets}} FROM ingest_rows AS s {{.PersonJoin}}) AS s
WHERE {{.KeyJoin}}
{{end}}

{{define "insert"}}
INSERT INTO {{.Table}} ({{.Targets}})
SELECT {{.InsertSelect}}
FROM ingest_rows AS s {{.PersonJoin}}
{{end}}

{{define "insert_dedup"}}
INSERT INTO {{.Table}} ({{.Targets}})
SELECT {{.InsertSelect}}
FROM ingest_rows AS s {{.PersonJoin}}
-- … and left out.
WHERE NOT EXISTS (SELECT 1 FROM ingest_sup AS u WHERE u.line = s.line)
{{end}}

{{define "insert_rejects"}}
INSERT INTO rejected_rows (file_id, kind, line, "column", value, reason, message)
SELECT file_id, kind, line, "column", value, reason, message FROM ingest_rejects
{{end}}

{{define "drop"}}
DROP TABLE IF EXISTS ingest_rows; DROP TABLE IF EXISTS ingest_persons; DROP TABLE IF EXISTS ingest_rejects;
DROP TABLE IF EXISTS ingest_cand; DROP TABLE IF EXISTS ingest_dups; DROP TABLE IF EXISTS ingest_sup
{{end}}
