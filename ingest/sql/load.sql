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

{{define "superseded"}}
-- (a) a key repeated within the file: the last row wins, earlier ones are rejected.
INSERT INTO rejected_rows (file_id, kind, line, "column", value, reason, message)
SELECT file_id, '{{.Table}}', line, NULL, NULL, 'superseded',
       'line ' || line || ': superseded by line ' || winner || ' of the same file, which has the same {{.KeyNames}}'
FROM (
    SELECT file_id, line,
           first_value(line) OVER w AS winner,
           row_number() OVER w AS rn
    FROM ingest_stage
    WINDOW w AS (PARTITION BY {{.Key}} ORDER BY line DESC)
)
WHERE rn > 1
{{end}}

{{define "delete"}}
-- (b) the file replaces the rows it shares keys with.
DELETE FROM {{.Table}} AS t
USING (SELECT DISTINCT {{.Key}} FROM ingest_stage) AS s
WHERE {{.KeyJoin}}
{{end}}

{{define "insert"}}
-- (c) one row per key.
INSERT INTO {{.Table}} ({{.Cols}})
SELECT {{.Cols}} FROM ingest_stage
QUALIFY row_number() OVER (PARTITION BY {{.Key}} ORDER BY line DESC) = 1
{{end}}

{{define "rejects"}}
-- (d) rows rejected by validation.
INSERT INTO rejected_rows SELECT * FROM ingest_rejects
{{end}}

{{define "drop"}}
DROP TABLE IF EXISTS ingest_stage; DROP TABLE IF EXISTS ingest_rejects
{{end}}
