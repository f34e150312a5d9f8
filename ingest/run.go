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
	"sort"
	"strings"
	"sync"
	"time"
)

// File statuses.
const (
	StatusLoaded  = "loaded"
	StatusFailed  = "failed"
	StatusSkipped = "skipped" // same content (sha256) already loaded
)

// Options configure a run.
type Options struct {
	Inbox, Archive, Failed string
	Key                    []byte    // pseudonym HMAC key
	Today                  time.Time // zero: time.Now(); dates after it are rejected
	Progress               io.Writer // nil: no progress lines
	Logger                 *slog.Logger
	// Fault injects a failure (tests); nil: from EFFEKT_FAULT when set.
	Fault *Fault
	// Workers validating rows in parallel; 0: GOMAXPROCS.
	Workers int
}

// FileResult is what happened to one file. Path (as found in the inbox) and
// Name have anything shaped like a personnummer masked, as in the files table.
type FileResult struct {
	Path, Name, Kind, Status, Error    string
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
}

// loader carries one run's state.
type loader struct {
	db       *sql.DB
	opt      Options
	today    time.Time
	log      *slog.Logger
	fault    *Fault
	caches   []map[string]*person
	progMu   sync.Mutex
	lastProg time.Time
}

// Run loads every file in the inbox (kind folders and the inbox itself) and
// moves each to the archive or to the failed folder. Per-file failures are in
// the Summary; the error is for problems of the whole run (database,
// unreadable inbox, cancellation, an injected fault), which leave the file
// being loaded where it was.
func Run(ctx context.Context, db *sql.DB, opt Options) (Summary, error) {
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
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	l.caches = make([]map[string]*person, workers)
	for i := range l.caches {
		l.caches[i] = make(map[string]*person)
	}
	files, err := l.discover()
	if err != nil {
		return Summary{}, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return Summary{}, fmt.Errorf("ingest: database connection: %w", err)
	}
	defer conn.Close()
	var sum Summary
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		r, err := l.file(ctx, conn, f)
		if err != nil {
			return sum, err
		}
		sum.add(r)
	}
	return sum, nil
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

// inboxFile is a file found in the inbox.
type inboxFile struct {
	path string // as found
	rel  string // relative to the inbox
	name string
	kind *Kind  // from its folder or, in the inbox itself, its header; nil only when bad is set
	bad  string // why it cannot be read at all ("" fine)
}

// discover lists the inbox: files of each kind folder, then files in the
// inbox itself (kind from the header). Files are ordered by kind (the
// declaration order) and within a kind by name.
func (l *loader) discover() ([]inboxFile, error) {
	entries, err := os.ReadDir(l.opt.Inbox)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			l.log.Info("inbox does not exist: nothing to load", "inbox", l.opt.Inbox)
			return nil, nil
		}
		return nil, fmt.Errorf("ingest: read inbox: %w", err)
	}
	var out []inboxFile
	for _, e := range entries {
		p := filepath.Join(l.opt.Inbox, e.Name())
		if e.IsDir() {
			k := KindByName(e.Name())
			if k == nil {
				l.log.Warn("inbox folder is not a file kind; its files are left alone", "folder", e.Name(), "kinds", strings.Join(KindNames(), ","))
				continue
			}
			sub, err := os.ReadDir(p)
			if err != nil {
				return nil, fmt.Errorf("ingest: read inbox folder: %w", err)
			}
			for _, s := range sub {
				if s.Type().IsRegular() && !ignored(s.Name()) {
					out = append(out, inboxFile{path: filepath.Join(p, s.Name()), rel: filepath.Join(e.Name(), s.Name()), name: s.Name(), kind: k})
				}
			}
			continue
		}
		if e.Type().IsRegular() && !ignored(e.Name()) {
			out = append(out, inboxFile{path: p, rel: e.Name(), name: e.Name()})
		}
	}
	for i := range out {
		if out[i].kind == nil {
			out[i].kind, out[i].bad = l.recognise(out[i].path)
		}
	}
	order := map[string]int{}
	for i, k := range Kinds {
		order[k.Name] = i
	}
	rank := func(f inboxFile) int {
		if f.kind == nil {
			return len(Kinds)
		}
		return order[f.kind.Name]
	}
	sort.SliceStable(out, func(i, j int) bool {
		if a, b := rank(out[i]), rank(out[j]); a != b {
			return a < b
		}
		if out[i].name != out[j].name {
			return out[i].name < out[j].name
		}
		return out[i].path < out[j].path
	})
	return out, nil
}

// ignored reports files still being written or hidden.
func ignored(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~$") ||
		strings.HasSuffix(name, ".tmp") || strings.HasSuffix(name, ".part") || strings.HasSuffix(name, ".error.txt")
}

// recognise finds the kind of a file in the inbox root from its header row.
func (l *loader) recognise(path string) (k *Kind, bad string) {
	defer func() {
		if r := recover(); r != nil {
			k, bad = nil, fmt.Sprintf("internal error while reading the header (please report it): %v", r)
		}
	}()
	info, err := scanFile(path)
	if err != nil {
		return nil, err.Error()
	}
	src, err := openSource(path, info, "")
	if err != nil {
		return nil, err.Error()
	}
	defer src.Close()
	k, err = detectKind(src.Header())
	if err != nil {
		return nil, err.Error()
	}
	return k, ""
}

// openSource opens a CSV or XLSX file; kind names the sheet to prefer.
func openSource(path string, info fileInfo, kind string) (source, error) {
	ext := strings.ToLower(filepath.Ext(path))
	switch {
	case ext == ".xlsx" || ext == ".xlsm" || (info.zip && ext != ".csv" && ext != ".txt"):
		return openXLSX(path, kind)
	case ext == ".xls":
		return nil, fileErrorf("old Excel .xls files are not supported: save it as .xlsx or CSV")
	case info.zip:
		return nil, fileErrorf("the file is a ZIP archive (an Excel workbook?) named %s: name it .xlsx, or export it as CSV", ext)
	}
	return openCSV(path, info)
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
		if len(f.UnknownColumns) > 0 {
			fmt.Fprintf(w, "         ignored unknown columns: %s\n", quoteList(f.UnknownColumns, 20))
		}
	}
	fmt.Fprintf(w, "%d files (%d failed): %d rows read, %d loaded, %d rejected\n", len(s.Files), s.Failed, s.RowsRead, s.RowsLoaded, s.RowsRejected)
}
