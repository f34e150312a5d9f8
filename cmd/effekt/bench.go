package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/effekt/effekt/ingest"
	"github.com/effekt/effekt/sample"
	"github.com/effekt/effekt/store"
)

func init() {
	register(func() *cobra.Command {
		bench := &cobra.Command{
			Use:   "bench",
			Short: "measure ingest throughput against DuckDB's raw read_csv of the same files (bench ingest)",
			Args:  cobra.ArbitraryArgs,
			RunE:  groupOnly,
		}
		var o benchIngestOptions
		ingestCmd := &cobra.Command{
			Use:   "ingest",
			Short: "ingest rows/s and MB/s per kind against DuckDB's raw read_csv, and peak memory",
			Args:  noArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				return runBenchIngest(cmd.Context(), o)
			},
		}
		fl := ingestCmd.Flags()
		fl.StringVar(&o.scale, "scale", "county", "sample `SIZE`: "+strings.Join(sample.Scales(), ", "))
		fl.Int64Var(&o.seed, "seed", 1, "sample `SEED`")
		fl.StringVar(&o.dir, "dir", "", "work `DIR` (default: a temporary folder, removed afterwards)")
		fl.BoolVar(&o.keep, "keep", false, "keep the work folder")
		fl.StringVar(&o.from, "from", "", "bench on a copy of this `DIR` of kind folders (<kind>/<files>) instead of a generated sample")
		bench.AddCommand(ingestCmd)
		return bench
	})
}

// benchIngestOptions are the flags of `effekt bench ingest`.
type benchIngestOptions struct {
	scale, dir, from string
	seed             int64
	keep             bool
}

func runBenchIngest(ctx context.Context, o benchIngestOptions) error {
	scale, seed, dir, keep, from := &o.scale, &o.seed, &o.dir, &o.keep, &o.from
	work := *dir
	if work == "" {
		d, err := os.MkdirTemp("", "effekt-bench-")
		if err != nil {
			return err
		}
		work = d
		if !*keep {
			defer os.RemoveAll(d)
		}
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	today := time.Now().UTC()

	t0 := time.Now()
	inbox := filepath.Join(work, "inbox")
	if *from != "" {
		fmt.Printf("copying %s to %s …\n", *from, inbox)
		if err := os.CopyFS(inbox, os.DirFS(*from)); err != nil {
			return fmt.Errorf("copy %s: %w", *from, err)
		}
	} else {
		fmt.Printf("generating the %s sample in %s …\n", *scale, work)
		st, err := sample.Write(ctx, inbox, sample.Options{Scale: *scale, Seed: *seed, Today: today, Logger: quiet})
		if err != nil {
			return err
		}
		fmt.Printf("  %d files, %d rows (%d written to be rejected), %.1f MB in %.1fs\n", len(st.Files), st.Rows, st.BadRows, float64(totalBytes(st))/1e6, time.Since(t0).Seconds())
	}

	// effekt: the full validated ingest
	db, err := store.Open(ctx, filepath.Join(work, "effekt.duckdb"), store.Options{})
	if err != nil {
		return err
	}
	archive := filepath.Join(work, "archive")
	t0 = time.Now()
	sum, err := ingest.Run(ctx, db, ingest.Options{Inbox: inbox, Archive: archive, Failed: filepath.Join(work, "failed"),
		Key: []byte("bench-key"), Today: today, Logger: quiet})
	db.Close()
	if err != nil {
		return err
	}
	effektWall := time.Since(t0)
	effektRSS := maxRSS()

	// DuckDB's raw read of the same CSV files, into a table, no validation
	raw, err := store.Open(ctx, filepath.Join(work, "raw.duckdb"), store.Options{})
	if err != nil {
		return err
	}
	defer raw.Close()
	type agg struct {
		files, xlsx       int
		rows, bytes       int64
		effekt            time.Duration
		csvRows, csvBytes int64
		effektCSV, rawCSV time.Duration
		rawRows           int64
	}
	kinds := map[string]*agg{}
	get := func(k string) *agg {
		if kinds[k] == nil {
			kinds[k] = &agg{}
		}
		return kinds[k]
	}
	for _, f := range sum.Files {
		if f.Status != ingest.StatusLoaded {
			return fmt.Errorf("%s: %s: %s", f.Name, f.Status, f.Error)
		}
		a := get(f.Kind)
		a.files++
		a.rows += f.RowsRead
		a.bytes += f.Size
		a.effekt += f.Duration
		if strings.HasSuffix(strings.ToLower(f.Name), ".xlsx") {
			a.xlsx++
			continue
		}
		a.csvRows += f.RowsRead
		a.csvBytes += f.Size
		a.effektCSV += f.Duration
	}
	// the same CSV files, now in the archive, read raw
	csvs, err := filepath.Glob(filepath.Join(archive, "*", "*.csv"))
	if err != nil {
		return err
	}
	for i, p := range csvs {
		n, d, err := rawRead(ctx, raw, p, i)
		if err != nil {
			return fmt.Errorf("raw read %s: %w", filepath.Base(p), err)
		}
		a := get(filepath.Base(filepath.Dir(p)))
		a.rawCSV += d
		a.rawRows += n
	}
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	fmt.Printf("\nper kind (effekt: sha256, decode, validate, pseudonymise, stage, one transaction up to its commit; raw: read_csv(all_varchar=true) into a table)\n")
	fmt.Printf("%-28s %5s %10s %8s | %10s %8s | %10s %8s %10s %8s %6s\n", "KIND", "FILES", "ROWS", "MB", "EFFEKT r/s", "MB/s", "CSV r/s", "MB/s", "RAW r/s", "MB/s", "RATIO")
	var tot agg
	for _, k := range names {
		a := kinds[k]
		line := fmt.Sprintf("%-28s %5d %10d %8.1f | %10.0f %8.1f | ", k, a.files, a.rows, float64(a.bytes)/1e6,
			rate(a.rows, a.effekt), mbps(a.bytes, a.effekt))
		if a.csvRows == 0 {
			line += fmt.Sprintf("%10s %8s %10s %8s %6s  (XLSX only: DuckDB has no raw XLSX reader built in)", "-", "-", "-", "-", "-")
		} else {
			line += fmt.Sprintf("%10.0f %8.1f %10.0f %8.1f %6.2f", rate(a.csvRows, a.effektCSV), mbps(a.csvBytes, a.effektCSV),
				rate(a.csvRows, a.rawCSV), mbps(a.csvBytes, a.rawCSV), a.rawCSV.Seconds()/a.effektCSV.Seconds())
			if a.xlsx > 0 {
				line += fmt.Sprintf("  (CSV files only; %d XLSX files have no raw read)", a.xlsx)
			}
		}
		fmt.Println(line)
		tot.rows += a.rows
		tot.bytes += a.bytes
		tot.effekt += a.effekt
		tot.csvRows += a.csvRows
		tot.csvBytes += a.csvBytes
		tot.effektCSV += a.effektCSV
		tot.rawCSV += a.rawCSV
	}
	fmt.Printf("%-28s %5d %10d %8.1f | %10.0f %8.1f | %10.0f %8.1f %10.0f %8.1f %6.2f\n", "total", len(sum.Files), tot.rows, float64(tot.bytes)/1e6,
		rate(tot.rows, tot.effekt), mbps(tot.bytes, tot.effekt), rate(tot.csvRows, tot.effektCSV), mbps(tot.csvBytes, tot.effektCSV),
		rate(tot.csvRows, tot.rawCSV), mbps(tot.csvBytes, tot.rawCSV), tot.rawCSV.Seconds()/tot.effektCSV.Seconds())
	fmt.Printf("\nRATIO = effekt CSV throughput / raw read_csv throughput (aim ≥ 0.5)\n")
	fmt.Printf("effekt: %d rows read, %d loaded, %d rejected in %.1fs wall; peak RSS after effekt %.0f MB, after raw reads %.0f MB\n",
		sum.RowsRead, sum.RowsLoaded, sum.RowsRejected, effektWall.Seconds(), effektRSS, maxRSS())
	return nil
}

// rawRead loads one CSV file with DuckDB's read_csv, every column as text.
func rawRead(ctx context.Context, db *sql.DB, path string, i int) (int64, time.Duration, error) {
	enc := "utf-8"
	if !utf8File(path) {
		enc = "latin-1"
	}
	t0 := time.Now()
	q := fmt.Sprintf(`CREATE TABLE raw_%d AS SELECT * FROM read_csv('%s', all_varchar = true, header = true, encoding = '%s')`, i, strings.ReplaceAll(path, "'", "''"), enc)
	if _, err := db.ExecContext(ctx, q); err != nil {
		return 0, 0, err
	}
	d := time.Since(t0)
	var n int64
	err := db.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*) FROM raw_%d`, i)).Scan(&n)
	return n, d, err
}

// utf8File reports whether the file is valid UTF-8 (outside the timing).
func utf8File(path string) bool {
	b, err := os.ReadFile(path)
	if err != nil {
		return true
	}
	return utf8.Valid(b)
}

func totalBytes(st sample.Stats) int64 {
	var n int64
	for _, f := range st.Files {
		n += f.Bytes
	}
	return n
}

func rate(n int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

func mbps(n int64, d time.Duration) float64 { return rate(n, d) / 1e6 }

// maxRSS is the peak resident set size of the process in MB.
func maxRSS() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024
}
