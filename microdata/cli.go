package microdata

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/effekt/effekt/access"
	"github.com/effekt/effekt/ingest"
	"github.com/effekt/effekt/store"
)

// CLI is what `effekt sql` runs with.
type CLI struct {
	Database    string // paths.database
	Audit       string // paths.audit
	MemoryLimit string // sql.memory_limit, DuckDB's memory_limit of the sandboxed instance
	Limits      Limits // --limit (default sql.row_limit) and --timeout (default sql.timeout)
	Format      string // table, csv or json
	Out         io.Writer
	Note        io.Writer // where csv and json say that the limit cut the rows (standard error)
}

// RunLocal runs query on the database file: opened read-only, sandboxed
// (no file or network access, configuration locked) with the memory limit,
// and audited as the OS user (via cli).
func (c CLI) RunLocal(ctx context.Context, query string) error {
	w, err := NewWriter(c.Format, c.Out, c.Note)
	if err != nil {
		return err
	}
	audit, err := access.OpenAudit(c.Audit)
	if err != nil {
		return fmt.Errorf("micro data is only read with an audit log: %w", err)
	}
	defer audit.Close()
	db, err := store.Open(ctx, c.Database, store.Options{ReadOnly: true, Sandboxed: true, MemoryLimit: c.MemoryLimit})
	if err != nil {
		return err
	}
	defer db.Close()
	// text an older masking stored is not shown (a writing open masks it again)
	if err := ingest.CheckMasked(ctx, db); err != nil {
		return fmt.Errorf("%s: %w", c.Database, err)
	}
	r := NewRunner(db, c.Limits, audit)
	_, err = r.Run(ctx, access.Identity{Name: access.OSUser(), Via: "cli"}, query, r.Limits().Rows, w)
	return err
}

// Server is a running `effekt serve` to send the query to (from its serve
// file): its base URL, local token and the OS user the audit log names.
type Server struct {
	URL, Token, User string
	Client           *http.Client // nil: http.DefaultClient
}

// RunRemote sends query to POST /api/v1/sql of srv, which checks, limits
// and audits it as the local run would, and writes the answer in c.Format.
func (c CLI) RunRemote(ctx context.Context, srv Server, query string) error {
	w, err := NewWriter(c.Format, c.Out, c.Note)
	if err != nil {
		return err
	}
	format := FormatCSV
	if c.Format == FormatJSON {
		format = FormatJSON
	}
	body, _ := json.Marshal(map[string]any{"sql": query, "limit": c.Limits.Rows, "format": format})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(srv.URL, "/")+"/api/v1/sql", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("sql through the server: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+srv.Token)
	req.Header.Set(access.LocalUserHeader, srv.User)
	client := srv.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("the database is held by effekt serve at %s, which does not answer: %w", srv.URL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(msg, &e) == nil && e.Error != "" {
			msg = []byte(e.Error)
		}
		return fmt.Errorf("effekt serve at %s answered %s: %s", srv.URL, resp.Status, strings.TrimSpace(string(msg)))
	}
	if format == FormatJSON {
		return copyJSON(resp.Body, w.(*jsonWriter))
	}
	return copyCSV(resp, w)
}

// copyCSV streams the server's CSV into w; the trailers say how many rows
// and whether the limit cut them.
func copyCSV(resp *http.Response, w RowWriter) error {
	cr := csv.NewReader(resp.Body)
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return fmt.Errorf("read the server's answer: %w", err)
	}
	if err := w.Begin(append([]string(nil), head...)); err != nil {
		return err
	}
	row := make([]any, len(head))
	var n int64
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("read the server's answer: %w", err)
		}
		for i, v := range rec {
			row[i] = v
		}
		if err := w.Row(row); err != nil {
			return err
		}
		n++
	}
	res := Result{Columns: head, Rows: n}
	res.Truncated, _ = strconv.ParseBool(resp.Trailer.Get("X-Effekt-Truncated"))
	res.Limit, _ = strconv.Atoi(resp.Trailer.Get("X-Effekt-Row-Limit"))
	if rows := resp.Trailer.Get("X-Effekt-Rows"); rows == "" || rows != strconv.FormatInt(n, 10) {
		return fmt.Errorf("the server's answer broke off after %d rows", n)
	}
	return w.End(res)
}

// copyJSON streams the server's {"columns", "rows", "count", "truncated",
// "limit"} into the CLI's JSON array, keys in column order.
func copyJSON(body io.Reader, w *jsonWriter) error {
	dec := json.NewDecoder(body)
	var res Result
	if _, err := dec.Token(); err != nil { // {
		return fmt.Errorf("read the server's answer: %w", err)
	}
	complete := false
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return fmt.Errorf("read the server's answer: %w", err)
		}
		switch t {
		case "columns":
			if err := dec.Decode(&res.Columns); err != nil {
				return fmt.Errorf("read the server's answer: %w", err)
			}
			if err := w.Begin(res.Columns); err != nil {
				return err
			}
		case "rows":
			if _, err := dec.Token(); err != nil { // [
				return fmt.Errorf("read the server's answer: %w", err)
			}
			for dec.More() {
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					return fmt.Errorf("read the server's answer: %w", err)
				}
				if err := w.raw(raw); err != nil {
					return err
				}
			}
			if _, err := dec.Token(); err != nil { // ]
				return fmt.Errorf("read the server's answer: %w", err)
			}
		case "count":
			complete = true
			if err := dec.Decode(&res.Rows); err != nil {
				return fmt.Errorf("read the server's answer: %w", err)
			}
		case "truncated":
			dec.Decode(&res.Truncated)
		case "limit":
			dec.Decode(&res.Limit)
		default:
			var skip json.RawMessage
			dec.Decode(&skip)
		}
	}
	if !complete || res.Rows != w.n {
		return fmt.Errorf("the server's answer broke off after %d rows", w.n)
	}
	return w.End(res)
}
