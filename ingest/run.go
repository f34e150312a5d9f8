package ingest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/store"
)

// File statuses.
const (
	StatusLoaded  = "loaded"
	StatusFailed  = "failed"
	StatusSkipped = "skipped" // same content (sha256) already loaded
	StatusWaiting = "waiting" // changed since it was found: left for the next run (not in Summary.Files)
)

// Options configure a run.
type Options struct {
	// Archive and Failed default to archive/ and failed/ beside the inbox.
	Inbox, Archive, Failed string
	Key                    []byte              // pseudonym HMAC key
	Today                  time.Time           // zero: time.Now(); dates after it are rejected
	Progress               io.Writer           // nil: no progress lines
	OnProgress             func(ProgressEvent) // nil: none (progress.go)
	Logger                 *slog.Logger
	// Fault injects a failure (tests); nil: from EFFEKT_FAULT when set.
	Fault *Fault
	// Workers validating rows in parallel; 0: GOMAXPROCS.
	Workers int
	// Settle: a file is taken once its size and modification time have
	// been unchanged this long (config ingest.settle); 0: at once.
	Settle time.Duration
	// Temp is effekt's temp folder (config paths.temp); ingest works in
	// Temp/ingest, emptied at the start of every run. "": tmp/ beside the inbox.
	Temp string
	// XLSX limits (config ingest.xlsx_*); 0: the defaults of DefaultXLSXLimits.
	XLSXMaxUnzip, XLSXMaxXML  int64 // bytes
	XLSXMaxRows, XLSXMaxCells int64
	// CSVMaxRows bounds a CSV file's data rows (config ingest.csv_max_rows);
	// 0: DefaultCSVMaxRows.
	CSVMaxRows int64
	// hook, when set (tests), runs at every fault point before the fault.
	hook func(point, name string, n int64)
}

// Configured returns o with the settle interval, the temp folder and the
// XLSX limits of the configuration.
func (o Options) Configured(c config.Ingest, temp string) Options {
	o.Settle, o.Temp = c.Settle, temp
	o.XLSXMaxUnzip, o.XLSXMaxXML = c.XLSXMaxUnzipMiB<<20, c.XLSXMaxXMLMiB<<20
	o.XLSXMaxRows, o.XLSXMaxCells = c.XLSXMaxRows, c.XLSXMaxCells
	o.CSVMaxRows = c.CSVMaxRows
	return o
}

// FileResult is what happened to one file. Path (as found in the inbox) and
// Name have anything shaped like a personnummer masked, as in the files table.
type FileResult struct {
	Path, Name, Kind, Status, Error    string
	Warning                            string // loaded, but something to look at (no data rows …)
	RowsRead, RowsLoaded, RowsRejected int64
	UnknownColumns                     []string
	Duration                           time.Duration
	FileID                             int64
	Size                               int64
}

// Summary is the outcome of a run.
type Summary struct {
	Files                              []FileResult
	RowsRead, RowsLoaded, RowsRejected int64
	Failed                             int
	// Ignored are inbox entries left in place (links, FIFOs, folders,
	// hidden names, files that are not exports), Waiting files still being
	// written (taken by a later run).
	Ignored, Waiting []Ignored
	// ArchiveDir and FailedDir are where loaded and failed files went.
	ArchiveDir, FailedDir string
}

// loader carries one run's state.
type loader struct {
	db       *sql.DB
	opt      Options
	today    time.Time
	log      *slog.Logger
	fault    *Fault
	persons  *personCache // the run's pseudonyms (persons.go)
	workers  int          // validators per file
	buf      rowBuf       // the good rows of the file being loaded (stage.go)
	rep      repeats      // their key hashes
	tmp      string       // this run's temp folder
	progMu   sync.Mutex
	lastProg time.Time
	track    *tracker // nil: nobody listens (progress.go)
}

// LoadCheckpointThreshold is the write-ahead log size past which a load's
// commit checkpoints during a run (DuckDB's default).
const LoadCheckpointThreshold = "16MB"

// Run loads every file in the inbox (kind folders and the inbox itself) and
// moves each to the archive or to the failed folder. Per-file failures are in
// the Summary; the error is for problems of the whole run (database,
// unreadable inbox, cancellation, an injected fault), which leave the file
// being loaded where it was.
func Run(ctx context.Context, db *sql.DB, opt Options) (_ Summary, err error) {
	defer func() {
		if err != nil {
			err = &scrubbed{err}
		}
	}()
	l := &loader{db: db, opt: opt, today: opt.Today, log: opt.Logger, fault: opt.Fault}
	if l.today.IsZero() {
		l.today = time.Now()
	}
	if l.log == nil {
		l.log = slog.Default()
	}
	if l.fault == nil && os.Getenv(EnvFault) != "" {
		f, err := ParseFault(os.Getenv(EnvFault))
		if err != nil {
			return Summary{}, err
		}
		l.fault = f
	}
	if len(opt.Key) == 0 {
		return Summary{}, errors.New("ingest: no pseudonym key")
	}
	// the key must be the one the database's pseudonyms were made with,
	// else the same person gets a second pseudonym: refused before
	// anything is read, moved or written; the first run records it
	if _, recorded, err := store.RecordedKey(ctx, db); err != nil {
		return Summary{}, fmt.Errorf("ingest: %w", err)
	} else if !recorded {
		var n int64
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM files WHERE rows_loaded > 0`).Scan(&n); err != nil {
			return Summary{}, fmt.Errorf("ingest: %w", err)
		}
		if n > 0 {
			l.log.Warn("the database records no pseudonym key (made before effekt recorded one): recording this run's key; pseudonyms made earlier with another key cannot be told apart", "files_loaded", n)
		}
	}
	if err := store.RecordKey(ctx, db, opt.Key, "ingest"); err != nil {
		return Summary{}, fmt.Errorf("ingest: %w", err)
	}
	beside := filepath.Dir(filepath.Clean(opt.Inbox))
	if l.opt.Archive == "" {
		l.opt.Archive = filepath.Join(beside, "archive")
	}
	if l.opt.Failed == "" {
		l.opt.Failed = filepath.Join(beside, "failed")
	}
	if l.opt.Temp == "" {
		l.opt.Temp = filepath.Join(beside, "tmp")
	}
	l.tmp = filepath.Join(l.opt.Temp, "ingest")
	if err := emptyDir(l.tmp); err != nil {
		return Summary{}, fmt.Errorf("ingest: temp folder: %w", err)
	}
	defer os.RemoveAll(l.tmp)
	sum := Summary{ArchiveDir: l.opt.Archive, FailedDir: l.opt.Failed}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	l.persons, l.workers = newPersonCache(), max(1, min(runtime.GOMAXPROCS(0), workers))
	// text stored under an older masking is masked again first, once
	if _, err := Remask(ctx, db, l.log); err != nil {
		return sum, fmt.Errorf("ingest: %w", err)
	}
	// and so are the .error.txt files of the failed folder (a few small files)
	remaskErrorFiles(l.opt.Failed, l.log)
	in, err := l.discover()
	if err != nil {
		return sum, err
	}
	sum.Ignored, sum.Waiting = in.ignored, in.waiting
	l.track = newTracker(opt.OnProgress, in.files)
	conn, err := db.Conn(ctx)
	if err != nil {
		return sum, fmt.Errorf("ingest: database connection: %w", err)
	}
	defer conn.Close()
	if err := prepareInsert(ctx, conn); err != nil {
		return sum, fmt.Errorf("ingest: %w", err)
	}
	// loads checkpoint in their commits at DuckDB's default log size
	// (store.CheckpointThreshold is for the compute): a run that left every
	// checkpoint to its end took as long and peaked 200–300 MB higher at
	// national scale, the un-checkpointed rows being held in memory
	if _, err := conn.ExecContext(ctx, "SET GLOBAL checkpoint_threshold = '"+LoadCheckpointThreshold+"'"); err != nil {
		return sum, fmt.Errorf("ingest: %w", err)
	}
	defer func() {
		if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), "SET GLOBAL checkpoint_threshold = '"+store.CheckpointThreshold+"'"); rerr != nil && err == nil {
			err = fmt.Errorf("ingest: %w", rerr)
		}
	}()
	for i, f := range in.files {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		l.track.begin(i, f)
		r, err := l.file(ctx, conn, f)
		if err != nil {
			return sum, err
		}
		l.track.end()
		if r.Status == StatusWaiting {
			sum.Waiting = append(sum.Waiting, Ignored{Path: scrub(f.rel), Why: r.Error})
			continue
		}
		sum.add(r)
	}
	return sum, nil
}

// scrubbed shows an error with personnummer shapes masked (paths in it may
// name a person); errors.Is and As see the original.
type scrubbed struct{ err error }

func (e *scrubbed) Error() string { return scrub(e.err.Error()) }
func (e *scrubbed) Unwrap() error { return e.err }

// emptyDir makes dir an empty folder: files a killed run left are removed.
func emptyDir(dir string) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	return os.MkdirAll(dir, 0o755)
}

func (s *Summary) add(r FileResult) {
	s.Files = append(s.Files, r)
	s.RowsRead += r.RowsRead
	s.RowsLoaded += r.RowsLoaded
	s.RowsRejected += r.RowsRejected
	if r.Status == StatusFailed {
		s.Failed++
	}
}

// openSource opens a CSV or XLSX file; kind names the sheet to prefer. A
// workbook is read from the copy scanFile made, when it made one.
func openSource(path string, info fileInfo, kind string, lim XLSXLimits, csvMaxRows int64) (source, error) {
	ext := strings.ToLower(filepath.Ext(path))
	switch {
	case ext == ".xlsx" || ext == ".xlsm" || (info.zip && ext != ".csv" && ext != ".txt" && ext != ".tsv"):
		read := path
		if info.copy != "" {
			read = info.copy
		}
		return openXLSX(read, info, kind, lim)
	case ext == ".xls":
		return nil, fileErrorf("old Excel .xls files are not supported: save it as .xlsx or CSV")
	case info.zip:
		return nil, fileErrorf("the file is a ZIP archive (an Excel workbook?) named %s: name it .xlsx, or export it as CSV", ext)
	}
	return openCSV(path, info, csvMaxRows)
}

// DefaultCSVMaxRows bounds a CSV file's data rows when Options.CSVMaxRows
// is 0 (config ingest.csv_max_rows has the same default).
const DefaultCSVMaxRows = 25_000_000

func (l *loader) csvMaxRows() int64 {
	if l.opt.CSVMaxRows > 0 {
		return l.opt.CSVMaxRows
	}
	return DefaultCSVMaxRows
}

// progress returns a callback printing progress at most every 2 s.
func (l *loader) progress(name string) func(int64) {
	if l.opt.Progress == nil {
		return nil
	}
	start := time.Now()
	last := start
	return func(n int64) {
		now := time.Now()
		if now.Sub(last) < 2*time.Second {
			return
		}
		last = now
		fmt.Fprintf(l.opt.Progress, "ingest: %s: %d rows, %.0f rows/s\n", scrub(name), n, float64(n)/now.Sub(start).Seconds())
	}
}

// Print writes the per-file table and the totals.
func (s Summary) Print(w io.Writer) {
	fmt.Fprintf(w, "%-8s %-28s %-40s %10s %10s %10s %9s\n", "STATUS", "KIND", "FILE", "READ", "LOADED", "REJECTED", "SECONDS")
	for _, f := range s.Files {
		kind := f.Kind
		if kind == "" {
			kind = "-"
		}
		fmt.Fprintf(w, "%-8s %-28s %-40s %10d %10d %10d %9.2f\n", f.Status, kind, scrub(f.Name), f.RowsRead, f.RowsLoaded, f.RowsRejected, f.Duration.Seconds())
		if f.Error != "" {
			fmt.Fprintf(w, "         error: %s\n", scrub(f.Error))
		}
		if f.Warning != "" {
			fmt.Fprintf(w, "         warning: %s\n", scrub(f.Warning))
		}
		if len(f.UnknownColumns) > 0 {
			fmt.Fprintf(w, "         ignored unknown columns: %s\n", quoteList(f.UnknownColumns, 20))
		}
	}
	for _, x := range s.Waiting {
		fmt.Fprintf(w, "%-8s %-28s %-40s %s\n", StatusWaiting, "-", scrub(x.Path), scrub(x.Why))
	}
	for _, x := range s.Ignored {
		fmt.Fprintf(w, "%-8s %-28s %-40s %s\n", "ignored", "-", scrub(x.Path), scrub(x.Why))
	}
	fmt.Fprintf(w, "%d files (%d failed): %d rows read, %d loaded, %d rejected; %d waiting, %d left alone\n",
		len(s.Files), s.Failed, s.RowsRead, s.RowsLoaded, s.RowsRejected, len(s.Waiting), len(s.Ignored))
	if s.ArchiveDir != "" {
		fmt.Fprintf(w, "archive: %s  failed: %s\n", scrub(s.ArchiveDir), scrub(s.FailedDir))
	}
}
