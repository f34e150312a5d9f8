package api

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/effekt/effekt/access"
	"github.com/effekt/effekt/microdata"
)

// SQLRequest is the body of POST /api/v1/sql.
type SQLRequest struct {
	SQL    string `json:"sql"`
	Limit  int    `json:"limit,omitempty"`  // at most sql.row_limit, which is also the default
	Format string `json:"format,omitempty"` // json (default) or csv
}

// SQLResult is the JSON answer of POST /api/v1/sql; rows are objects whose
// keys keep the query's column order. It streams: columns, rows, then the
// counts.
type SQLResult struct {
	Columns   []string         `json:"columns"`
	Rows      []map[string]any `json:"rows"`
	Count     int64            `json:"count"`
	Truncated bool             `json:"truncated"`
	Limit     int              `json:"limit"`
}

// Headers of a CSV answer: the limit up front, the rows written and
// whether the limit cut them as trailers.
const (
	HeaderRowLimit  = "X-Effekt-Row-Limit"
	HeaderRows      = "X-Effekt-Rows"
	HeaderTruncated = "X-Effekt-Truncated"
)

// maxSQLBody bounds the request body.
const maxSQLBody = 1 << 20

// sql serves POST /api/v1/sql for evaluators: one SELECT statement, run by
// the microdata runner (checks, row limit, timeout, audit).
func (s *server) sql(w http.ResponseWriter, r *http.Request) {
	if s.opt.SQL == nil {
		s.fail(w, r, &httpError{status: http.StatusServiceUnavailable, msg: "SQL is not served by this process"})
		return
	}
	var req SQLRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, maxSQLBody+1))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		s.fail(w, r, badRequest(`body: want JSON {"sql": "SELECT …", "limit": N, "format": "json|csv"} (at most 1 MiB): %v`, err))
		return
	}
	if strings.TrimSpace(req.SQL) == "" {
		s.fail(w, r, badRequest("sql: give one SELECT statement"))
		return
	}
	if req.Limit < 0 {
		s.fail(w, r, badRequest("limit: %d is negative", req.Limit))
		return
	}
	var out microdata.RowWriter
	switch req.Format {
	case "", "json":
		out = &jsonResult{w: w}
	case "csv":
		out = &csvResult{w: w}
	default:
		s.fail(w, r, badRequest("format: %q is not json or csv", req.Format))
		return
	}
	id := access.FromContext(r.Context())
	_, err := s.opt.SQL.Run(r.Context(), id, req.SQL, req.Limit, out)
	if err == nil {
		return
	}
	if started(out) {
		// the status is sent; the client sees a cut body
		s.log.WarnContext(r.Context(), "sql answer broken off", "who", id.Name, "err", err)
		return
	}
	var re *microdata.RefusedError
	var se *microdata.SyntaxError
	var oom *microdata.OutOfMemoryError
	switch {
	case errors.As(err, &re):
		s.fail(w, r, badRequest("%s", re.Reason))
	case errors.As(err, &se):
		s.fail(w, r, badRequest("%s", se.Msg))
	case errors.As(err, &oom):
		// the instance's memory limit (serve.memory_limit) stopped it; the
		// server and its jobs go on
		s.fail(w, r, badRequest("%s", oom.Error()))
	case errors.Is(err, microdata.ErrTimeout):
		s.fail(w, r, &httpError{status: http.StatusServiceUnavailable, msg: err.Error()})
	case isQueryError(err):
		// the evaluator's own query failed (a missing column, a cast): the
		// message goes to them, not to the logs, as it may quote a value
		s.fail(w, r, badRequest("%s", err.Error()))
	default:
		s.fail(w, r, err)
	}
}

func isQueryError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"Binder Error", "Conversion Error", "Catalog Error", "Parser Error", "Invalid Input Error", "Out of Range Error", "Out of Memory Error", "Not implemented Error", "Constraint Error", "Dependency Error"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

func started(w microdata.RowWriter) bool {
	switch x := w.(type) {
	case *jsonResult:
		return x.cols != nil
	case *csvResult:
		return x.cw != nil
	}
	return false
}

type jsonResult struct {
	w    http.ResponseWriter
	cols [][]byte
	n    int64
	buf  bytes.Buffer
}

func (j *jsonResult) Begin(cols []string) error {
	j.cols = microdata.EncodeNames(cols)
	h := j.w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	j.w.WriteHeader(http.StatusOK)
	names, _ := json.Marshal(cols)
	_, err := io.WriteString(j.w, `{"columns":`+string(names)+`,"rows":[`)
	return err
}

func (j *jsonResult) Row(vals []any) error {
	j.buf.Reset()
	if j.n > 0 {
		j.buf.WriteByte(',')
	}
	j.buf.WriteByte('\n')
	if err := microdata.AppendObject(&j.buf, j.cols, vals); err != nil {
		return err
	}
	j.n++
	_, err := j.w.Write(j.buf.Bytes())
	return err
}

func (j *jsonResult) End(res microdata.Result) error {
	_, err := io.WriteString(j.w, "],\n\"count\":"+strconv.FormatInt(res.Rows, 10)+
		",\"truncated\":"+strconv.FormatBool(res.Truncated)+",\"limit\":"+strconv.Itoa(res.Limit)+"}\n")
	return err
}

type csvResult struct {
	w  http.ResponseWriter
	cw *csv.Writer
}

func (c *csvResult) Begin(cols []string) error {
	h := c.w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Trailer", HeaderRows+", "+HeaderTruncated+", "+HeaderRowLimit)
	c.w.WriteHeader(http.StatusOK)
	c.cw = csv.NewWriter(c.w)
	return c.cw.Write(cols)
}

func (c *csvResult) Row(vals []any) error { return c.cw.Write(microdata.Texts(vals)) }

func (c *csvResult) End(res microdata.Result) error {
	c.cw.Flush()
	h := c.w.Header()
	h.Set(HeaderRows, strconv.FormatInt(res.Rows, 10))
	h.Set(HeaderTruncated, strconv.FormatBool(res.Truncated))
	h.Set(HeaderRowLimit, strconv.Itoa(res.Limit))
	return c.cw.Error()
}
