package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/effekt/effekt/access"
	"github.com/effekt/effekt/microdata"
	"github.com/effekt/effekt/server/serveinfo"
)

func init() {
	register(func() *cobra.Command {
		var (
			cf      commonFlags
			format  string
			timeout time.Duration
			limit   int
		)
		cmd := &cobra.Command{
			Use:   "sql [flags] 'SELECT …'",
			Short: "run read-only SQL on the database for evaluators with micro-data access (no file or network access)",
			Long: "Runs one SELECT statement on the micro data, unsuppressed. Only reading statements run (DuckDB's\n" +
				"parser decides; COPY, CALL, SET, ATTACH, file readers and the like are refused before anything\n" +
				"runs), with every file and network function off, at most --limit rows (the output says when it\n" +
				"cut), sql.memory_limit and --timeout. Every query is written to the audit log (paths.audit) under\n" +
				"your OS user. While effekt serve holds the database the query goes to it (POST /api/v1/sql).\n" +
				"The query is the arguments joined by spaces, or standard input when none is given.",
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
				run := microdata.CLI{
					Database: cfg.Paths.Database, Audit: cfg.Paths.Audit, MemoryLimit: cfg.SQL.MemoryLimit,
					Limits: microdata.Limits{Rows: cfg.SQL.RowLimit, Timeout: cfg.SQL.Timeout},
					Format: format, Out: cmd.OutOrStdout(), Note: cmd.ErrOrStderr(),
				}
				if cmd.Flags().Changed("limit") {
					if limit < 1 {
						return usagef("--limit %d: want a number of rows, 1 or more", limit)
					}
					run.Limits.Rows = limit
				}
				if cmd.Flags().Changed("timeout") {
					run.Limits.Timeout = timeout
				}
				ctx, cancel := context.WithTimeout(cmd.Context(), run.Limits.Timeout+10*time.Second)
				defer cancel()
				if srv, err := serveinfo.Discover(cfg.Paths.Database); err == nil {
					return run.RunRemote(ctx, microdata.Server{URL: srv.URL, Token: srv.Token, User: access.OSUser()}, query)
				}
				if err := mustExist(cfg.Paths.Database, "database"); err != nil {
					return err
				}
				return run.RunLocal(ctx, query)
			},
		}
		cf.bind(cmd)
		cmd.Flags().StringVarP(&format, "format", "f", "table", "output `FORMAT`: table, csv or json (json keeps the column order)")
		cmd.Flags().DurationVar(&timeout, "timeout", 0, "stop the query after this `DURATION` (default: sql.timeout)")
		cmd.Flags().IntVar(&limit, "limit", 0, "return at most `N` rows (default: sql.row_limit); the output says when it cut")
		cmd.RegisterFlagCompletionFunc("format", fixedCompletion("table", "csv", "json"))
		return cmd
	})
}
