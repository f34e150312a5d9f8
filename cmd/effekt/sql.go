package main

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/effekt/effekt/store"
)

func init() {
	register(func() *cobra.Command {
		var (
			cf      commonFlags
			format  string
			timeout time.Duration
		)
		cmd := &cobra.Command{
			Use:   "sql [flags] 'SELECT …'",
			Short: "run read-only SQL on the database for evaluators with micro-data access (no file or network access)",
			Long: "Runs one read-only query on the micro data, unsuppressed, with every file and network function\n" +
				"off. The query is the arguments joined by spaces, or standard input when none is given.",
			Example: "  effekt sql 'SELECT kpi, count(*) FROM indicator_values GROUP BY kpi' --format csv",
			Args:    cobra.ArbitraryArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				switch format {
				case "table", "csv", "json":
				default:
					return usagef("--format %q: want table, csv or json", format)
				}
				query := strings.Join(args, " ")
				if strings.TrimSpace(query) == "" {
					b, err := io.ReadAll(io.LimitReader(cmd.InOrStdin(), 1<<20))
					if err != nil {
						return fmt.Errorf("read query from standard input: %w", err)
					}
					query = string(b)
				}
				if strings.TrimSpace(query) == "" {
					return usagef("give a query, e.g. effekt sql 'SELECT kpi, count(*) FROM indicator_values GROUP BY kpi'")
				}
				cfg, err := cf.load()
				if err != nil {
					return err
				}
				if err := mustExist(cfg.Paths.Database, "database"); err != nil {
					return err
				}
				db, err := store.Open(cmd.Context(), cfg.Paths.Database, store.Options{ReadOnly: true, Sandboxed: true})
				if err != nil {
					return err
				}
				defer db.Close()
				ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
				defer cancel()
				return querySQL(ctx, db, query, format, cmd.OutOrStdout())
			},
		}
		cf.bind(cmd)
		cmd.Flags().StringVarP(&format, "format", "f", "table", "output `FORMAT`: table, csv or json (json keeps the column order)")
		cmd.Flags().DurationVar(&timeout, "timeout", 5*time.Minute, "stop the query after this `DURATION` (e.g. 30s, 5m)")
		cmd.RegisterFlagCompletionFunc("format", fixedCompletion("table", "csv", "json"))
		return cmd
	})
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
		return writeJSONRows(w, cols, out)
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

// writeJSONRows writes rows as an array of objects whose keys keep the
// query's column order.
func writeJSONRows(w io.Writer, cols []string, rows [][]any) error {
	var b strings.Builder
	b.WriteString("[")
	for i, r := range rows {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n  {")
		for j, c := range cols {
			if j > 0 {
				b.WriteString(",")
			}
			k, _ := json.Marshal(c)
			v, err := json.Marshal(jsonable(r[j]))
			if err != nil {
				return fmt.Errorf("json: column %s: %w", c, err)
			}
			fmt.Fprintf(&b, "\n    %s: %s", k, v)
		}
		b.WriteString("\n  }")
	}
	if len(rows) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("]\n")
	_, err := io.WriteString(w, b.String())
	return err
}
