package ingest

import (
	"archive/zip"
	"bytes"
	"io"
	"path"
	"slices"
	"strings"
)

// XLSXLimits bound what one workbook may cost (config ingest.xlsx_*).
type XLSXLimits struct {
	// MaxUnzip bounds the workbook's total uncompressed size.
	MaxUnzip int64
	// MaxXML bounds the parts excelize holds in memory: every part
	// other than the sheets and shared strings must be smaller, and so
	// must they all together; sheets and shared strings are spilled to
	// TmpDir (largest first) as far as needed to keep what is held in
	// memory within MaxXML.
	MaxXML int64
	// MaxRows and MaxCells bound a sheet; MaxRows also bounds the number
	// of shared strings (each costs memory while the sheet is read).
	MaxRows, MaxCells int64
	TmpDir            string // excelize's temp files
}

// Default XLSX limits (config.Default has the same).
const (
	DefaultXLSXMaxUnzip = 1024 << 20
	DefaultXLSXMaxXML   = 32 << 20
	DefaultXLSXMaxRows  = 2_000_000
	DefaultXLSXMaxCells = 50_000_000
	// an item of the shared strings or a row of a sheet larger than this
	// is refused (Excel's cells hold at most 32 767 characters)
	maxXLSXItem = 16 << 20
	// more shared strings than this are spilled to the temp folder even
	// when their XML is small: excelize holds about 600 bytes per shared
	// string in memory, against about 50 when spilled (measured:
	// TestXLSXMemory)
	maxSSTInMemory = 200_000
	// a workbook's cells may hold at most this much text in all: shared
	// strings referenced from many cells would otherwise multiply a small
	// file into gigabytes of staged rows
	maxXLSXText = 256 << 20
)

// workbookStats is what checkWorkbook saw.
type workbookStats struct {
	sstSize  int64 // uncompressed bytes of the shared strings
	sstItems int64
	// others is the size of the parts excelize always holds in memory,
	// spillable the sizes of the sheets and shared strings, which it
	// spills to the temp folder when larger than its UnzipXMLSizeLimit
	others    int64
	spillable []int64
}

// xmlLimit is the UnzipXMLSizeLimit for excelize: parts above it are
// spilled to the temp folder. It is the largest limit ≤ MaxXML that keeps
// the parts held in memory within MaxXML together, and below the shared
// strings when there are many of them, however small their XML.
func (w workbookStats) xmlLimit(lim XLSXLimits) int64 {
	x := min(lim.MaxXML, lim.MaxUnzip)
	if w.sstItems > maxSSTInMemory && w.sstSize > 0 && w.sstSize <= x {
		x = w.sstSize - 1
	}
	sizes := slices.Sorted(slices.Values(w.spillable))
	total := w.others
	for _, sz := range sizes {
		if sz > x {
			break
		}
		if total+sz > lim.MaxXML {
			return max(1, sz-1) // this part and all larger ones spill
		}
		total += sz
	}
	return max(1, x)
}

// DefaultXLSXLimits are the limits of an Options without XLSX settings.
func DefaultXLSXLimits() XLSXLimits {
	return XLSXLimits{MaxUnzip: DefaultXLSXMaxUnzip, MaxXML: DefaultXLSXMaxXML, MaxRows: DefaultXLSXMaxRows, MaxCells: DefaultXLSXMaxCells}
}

// xlsxLimits are the run's limits, defaults for the zero ones.
func (l *loader) xlsxLimits() XLSXLimits {
	lim := DefaultXLSXLimits()
	set := func(dst *int64, v int64) {
		if v > 0 {
			*dst = v
		}
	}
	set(&lim.MaxUnzip, l.opt.XLSXMaxUnzip)
	set(&lim.MaxXML, l.opt.XLSXMaxXML)
	set(&lim.MaxRows, l.opt.XLSXMaxRows)
	set(&lim.MaxCells, l.opt.XLSXMaxCells)
	lim.TmpDir = l.tmp
	return lim
}

// checkWorkbook refuses a workbook that would cost more than lim before
// excelize opens it: its declared sizes (archive/zip fails a part that
// inflates beyond its declared size, so they cannot lie), then the shared
// strings and sheets streamed once, counting items, rows and cells
// without keeping them.
func checkWorkbook(file string, lim XLSXLimits) (ws workbookStats, err error) {
	zr, err := zip.OpenReader(file)
	if err != nil {
		return ws, fileErrorf("not a readable XLSX workbook (%v): save it again from Excel as .xlsx, or export it as CSV", err)
	}
	defer zr.Close()
	var total, inMemory uint64
	var stream []*zip.File
	for _, f := range zr.File {
		total += f.UncompressedSize64
		name := strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
		big := f.UncompressedSize64 > uint64(lim.MaxXML)
		switch {
		case name == "xl/sharedstrings.xml" || strings.HasPrefix(name, "xl/worksheets/sheet"):
			stream = append(stream, f)
			ws.spillable = append(ws.spillable, int64(f.UncompressedSize64))
		case big:
			return ws, fileErrorf("the workbook part %s unzips to %d MiB, more than %d MiB (limit ingest.xlsx_max_xml_mib): is it an export? Export it as CSV",
				path.Base(f.Name), f.UncompressedSize64>>20, lim.MaxXML>>20)
		default:
			inMemory += f.UncompressedSize64
		}
	}
	if total > uint64(lim.MaxUnzip) {
		return ws, fileErrorf("the workbook unzips to %d MiB, more than %d MiB (limit ingest.xlsx_max_unzip_mib): is it an export? Export it as CSV",
			total>>20, lim.MaxUnzip>>20)
	}
	if inMemory > uint64(lim.MaxXML) {
		return ws, fileErrorf("the workbook's parts other than sheets and shared strings unzip to %d MiB, more than %d MiB (limit ingest.xlsx_max_xml_mib): export it as CSV",
			inMemory>>20, lim.MaxXML>>20)
	}
	ws.others = int64(inMemory)
	for _, f := range stream {
		n, err := checkPart(f, lim)
		if err != nil {
			return ws, err
		}
		if strings.EqualFold(path.Base(f.Name), "sharedStrings.xml") {
			ws.sstSize, ws.sstItems = int64(f.UncompressedSize64), n
		}
	}
	return ws, nil
}

// checkPart streams the shared strings or one sheet and refuses too many
// items, rows or cells and any item or row larger than maxXLSXItem; it
// returns the number of items (shared strings or rows).
func checkPart(f *zip.File, lim XLSXLimits) (int64, error) {
	rc, err := f.Open()
	if err != nil {
		return 0, fileErrorf("the workbook part %s cannot be read (%v): save it again from Excel", path.Base(f.Name), err)
	}
	defer rc.Close()
	sst := strings.EqualFold(path.Base(f.Name), "sharedStrings.xml")
	item, what := "row", "row"
	if sst {
		item, what = "si", "shared string"
	}
	c := elemCounter{item: item}
	if _, err := io.Copy(&c, rc); err != nil {
		return 0, fileErrorf("the workbook part %s cannot be read (%v): the workbook is damaged", path.Base(f.Name), err)
	}
	c.end()
	switch {
	case c.longest > maxXLSXItem:
		return 0, fileErrorf("a %s in %s is %d MiB long (at most %d MiB): is it an export? Export it as CSV", what, path.Base(f.Name), c.longest>>20, maxXLSXItem>>20)
	case sst && c.items > lim.MaxRows:
		return 0, fileErrorf("the workbook has %d distinct texts (shared strings), more than %d (limit ingest.xlsx_max_rows): export it as CSV", c.items, lim.MaxRows)
	case !sst && c.items > lim.MaxRows:
		return 0, fileErrorf("sheet %s has %d rows, more than %d (limit ingest.xlsx_max_rows): split the export or export it as CSV", path.Base(f.Name), c.items, lim.MaxRows)
	case !sst && c.cells > lim.MaxCells:
		return 0, fileErrorf("sheet %s has %d cells, more than %d (limit ingest.xlsx_max_cells): split the export or export it as CSV", path.Base(f.Name), c.cells, lim.MaxCells)
	}
	return c.items, nil
}

// elemCounter counts the start tags of element item (any namespace
// prefix) and of cells (c), and the longest distance in bytes from one
// item's start to the next (or to the end), in XML written to it.
type elemCounter struct {
	item           string
	items, cells   int64
	longest        int64
	pos, lastStart int64
	started        bool
	carry          []byte // an unfinished tag at the end of the last write
}

func (c *elemCounter) Write(p []byte) (int, error) {
	n := len(p)
	base := c.pos - int64(len(c.carry))
	buf := p
	if len(c.carry) > 0 {
		buf = append(c.carry, p...)
	}
	c.carry = c.carry[:0]
	for i := 0; i < len(buf); {
		j := bytes.IndexByte(buf[i:], '<')
		if j < 0 {
			break
		}
		at := i + j
		// the local name: after '<' and an optional prefix, up to space, '>' or '/'
		end := at + 1
		for end < len(buf) && end-at < 64 && !nameEnd(buf[end]) {
			end++
		}
		if end == len(buf) && end-at < 64 {
			c.carry = append(c.carry[:0], buf[at:]...)
			break
		}
		if end < len(buf) && buf[end] == '<' { // not a tag
			i = end
			continue
		}
		name := buf[at+1 : end]
		if k := bytes.IndexByte(name, ':'); k >= 0 {
			name = name[k+1:]
		}
		switch string(name) {
		case c.item:
			start := base + int64(at)
			if c.started {
				c.longest = max(c.longest, start-c.lastStart)
			}
			c.items++
			c.lastStart, c.started = start, true
		case "c":
			c.cells++
		}
		i = end
	}
	c.pos += int64(n)
	return n, nil
}

// end closes the last item at the end of the stream.
func (c *elemCounter) end() {
	if c.started {
		c.longest = max(c.longest, c.pos-c.lastStart)
	}
}

func nameEnd(b byte) bool {
	switch b {
	case ' ', '>', '/', '<', '\t', '\n', '\r':
		return true
	}
	return false
}
