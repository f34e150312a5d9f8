package bench

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/effekt/effekt/ingest"
	"github.com/effekt/effekt/sample"
	"github.com/effekt/effekt/store"
)

// IngestOptions configure Ingest.
type IngestOptions struct {
	// From is a folder of kind folders (<kind>/<files>) to bench on; empty:
	// a generated sample of Scale and Seed.
	From  string
	Scale string // sample.Scales(); "": county
	Seed  int64
	// Work is the work folder (each run ingests a fresh copy of the inbox
	// into a fresh database there and removes it afterwards).
	Work string
	Runs int // 0: 3
	// Progress, when set, gets a line as each part starts.
	Progress io.Writer
}

// kindTimes is one run's time and rows for the files of one kind and format.
type kindTimes struct {
	files     int
	rows      int64
	bytes     int64
	effekt    time.Duration
	limit     time.Duration
	limitRows int64
}

// Ingest measures the full validated ingest of the same files per kind
// against the practical limit of reading them: DuckDB's read_csv of the CSV
// files into a table of a file database (all columns as text), and
// excelize's own streaming Rows() read of the XLSX files (raw values, the
// options ingest uses). Peak RSS is the process's after the first ingest.
func Ingest(ctx context.Context, opt IngestOptions) (*Report, error) {
	if opt.Runs <= 0 {
		opt.Runs = 3
	}
	if opt.Scale == "" {
		opt.Scale = "county"
	}
	if opt.Progress == nil {
		opt.Progress = io.Discard
	}
	rep := newReport("ingest", opt.Runs)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	today := time.Now().UTC()
	src := opt.From
	if src == "" {
		src = filepath.Join(opt.Work, "sample")
		fmt.Fprintf(opt.Progress, "generating the %s sample in %s …\n", opt.Scale, src)
		st, err := sample.Write(ctx, src, sample.Options{Scale: opt.Scale, Seed: opt.Seed, Today: today, Logger: quiet})
		if err != nil {
			return nil, fmt.Errorf("bench ingest: sample: %w", err)
		}
		rep.Setup = append(rep.Setup, fmt.Sprintf("sample %s (seed %d): %d files, %d rows", opt.Scale, opt.Seed, len(st.Files), st.Rows))
	} else {
		rep.Setup = append(rep.Setup, "files from "+src)
	}

	// per run: key "kind csv" / "kind xlsx" → times
	runs := make([]map[string]*kindTimes, 0, opt.Runs)
	var rss float64
	var read, loaded, rejected int64
	for i := 0; i < opt.Runs; i++ {
		fmt.Fprintf(opt.Progress, "run %d of %d: effekt ingest …\n", i+1, opt.Runs)
		dir := filepath.Join(opt.Work, fmt.Sprintf("run-%d", i+1))
		inbox := filepath.Join(dir, "inbox")
		if err := os.CopyFS(inbox, os.DirFS(src)); err != nil {
			return nil, fmt.Errorf("bench ingest: copy %s: %w", src, err)
		}
		times := map[string]*kindTimes{}
		sum, ck, err := effektIngest(ctx, dir, inbox, today, quiet)
		if err != nil {
			return nil, err
		}
		times[ckptKey] = &kindTimes{effekt: ck}
		if i == 0 {
			rss = maxRSS()
			read, loaded, rejected = sum.RowsRead, sum.RowsLoaded, sum.RowsRejected
		}
		for _, f := range sum.Files {
			if f.Status != ingest.StatusLoaded {
				return nil, fmt.Errorf("bench ingest: %s: %s: %s", f.Name, f.Status, f.Error)
			}
			t := get(times, f.Kind, format(f.Name))
			t.files++
			t.rows += f.RowsRead
			t.bytes += f.Size
			t.effekt += f.Duration
		}
		fmt.Fprintf(opt.Progress, "run %d of %d: limits (read_csv, excelize) …\n", i+1, opt.Runs)
		if err := limitReads(ctx, dir, sum.ArchiveDir, times); err != nil {
			return nil, err
		}
		runs = append(runs, times)
		if err := os.RemoveAll(dir); err != nil {
			return nil, fmt.Errorf("bench ingest: %w", err)
		}
	}
	rep.Rows = ingestRows(runs)
	mem := Row{Name: "ingest peak RSS (process, after the first run)", Unit: "MB", Better: Lower, Effekt: NewStat([]float64{rss})}
	mem.withBound(1500)
	rep.Rows = append(rep.Rows, mem)
	rep.Notes = append(rep.Notes,
		fmt.Sprintf("effekt: %d rows read, %d loaded, %d rejected per run; its time per file runs from the sha256 to the commit", read, loaded, rejected),
		"CSV limit: read_csv(all_varchar = true) of the same files into a table of a file database; XLSX limit: excelize Rows() over the same sheets, raw values")
	rep.finish()
	return rep, nil
}

// ckptKey holds, among a run's kinds, the checkpoint after effekt's
// ingest and after the limit's reads (what their commits left in the log,
// both checkpointing in commits at DuckDB's default log size): it counts
// for all CSV files (effekt's also folds in the XLSX files' rows, which
// counts against it).
const ckptKey = "checkpoint"

// effektIngest ingests inbox into a fresh database in dir and returns the
// summary and how long the checkpoint after it took.
func effektIngest(ctx context.Context, dir, inbox string, today time.Time, quiet *slog.Logger) (ingest.Summary, time.Duration, error) {
	db, err := store.Open(ctx, filepath.Join(dir, "effekt.duckdb"), store.Options{})
	if err != nil {
		return ingest.Summary{}, 0, fmt.Errorf("bench ingest: %w", err)
	}
	defer db.Close()
	sum, err := ingest.Run(ctx, db, ingest.Options{Inbox: inbox, Archive: filepath.Join(dir, "archive"), Failed: filepath.Join(dir, "failed"),
		Temp: filepath.Join(dir, "tmp"), Key: []byte("bench-key-not-secret"), Today: today, Logger: quiet})
	if err != nil {
		return sum, 0, fmt.Errorf("bench ingest: %w", err)
	}
	t0 := time.Now()
	if err := store.Checkpoint(ctx, db); err != nil {
		return sum, 0, fmt.Errorf("bench ingest: %w", err)
	}
	return sum, time.Since(t0), nil
}

func get(m map[string]*kindTimes, kind, format string) *kindTimes {
	k := kind + " " + format
	if m[k] == nil {
		m[k] = &kindTimes{}
	}
	return m[k]
}

func format(name string) string {
	if strings.HasSuffix(strings.ToLower(name), ".xlsx") {
		return "xlsx"
	}
	return "csv"
}

// limitReads reads every archived file of the run the limit's way and adds
// the time to its kind.
func limitReads(ctx context.Context, dir, archive string, times map[string]*kindTimes) error {
	raw, err := store.Open(ctx, filepath.Join(dir, "raw.duckdb"), store.Options{})
	if err != nil {
		return fmt.Errorf("bench ingest: %w", err)
	}
	defer raw.Close()
	// as effekt's loads do (ingest.Run): commits checkpoint at DuckDB's
	// default log size
	if _, err := raw.ExecContext(ctx, "SET GLOBAL checkpoint_threshold = '"+ingest.LoadCheckpointThreshold+"'"); err != nil {
		return fmt.Errorf("bench ingest: %w", err)
	}
	paths, err := filepath.Glob(filepath.Join(archive, "*", "*"))
	if err != nil {
		return err
	}
	slices.Sort(paths)
	for i, p := range paths {
		kind := filepath.Base(filepath.Dir(p))
		var n int64
		var d time.Duration
		switch strings.ToLower(filepath.Ext(p)) {
		case ".csv":
			n, d, err = readCSV(ctx, raw, p, i)
		case ".xlsx":
			n, d, err = readXLSX(p, kind)
		default:
			continue
		}
		if err != nil {
			return fmt.Errorf("bench ingest: limit read %s: %w", filepath.Base(p), err)
		}
		t := get(times, kind, format(p))
		t.limit += d
		t.limitRows += n
	}
	t0 := time.Now()
	if err := store.Checkpoint(ctx, raw); err != nil {
		return fmt.Errorf("bench ingest: limit: %w", err)
	}
	times[ckptKey].limit = time.Since(t0)
	return nil
}

// readCSV loads one CSV file with DuckDB's read_csv, every column as text.
func readCSV(ctx context.Context, db *sql.DB, path string, i int) (int64, time.Duration, error) {
	enc := "utf-8"
	if !utf8File(path) {
		enc = "latin-1"
	}
	t0 := time.Now()
	q := fmt.Sprintf(`CREATE TABLE raw_%d AS SELECT * FROM read_csv('%s', all_varchar = true, header = true, encoding = '%s')`,
		i, strings.ReplaceAll(path, "'", "''"), enc)
	if _, err := db.ExecContext(ctx, q); err != nil {
		return 0, 0, err
	}
	d := time.Since(t0)
	var n int64
	err := db.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*) FROM raw_%d`, i)).Scan(&n)
	return n, d, err
}

// readXLSX streams the sheet ingest would read (named like the kind, else
// the first) with excelize's Rows(), raw values, and counts its data rows.
func readXLSX(path, kind string) (int64, time.Duration, error) {
	t0 := time.Now()
	f, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true})
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return 0, 0, fmt.Errorf("no sheets")
	}
	sheet := sheets[0]
	for _, s := range sheets {
		if strings.EqualFold(s, kind) {
			sheet = s
		}
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return 0, 0, err
	}
	var n int64
	for rows.Next() {
		cols, err := rows.Columns()
		if err != nil {
			return 0, 0, err
		}
		if len(cols) > 0 {
			n++
		}
	}
	if err := rows.Close(); err != nil {
		return 0, 0, err
	}
	return n - 1, time.Since(t0), nil // less the header
}

// utf8File reports whether the file is valid UTF-8 (outside the timing).
func utf8File(path string) bool {
	b, err := os.ReadFile(path)
	if err != nil {
		return true
	}
	return utf8.Valid(b)
}

// ingestRows turns the runs into rows/s per kind and format, CSV overall
// and XLSX overall, each beside its limit.
func ingestRows(runs []map[string]*kindTimes) []Row {
	keys := map[string]bool{}
	for _, r := range runs {
		for k := range r {
			keys[k] = true
		}
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		if k != ckptKey {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	row := func(name, format string, pick func(map[string]*kindTimes) kindTimes) Row {
		var eff, lim []float64
		var t kindTimes
		for _, r := range runs {
			t = pick(r)
			eff = append(eff, rate(t.rows, t.effekt))
			lim = append(lim, rate(t.rows, t.limit))
		}
		out := Row{Name: name, Unit: "rows/s", Better: Higher, Effekt: NewStat(eff)}
		target, limit := 0.6, "DuckDB read_csv"
		if format == "xlsx" {
			target, limit = 0.8, "excelize Rows()"
		}
		out.withLimit(limit, NewStat(lim), target)
		out.Note = fmt.Sprintf("%d files, %d rows, %.1f MB", t.files, t.rows, float64(t.bytes)/1e6)
		if t.limitRows != t.rows {
			out.Note += fmt.Sprintf("; the limit read %d rows", t.limitRows)
		}
		return out
	}
	total := func(format string) func(map[string]*kindTimes) kindTimes {
		return func(r map[string]*kindTimes) kindTimes {
			var s kindTimes
			if ck := r[ckptKey]; ck != nil && format == "csv" {
				s.effekt, s.limit = ck.effekt, ck.limit
			}
			for k, t := range r {
				if strings.HasSuffix(k, " "+format) {
					s.files += t.files
					s.rows += t.rows
					s.bytes += t.bytes
					s.effekt += t.effekt
					s.limit += t.limit
					s.limitRows += t.limitRows
				}
			}
			return s
		}
	}
	var out []Row
	for _, f := range []string{"csv", "xlsx"} {
		if t := total(f)(runs[0]); t.files > 0 {
			out = append(out, row("ingest, all "+strings.ToUpper(f)+" files", f, total(f)))
		}
	}
	var ckE, ckL []float64
	for _, r := range runs {
		if ck := r[ckptKey]; ck != nil {
			ckE, ckL = append(ckE, ck.effekt.Seconds()), append(ckL, ck.limit.Seconds())
		}
	}
	if len(ckE) > 0 {
		ck := Row{Name: "checkpoint after the run (counted in all CSV files)", Unit: "s", Better: Lower, Effekt: NewStat(ckE)}
		ck.withLimit("checkpoint after the limit's reads", NewStat(ckL), 0)
		out = append(out, ck)
	}
	for _, k := range names {
		kind, f, _ := strings.Cut(k, " ")
		out = append(out, row("ingest "+kind+" ("+strings.ToUpper(f)+")", f, func(r map[string]*kindTimes) kindTimes {
			if t := r[k]; t != nil {
				return *t
			}
			return kindTimes{}
		}))
	}
	return out
}

func rate(n int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}
