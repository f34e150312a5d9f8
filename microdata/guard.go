package microdata

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// RefusedError is a statement refused before anything of it ran.
type RefusedError struct {
	Reason string
}

func (e *RefusedError) Error() string { return "refused: " + e.Reason }

// SyntaxError is text DuckDB's parser does not accept.
type SyntaxError struct {
	Msg string
}

func (e *SyntaxError) Error() string { return e.Msg }

// tableFunctions are the table functions a query may call: generators and
// catalogue views. Everything else is refused — the file readers
// (read_csv, read_parquet, read_text, glob, …), query() and query_table()
// (which run SQL given as a string), json_execute_serialized_sql,
// enable_logging, checkpoint, the PEG parser switches, duckdb_settings,
// duckdb_secrets, duckdb_databases (file paths) and any function a later
// DuckDB adds.
var tableFunctions = map[string]bool{
	"range": true, "generate_series": true, "unnest": true, "repeat": true, "repeat_row": true,
	"json_each": true, "json_tree": true,
	"duckdb_tables": true, "duckdb_columns": true, "duckdb_views": true, "duckdb_schemas": true,
	"duckdb_constraints": true, "duckdb_types": true, "duckdb_functions": true, "duckdb_keywords": true,
	"duckdb_indexes": true, "pragma_table_info": true, "pg_timezone_names": true, "icu_calendar_names": true,
}

// scalarFunctions are refused wherever they appear: they write (write_log,
// sequences), read the environment or settings, only stall (sleep_ms and
// the pg_sleep macro over it), or take SQL as a string, which the parse
// tree holds as a mere literal: json_serialize_plan binds it (a file
// reader's binding reads the file, and its errors quote the file's
// lines), json_execute_serialized_sql runs it.
var scalarFunctions = map[string]bool{
	"write_log": true, "nextval": true, "setval": true, "currval": true, "getenv": true,
	"current_setting": true, "sleep_ms": true, "pg_sleep": true, "json_execute_serialized_sql": true,
	"json_serialize_plan": true, "json_serialize_sql": true, "json_deserialize_sql": true,
	"query": true, "query_table": true,
}

// refusedParts refuse a function whose name holds one of them, whatever
// DuckDB adds later under such a name: SQL or a plan as text, sleeping,
// settings, secrets, the environment.
var refusedParts = []string{"sql", "plan", "sleep", "setting", "secret", "getenv", "write_log", "serializ"}

// refusedFunction reports whether a scalar, aggregate or window function
// of this name is refused.
func refusedFunction(name string) bool {
	n := strings.ToLower(name)
	if scalarFunctions[n] {
		return true
	}
	for _, p := range refusedParts {
		if strings.Contains(n, p) {
			return true
		}
	}
	return false
}

// catalogueName reports a name under which DuckDB reads a table function
// as a table (`FROM pragma_database_list`, `FROM duckdb_settings`): such a
// name may be read only when it is an allowed table function (or a table
// of the database, which never has one of these names).
func catalogueName(name string) bool {
	n := strings.ToLower(name)
	for _, p := range []string{"duckdb_", "pragma_", "read_", "sniff_", "parquet_", "glob", "json_", "icu_", "which_", "test_", "query", "checkpoint", "sql_", "enable_", "disable_"} {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}

// plainName is a table name that no replacement scan turns into a file
// read ('/etc/passwd.csv', "data.parquet" and URLs all hold '.', '/' or ':').
var plainName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// hiddenTables are catalogue views over refused table functions.
var hiddenTables = map[string]bool{"pg_settings": true, "duckdb_settings": true, "duckdb_secrets": true, "duckdb_databases": true}

// schemas a table reference may name.
var schemas = map[string]bool{"": true, "main": true, "information_schema": true, "pg_catalog": true}

// check parses query with DuckDB's own parser (json_serialize_sql, which
// only parses: nothing is bound or run) and accepts exactly one SELECT
// statement whose every table function, function and table reference is
// allowed. It returns the statement as DuckDB prints it back from the
// parse tree.
func check(ctx context.Context, conn *sql.Conn, query string) (canonical string, err error) {
	var tree string
	if err := conn.QueryRowContext(ctx, `SELECT json_serialize_sql(?::VARCHAR)::VARCHAR`, query).Scan(&tree); err != nil {
		return "", fmt.Errorf("parse query: %w", err)
	}
	var parsed struct {
		Error      bool              `json:"error"`
		ErrorType  string            `json:"error_type"`
		Message    string            `json:"error_message"`
		Statements []json.RawMessage `json:"statements"`
	}
	if err := json.Unmarshal([]byte(tree), &parsed); err != nil {
		return "", fmt.Errorf("read parse tree: %w", err)
	}
	if parsed.Error {
		if strings.Contains(parsed.Message, "Only SELECT statements") {
			return "", &RefusedError{Reason: fmt.Sprintf("%s statements are not allowed: only SELECT statements run (evaluators' SQL only reads)", statementWord(query))}
		}
		return "", &SyntaxError{Msg: "syntax error: " + parsed.Message}
	}
	switch len(parsed.Statements) {
	case 0:
		return "", &SyntaxError{Msg: "no statement given"}
	case 1:
	default:
		return "", &RefusedError{Reason: fmt.Sprintf("%d statements given: run one SELECT statement at a time", len(parsed.Statements))}
	}
	var node any
	if err := json.Unmarshal(parsed.Statements[0], &node); err != nil {
		return "", fmt.Errorf("read parse tree: %w", err)
	}
	macros, err := refusedMacros(ctx, conn)
	if err != nil {
		return "", err
	}
	if err := walk(node, macros); err != nil {
		return "", err
	}
	if err := conn.QueryRowContext(ctx, `SELECT json_deserialize_sql(json_serialize_sql(?::VARCHAR))`, query).Scan(&canonical); err != nil {
		return "", fmt.Errorf("print query back: %w", err)
	}
	return canonical, nil
}

// walk refuses any node of the parse tree calling a function or naming a
// table that is not allowed, or calling a macro of macros (the built-in
// macros whose definitions do).
func walk(v any, macros map[string]string) error {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if err := walk(e, macros); err != nil {
				return err
			}
		}
	case map[string]any:
		typ, _ := x["type"].(string)
		switch {
		case typ == "TABLE_FUNCTION":
			fn, _ := x["function"].(map[string]any)
			name, _ := fn["function_name"].(string)
			if !tableFunctions[strings.ToLower(name)] {
				return &RefusedError{Reason: fmt.Sprintf("table function %s() is not allowed (it reads files, runs other SQL or changes settings); allowed: range, generate_series, unnest and the duckdb_* catalogue", name)}
			}
			if why, ok := macros[strings.ToLower(name)]; ok {
				return &RefusedError{Reason: fmt.Sprintf("table macro %s() is not allowed: %s", name, why)}
			}
		case typ == "BASE_TABLE":
			name, _ := x["table_name"].(string)
			schema, _ := x["schema_name"].(string)
			catalog, _ := x["catalog_name"].(string)
			if !plainName.MatchString(name) {
				return &RefusedError{Reason: fmt.Sprintf("table %q is not a table name (file paths and URLs are not read)", name)}
			}
			if catalog != "" || !schemas[strings.ToLower(schema)] || hiddenTables[strings.ToLower(name)] ||
				catalogueName(name) && !tableFunctions[strings.ToLower(name)] {
				return &RefusedError{Reason: fmt.Sprintf("table %s.%s.%s: only the database's own tables can be read", catalog, schema, name)}
			}
		}
		cls, _ := x["class"].(string)
		if cls == "PARAMETER" {
			return &RefusedError{Reason: "parameters (?, $1) are not supported: write the values into the query"}
		}
		if cls == "FUNCTION" || cls == "WINDOW" || cls == "AGGREGATE" {
			name, _ := x["function_name"].(string)
			if refusedFunction(name) {
				return &RefusedError{Reason: fmt.Sprintf("function %s() is not allowed (it writes, reads settings or the environment, takes SQL as text, or stalls)", name)}
			}
			if why, ok := macros[strings.ToLower(name)]; ok {
				return &RefusedError{Reason: fmt.Sprintf("function %s() is not allowed: %s", name, why)}
			}
		}
		for _, e := range x {
			if err := walk(e, macros); err != nil {
				return err
			}
		}
	}
	return nil
}

// macroCache holds the refused macros, derived once per process from the
// first connection: the built-in macros are DuckDB's, fixed by the binary,
// and effekt's schema defines none.
var macroCache struct {
	sync.Mutex
	refused map[string]string
}

// refusedMacros returns the macros (scalar and table, by lower-cased name)
// whose definitions call a refused function or table function or read a
// refused table, directly or through another such macro, each with the
// reason. The parse tree holds a macro call as a plain function call, and
// the macro is expanded only when the query is bound, after the check:
// get_block_size('e') runs pragma_database_size(), pg_sleep sleep_ms,
// histogram query_table. A macro whose definition does not parse is refused.
func refusedMacros(ctx context.Context, conn *sql.Conn) (map[string]string, error) {
	macroCache.Lock()
	defer macroCache.Unlock()
	if macroCache.refused != nil {
		return macroCache.refused, nil
	}
	rows, err := conn.QueryContext(ctx, `SELECT DISTINCT lower(function_name), function_type, coalesce(macro_definition, '')
		FROM duckdb_functions() WHERE function_type IN ('macro', 'table_macro') ORDER BY ALL`)
	if err != nil {
		return nil, fmt.Errorf("list macros: %w", err)
	}
	type macro struct{ name, typ, def string }
	var all []macro
	for rows.Next() {
		var m macro
		if err := rows.Scan(&m.name, &m.typ, &m.def); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list macros: %w", err)
		}
		all = append(all, m)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("list macros: %w", err)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list macros: %w", err)
	}
	trees := make([]any, len(all))
	refused := map[string]string{}
	for i, m := range all {
		text := m.def
		if m.typ == "macro" {
			text = "SELECT " + m.def
		}
		var tree string
		if err := conn.QueryRowContext(ctx, `SELECT json_serialize_sql(?::VARCHAR)::VARCHAR`, text).Scan(&tree); err != nil {
			return nil, fmt.Errorf("parse macro %s: %w", m.name, err)
		}
		var parsed struct {
			Error      bool  `json:"error"`
			Statements []any `json:"statements"`
		}
		if err := json.Unmarshal([]byte(tree), &parsed); err != nil || parsed.Error || len(parsed.Statements) != 1 {
			refused[m.name] = "its definition cannot be checked"
			continue
		}
		trees[i] = parsed.Statements[0]
	}
	// to a fixed point: a macro calling a refused macro is refused
	for changed := true; changed; {
		changed = false
		for i, m := range all {
			if _, done := refused[m.name]; done || trees[i] == nil {
				continue
			}
			if err := walk(trees[i], refused); err != nil {
				var re *RefusedError
				if !errors.As(err, &re) {
					return nil, err
				}
				refused[m.name] = "it is a macro over what is refused (" + re.Reason + ")"
				changed = true
			}
		}
	}
	macroCache.refused = refused
	return refused, nil
}

// statementWord is the first keyword of query, upper-cased, for messages
// only (the decision is the parser's).
func statementWord(query string) string {
	s := query
	for {
		s = strings.TrimLeft(s, " \t\r\n(;")
		switch {
		case strings.HasPrefix(s, "--"):
			_, s, _ = strings.Cut(s, "\n")
			continue
		case strings.HasPrefix(s, "/*"):
			_, s, _ = strings.Cut(s, "*/")
			continue
		}
		break
	}
	end := strings.IndexFunc(s, func(r rune) bool { return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || r == '_') })
	if end < 0 {
		end = len(s)
	}
	if w := strings.ToUpper(s[:end]); w != "" && len(w) < 20 {
		return w
	}
	return "Such"
}
