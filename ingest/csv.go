package ingest

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"slices"
	"strings"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"
)

// source yields the rows of one file: the header, then data rows with their
// line numbers (header = line 1). Fully blank rows are skipped and not
// counted. Next returns io.EOF at the end.
type source interface {
	Header() []string
	HeaderLine() int64
	// Next returns the next row; fields may be reused by the next call.
	Next() (line int64, fields []string, err error)
	// Loaded returns the sha256 and count of the bytes read so far (at
	// the end: of the bytes loaded).
	Loaded() (sha256 string, n int64)
	// Warning says what was odd but readable ("" nothing).
	Warning() string
	// XLSX reports whether numbers in date columns are Excel serials.
	XLSX() bool
	Close() error
}

// errFile is a problem with the file as a whole: it fails the file with a
// message saying what to fix.
type errFile struct{ msg string }

func (e *errFile) Error() string { return e.msg }

func fileErrorf(format string, args ...any) error {
	return &errFile{msg: scrub(fmt.Sprintf(format, args...))}
}

// csvSource reads a CSV file in any of the encodings of SPEC §2.
type csvSource struct {
	f        *os.File
	lim      *limitReader
	r        *csv.Reader
	header   []string
	headerAt int64
	encoding string
	delim    rune
	skipped  int64 // lines consumed before the CSV reader saw the file
	hr       *hashReader
	warning  string
	rows     int64 // data rows returned so far
	maxRows  int64 // at most
}

// hashReader hashes and counts the bytes read through it.
type hashReader struct {
	r io.Reader
	h hash.Hash
	n int64
}

func (h *hashReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.h.Write(p[:n])
	h.n += int64(n)
	return n, err
}

// crToLF turns old-Mac line ends (CR) into LF; only for files without LF.
type crToLF struct{ r io.Reader }

func (c crToLF) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i, b := range p[:n] {
		if b == '\r' {
			p[i] = '\n'
		}
	}
	return n, err
}

// openCSV opens path for reading given what scanFile found.
func openCSV(path string, info fileInfo, maxRows int64) (*csvSource, error) {
	if info.nul {
		return nil, fileErrorf("the file holds NUL bytes: it is binary or UTF-16, not a CSV text file; save it as CSV (UTF-8 or Windows-1252)")
	}
	if info.longest > maxLineBytes {
		return nil, fileErrorf("line %d is %d bytes long (at most %d allowed): is this really a CSV file with one row per line?", info.longAt, info.longest, maxLineBytes)
	}
	if !info.utf8 && info.utf8Pairs > 0 {
		return nil, fileErrorf("line %d is not UTF-8, yet the file holds UTF-8 letters (such as å, ä, ö) elsewhere: it mixes two encodings; save it again as UTF-8 (or Windows-1252 throughout)", info.badAt)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	s := &csvSource{f: f, encoding: "UTF-8", hr: &hashReader{r: f, h: sha256.New()}, maxRows: maxRows}
	var r io.Reader = s.hr
	if info.bom { // read through the hash, not skipped
		if _, err := io.ReadFull(s.hr, make([]byte, 3)); err != nil {
			f.Close()
			return nil, fmt.Errorf("read: %w", err)
		}
	}
	if info.crOnly() {
		r = crToLF{r}
		s.warning = "old Mac line ends (CR only): read as line breaks"
	}
	switch {
	case info.utf8 && info.bom:
		s.encoding = "UTF-8 with BOM"
	case !info.utf8:
		r = transform.NewReader(r, charmap.Windows1252.NewDecoder())
		s.encoding = "Windows-1252"
		if info.bom {
			s.warning = join(s.warning, "the file starts with a UTF-8 byte-order mark but its text is not valid UTF-8: read as Windows-1252 (check å, ä, ö; save it as UTF-8)")
		}
	}
	s.lim = &limitReader{r: r}
	br := bufio.NewReaderSize(s.lim, 64<<10)
	if d, ok := sepLine(br); ok { // Excel's "sep=;" first line
		s.delim, s.skipped = d, 1
	} else {
		s.delim = sniffDelimiter(br)
	}
	s.r = csv.NewReader(br)
	s.r.Comma = s.delim
	s.r.FieldsPerRecord = -1
	s.r.ReuseRecord = true // Next's record is valid until the next call (pump copies it)
	for {
		rec, err := s.r.Read()
		if err == io.EOF {
			f.Close()
			return nil, fileErrorf("the file is empty: it has no header row")
		}
		if err != nil {
			f.Close()
			return nil, csvError(err)
		}
		if blank(rec) {
			continue
		}
		line, _ := s.r.FieldPos(0)
		s.header, s.headerAt = slices.Clone(rec), int64(line)+s.skipped
		break
	}
	s.lim.mark()
	return s, nil
}

func (s *csvSource) Header() []string  { return s.header }
func (s *csvSource) HeaderLine() int64 { return s.headerAt }
func (s *csvSource) XLSX() bool        { return false }
func (s *csvSource) Warning() string   { return s.warning }
func (s *csvSource) Loaded() (string, int64) {
	return hex.EncodeToString(s.hr.h.Sum(nil)), s.hr.n
}

// join joins non-empty messages with "; ".
func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
func (s *csvSource) Close() error { return s.f.Close() }

func (s *csvSource) Next() (int64, []string, error) {
	for {
		rec, err := s.r.Read()
		if err == io.EOF {
			return 0, nil, io.EOF
		}
		if err != nil {
			return 0, nil, csvError(err)
		}
		s.lim.mark()
		if blank(rec) {
			continue
		}
		if s.rows++; s.maxRows > 0 && s.rows > s.maxRows {
			return 0, nil, fileErrorf("more than %d data rows (limit ingest.csv_max_rows; a file's rows are held in memory while it loads): split the export into smaller files", s.maxRows)
		}
		line, _ := s.r.FieldPos(0)
		return int64(line) + s.skipped, rec, nil
	}
}

// csvError turns a CSV syntax or size error into a message saying what to fix.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fileErrorf("line %d: %v: a value containing quotes, separators or line breaks must be enclosed in double quotes, with quotes inside doubled (\"\")", pe.StartLine, pe.Err)
	}
	var fe *errFile
	if errors.As(err, &fe) {
		return fe
	}
	return fileErrorf("reading the file failed: %v", err)
}

// blank reports whether every field of a record is empty or space.
func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// sepLine consumes a first line "sep=X" (Excel writes it to name the
// separator) and returns X.
func sepLine(br *bufio.Reader) (rune, bool) {
	b, _ := br.Peek(8)
	if len(b) < 5 || !bytes.EqualFold(b[:4], []byte("sep=")) {
		return 0, false
	}
	rest := b[5:]
	if len(rest) > 0 && rest[0] != '\n' && rest[0] != '\r' {
		return 0, false
	}
	d := rune(b[4])
	if d != ';' && d != ',' && d != '\t' && d != '|' {
		return 0, false
	}
	br.ReadString('\n')
	return d, true
}

// sniffDelimiter picks ';', ',' or tab: whichever occurs most often outside
// quotes in the first line. Comma wins ties.
func sniffDelimiter(br *bufio.Reader) rune {
	b, _ := br.Peek(64 << 10)
	b = bytes.TrimLeft(b, " \t\r\n") // leading blank lines
	var counts [3]int
	quoted := false
	for _, c := range b {
		if c == '\n' && !quoted {
			break
		}
		switch c {
		case '"':
			quoted = !quoted
		case ';':
			if !quoted {
				counts[0]++
			}
		case ',':
			if !quoted {
				counts[1]++
			}
		case '\t':
			if !quoted {
				counts[2]++
			}
		}
	}
	switch {
	case counts[0] > counts[1] && counts[0] >= counts[2]:
		return ';'
	case counts[2] > counts[1] && counts[2] > counts[0]:
		return '\t'
	}
	return ','
}

// limitReader fails a read once more than maxRecordBytes were read since the
// last record ended: a runaway quoted field never swallows the whole file.
type limitReader struct {
	r       io.Reader
	n, last int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n-l.last > maxRecordBytes {
		return 0, fileErrorf("a record starting after byte %d is longer than %d bytes: probably an unclosed double quote", l.last, maxRecordBytes)
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	return n, err
}

// mark notes that a record ended (approximately: the CSV reader buffers).
func (l *limitReader) mark() { l.last = l.n }
