package ingest

import (
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/effekt/effekt/ingest/parse"
)

// Bounds on what an XLSX file may cost when unzipped.
const (
	xlsxUnzipLimit    = 2 << 30  // total unzipped bytes
	xlsxUnzipXMLLimit = 64 << 20 // a worksheet bigger than this is streamed from a temp file
)

// xlsxSource streams the rows of one sheet of an XLSX workbook.
type xlsxSource struct {
	f        *excelize.File
	rows     *excelize.Rows
	sheet    string
	row      int64 // rows counted ourselves: missing rows come back empty
	header   []string
	headerAt int64
}

// openXLSX opens the workbook at path and positions on the header row of the
// sheet named like kind (any sheet, when kind is ""), else the first sheet.
func openXLSX(path, kind string) (s *xlsxSource, err error) {
	f, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true, UnzipSizeLimit: xlsxUnzipLimit, UnzipXMLSizeLimit: xlsxUnzipXMLLimit})
	if err != nil {
		return nil, fileErrorf("not a readable XLSX workbook (%v): save it again from Excel as .xlsx, or export it as CSV", err)
	}
	defer func() {
		if err != nil {
			f.Close()
		}
	}()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fileErrorf("the workbook has no sheets")
	}
	sheet := sheets[0]
	for _, sh := range sheets {
		if hk := parse.HeaderKey(sh); (kind != "" && hk == parse.HeaderKey(kind)) || (kind == "" && kindBySheetKey(hk) != nil) {
			sheet = sh
			break
		}
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, fileErrorf("sheet %q cannot be read (%v): save the workbook again from Excel", sheet, err)
	}
	s = &xlsxSource{f: f, rows: rows, sheet: sheet}
	line, cells, err := s.next()
	if err == io.EOF {
		rows.Close()
		return nil, fileErrorf("sheet %q is empty: it has no header row", sheet)
	}
	if err != nil {
		rows.Close()
		return nil, err
	}
	s.header, s.headerAt = cells, line
	return s, nil
}

func (s *xlsxSource) Header() []string  { return s.header }
func (s *xlsxSource) HeaderLine() int64 { return s.headerAt }
func (s *xlsxSource) XLSX() bool        { return true }

func (s *xlsxSource) Close() error {
	s.rows.Close()
	return s.f.Close()
}

func (s *xlsxSource) Next() (int64, []string, error) { return s.next() }

// next returns the next non-blank row and its number.
func (s *xlsxSource) next() (int64, []string, error) {
	for s.rows.Next() {
		s.row++
		cells, err := s.rows.Columns()
		if err != nil {
			return 0, nil, fileErrorf("sheet %q row %d cannot be read (%v): save the workbook again from Excel", s.sheet, s.row, err)
		}
		if blank(cells) {
			continue
		}
		return s.row, cells, nil
	}
	if err := s.rows.Error(); err != nil {
		return 0, nil, fileErrorf("sheet %q cannot be read after row %d (%v): the workbook is damaged or truncated", s.sheet, s.row, err)
	}
	return 0, nil, io.EOF
}

// kindBySheetKey finds the kind whose name, normalised like a header
// ("so_registrations" → "soregistrations"), is the sheet's key.
func kindBySheetKey(key string) *Kind {
	for _, k := range Kinds {
		if parse.HeaderKey(k.Name) == key {
			return k
		}
	}
	return nil
}
