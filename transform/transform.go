// Package transform turns the loaded source tables into the canonical tables
// the indicators read: persons and one cohort table per indicator family.
// Each model is one embedded .sql file (a table and the statements that
// fill it, with any temporary tables it shares with a later model, which
// drops them); they run in file-name order, which is their dependency order,
// inside one transaction. A model is a text/template run in one of two
// modes (01_persons.sql describes them): rebuild every table, or update
// them for the persons the loads since the last run touched.
package transform

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"time"
)

//go:embed sql/*.sql
var files embed.FS

// Model is one SQL model.
type Model struct {
	Name string // table it creates: "so_cohort"
	File string // embedded file: "02_so_cohort.sql"
	SQL  string // the template
}

// scopeTable holds the pk (person_key, the key every source table stores
// beside the pseudonym) of every person an update recomputes.
const scopeTable = "effekt_scope"

// Render returns the model's SQL for a rebuild of every table (loaded
// empty), or for an update of the persons in effekt_scope, whose rows the
// condition loaded (on file_id) selects the loads' added rows of.
func (m Model) Render(loaded string) (string, error) {
	scoped := loaded != ""
	// inKey returns the condition that keeps the persons whose key is in
	// column (or expression) key in the scope table (effekt_scope unless
	// named)
	inKey := func(key string, scope []string) string {
		if !scoped {
			return "true"
		}
		table := scopeTable
		if len(scope) > 0 {
			table = scope[0]
		}
		return key + " IN (SELECT pk FROM " + table + ")"
	}
	funcs := template.FuncMap{
		"inKey":   func(col string, scope ...string) string { return inKey(col, scope) },
		"caseCov": caseCovSQL,
		"ageBand": ageBandSQL,
		"src": func(table string, scope ...string) string {
			if !scoped {
				return table
			}
			if len(scope) == 0 && slices.Contains(sharedSources(), table) {
				return scopedPrefix + table // apply made it
			}
			return "(SELECT * FROM " + table + " WHERE " + inKey("person_key", scope) + ")"
		},
		"clear": func(table string, scope ...string) string {
			if !scoped {
				return "DROP TABLE IF EXISTS " + table
			}
			// every table the transform writes keeps the key (person_key)
			return "DELETE FROM " + table + " WHERE " + inKey("person_key", scope)
		},
	}
	t, err := template.New(m.File).Funcs(funcs).Option("missingkey=error").Parse(m.SQL)
	if err != nil {
		return "", fmt.Errorf("transform model %s: %w", m.File, err)
	}
	var b strings.Builder
	data := struct {
		Scoped bool
		Loaded string
	}{scoped, "(" + loaded + ")"}
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("transform model %s: %w", m.File, err)
	}
	return b.String(), nil
}

// Columns returns the column list of the model's table as its CREATE
// TABLE statement declares it (with each column's compression), e.g. for
// a table of the same shape: "CREATE TABLE copy (" + cols + ")".
func (m Model) Columns() (string, error) {
	re := regexp.MustCompile(`(?s)CREATE TABLE IF NOT EXISTS ` + regexp.QuoteMeta(m.Name) + `\s*\((.*?)\n\);`)
	sm := re.FindStringSubmatch(m.SQL)
	if sm == nil {
		return "", fmt.Errorf("transform model %s: no CREATE TABLE IF NOT EXISTS %s (…);", m.File, m.Name)
	}
	var lines []string // without comments, which would swallow what follows
	for _, l := range strings.Split(sm[1], "\n") {
		if i := strings.Index(l, "--"); i >= 0 {
			l = l[:i]
		}
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, " "), nil
}

// Models returns the models in the order they run.
func Models() []Model { return slices.Clone(models()) }

// models reads the embedded models once; Models, the fingerprint, the
// table check and every run use them.
var models = sync.OnceValue(func() []Model {
	names, err := fs.Glob(files, "sql/*.sql")
	if err != nil {
		panic(fmt.Sprintf("transform: embedded models: %v", err)) // the pattern is constant
	}
	sort.Strings(names)
	out := make([]Model, 0, len(names))
	for _, n := range names {
		body, err := files.ReadFile(n)
		if err != nil {
			panic(fmt.Sprintf("transform: read %s: %v", n, err))
		}
		file := strings.TrimPrefix(n, "sql/")
		name := strings.TrimSuffix(file, ".sql")
		if i := strings.IndexByte(name, '_'); i >= 0 {
			name = name[i+1:]
		}
		out = append(out, Model{Name: name, File: file, SQL: string(body)})
	}
	return out
})

// scopedPrefix names the temporary tables of an update that hold a source
// table's rows of the persons in effekt_scope (sharedSources).
const scopedPrefix = "effekt_in_"

// srcRE finds the models' reads of a source table's rows of the persons in
// effekt_scope: {{src "t"}}, without a scope table named.
var srcRE = regexp.MustCompile(`\{\{\s*src\s+"([a-z_]+)"\s*\}\}`)

// sharedSources are the source tables the models read more than once
// through src with the default scope. An update selects their rows of the
// persons in scope once, into effekt_in_<table>, where each read would
// otherwise read and hash every pseudonym of the table again (0.17–0.2 s
// for each of settlements, so_registrations and sfi_courses at national
// scale).
var sharedSources = sync.OnceValue(func() []string {
	uses := map[string]int{}
	for _, m := range models() {
		for _, sm := range srcRE.FindAllStringSubmatch(m.SQL, -1) {
			uses[sm[1]]++
		}
	}
	var out []string
	for t, n := range uses {
		if n > 1 {
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return out
})

// Execer is what apply needs: a *sql.DB, *sql.Conn or *sql.Tx.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Queryer is what readSources needs: a *sql.DB, *sql.Conn or *sql.Tx.
type Queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Action is what a Refresh did with the transform tables.
type Action int

const (
	Kept    Action = iota // built from the sources as they are: left as they were
	Updated               // recomputed for the persons loads touched since they were built
	Rebuilt               // built anew
)

func (a Action) String() string {
	return [...]string{"kept", "updated", "rebuilt"}[a]
}

// Outcome is what a Refresh did.
type Outcome struct {
	Action  Action
	Persons int64  // Updated: the persons recomputed
	Reason  string // Rebuilt: why not kept or updated
}

// Run rebuilds every model in one transaction: readers see either the old
// tables or the new ones. It records the source state they were built
// from in transform_state.
func Run(ctx context.Context, db *sql.DB) error {
	_, err := run(ctx, db, modeRebuild, "")
	return err
}

// Refresh brings the tables up to date in one transaction, doing as little
// as it can: it keeps them when they were built from the sources as they
// are now (no file loaded since, same models); it updates them for the
// persons the files loaded since then touched when the loads account for
// every change since (rows now = rows then + rows loaded − rows replaced,
// per source table, each new row from a file recorded as loaded) and those
// persons are at most half of all; otherwise it rebuilds them.
func Refresh(ctx context.Context, db *sql.DB) (Outcome, error) {
	return run(ctx, db, modeRefresh, "")
}

// Update recomputes the tables for the persons in the rows of the files
// with the given ids, as Refresh does after loads of those files, however
// many persons that is; the tables must exist. The bench uses it to measure
// that update on a database already loaded.
func Update(ctx context.Context, db *sql.DB, files []int64) (Outcome, error) {
	if len(files) == 0 {
		return Outcome{}, fmt.Errorf("transform: update: no files given")
	}
	ids := make([]string, len(files))
	for i, f := range files {
		ids[i] = strconv.FormatInt(f, 10)
	}
	return run(ctx, db, modeUpdate, "file_id IN ("+strings.Join(ids, ", ")+")")
}

type mode int

const (
	modeRefresh mode = iota
	modeRebuild
	modeUpdate
)

// run does what md says; loaded selects the rows of the files loaded
// since the tables were built (modeUpdate; modeRefresh finds it).
//
// It works on one connection in two phases. Before its transaction it
// reads the sources' state, decides, and builds the temporary tables that
// read only the sources and the committed tables: the persons in scope,
// their rows of the sources read twice, and each model's part before the
// line "-- effekt: the transaction begins here" (prepared). DuckDB scans a
// temporary table made inside a transaction about half as fast, on fewer
// cores, as one made outside it (the persons and so_cohort steps of a
// national rebuild: 1.3 s). The transaction then writes the tables. That
// the sources did not change in between is checked, not assumed: every
// load writes a row of files, and the transaction fails with nothing
// changed when files is not as it was (writers take turns, so it never
// should).
func run(ctx context.Context, db *sql.DB, md mode, loaded string) (Outcome, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return Outcome{}, fmt.Errorf("transform: connection: %w", err)
	}
	defer conn.Close()
	now, err := readSources(ctx, conn)
	if err != nil {
		return Outcome{}, err
	}
	out := Outcome{Action: Rebuilt, Reason: "asked for"}
	switch md {
	case modeRefresh:
		p, err := plan(ctx, conn, now)
		if err != nil {
			return Outcome{}, err
		}
		if p.Action == Kept {
			slog.Debug("transform tables current", "fingerprint", now.fingerprint()[:12])
			return p.Outcome, nil
		}
		out, loaded = p.Outcome, fmt.Sprintf("file_id > %d", p.since)
	case modeUpdate:
		ok, err := tablesExist(ctx, conn)
		if err != nil {
			return Outcome{}, err
		}
		if !ok {
			return Outcome{}, fmt.Errorf("transform: update: the tables were never built")
		}
		out = Outcome{Action: Updated}
	}
	files, err := filesState(ctx, conn)
	if err != nil {
		return Outcome{}, err
	}
	defer dropTemporary(context.WithoutCancel(ctx), conn)
	if out.Action == Updated {
		start := time.Now()
		if out.Persons, err = buildScope(ctx, conn, loaded); err != nil {
			return Outcome{}, err
		}
		slog.Debug("transform step", "step", "scope", "persons", out.Persons, "duration", time.Since(start))
		if md == modeRefresh {
			var persons int64
			if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM persons`).Scan(&persons); err != nil {
				return Outcome{}, fmt.Errorf("transform: count persons: %w", err)
			}
			if 2*out.Persons > persons {
				out = Outcome{Action: Rebuilt, Reason: fmt.Sprintf("the loads since touched %d of %d persons", out.Persons, persons)}
			}
		}
	}
	if out.Action != Updated {
		loaded = ""
	}
	parts, err := prepare(ctx, conn, loaded)
	if err != nil {
		return Outcome{}, err
	}
	if beforeTx != nil {
		beforeTx(ctx, conn)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return Outcome{}, fmt.Errorf("transform: begin: %w", err)
	}
	defer tx.Rollback()
	if again, err := filesState(ctx, tx); err != nil {
		return Outcome{}, err
	} else if again != files {
		return Outcome{}, errors.New("transform: a load committed while the transform ran, nothing was changed (compute again)")
	}
	if err := apply(ctx, tx, parts, loaded); err != nil {
		return Outcome{}, err
	}
	if err := now.record(ctx, tx); err != nil {
		return Outcome{}, err
	}
	start := time.Now()
	if err := tx.Commit(); err != nil {
		return Outcome{}, fmt.Errorf("transform: commit: %w", err)
	}
	slog.Debug("transform step", "step", "commit", "duration", time.Since(start))
	return out, nil
}

// beforeTx, when set (by a test), runs between the two phases of run.
var beforeTx func(ctx context.Context, conn *sql.Conn)

// filesState is what every load changes: the rows of files, as a count
// and a sum of hashes of what a load writes or updates in its row.
func filesState(ctx context.Context, q Queryer) (string, error) {
	var st string
	if err := q.QueryRowContext(ctx, `SELECT count(*) || ',' || coalesce(sum(hash(file_id, kind, status, rows_read, rows_loaded, rows_replaced, finished_at)), 0)
		FROM files`).Scan(&st); err != nil {
		return "", fmt.Errorf("transform: read the files: %w", err)
	}
	return st, nil
}

// transactionMark is the line of a model after which its statements run
// inside the transaction; what comes before it runs before (run).
const transactionMark = "-- effekt: the transaction begins here\n"

// renderedModel is a model rendered and cut at its transaction mark.
type renderedModel struct {
	Model
	before, inside string
}

// prepare renders every model and runs, on conn before the transaction,
// the rows in scope of the sources read twice (an update) and each
// model's part before its transaction mark; it returns the models with
// what is left to run inside. Only the first model may have such a part
// (it runs before any earlier model's tables are written).
func prepare(ctx context.Context, conn *sql.Conn, loaded string) ([]renderedModel, error) {
	start := time.Now()
	var out []renderedModel
	for i, m := range models() {
		q, err := m.Render(loaded)
		if err != nil {
			return nil, err
		}
		r := renderedModel{Model: m, inside: q}
		if before, inside, ok := strings.Cut(q, transactionMark); ok {
			if i > 0 {
				return nil, fmt.Errorf("transform model %s (%s): only the first model may begin before the transaction", m.Name, m.File)
			}
			r.before, r.inside = before, inside
		}
		out = append(out, r)
	}
	if loaded != "" {
		for _, t := range sharedSources() {
			// every column but the pseudonym, which no cohort table holds
			if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE "+scopedPrefix+t+" AS SELECT * EXCLUDE (person) FROM "+t+
				" WHERE person_key IN (SELECT pk FROM "+scopeTable+")"); err != nil {
				return nil, fmt.Errorf("transform: rows in scope of %s: %w", t, err)
			}
		}
		slog.Debug("transform rows in scope", "tables", sharedSources(), "duration", time.Since(start))
	}
	for _, r := range out {
		if r.before == "" {
			continue
		}
		start := time.Now()
		if _, err := conn.ExecContext(ctx, r.before); err != nil {
			return nil, fmt.Errorf("transform model %s (%s): %w", r.Name, r.File, err)
		}
		slog.Debug("transform step", "step", r.Name+" (before the transaction)", "duration", time.Since(start))
	}
	return out, nil
}

// temporaryRE finds the temporary tables and views the transform makes.
var temporaryRE = regexp.MustCompile(`(?i)CREATE OR REPLACE TEMP (TABLE|VIEW) (effekt_\w+)`)

// bothModes are the loaded conditions that render a model's SQL for a
// rebuild ("") and for an update (any condition: it only selects rows), to
// read what either mode runs.
var bothModes = [...]string{"", "true"}

// temporaryDrops drops every temporary table and view the transform
// makes: the scope, the rows in scope and those the models' rendered SQL
// creates.
var temporaryDrops = sync.OnceValue(func() []string {
	stmts := []string{"DROP TABLE IF EXISTS " + scopeTable}
	for _, t := range sharedSources() {
		stmts = append(stmts, "DROP TABLE IF EXISTS "+scopedPrefix+t)
	}
	seen := map[string]bool{}
	for _, m := range models() {
		// as rendered, in both modes: a template function may write the
		// statement (caseCov), and each mode has tables of its own
		for _, loaded := range bothModes {
			q, err := m.Render(loaded)
			if err != nil {
				continue // the run that renders it fails on it
			}
			for _, c := range temporaryRE.FindAllStringSubmatch(q, -1) {
				if !seen[c[2]] {
					seen[c[2]] = true
					stmts = append(stmts, "DROP "+strings.ToUpper(c[1])+" IF EXISTS "+c[2])
				}
			}
		}
	}
	return stmts
})

// dropTemporary drops, on the transform's connection, every temporary
// table and view the transform makes that is still there (after every
// run: the scope and the tables made before the transaction outlive it,
// and a failed run leaves the rest) so that none stays on a connection of
// the pool.
func dropTemporary(ctx context.Context, conn *sql.Conn) {
	for _, q := range temporaryDrops() {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			slog.Warn("transform: clean up", "statement", q, "err", err)
		}
	}
}

// Sources are the tables the models read. Every row of them was written by
// the load of one file (file_id, line), and a load only appends rows and
// deletes rows of earlier files that share the keys of its own: in every
// source but the intervention catalogue the key holds the person, so the
// persons of those deleted rows are persons of the file's rows.
var Sources = []string{"so_registrations", "so_attendance", "so_certificates", "settlements",
	"sfi_courses", "af_plans", "intervention_participations", "interventions"}

// catalogue is the one source without persons: participations read it.
const catalogue = "interventions"

// sourceState is what the sources hold now: per table its row count and
// the sums of file_id and line, and the highest file id.
type sourceState struct {
	rows, files, lines map[string]int64
	maxFileID          int64
}

// readSources reads the source state (at national scale ~20 ms, ~0.2 s
// when the database was just opened).
func readSources(ctx context.Context, q Queryer) (sourceState, error) {
	parts := make([]string, len(Sources))
	for i, t := range Sources {
		parts[i] = fmt.Sprintf(`SELECT '%s', count(*), coalesce(sum(file_id), 0), coalesce(sum(line), 0), coalesce(max(file_id), 0) FROM %s`, t, t)
	}
	q2 := `SELECT json_group_object(t, [n, f, l])::VARCHAR, greatest(max(m), (SELECT coalesce(max(file_id), 0) FROM files)) FROM (` +
		strings.Join(parts, " UNION ALL ") + `) AS s(t, n, f, l, m)`
	var js string
	st := sourceState{rows: map[string]int64{}, files: map[string]int64{}, lines: map[string]int64{}}
	if err := q.QueryRowContext(ctx, q2).Scan(&js, &st.maxFileID); err != nil {
		return st, fmt.Errorf("transform: read the source state: %w", err)
	}
	var m map[string][3]int64
	if err := json.Unmarshal([]byte(js), &m); err != nil {
		return st, fmt.Errorf("transform: read the source state: %w", err)
	}
	for t, v := range m {
		st.rows[t], st.files[t], st.lines[t] = v[0], v[1], v[2]
	}
	return st, nil
}

// fingerprint describes the sources as they are and the models that read
// them: the SHA-256 of the models' SQL and, per source table, its row
// count and the sums of file_id and line. A load changes the count or the
// file_id sum of its kind's table (its rows carry a new file id), so any
// load, replacement or removal of rows changes the fingerprint; an edit of
// a value in place, which no part of effekt makes, would not.
func (s sourceState) fingerprint() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s", modelsHash())
	for _, t := range Sources {
		fmt.Fprintf(h, " %s:%d,%d,%d", t, s.rows[t], s.files[t], s.lines[t])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// modelsHash is renderedHash, computed once (the models and the Go values
// their templates write are fixed for the life of the process).
var modelsHash = sync.OnceValue(renderedHash)

// renderedHash is the SHA-256 of the SQL the models run, as rendered for a
// rebuild and for an update: the templates with what their functions write
// into them (the case-mix covariates' countries and levels, the age
// bands), so that a change of either rebuilds the tables. A hash of the
// templates alone kept cohort rows built with the former covariates after
// such a change. A template that does not render hashes its error, which
// the run then reports.
func renderedHash() string {
	h := sha256.New()
	for _, m := range models() {
		for _, loaded := range bothModes {
			q, err := m.Render(loaded)
			if err != nil {
				q = "error: " + err.Error()
			}
			fmt.Fprintf(h, "%s\x00%s\x00", m.File, q)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Current reports whether the transform tables were last built by this
// binary's models: transform_state holds one row and its models hash is
// modelsHash(). Tables an older or newer effekt built may lack a column or
// hold values its models wrote otherwise (a birth country's region in
// case_cov, say); a reader of the cohort tables outside a compute (effekt
// expected, evaluate, report) refuses them until a compute, which refreshes
// them first, rebuilds them.
func Current(ctx context.Context, q Queryer) (bool, error) {
	var n int
	var models sql.NullString
	if err := q.QueryRowContext(ctx, `SELECT count(*), any_value(models) FROM transform_state`).Scan(&n, &models); err != nil {
		return false, fmt.Errorf("transform: read transform_state: %w", err)
	}
	return n == 1 && models.String == modelsHash(), nil
}

// record replaces transform_state with s, the state the tables were just
// built from.
func (s sourceState) record(ctx context.Context, ex Execer) error {
	rows, err := json.Marshal(s.rows)
	if err != nil {
		return fmt.Errorf("transform: record state: %w", err)
	}
	if _, err := ex.ExecContext(ctx, `DELETE FROM transform_state`); err != nil {
		return fmt.Errorf("transform: record state: %w", err)
	}
	if _, err := ex.ExecContext(ctx, `INSERT INTO transform_state (fingerprint, transformed_at, models, max_file_id, source_rows) VALUES (?, ?, ?, ?, ?)`,
		s.fingerprint(), time.Now().UTC(), modelsHash(), s.maxFileID, string(rows)); err != nil {
		return fmt.Errorf("transform: record state: %w", err)
	}
	return nil
}

// built is the transform_state row: what the tables were built from.
type built struct {
	fingerprint, models sql.NullString
	maxFileID           sql.NullInt64
	rows                map[string]int64
}

// planned is an Outcome with, for an update, the file id after which
// rows are new.
type planned struct {
	Outcome
	since int64
}

// plan decides what Refresh does: keep, update (since: the highest file id
// when the tables were built) or rebuild.
func plan(ctx context.Context, q interface {
	Queryer
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}, now sourceState) (planned, error) {
	rebuild := func(why string) (planned, error) { return planned{Outcome: Outcome{Action: Rebuilt, Reason: why}}, nil }
	tables, err := tablesExist(ctx, q)
	if err != nil {
		return planned{}, err
	}
	var b built
	var rows sql.NullString
	var n int
	err = q.QueryRowContext(ctx, `SELECT count(*) OVER (), fingerprint, models, max_file_id, source_rows FROM transform_state`).
		Scan(&n, &b.fingerprint, &b.models, &b.maxFileID, &rows)
	switch {
	case err == sql.ErrNoRows && !tables:
		return rebuild("never built")
	case err == sql.ErrNoRows:
		return rebuild("no state recorded")
	case err != nil:
		return planned{}, fmt.Errorf("transform: read transform_state: %w", err)
	case !tables:
		return rebuild("a table is missing")
	case n != 1:
		return rebuild("the recorded state is not one row")
	}
	if b.fingerprint.String == now.fingerprint() {
		return planned{Outcome: Outcome{Action: Kept}}, nil
	}
	if b.models.String != modelsHash() {
		return rebuild("the models changed")
	}
	if !b.maxFileID.Valid || !rows.Valid || json.Unmarshal([]byte(rows.String), &b.rows) != nil {
		return rebuild("the recorded state has no row counts")
	}
	why, err := unaccounted(ctx, q, b, now)
	if err != nil || why != "" {
		return planned{Outcome: Outcome{Action: Rebuilt, Reason: why}}, err
	}
	return planned{Outcome: Outcome{Action: Updated}, since: b.maxFileID.Int64}, nil
}

// unaccounted says why the loads since the tables were built do not
// account for the sources as they are ("" when they do): per source table,
// every row with a file id above the recorded one must come from a file
// recorded as loaded of that kind, and the row count must be the recorded
// one plus the rows those files loaded minus the rows they replaced.
func unaccounted(ctx context.Context, q interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}, b built, now sourceState) (string, error) {
	since := b.maxFileID.Int64
	parts := make([]string, len(Sources))
	for i, t := range Sources {
		parts[i] = fmt.Sprintf(`SELECT '%[1]s' AS kind, count(*) AS strays FROM (SELECT DISTINCT file_id FROM %[1]s WHERE file_id > %[2]d) x
			ANTI JOIN files f ON f.file_id = x.file_id AND f.kind = '%[1]s' AND f.status = 'loaded'`, t, since)
	}
	query := fmt.Sprintf(`WITH strays AS (%s),
		loads AS (SELECT kind, sum(rows_loaded) AS loaded, sum(rows_replaced) AS replaced, count(*) - count(rows_replaced) AS unknown
		          FROM files WHERE file_id > %d AND status = 'loaded' GROUP BY kind)
		SELECT s.kind, s.strays, coalesce(l.loaded, 0), coalesce(l.replaced, 0), coalesce(l.unknown, 0)
		FROM strays s LEFT JOIN loads l USING (kind)`, strings.Join(parts, " UNION ALL "), since)
	rs, err := q.QueryContext(ctx, query)
	if err != nil {
		return "", fmt.Errorf("transform: account for the loads: %w", err)
	}
	defer rs.Close()
	var why []string
	for rs.Next() {
		var kind string
		var strays, loaded, replaced, unknown int64
		if err := rs.Scan(&kind, &strays, &loaded, &replaced, &unknown); err != nil {
			return "", fmt.Errorf("transform: account for the loads: %w", err)
		}
		then, ok := b.rows[kind]
		switch {
		case !ok:
			why = append(why, kind+": no recorded row count")
		case strays > 0:
			why = append(why, fmt.Sprintf("%s: rows of %d files not recorded as loaded", kind, strays))
		case unknown > 0:
			why = append(why, fmt.Sprintf("%s: %d files loaded without a count of the rows they replaced", kind, unknown))
		case now.rows[kind] != then+loaded-replaced:
			why = append(why, fmt.Sprintf("%s: %d rows, the loads since account for %d", kind, now.rows[kind], then+loaded-replaced))
		}
	}
	if err := rs.Err(); err != nil {
		return "", fmt.Errorf("transform: account for the loads: %w", err)
	}
	sort.Strings(why)
	return strings.Join(why, "; "), nil
}

// buildScope fills effekt_scope with the persons of every source row the
// condition loaded (on file_id) selects, and the participants of every
// intervention whose catalogue row it selects with another provider than
// the participant's cohort row was built with (the only column of the
// catalogue a transform table holds); it returns their number.
// The key is person_key, which every source table and participation_cohort
// store.
func buildScope(ctx context.Context, q interface {
	Execer
	Queryer
}, loaded string) (int64, error) {
	var parts []string
	for _, t := range Sources {
		if t != catalogue {
			parts = append(parts, fmt.Sprintf("SELECT person_key FROM %s WHERE %s", t, loaded))
		}
	}
	// a catalogue row loaded since changes the cohort rows of the
	// participations whose provider it changes: participation_cohort
	// holds the provider each was built with
	parts = append(parts, fmt.Sprintf(`SELECT c.person_key FROM participation_cohort c
		JOIN %s i USING (intervention_id)
		WHERE i.%s AND c.provider_municipality IS DISTINCT FROM i.provider_municipality`, catalogue, loaded))
	if _, err := q.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE "+scopeTable+" AS SELECT DISTINCT person_key AS pk FROM ("+
		strings.Join(parts, "\nUNION ALL ")+")"); err != nil {
		return 0, fmt.Errorf("transform: scope: %w", err)
	}
	var n int64
	if err := q.QueryRowContext(ctx, "SELECT count(*) FROM "+scopeTable).Scan(&n); err != nil {
		return 0, fmt.Errorf("transform: scope: %w", err)
	}
	return n, nil
}

// tablesExist reports whether every model's table exists.
func tablesExist(ctx context.Context, q Queryer) (bool, error) {
	names := make([]string, 0, len(models()))
	for _, m := range models() {
		names = append(names, "'"+m.Name+"'")
	}
	var tables int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND NOT temporary
		   AND table_name IN (`+strings.Join(names, ", ")+`)`).Scan(&tables)
	if err != nil {
		return false, fmt.Errorf("transform: look for the tables: %w", err)
	}
	return tables == len(names), nil
}

// apply runs, on ex, what prepare left of every model, in order: a
// rebuild when loaded is empty, else an update of the persons in
// effekt_scope (Render).
func apply(ctx context.Context, ex Execer, parts []renderedModel, loaded string) error {
	for _, r := range parts {
		start := time.Now()
		if _, err := ex.ExecContext(ctx, r.inside); err != nil {
			return fmt.Errorf("transform model %s (%s): %w", r.Name, r.File, err)
		}
		slog.Debug("transform model", "model", r.Name, "scoped", loaded != "", "duration", time.Since(start))
	}
	return nil
}
