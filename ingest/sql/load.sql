-- Statements of one file load, templated over the kind's declaration
-- ({{.Table}}, {{.Cols}}, {{.Key}}). Staging lives in TEMP tables on the
-- loader's own connection; everything after staging runs in one transaction.

{{define "stage_rows"}}
CREATE OR REPLACE TEMP TABLE ingest_stage AS
SELECT {{.Cols}} FROM {{.Table}} LIMIT 0
{{end}}

{{define "stage_rejects"}}
CREATE OR REPLACE TEMP TABLE ingest_rejects AS
SELECT * FROM rejected_rows LIMIT 0
{{end}}

{{define "dups"}}
-- keys repeated within the file, with the line that wins (the last one).
CREATE OR REPLACE TEMP TABLE ingest_dups AS
SELECT {{.Key}}, max(line) AS winner
FROM ingest_stage
GROUP BY {{.Key}}
HAVING count(*) > 1
{{end}}

{{define "superseded"}}
-- (a) a key repeated within the file: the last row wins, earlier ones are rejected.
INSERT INTO rejected_rows (file_id, kind, line, "column", value, reason, message)
SELECT s.file_id, '{{.Table}}', s.line, NULL, NULL, 'superseded',
       'line ' || s.line || ': superseded by line ' || d.winner || ' of the same file, which has the same {{.KeyNames}}'
FROM ingest_stage AS s
JOIN ingest_dups AS d ON {{.KeyJoinSD}}
WHERE s.line < d.winner
{{end}}

{{define "delete"}}
-- (b) the file replaces the rows it shares keys with.
DELETE FROM {{.Table}} AS t
USING ingest_stage AS s
WHERE {{.KeyJoin}}
{{end}}

{{define "insert"}}
-- (c) one row per key (no key repeated in the file).
INSERT INTO {{.Table}} ({{.Cols}})
SELECT {{.Cols}} FROM ingest_stage
{{end}}

{{define "insert_dedup"}}
-- (c) one row per key, the last of the file.
INSERT INTO {{.Table}} ({{.Cols}})
SELECT {{.SCols}} FROM ingest_stage AS s
ANTI JOIN ingest_dups AS d ON {{.KeyJoinSD}} AND s.line < d.winner
{{end}}

{{define "rejects"}}
-- (d) rows rejected by validation.
INSERT INTO rejected_rows SELECT * FROM ingest_rejects
{{end}}

{{define "drop"}}
DROP TABLE IF EXISTS ingest_stage; DROP TABLE IF EXISTS ingest_rejects; DROP TABLE IF EXISTS ingest_dups
{{end}}
