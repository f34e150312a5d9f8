-- Statements of one file load, templated over the kind's declaration
-- ({{.Table}}, {{.Key}} …). They run in the file's one transaction, after
-- the Appender put the file's good rows into {{.Table}} and its rejected
-- rows into rejected_rows (all with file_id = $1, not yet committed).

{{define "dups"}}
-- keys repeated within the file, with the line that wins (the last one).
CREATE OR REPLACE TEMP TABLE ingest_dups AS
SELECT {{.Key}}, max(line) AS winner
FROM {{.Table}}
WHERE file_id = $1
GROUP BY {{.Key}}
HAVING count(*) > 1
{{end}}

{{define "dups_candidates"}}
-- the same, looking only at the lines whose key hashes repeated (ingest_cand).
CREATE OR REPLACE TEMP TABLE ingest_dups AS
SELECT {{.Key}}, max(line) AS winner
FROM {{.Table}}
WHERE file_id = $1 AND line IN (SELECT line FROM ingest_cand)
GROUP BY {{.Key}}
HAVING count(*) > 1
{{end}}

{{define "superseded"}}
-- (a) a key repeated within the file: the last row wins, earlier ones are rejected …
INSERT INTO rejected_rows (file_id, kind, line, "column", value, reason, message)
SELECT s.file_id, '{{.Table}}', s.line, NULL, NULL, 'superseded',
       'line ' || s.line || ': superseded by line ' || d.winner || ' of the same file, which has the same {{.KeyNames}}'
FROM {{.Table}} AS s
JOIN ingest_dups AS d ON {{.KeyJoinSD}}
WHERE s.file_id = $1 AND s.line < d.winner
{{end}}

{{define "delete_superseded"}}
-- … and leave the table.
DELETE FROM {{.Table}} AS s
USING ingest_dups AS d
WHERE s.file_id = $1 AND {{.KeyJoinSD}} AND s.line < d.winner
{{end}}

{{define "delete_old"}}
-- (b) the file replaces the rows of earlier files it shares keys with.
DELETE FROM {{.Table}} AS t
USING (SELECT {{.Key}} FROM {{.Table}} WHERE file_id = $1) AS s
WHERE t.file_id <> $1 AND {{.KeyJoin}}
{{end}}

{{define "drop"}}
DROP TABLE IF EXISTS ingest_dups; DROP TABLE IF EXISTS ingest_cand
{{end}}
