package ingest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Ignored is an inbox entry a run did not load, left where it is, and why.
// Path is relative to the inbox, with personnummer shapes masked.
type Ignored struct {
	Path, Why string
}

// exportExts are the file name extensions of exports; other files are
// left alone (named in the summary). .xls and .xlsm fail with a message.
var exportExts = map[string]bool{".csv": true, ".tsv": true, ".xlsx": true, ".xlsm": true, ".xls": true}

// inboxFile is a file found in the inbox.
type inboxFile struct {
	path string // as found
	rel  string // relative to the inbox
	name string
	kind *Kind  // from its folder or, in the inbox itself, its header; nil only when bad is set
	bad  string // why it cannot be read at all ("" fine)
	// size and modification time when found: the file must not change
	// from then until its load commits
	size  int64
	mtime time.Time
}

// inbox is what discover found.
type inbox struct {
	files            []inboxFile
	ignored, waiting []Ignored
}

// discover lists the inbox: files of each kind folder, then files in the
// inbox itself (kind from the header). Files are ordered by kind (the
// declaration order) and within a kind by name. Every other entry is
// ignored with a reason: links (never followed), FIFOs and devices,
// folders that are not kind folders or are inside one, hidden names,
// lock and partial files, files that are not exports; files modified
// within the settle interval wait for a later run.
func (l *loader) discover() (inbox, error) {
	var in inbox
	entries, err := os.ReadDir(l.opt.Inbox)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			l.log.Info("inbox does not exist: nothing to load", "inbox", scrub(l.opt.Inbox))
			return in, nil
		}
		return in, fmt.Errorf("ingest: read inbox: %w", err)
	}
	now := time.Now()
	for _, e := range entries {
		p := filepath.Join(l.opt.Inbox, e.Name())
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			k := KindByName(e.Name())
			if k == nil {
				in.ignore(e.Name(), "folder not named after a file kind (kinds: "+strings.Join(KindNames(), ", ")+")")
				continue
			}
			sub, err := os.ReadDir(p)
			if err != nil {
				return in, fmt.Errorf("ingest: read inbox folder: %w", err)
			}
			for _, s := range sub {
				rel := filepath.Join(e.Name(), s.Name())
				if s.IsDir() && !strings.HasPrefix(s.Name(), ".") {
					in.ignore(rel, "folder inside a kind folder: only inbox/<kind>/ is searched")
					continue
				}
				in.consider(l, now, filepath.Join(p, s.Name()), rel, s, k)
			}
			continue
		}
		in.consider(l, now, p, e.Name(), e, nil)
	}
	var files []inboxFile
	for _, f := range in.files {
		if f.kind == nil {
			var none bool
			f.kind, f.bad, none = l.recognise(f.path)
			if none {
				in.ignore(f.rel, f.bad)
				continue
			}
		}
		files = append(files, f)
	}
	in.files = files
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
	sort.SliceStable(in.files, func(i, j int) bool {
		a, b := in.files[i], in.files[j]
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra < rb
		}
		if a.name != b.name {
			return a.name < b.name
		}
		return a.path < b.path
	})
	for _, x := range in.ignored {
		l.log.Warn("inbox entry left alone", "entry", x.Path, "why", x.Why)
	}
	for _, x := range in.waiting {
		l.log.Info("file still changing: left for the next run", "file", x.Path, "why", x.Why)
	}
	return in, nil
}

func (in *inbox) ignore(rel, why string) {
	in.ignored = append(in.ignored, Ignored{Path: scrub(rel), Why: scrub(why)})
}

// consider classifies one non-folder entry of the inbox or a kind folder.
func (in *inbox) consider(l *loader, now time.Time, path, rel string, e fs.DirEntry, k *Kind) {
	name := e.Name()
	if why := skipName(name); why != "" {
		in.ignore(rel, why)
		return
	}
	switch t := e.Type(); {
	case t&fs.ModeSymlink != 0:
		in.ignore(rel, "symbolic link: not followed (put the file itself into the inbox)")
		return
	case !t.IsRegular():
		in.ignore(rel, "not a regular file ("+modeName(t)+")")
		return
	}
	ext := strings.ToLower(filepath.Ext(name))
	if !exportExts[ext] {
		in.ignore(rel, "not an export file (extension "+quoteExt(ext)+"; CSV or XLSX expected)")
		return
	}
	info, err := e.Info()
	if err != nil {
		in.ignore(rel, "cannot be read: "+err.Error())
		return
	}
	if age := now.Sub(info.ModTime()); l.opt.Settle > 0 && age < l.opt.Settle {
		why := fmt.Sprintf("modified %s ago: taken once unchanged for %s", age.Round(time.Millisecond), l.opt.Settle)
		if age < 0 {
			why = fmt.Sprintf("modification time %s is in the future (clock of the writing machine?): taken once it is %s old",
				info.ModTime().UTC().Format(time.RFC3339), l.opt.Settle)
		}
		in.waiting = append(in.waiting, Ignored{Path: scrub(rel), Why: why})
		return
	}
	in.files = append(in.files, inboxFile{path: path, rel: rel, name: name, kind: k, size: info.Size(), mtime: info.ModTime()})
}

// skipName says why a name is never loaded ("" when it may be).
func skipName(name string) string {
	switch {
	case strings.HasPrefix(name, "~$"):
		return "Excel lock file (the workbook is open in Excel)"
	case strings.HasPrefix(name, "."):
		return "hidden name (starts with '.')"
	case strings.HasSuffix(name, ".tmp"), strings.HasSuffix(name, ".part"):
		return "partial file (.tmp or .part): still being written"
	case strings.HasSuffix(name, ".error.txt"):
		return "an error report of effekt"
	}
	return ""
}

func quoteExt(ext string) string {
	if ext == "" {
		return "none"
	}
	return fmt.Sprintf("%q", ext)
}

func modeName(t fs.FileMode) string {
	switch {
	case t&fs.ModeNamedPipe != 0:
		return "named pipe (FIFO)"
	case t&fs.ModeSocket != 0:
		return "socket"
	case t&fs.ModeCharDevice != 0:
		return "character device"
	case t&fs.ModeDevice != 0:
		return "device"
	}
	return t.String()
}

// recognise finds the kind of a file in the inbox root from its header row.
// none reports a header that has no column of any kind: not an export, so
// the file is left alone rather than failed.
func (l *loader) recognise(path string) (k *Kind, bad string, none bool) {
	defer func() {
		if r := recover(); r != nil {
			k, bad, none = nil, fmt.Sprintf("internal error while reading the header (please report it): %v", r), false
		}
	}()
	info, err := scanFile(path, "")
	if err != nil {
		return nil, err.Error(), false
	}
	src, err := openSource(path, info, "", l.xlsxLimits(), l.csvMaxRows())
	if err != nil {
		return nil, err.Error(), false
	}
	defer src.Close()
	k, err = detectKind(src.Header())
	if err != nil {
		matched := 0
		for _, kk := range Kinds {
			if h, herr := matchHeader(kk, src.Header()); herr == nil {
				matched = max(matched, h.matched)
			}
		}
		return nil, scrub(err.Error()), matched == 0
	}
	return k, "", false
}
