package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
)

// TestNothingSilentlySkipped: every inbox entry that is not loaded is left
// in place and named, with why, in the log and the summary.
func TestNothingSilentlySkipped(t *testing.T) {
	e := newEnv(t)
	good := regHeader + "19850709-9805,0127,2024-01-15,ar\n"
	writeFile(t, filepath.Join(e.inbox, "so_registrations", "good.csv"), []byte(good))
	writeFile(t, filepath.Join(e.inbox, "so_registrations", "sub", "nested.csv"), []byte(good))
	writeFile(t, filepath.Join(e.inbox, "so_registrations", ".hidden.csv"), []byte(good))
	writeFile(t, filepath.Join(e.inbox, "so_registrations", "~$book.xlsx"), []byte("lock"))
	writeFile(t, filepath.Join(e.inbox, "so_registrations", "big.csv.part"), []byte(good))
	writeFile(t, filepath.Join(e.inbox, "notes.txt"), []byte("remember the milk\n"))
	writeFile(t, filepath.Join(e.inbox, "copy.duckdb"), []byte("DUCK"))
	writeFile(t, filepath.Join(e.inbox, "misc", "x.csv"), []byte(good))
	writeFile(t, filepath.Join(e.inbox, ".git", "config"), []byte("x"))
	writeFile(t, filepath.Join(e.inbox, "list.csv"), []byte("förnamn;telefon\nAnna;08-123 456\n"))
	if err := os.Symlink("/etc/passwd", filepath.Join(e.inbox, "so_registrations", "passwd.csv")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(e.inbox, "pipe.csv"), 0o644); err != nil {
		t.Fatal(err)
	}
	sum := e.run()
	if len(sum.Files) != 1 || sum.Files[0].Name != "good.csv" || sum.Files[0].Status != StatusLoaded {
		t.Fatalf("files %+v, want good.csv loaded", sum.Files)
	}
	want := map[string]string{
		".git":                          "hidden name",
		"copy.duckdb":                   `not an export file (extension ".duckdb"`,
		"list.csv":                      "header row matches no file kind",
		"misc":                          "folder not named after a file kind",
		"notes.txt":                     `not an export file (extension ".txt"`,
		"pipe.csv":                      "not a regular file (named pipe (FIFO))",
		"so_registrations/.hidden.csv":  "hidden name",
		"so_registrations/big.csv.part": "partial file",
		"so_registrations/passwd.csv":   "symbolic link: not followed",
		"so_registrations/sub":          "folder inside a kind folder",
		"so_registrations/~$book.xlsx":  "Excel lock file",
	}
	var got []string
	for _, x := range sum.Ignored {
		got = append(got, x.Path)
		if w, ok := want[x.Path]; !ok || !strings.Contains(x.Why, w) {
			t.Errorf("ignored %s: %q, want %q", x.Path, x.Why, w)
		}
		if !strings.Contains(e.logs.String(), "entry="+x.Path) {
			t.Errorf("%s not in the log", x.Path)
		}
		if _, err := os.Lstat(filepath.Join(e.inbox, x.Path)); err != nil {
			t.Errorf("%s not left in place: %v", x.Path, err)
		}
	}
	sort.Strings(got)
	if len(got) != len(want) {
		t.Errorf("ignored %q, want %d entries", got, len(want))
	}
	if _, err := os.Stat(e.fail); err == nil {
		t.Errorf("something was moved to failed/")
	}
	var out strings.Builder
	sum.Print(&out)
	for p := range want {
		if !strings.Contains(out.String(), "ignored  -                            "+p) {
			t.Errorf("summary does not name %s:\n%s", p, out.String())
		}
	}
	if n := e.count(`SELECT count(*) FROM files`); n != 1 {
		t.Errorf("%d files rows, want 1", n)
	}
}

// TestSettle: a file modified within the settle interval waits for a later
// run, named in the log and the summary; once old enough it loads.
func TestSettle(t *testing.T) {
	e := newEnv(t)
	p := filepath.Join(e.inbox, "so_registrations", "new.csv")
	writeFile(t, p, []byte(regHeader+"19850709-9805,0127,2024-01-15,ar\n"))
	opt := e.options()
	opt.Settle = time.Hour
	sum, err := Run(context.Background(), e.db, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Files) != 0 || len(sum.Waiting) != 1 || sum.Waiting[0].Path != "so_registrations/new.csv" ||
		!strings.Contains(sum.Waiting[0].Why, "taken once unchanged for 1h0m0s") {
		t.Fatalf("files %+v waiting %+v", sum.Files, sum.Waiting)
	}
	if !exists(p) || !strings.Contains(e.logs.String(), "file still changing") || e.count(`SELECT count(*) FROM files`) != 0 {
		t.Fatalf("the waiting file was touched or not logged")
	}
	future := time.Now().Add(3 * time.Hour)
	if err := os.Chtimes(p, future, future); err != nil {
		t.Fatal(err)
	}
	if sum, err = Run(context.Background(), e.db, opt); err != nil || len(sum.Waiting) != 1 || !strings.Contains(sum.Waiting[0].Why, "is in the future") {
		t.Fatalf("future mtime: %v %+v", err, sum.Waiting)
	}
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	sum, err = Run(context.Background(), e.db, opt)
	if err != nil || len(sum.Files) != 1 || sum.Files[0].Status != StatusLoaded || len(sum.Waiting) != 0 {
		t.Fatalf("second run: %v %+v", err, sum)
	}
}

// TestChangedWhileLoading: a file appended to while it loads fails that
// load (nothing of it stays), stays in the inbox, and the next run loads
// all of it; the recorded sha256 is that of the bytes loaded.
func TestChangedWhileLoading(t *testing.T) {
	e := newEnv(t)
	p := filepath.Join(e.inbox, "settlements", "growing.csv")
	writeFile(t, p, settlementsCSV(5000, "2023-02-01"))
	opt := e.options()
	appended := make(chan struct{})
	opt.hook = func(point, name string, n int64) {
		if point != PointRows || n < 2000 {
			return
		}
		select {
		case <-appended:
			return
		default:
		}
		go func() { // a writer appending 4 KB blocks while the load goes on
			defer close(appended)
			f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Error(err)
				return
			}
			defer f.Close()
			more := settlementsCSV(8000, "2023-02-01")[len(settlementsCSV(5000, "2023-02-01")):]
			for len(more) > 0 {
				k := min(4096, len(more))
				f.Write(more[:k])
				more = more[k:]
			}
		}()
		<-appended // deterministic: the file has changed before the load goes on
	}
	sum, err := Run(context.Background(), e.db, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Files) != 1 || sum.Files[0].Status != StatusFailed || !strings.Contains(sum.Files[0].Error, "changed while it was loaded") {
		t.Fatalf("files %+v", sum.Files)
	}
	if !exists(p) || exists(filepath.Join(e.fail, "settlements", "growing.csv")) {
		t.Errorf("the file did not stay in the inbox")
	}
	if n := e.count(`SELECT count(*) FROM settlements`); n != 0 {
		t.Errorf("%d rows of the changing file loaded", n)
	}
	sum = e.run()
	if len(sum.Files) != 1 || sum.Files[0].Status != StatusLoaded || sum.Files[0].RowsLoaded != 8000 {
		t.Fatalf("next run %+v", sum.Files)
	}
	b, err := os.ReadFile(filepath.Join(e.archive, "settlements", "growing.csv"))
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(b)
	if got := e.strings(`SELECT sha256 FROM files WHERE status = 'loaded'`); len(got) != 1 || got[0] != hex.EncodeToString(h[:]) {
		t.Errorf("recorded sha256 %q, archived bytes %x", got, h)
	}
}

// TestDefaultFolders: without Archive and Failed, files go beside the
// inbox, and the summary says where.
func TestDefaultFolders(t *testing.T) {
	e := newEnv(t)
	writeFile(t, filepath.Join(e.inbox, "so_registrations", "a.csv"), []byte(regHeader+"19850709-9805,0127,2024-01-15,ar\n"))
	writeFile(t, filepath.Join(e.inbox, "so_registrations", "b.csv"), nil)
	opt := e.options()
	opt.Archive, opt.Failed = "", ""
	sum, err := Run(context.Background(), e.db, opt)
	if err != nil {
		t.Fatal(err)
	}
	arch, fail := filepath.Join(e.dir, "archive"), filepath.Join(e.dir, "failed")
	if sum.ArchiveDir != arch || sum.FailedDir != fail { // (as given; printed masked)
		t.Errorf("summary folders %q %q", sum.ArchiveDir, sum.FailedDir)
	}
	if !exists(filepath.Join(arch, "so_registrations", "a.csv")) || !exists(filepath.Join(fail, "so_registrations", "b.csv")) ||
		!exists(filepath.Join(fail, "so_registrations", "b.csv.error.txt")) {
		t.Errorf("files not moved beside the inbox")
	}
	var out strings.Builder
	sum.Print(&out)
	if !strings.Contains(out.String(), "archive: "+scrub(arch)) {
		t.Errorf("summary does not name the archive:\n%s", out.String())
	}
}

// TestMessagesNameTheProblem: old-Mac line ends, a UTF-8 byte-order mark
// before Windows-1252 text and a file without data rows load, each with a
// warning in the result, the summary and the log.
func TestMessagesNameTheProblem(t *testing.T) {
	e := newEnv(t)
	w1252, err := charmap.Windows1252.NewEncoder().Bytes([]byte("Personnummer;Kommun;Anmäld;Språk\n19850709-9805;Malmö;2024-02-15;Svenska\n"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"cr.csv":      []byte("Personnummer;Kommun;Anmäld;Språk\r19850709-9805;0127;2024-01-15;ar\r900315-1231;0127;2024-01-16;ar\r"),
		"bom1252.csv": append([]byte{0xEF, 0xBB, 0xBF}, w1252...),
		"header.csv":  []byte(regHeader),
	}
	for n, b := range files {
		writeFile(t, filepath.Join(e.inbox, "so_registrations", n), b)
	}
	sum := e.run()
	want := map[string]struct {
		read int64
		warn string
	}{
		"cr.csv":      {2, "old Mac line ends (CR only)"},
		"bom1252.csv": {1, "UTF-8 byte-order mark but its text is not valid UTF-8: read as Windows-1252"},
		"header.csv":  {0, "the file has a header but no data rows"},
	}
	var out strings.Builder
	sum.Print(&out)
	for _, r := range sum.Files {
		w := want[r.Name]
		if r.Status != StatusLoaded || r.RowsRead != w.read || r.RowsLoaded != w.read || !strings.Contains(r.Warning, w.warn) {
			t.Errorf("%s: %s read %d loaded %d warning %q error %q; want %d rows and %q", r.Name, r.Status, r.RowsRead, r.RowsLoaded, r.Warning, r.Error, w.read, w.warn)
		}
		if !strings.Contains(out.String(), w.warn) || !strings.Contains(e.logs.String(), w.warn) {
			t.Errorf("%s: warning not in the summary or the log", r.Name)
		}
	}
	if n := e.count(`SELECT count(*) FROM so_registrations WHERE municipality = '1280' AND language = 'sv'`); n != 1 {
		t.Errorf("the Windows-1252 row was not read right: %d %q", n, e.strings(`SELECT concat_ws('|', municipality, language, file_id) FROM so_registrations`))
	}
}
