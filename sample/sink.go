package sample

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

// vkind is the type of one value in a row.
type vkind uint8

const (
	vText vkind = iota // as written
	vDate              // a date: text in CSV (in the row's format), a date cell in XLSX
	vNum               // an integer: text in CSV, a number cell in XLSX
)

// val is one cell of a row before a sink writes it.
type val struct {
	k vkind
	s string
	d day
	f dateFmt
	n int
}

func txt(s string) val        { return val{k: vText, s: s} }
func dt(d day, f dateFmt) val { return val{k: vDate, d: d, f: f} }
func num(n int) val           { return val{k: vNum, n: n} }
func optDate(d day, f dateFmt) val { // blank when d is zero
	if d == 0 {
		return txt("")
	}
	return dt(d, f)
}

// sink writes the rows of one file.
type sink interface {
	write(row []val) error
	close() error
}

// csvStyle is how a source writes CSV.
type csvStyle struct {
	sep      byte
	bom      bool // UTF-8 byte order mark
	cp1252   bool // Windows-1252 instead of UTF-8
	quoteAll bool
}

// csvSink writes CSV without encoding/csv: it quotes only when needed (or
// always, as some exporters do) and encodes Windows-1252 by itself, which
// keeps the national scale fast.
type csvSink struct {
	f    *os.File
	w    *bufio.Writer
	st   csvStyle
	line []byte
}

func newCSVSink(path string, st csvStyle, header []string) (*csvSink, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	s := &csvSink{f: f, w: bufio.NewWriterSize(f, 256<<10), st: st}
	if st.bom {
		_, _ = s.w.WriteString("\uFEFF")
	}
	h := make([]val, len(header))
	for i, c := range header {
		h[i] = txt(c)
	}
	return s, s.write(h)
}

func (s *csvSink) write(row []val) error {
	b := s.line[:0]
	for i, v := range row {
		if i > 0 {
			b = append(b, s.st.sep)
		}
		switch v.k {
		case vDate:
			if s.st.quoteAll {
				b = append(b, '"')
				b = appendDate(b, v.d, v.f)
				b = append(b, '"')
			} else {
				b = appendDate(b, v.d, v.f)
			}
		case vNum:
			b = strconv.AppendInt(b, int64(v.n), 10)
		default:
			b = s.appendField(b, v.s)
		}
	}
	b = append(b, '\r', '\n')
	s.line = b
	_, err := s.w.Write(b)
	return err
}

func (s *csvSink) appendField(b []byte, f string) []byte {
	quote := s.st.quoteAll && f != ""
	ascii := true
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c == s.st.sep || c == '"' || c == '\n' || c == '\r' {
			quote = true
		}
		if c >= utf8.RuneSelf {
			ascii = false
		}
	}
	if quote {
		b = append(b, '"')
	}
	for i := 0; i < len(f); {
		c := f[i]
		if c == '"' && quote {
			b = append(b, '"', '"')
			i++
			continue
		}
		if ascii || c < utf8.RuneSelf || !s.st.cp1252 {
			b = append(b, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(f[i:])
		e, ok := charmap.Windows1252.EncodeRune(r)
		if !ok {
			e = '?'
		}
		b = append(b, e)
		i += n
	}
	if quote {
		b = append(b, '"')
	}
	return b
}

func (s *csvSink) close() error {
	if err := s.w.Flush(); err != nil {
		_ = s.f.Close()
		return fmt.Errorf("write %s: %w", s.f.Name(), err)
	}
	return s.f.Close()
}

// xlsxSink writes the first sheet of a workbook with excelize's streaming
// writer. Dates become numeric serials with a date style: ISO-formatted
// values get the custom format yyyy-mm-dd, the others the built-in format
// 14 (which Swedish Excel shows as ÅÅÅÅ-MM-DD).
type xlsxSink struct {
	path     string
	f        *excelize.File
	sw       *excelize.StreamWriter
	rowNum   int
	isoStyle int
	numStyle int
	cells    []any
	created  day
}

func newXLSXSink(path, sheet string, header []string, created day) (*xlsxSink, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, fmt.Errorf("xlsx %s: %w", path, err)
	}
	iso := "yyyy-mm-dd"
	isoStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &iso})
	if err != nil {
		return nil, fmt.Errorf("xlsx %s: %w", path, err)
	}
	numStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		return nil, fmt.Errorf("xlsx %s: %w", path, err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, fmt.Errorf("xlsx %s: %w", path, err)
	}
	s := &xlsxSink{path: path, f: f, sw: sw, isoStyle: isoStyle, numStyle: numStyle, created: created}
	h := make([]val, len(header))
	for i, c := range header {
		h[i] = txt(c)
	}
	return s, s.write(h)
}

func (s *xlsxSink) write(row []val) error {
	s.rowNum++
	s.cells = s.cells[:0]
	for _, v := range row {
		switch v.k {
		case vDate:
			st := s.numStyle
			if v.f == fmtISO {
				st = s.isoStyle
			}
			s.cells = append(s.cells, excelize.Cell{StyleID: st, Value: v.d.time()})
		case vNum:
			s.cells = append(s.cells, v.n)
		default:
			if v.s == "" {
				s.cells = append(s.cells, nil)
			} else {
				s.cells = append(s.cells, v.s)
			}
		}
	}
	cell, err := excelize.CoordinatesToCellName(1, s.rowNum)
	if err != nil {
		return err
	}
	return s.sw.SetRow(cell, s.cells)
}

func (s *xlsxSink) close() error {
	defer s.f.Close()
	if err := s.sw.Flush(); err != nil {
		return fmt.Errorf("xlsx %s: %w", s.path, err)
	}
	// Fixed document times: the same seed must give the same bytes.
	stamp := s.created.String() + "T06:00:00Z"
	if err := s.f.SetDocProps(&excelize.DocProperties{
		Created: stamp, Modified: stamp, Creator: "effekt sample", Language: "sv-SE",
	}); err != nil {
		return fmt.Errorf("xlsx %s: %w", s.path, err)
	}
	out, err := os.Create(s.path) // SaveAs would make it executable (0755)
	if err != nil {
		return fmt.Errorf("xlsx %s: %w", s.path, err)
	}
	if _, err := s.f.WriteTo(out); err != nil {
		_ = out.Close()
		return fmt.Errorf("xlsx %s: %w", s.path, err)
	}
	return out.Close()
}
