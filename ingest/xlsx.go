package ingest

import (
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/effekt/effekt/ingest/parse"
)

// xlsxSource streams the rows of one sheet of an XLSX workbook.
type xlsxSource struct {
	f        *excelize.File
	rows     *excelize.Rows
	sheet    string
	row      int64 // rows counted ourselves: missing rows come back empty
	header   []string
	headerAt int64
	lim      XLSXLimits
	cells    int64
	text     int64 // bytes of cell text read
	sha      string
	size     int64
}

// openXLSX opens the workbook at path and positions on the header row of the
// sheet named like kind (any sheet, when kind is ""), else the first sheet.
// The workbook is checked against lim first (checkWorkbook), so that no
// part excelize holds in memory can be large.
func openXLSX(path string, info fileInfo, kind string, lim XLSXLimits) (s *xlsxSource, err error) {
	ws, err := checkWorkbook(path, lim)
	if err != nil {
		return nil, err
	}
	f, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true,
		UnzipSizeLimit: lim.MaxUnzip, UnzipXMLSizeLimit: ws.xmlLimit(lim), TmpDir: lim.TmpDir})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size exceeds") {
			return nil, fileErrorf("the workbook unzips to more than %d MiB (ingest.xlsx_max_unzip_mib): is it an export? Export it as CSV", lim.MaxUnzip>>20)
		}
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
	s = &xlsxSource{f: f, rows: rows, sheet: sheet, lim: lim, sha: info.sha256, size: info.size}
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
func (s *xlsxSource) Warning() string   { return "" }

// Loaded returns the hash of the bytes scanFile copied: the copy is what
// was read.
func (s *xlsxSource) Loaded() (string, int64) { return s.sha, s.size }

func (s *xlsxSource) Close() error {
	s.rows.Close()
	return s.f.Close()
}

func (s *xlsxSource) Next() (int64, []string, error) { return s.next() }

// next returns the next non-blank row and its number.
func (s *xlsxSource) next() (int64, []string, error) {
	for s.rows.Next() {
		s.row++
		if s.row > s.lim.MaxRows {
			return 0, nil, fileErrorf("sheet %q has more than %d rows (limit ingest.xlsx_max_rows): split the export or export it as CSV", s.sheet, s.lim.MaxRows)
		}
		cells, err := s.rows.Columns()
		if err != nil {
			return 0, nil, fileErrorf("sheet %q row %d cannot be read (%v): save the workbook again from Excel", s.sheet, s.row, err)
		}
		if s.cells += int64(len(cells)); s.cells > s.lim.MaxCells {
			return 0, nil, fileErrorf("sheet %q has more than %d cells (limit ingest.xlsx_max_cells): split the export or export it as CSV", s.sheet, s.lim.MaxCells)
		}
		for _, c := range cells {
			s.text += int64(len(c))
		}
		if s.text > min(s.lim.MaxUnzip, maxXLSXText) {
			return 0, nil, fileErrorf("the cells of sheet %q hold more than %d MiB of text by row %d (shared texts repeated in many cells?): export it as CSV", s.sheet, min(s.lim.MaxUnzip, maxXLSXText)>>20, s.row)
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
