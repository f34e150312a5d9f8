package main

import (
	"database/sql"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/effekt/effekt/bench"
	"github.com/effekt/effekt/sample"
	"github.com/effekt/effekt/server"
)

// `effekt bench`: the measurements live in bench/; these commands only read
// flags, open what is measured and print the report.
func init() {
	register(func() *cobra.Command {
		cmd := &cobra.Command{
			Use:   "bench",
			Short: "measure ingest, compute, serving and /metrics, each beside its limit in the same run",
			Args:  cobra.ArbitraryArgs,
			RunE:  groupOnly,
		}
		cmd.AddCommand(newBenchIngest(), newBenchCompute(), newBenchServe(), newBenchMetrics())
		return cmd
	})
}

// benchOutput holds the flags every bench subcommand shares.
type benchOutput struct {
	runs int
	json bool
}

func (o *benchOutput) bind(cmd *cobra.Command) {
	cmd.Flags().IntVar(&o.runs, "runs", 3, "measure `N` times (min and median are printed)")
	cmd.Flags().BoolVar(&o.json, "json", false, "print the report as JSON")
}

func (o *benchOutput) write(w io.Writer, rep *bench.Report) error {
	if o.json {
		return rep.WriteJSON(w)
	}
	return rep.WriteText(w)
}

func newBenchIngest() *cobra.Command {
	var (
		out        benchOutput
		o          bench.IngestOptions
		keep       bool
		quietFlags bool
	)
	cmd := &cobra.Command{
		Use:   "ingest",
		Short: "ingest rows/s per kind against DuckDB's read_csv (CSV) and excelize's Rows() (XLSX) of the same files, and peak RSS",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.Work == "" {
				d, err := os.MkdirTemp("", "effekt-bench-")
				if err != nil {
					return err
				}
				o.Work = d
				if !keep {
					defer os.RemoveAll(d)
				}
			}
			o.Runs = out.runs
			if !quietFlags {
				o.Progress = cmd.ErrOrStderr()
			}
			rep, err := bench.Ingest(cmd.Context(), o)
			if err != nil {
				return err
			}
			return out.write(cmd.OutOrStdout(), rep)
		},
	}
	out.bind(cmd)
	fl := cmd.Flags()
	fl.StringVar(&o.Scale, "scale", "county", "sample `SIZE`: "+strings.Join(sample.Scales(), ", "))
	fl.Int64Var(&o.Seed, "seed", 1, "sample `SEED`")
	fl.StringVar(&o.Work, "dir", "", "work `DIR` (default: a temporary folder, removed afterwards)")
	fl.BoolVar(&keep, "keep", false, "keep the temporary work folder")
	fl.StringVar(&o.From, "from", "", "bench on copies of this `DIR` of kind folders (<kind>/<files>) instead of a generated sample")
	bindQuiet(cmd, &quietFlags)
	return cmd
}

func newBenchCompute() *cobra.Command {
	var (
		cf   commonFlags
		out  benchOutput
		asOf string
	)
	cmd := &cobra.Command{
		Use:   "compute",
		Short: "time the compute (the 11 indicators, all KPIs; after a load, after loads of the newest files and with nothing loaded since; each step) against one independent SQL query for EF101; rewrites indicator_values and the cohort tables",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := cf.load()
			if err != nil {
				return err
			}
			opt, err := computeOptions(cfg, asOf)
			if err != nil {
				return usageError{err}
			}
			if err := mustExist(cfg.Paths.Database, "database"); err != nil {
				return err
			}
			db, err := openDB(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			defer db.Close()
			rep, err := bench.Compute(cmd.Context(), db, bench.ComputeOptions{Runs: out.runs, AsOf: opt.AsOf, SOFee: opt.SOFee, Groups: opt.Groups, Steps: opt.Steps})
			if err != nil {
				return err
			}
			rep.Setup = append(rep.Setup, "database "+cfg.Paths.Database)
			return out.write(cmd.OutOrStdout(), rep)
		},
	}
	cf.bind(cmd)
	out.bind(cmd)
	cmd.Flags().StringVar(&asOf, "as-of", "", "reference `DATE` YYYY-MM-DD (default: indicators.as_of, else the latest event date in the data)")
	return cmd
}

// benchServer builds what `effekt serve` serves (API, /metrics) on the
// configured database, without starting its scheduler or audit log.
func benchServer(cmd *cobra.Command, cf commonFlags) (*server.Server, *sql.DB, error) {
	cfg, err := cf.load()
	if err != nil {
		return nil, nil, err
	}
	if err := mustExist(cfg.Paths.Database, "database"); err != nil {
		return nil, nil, err
	}
	db, err := openDB(cmd.Context(), cfg)
	if err != nil {
		return nil, nil, err
	}
	cfg.Paths.Audit = "" // the bench serves no micro data
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := server.New(cmd.Context(), cfg, db, server.Options{Logger: quiet})
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return srv, db, nil
}

func newBenchServe() *cobra.Command {
	var (
		cf       commonFlags
		out      benchOutput
		path     string
		conc     []int
		requests int
		duration time.Duration
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "API throughput and p50/p99 over loopback at 50 and 200 connections against a handler writing the same pre-rendered bytes",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			srv, db, err := benchServer(cmd, cf)
			if err != nil {
				return err
			}
			defer db.Close()
			if path == "" {
				if path, err = bench.DefaultServePath(cmd.Context(), db); err != nil {
					return err
				}
			}
			rep, err := bench.Serve(cmd.Context(), bench.ServeOptions{Handler: srv.Handler, Path: path, Concurrency: conc,
				Requests: requests, Duration: duration, Runs: out.runs})
			if err != nil {
				return err
			}
			return out.write(cmd.OutOrStdout(), rep)
		},
	}
	cf.bind(cmd)
	out.bind(cmd)
	fl := cmd.Flags()
	fl.StringVar(&path, "path", "", "request `PATH` (default: EF101 for 0127 in its latest period)")
	fl.IntSliceVar(&conc, "connections", []int{50, 200}, "concurrent loopback `CONNECTIONS`")
	fl.IntVar(&requests, "requests", 20000, "at most `N` requests per measurement")
	fl.DurationVar(&duration, "duration", 10*time.Second, "at most this `LONG` per measurement")
	return cmd
}

func newBenchMetrics() *cobra.Command {
	var (
		cf  commonFlags
		out benchOutput
	)
	cmd := &cobra.Command{
		Use:   "metrics",
		Short: "/metrics scrape time and size, as effekt serve serves it",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			srv, db, err := benchServer(cmd, cf)
			if err != nil {
				return err
			}
			defer db.Close()
			rep, err := bench.Metrics(cmd.Context(), bench.MetricsOptions{Handler: srv.Metrics.Handler(), Runs: out.runs})
			if err != nil {
				return err
			}
			return out.write(cmd.OutOrStdout(), rep)
		},
	}
	cf.bind(cmd)
	out.bind(cmd)
	return cmd
}
