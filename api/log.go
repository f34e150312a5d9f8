package api

import (
	"database/sql"
	"net/http"
	"strconv"
	"time"

	"github.com/effekt/effekt/kolada"
)

// File is one entry of the file log (/api/v1/files).
type File struct {
	FileID       int64   `json:"file_id"`
	Path         string  `json:"path"`
	Name         string  `json:"name"`
	Kind         *string `json:"kind"`
	SHA256       string  `json:"sha256"`
	SizeBytes    int64   `json:"size_bytes"`
	RowsRead     int64   `json:"rows_read"`
	RowsLoaded   int64   `json:"rows_loaded"`
	RowsRejected int64   `json:"rows_rejected"`
	Status       string  `json:"status"`
	Error        *string `json:"error"`
	StartedAt    string  `json:"started_at"`
	FinishedAt   string  `json:"finished_at"`
	DurationMS   int64   `json:"duration_ms"`
}

// defaultFilesPerPage is the page size of /api/v1/files.
const defaultFilesPerPage = 100

// files serves /api/v1/files: the file log, newest first, filters kind and
// status, paged.
func (s *server) files(w http.ResponseWriter, r *http.Request) {
	if !s.audited(w, r) {
		return
	}
	start := time.Now()
	p, err := parsePage(r, defaultFilesPerPage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	kind, status := q.Get("kind"), q.Get("status")
	// one row past the page says whether there is a next page
	rows, err := s.db.QueryContext(r.Context(), `
SELECT file_id, path, name, kind, sha256, size_bytes, rows_read, rows_loaded, rows_rejected,
       status, error, started_at, finished_at, duration_ms
FROM files
WHERE (? = '' OR kind = ?) AND (? = '' OR status = ?)
ORDER BY started_at DESC, file_id DESC
LIMIT ? OFFSET ?`, kind, kind, status, status, p.size+1, p.offset())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer rows.Close()
	out := []File{}
	for rows.Next() {
		var f File
		var kindV, errV sql.NullString
		var started, finished time.Time
		if err := rows.Scan(&f.FileID, &f.Path, &f.Name, &kindV, &f.SHA256, &f.SizeBytes, &f.RowsRead, &f.RowsLoaded,
			&f.RowsRejected, &f.Status, &errV, &started, &finished, &f.DurationMS); err != nil {
			s.fail(w, r, err)
			return
		}
		f.Kind, f.Error = nullString(kindV), nullString(errV)
		f.StartedAt, f.FinishedAt = started.UTC().Format(time.RFC3339), finished.UTC().Format(time.RFC3339)
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		s.fail(w, r, err)
		return
	}
	hasNext := len(out) > p.size
	if hasNext {
		out = out[:p.size]
	}
	if err := s.record(r, "files", start, int64(len(out)), nil); err != nil {
		s.fail(w, r, err)
		return
	}
	next, prev := pageLinks(r, p, hasNext)
	writeJSON(w, http.StatusOK, kolada.NewEnvelope(out, next, prev))
}

// RejectGroup counts rejected rows of one kind and reason, with samples.
type RejectGroup struct {
	Kind    string         `json:"kind"`
	Reason  string         `json:"reason"`
	Rows    int64          `json:"rows"`
	Samples []RejectSample `json:"samples"`
}

// RejectSample is one rejected row; its value is masked by the loader.
type RejectSample struct {
	FileID  int64   `json:"file_id"`
	Line    int64   `json:"line"`
	Column  *string `json:"column"`
	Value   *string `json:"value"`
	Message string  `json:"message"`
}

// rejectSamples is the number of sample rows per kind and reason.
const rejectSamples = 3

// rejects serves /api/v1/rejects: rejected rows counted by kind and reason
// (most first), with up to three samples each (newest file first, then by
// line); filters kind and file (file_id).
func (s *server) rejects(w http.ResponseWriter, r *http.Request) {
	if !s.audited(w, r) {
		return
	}
	start := time.Now()
	p, err := parsePage(r, kolada.MaxPerPage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	kind := q.Get("kind")
	var fileID int64 = -1
	if v := q.Get("file"); v != "" {
		if fileID, err = strconv.ParseInt(v, 10, 64); err != nil || fileID < 0 {
			s.fail(w, r, badRequest("file: %q is not a file id", v))
			return
		}
	}
	rows, err := s.db.QueryContext(r.Context(), `
WITH r AS (
    SELECT kind, reason, file_id, line, "column", value, message,
           row_number() OVER (PARTITION BY kind, reason ORDER BY file_id DESC, line, "column") AS rn,
           count(*) OVER (PARTITION BY kind, reason) AS n
    FROM rejected_rows
    WHERE (? = '' OR kind = ?) AND (? < 0 OR file_id = ?)
)
SELECT kind, reason, n, file_id, line, "column", value, message
FROM r WHERE rn <= ?
ORDER BY n DESC, kind, reason, rn`, kind, kind, fileID, fileID, rejectSamples)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer rows.Close()
	var out []RejectGroup
	for rows.Next() {
		var g RejectGroup
		var smp RejectSample
		var col, val sql.NullString
		if err := rows.Scan(&g.Kind, &g.Reason, &g.Rows, &smp.FileID, &smp.Line, &col, &val, &smp.Message); err != nil {
			s.fail(w, r, err)
			return
		}
		smp.Column, smp.Value = nullString(col), nullString(val)
		if n := len(out); n > 0 && out[n-1].Kind == g.Kind && out[n-1].Reason == g.Reason {
			out[n-1].Samples = append(out[n-1].Samples, smp)
			continue
		}
		g.Samples = []RejectSample{smp}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		s.fail(w, r, err)
		return
	}
	env := paginate(r, out, p)
	var samples int64
	for _, g := range env.Values {
		samples += int64(len(g.Samples))
	}
	if err := s.record(r, "rejects", start, samples, nil); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, env)
}

func nullString(s sql.NullString) *string {
	if !s.Valid {
		return nil
	}
	return &s.String
}
