// Package microdata runs evaluators' SQL on effekt's database: the one door
// to micro data for `effekt sql` and POST /api/v1/sql.
//
// Guarantees, for any text given:
//   - Nothing runs unless DuckDB's own parser reads the text as exactly one
//     SELECT statement whose table functions, functions and table names are
//     on the allow lists (guard.go): no COPY, CALL, PRAGMA, SET, ATTACH,
//     INSERT, CREATE, EXPORT, LOAD, INSTALL, no file readers, no query().
//     The check parses only; nothing is bound or executed before it passes.
//   - The statement is then prepared alone and runs only if DuckDB reports
//     its statement type as SELECT.
//   - At most the row limit of rows is produced: the limit is pushed into
//     the query, so DuckDB stops early and memory stays bounded; the result
//     says when it was cut. The query is cancelled at the timeout.
//   - Every run, refused or not, is one audit record (who, via, the SQL,
//     rows returned, duration, outcome); never the rows themselves.
//
// The sandbox (store.Options.Sandboxed: no file or network access, locked
// configuration, a memory limit) is applied by whoever opens the database
// when it can be (`effekt sql`); `effekt serve`, whose instance also runs
// the jobs, opens it with file and network access off
// (store.Options.NoExternalAccess). The checks here are meant to hold
// without either, the instance's settings hold whatever the checks miss
// (on 2026-12-02 an adversary read files through json_serialize_plan,
// which binds SQL given as a string, on the server's instance).
package microdata

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/effekt/effekt/access"
	"github.com/effekt/effekt/ingest/parse"
)

// Defaults for Limits left zero (config sql.row_limit and sql.timeout).
const (
	DefaultRowLimit = 100_000
	DefaultTimeout  = 5 * time.Minute
)

// Limits bound one query.
type Limits struct {
	Rows    int           // rows returned at most, and the default; < 1: DefaultRowLimit
	Timeout time.Duration // <= 0: DefaultTimeout
	// Concurrent bounds the queries running at once (a server shares its
	// instance, and its memory, with the pipeline); further queries wait,
	// within their timeout. 0: no bound.
	Concurrent int
	// MemoryLimit is the instance's memory limit as configured, named in
	// the answer to a query that ran out of memory; empty: not named.
	MemoryLimit string
}

// Result describes a finished query.
type Result struct {
	Columns   []string
	Rows      int64 // rows written
	Truncated bool  // more rows existed past Limit
	Limit     int
}

// RowWriter receives a result as it streams.
type RowWriter interface {
	Begin(columns []string) error
	Row(values []any) error
	End(res Result) error
}

// ErrTimeout is returned when a query ran past the timeout.
var ErrTimeout = errors.New("query timed out")

// OutOfMemoryError is a query that needed more memory than the instance's
// memory limit; DuckDB stopped it. Its message is effekt's own: DuckDB's
// suggests settings an evaluator cannot change and may name spill paths.
type OutOfMemoryError struct {
	Limit string // the configured limit; empty: not known
}

func (e *OutOfMemoryError) Error() string {
	lim := "the memory limit"
	if e.Limit != "" {
		lim = "the memory limit of " + e.Limit
	}
	return "out of memory: the query needed more than " + lim + " and was stopped; aggregate or filter in the query, or select fewer or shorter values"
}

// Runner runs queries on one database and audits them.
type Runner struct {
	db     *sql.DB
	limits Limits
	audit  *access.AuditLog
	slots  chan struct{} // nil: no bound
	log    *slog.Logger
}

// NewRunner returns a runner on db; audit must not be nil: micro-data
// access that cannot be recorded does not happen.
func NewRunner(db *sql.DB, limits Limits, audit *access.AuditLog) *Runner {
	if limits.Rows < 1 {
		limits.Rows = DefaultRowLimit
	}
	if limits.Timeout <= 0 {
		limits.Timeout = DefaultTimeout
	}
	r := &Runner{db: db, limits: limits, audit: audit, log: slog.Default()}
	if limits.Concurrent > 0 {
		r.slots = make(chan struct{}, limits.Concurrent)
	}
	return r
}

// SetLogger sets where the runner logs queries that DuckDB stopped only
// well after their caller went (default slog.Default()).
func (r *Runner) SetLogger(l *slog.Logger) {
	if l != nil {
		r.log = l
	}
}

// Limits are the runner's limits.
func (r *Runner) Limits() Limits { return r.limits }

// Run checks query, runs it with at most limit rows (0 or more than the
// runner's row limit: the runner's), streams the rows to w and records the
// run for who. Refusals are *RefusedError, parse errors *SyntaxError, a
// timeout wraps ErrTimeout; DuckDB's errors are returned as they are.
func (r *Runner) Run(ctx context.Context, who access.Identity, query string, limit int, w RowWriter) (Result, error) {
	start := time.Now()
	if limit < 1 || limit > r.limits.Rows {
		limit = r.limits.Rows
	}
	res, err := r.run(ctx, query, limit, w)
	rec := access.Record{
		// the SQL as given but for personnummer shapes, masked like
		// every other log (an evaluator may type one into a WHERE)
		Time: start, Who: who.Name, Via: who.Via, Action: "sql", SQL: parse.MaskPNRs(query, start),
		Rows: res.Rows, DurationMS: time.Since(start).Milliseconds(), Outcome: outcome(res, err), Error: errorClass(err),
	}
	if who.Role != access.Anonymous {
		rec.Role = who.Role.String()
	}
	if aerr := r.audit.Write(rec); aerr != nil {
		return res, errors.Join(err, aerr)
	}
	return res, err
}

// run checks and runs query. It returns as soon as ctx ends (the client
// went, or the timeout passed), even while DuckDB is still busy: the
// driver interrupts the connection at once and every 500 ms after, but
// DuckDB only looks between vectors of 2048 rows, and one vector's work
// can take minutes (string_agg over repeat('x', 1000000), F5). The query's
// slot and connection stay taken until DuckDB has stopped, so no more
// queries run at once than Concurrent, and nothing more reaches w.
func (r *Runner) run(ctx context.Context, query string, limit int, w RowWriter) (Result, error) {
	// ctx ends no sooner than the query when it returns first; when the
	// query is abandoned, ctx has ended already
	ctx, cancel := context.WithTimeout(ctx, r.limits.Timeout)
	defer cancel()
	if r.slots != nil {
		select {
		case r.slots <- struct{}{}:
		case <-ctx.Done():
			return Result{Limit: limit}, queryError(ctx, fmt.Errorf("waiting for a free query slot: %w", ctx.Err()), r.limits.Timeout)
		}
	}
	gw := &guardedWriter{w: w}
	var res Result
	var err error
	done := make(chan struct{})
	go func() {
		defer close(done)
		if r.slots != nil {
			defer func() { <-r.slots }()
		}
		res, err = r.query(ctx, query, limit, gw)
	}()
	select {
	case <-done:
		return res, err
	case <-ctx.Done():
	}
	select {
	case <-done: // it ended as ctx did
		return res, err
	default:
	}
	rows := gw.abandon()
	cause := ctx.Err()
	start := time.Now()
	go func() {
		<-done
		if d := time.Since(start); d > 2*time.Second {
			r.log.Warn("an evaluator query stopped well after it was cancelled (DuckDB looks for interrupts only between vectors)", "after", d.Round(time.Millisecond), "cause", cause)
		}
	}()
	return Result{Limit: limit, Columns: gw.columns, Rows: rows}, queryError(ctx, fmt.Errorf("query stopped: %w", cause), r.limits.Timeout)
}

// testHookBeforeExecute, when set (tests), runs just before the checked
// statement executes: a hook that blocks stands for DuckDB busy in a
// vector, deaf to interrupts.
var testHookBeforeExecute func()

// query runs the checks and the query on a connection of its own.
func (r *Runner) query(ctx context.Context, query string, limit int, w RowWriter) (Result, error) {
	res := Result{Limit: limit}
	conn, err := r.db.Conn(ctx)
	if err != nil {
		return res, fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	canonical, err := check(ctx, conn, query)
	if err != nil {
		return res, err
	}
	// The limit goes into the query so that DuckDB stops after limit+1 rows
	// (the driver materialises a result before handing out its first row).
	// The wrapped text is checked again: what runs is what was checked.
	wrapped, err := wrapLimit(ctx, conn, query, canonical, limit+1)
	if err != nil {
		return res, err
	}
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*duckdb.Conn)
		if !ok {
			return fmt.Errorf("not a DuckDB connection: %T", dc)
		}
		// Prepare (without a context) refuses text holding more than one
		// statement instead of running all but the last, as PrepareContext does.
		for _, q := range []string{query, wrapped} {
			if err := mustSelect(c, q); err != nil {
				return err
			}
		}
		ds, err := c.Prepare(wrapped)
		if err != nil {
			return r.queryError(ctx, err)
		}
		defer ds.Close()
		if testHookBeforeExecute != nil {
			testHookBeforeExecute()
		}
		return stream(ctx, ds.(*duckdb.Stmt), limit, w, &res, r.queryError)
	})
	return res, err
}

// guardedWriter hands rows to w until the query is abandoned; after that
// it refuses them (the caller, an HTTP handler, has returned).
type guardedWriter struct {
	mu        sync.Mutex
	w         RowWriter
	abandoned bool
	columns   []string
	rows      int64
}

var errAbandoned = errors.New("query abandoned by its caller")

func (g *guardedWriter) Begin(columns []string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.abandoned {
		return errAbandoned
	}
	g.columns = columns
	return g.w.Begin(columns)
}

func (g *guardedWriter) Row(values []any) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.abandoned {
		return errAbandoned
	}
	g.rows++
	return g.w.Row(values)
}

func (g *guardedWriter) End(res Result) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.abandoned {
		return errAbandoned
	}
	return g.w.End(res)
}

// abandon stops every later write (waiting for one under way) and returns
// the rows written.
func (g *guardedWriter) abandon() int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.abandoned = true
	return g.rows
}

// mustSelect prepares q alone and refuses it unless DuckDB says SELECT.
func mustSelect(c *duckdb.Conn, q string) error {
	ds, err := c.Prepare(q)
	if err != nil {
		return &SyntaxError{Msg: err.Error()}
	}
	defer ds.Close()
	t, err := ds.(*duckdb.Stmt).StatementType()
	if err != nil {
		return fmt.Errorf("statement type: %w", err)
	}
	if t != duckdb.STATEMENT_TYPE_SELECT {
		return &RefusedError{Reason: fmt.Sprintf("statement type %d is not SELECT: only SELECT statements run", t)}
	}
	return nil
}

// wrapLimit returns the query with an outer LIMIT n, checked again; the
// text as given when it wraps cleanly, else DuckDB's printed form.
func wrapLimit(ctx context.Context, conn *sql.Conn, query, canonical string, n int) (string, error) {
	suffix := "\n) AS effekt_query LIMIT " + strconv.Itoa(n)
	body := strings.TrimRight(strings.TrimSpace(query), "; \t\r\n")
	wrapped := "SELECT * FROM (\n" + body + suffix
	if _, err := check(ctx, conn, wrapped); err == nil {
		return wrapped, nil
	}
	wrapped = "SELECT * FROM (\n" + canonical + suffix
	if _, err := check(ctx, conn, wrapped); err != nil {
		return "", err
	}
	return wrapped, nil
}

// stream runs st and hands at most limit rows to w.
func stream(ctx context.Context, st *duckdb.Stmt, limit int, w RowWriter, res *Result, qerr func(context.Context, error) error) error {
	rows, err := st.QueryContext(ctx, nil)
	if err != nil {
		return qerr(ctx, err)
	}
	defer rows.Close()
	res.Columns = rows.Columns()
	if err := w.Begin(res.Columns); err != nil {
		return err
	}
	vals := make([]driver.Value, len(res.Columns))
	row := make([]any, len(res.Columns))
	// the driver hands a UUID over as its 16 bytes
	uuids := make([]bool, len(res.Columns))
	if tn, ok := rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		for i := range uuids {
			uuids[i] = tn.ColumnTypeDatabaseTypeName(i) == "UUID"
		}
	}
	for {
		if err := rows.Next(vals); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return qerr(ctx, err)
		}
		if res.Rows == int64(limit) {
			res.Truncated = true
			break
		}
		for i, v := range vals {
			if b, ok := v.([]byte); ok && uuids[i] && len(b) == 16 {
				var u duckdb.UUID
				copy(u[:], b)
				v = u.String()
			}
			row[i] = v
		}
		if err := w.Row(row); err != nil {
			return err
		}
		res.Rows++
	}
	return w.End(*res)
}

// queryError is queryError with the runner's timeout, and DuckDB's
// out-of-memory error as an *OutOfMemoryError.
func (r *Runner) queryError(ctx context.Context, err error) error {
	var de *duckdb.Error
	if errors.As(err, &de) && de.Type == duckdb.ErrorTypeOutOfMemory {
		return &OutOfMemoryError{Limit: r.limits.MemoryLimit}
	}
	return queryError(ctx, err, r.limits.Timeout)
}

func queryError(ctx context.Context, err error, timeout time.Duration) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w after %s (sql.timeout)", ErrTimeout, timeout)
	}
	return err
}

func outcome(res Result, err error) string {
	var re *RefusedError
	switch {
	case errors.As(err, &re):
		return access.OutcomeRefused
	case err != nil:
		return access.OutcomeError
	case res.Truncated:
		return access.OutcomeCut
	}
	return access.OutcomeOK
}

// errorClass names what went wrong without any value from the data
// (DuckDB's messages may quote a value: "Could not convert string '…'").
func errorClass(err error) string {
	var re *RefusedError
	var de *duckdb.Error
	var se *SyntaxError
	var oom *OutOfMemoryError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &re):
		return re.Reason
	case errors.As(err, &oom):
		return "out of memory"
	case errors.Is(err, ErrTimeout):
		return "timeout"
	case errors.As(err, &se):
		return "syntax error"
	case errors.As(err, &de):
		if p, _, ok := strings.Cut(de.Msg, ":"); ok && len(p) < 40 {
			return p
		}
		return "database error"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	}
	return "error"
}
