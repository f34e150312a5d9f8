package main

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/effekt/effekt/store"
)

func init() {
	register(command{
		name:    "sql",
		summary: "run read-only SQL on the database for evaluators with micro-data access (no file or network access)",
		run:     runSQL,
	})
}

func runSQL(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("sql", flag.ContinueOnError)
	var cf commonFlags
	cf.bind(fs)
	format := fs.String("format", "table", "output: table, csv or json")
	timeout := fs.Duration("timeout", 5*time.Minute, "stop the query after this long")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: effekt sql [--db FILE] [--format table|csv|json] 'SELECT …'   (or the query on standard input)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	query := strings.Join(fs.Args(), " ")
	if strings.TrimSpace(query) == "" {
		b, err := io.ReadAll(io.LimitReader(os.Stdin, 1<<20))
		if err != nil {
			return fmt.Errorf("read query from standard input: %w", err)
		}
		query = string(b)
	}
	if strings.TrimSpace(query) == "" {
		return fmt.Errorf("%w: give a query, e.g. effekt sql 'SELECT kpi, count(*) FROM indicator_values GROUP BY kpi'", errUsage)
	}
	cfg, err := cf.load()
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg.Paths.Database, store.Options{ReadOnly: true, Sandboxed: true})
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	return querySQL(ctx, db, query, *format, os.Stdout)
}

// querySQL runs query and writes its rows in format (table, csv, json).
func querySQL(ctx context.Context, db *sql.DB, query, format string, w io.Writer) error {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return fmt.Errorf("query columns: %w", err)
	}
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("read row: %w", err)
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read rows: %w", err)
	}
	switch format {
	case "json":
		objs := make([]map[string]any, len(out))
		for i, r := range out {
			objs[i] = map[string]any{}
			for j, c := range cols {
				objs[i][c] = jsonable(r[j])
			}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(objs)
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write(cols)
		for _, r := range out {
			cw.Write(texts(r))
		}
		cw.Flush()
		return cw.Error()
	case "table", "":
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, strings.Join(cols, "\t"))
		for _, r := range out {
			fmt.Fprintln(tw, strings.Join(texts(r), "\t"))
		}
		fmt.Fprintf(tw, "(%d rows)\n", len(out))
		return tw.Flush()
	}
	return fmt.Errorf("%w: unknown format %q (want table, csv or json)", errUsage, format)
}

func texts(r []any) []string {
	s := make([]string, len(r))
	for i, v := range r {
		s[i] = text(v)
	}
	return s
}

func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format(time.DateOnly)
		}
		return x.Format(time.RFC3339)
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}

func jsonable(v any) any {
	switch v.(type) {
	case nil, bool, string, int, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32, float64:
		return v
	}
	return text(v)
}
