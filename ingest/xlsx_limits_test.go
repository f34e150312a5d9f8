package ingest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const (
	nsMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	nsRel  = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	nsPkg  = "http://schemas.openxmlformats.org/package/2006/relationships"
)

// part is one part of a generated workbook: prefix, then block repeated
// n times, then suffix. Parts are deflated segment by segment, so a part
// inflating to gigabytes is written in milliseconds.
type part struct {
	name                  string
	prefix, block, suffix string
	n                     int
}

// deflated compresses each segment on its own (back-references stay
// within it) and concatenates them: prefix and block flushed, the suffix
// closing the stream, the block's bytes repeated n times.
func (p part) deflated(t testing.TB) (raw []byte, crc uint32, size uint64) {
	seg := func(s string, final bool) []byte {
		var b bytes.Buffer
		w, err := flate.NewWriter(&b, flate.BestCompression)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(s))
		if final {
			w.Close()
		} else {
			w.Flush()
		}
		return b.Bytes()
	}
	raw = append(raw, seg(p.prefix, false)...)
	crc = crc32.Update(0, crc32.IEEETable, []byte(p.prefix))
	if p.n > 0 {
		blk := seg(p.block, false)
		for i := 0; i < p.n; i++ {
			raw = append(raw, blk...)
			crc = crc32.Update(crc, crc32.IEEETable, []byte(p.block))
		}
	}
	raw = append(raw, seg(p.suffix, true)...)
	crc = crc32.Update(crc, crc32.IEEETable, []byte(p.suffix))
	return raw, crc, uint64(len(p.prefix)) + uint64(p.n)*uint64(len(p.block)) + uint64(len(p.suffix))
}

// writeWorkbook writes a workbook of one sheet with the given sheet and
// shared strings parts (and any extra parts).
func writeWorkbook(t testing.TB, path string, parts ...part) {
	t.Helper()
	base := []part{
		{name: "[Content_Types].xml", prefix: `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
			`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`},
		{name: "_rels/.rels", prefix: `<Relationships xmlns="` + nsPkg + `"><Relationship Id="rId1" Type="` + nsRel + `/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{name: "xl/workbook.xml", prefix: `<workbook xmlns="` + nsMain + `" xmlns:r="` + nsRel + `"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{name: "xl/_rels/workbook.xml.rels", prefix: `<Relationships xmlns="` + nsPkg + `"><Relationship Id="rId1" Type="` + nsRel + `/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="` + nsRel + `/sharedStrings" Target="sharedStrings.xml"/></Relationships>`},
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	for _, p := range append(base, parts...) {
		raw, crc, size := p.deflated(t)
		w, err := zw.CreateRaw(&zip.FileHeader{Name: p.name, Method: zip.Deflate, CRC32: crc,
			CompressedSize64: uint64(len(raw)), UncompressedSize64: size})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(raw); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

func sst(block string, n int) part {
	return part{name: "xl/sharedStrings.xml", prefix: `<sst xmlns="` + nsMain + `"><si><t>pnr</t></si><si><t>intygsdatum</t></si>`, block: block, n: n, suffix: `</sst>`}
}

func sheet(block string, n int) part {
	return part{name: "xl/worksheets/sheet1.xml", prefix: `<worksheet xmlns="` + nsMain + `"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>`,
		block: block, n: n, suffix: `</sheetData></worksheet>`}
}

const certRow = `<row><c t="inlineStr"><is><t>19850709-9805</t></is></c><c><v>45292</v></c></row>`

// hostileWorkbooks are workbooks that must be refused, and the limit each
// one's .error.txt must name.
var hostileWorkbooks = []struct {
	name  string
	parts []part
	says  string
}{
	// 1088 MiB of shared strings (blocks of 8 MiB: 2048 texts of 4 KiB) in 1.5 MB (Go's deflate stops near 700:1)
	{"bomb.xlsx", []part{sheet(certRow, 1), sst(strings.Repeat("<si><t>"+strings.Repeat("x", 4096-16)+"</t></si>", 2048), 136)},
		"unzips to 1088 MiB, more than 1024 MiB (limit ingest.xlsx_max_unzip_mib)"},
	{"many_strings.xlsx", []part{sheet(certRow, 1), sst(strings.Repeat("<si><t>x</t></si>", 1000), 2100)},
		"2100002 distinct texts (shared strings), more than 2000000 (limit ingest.xlsx_max_rows)"},
	{"long_text.xlsx", []part{sheet(certRow, 1), {name: "xl/sharedStrings.xml", prefix: `<sst xmlns="` + nsMain + `"><si><t>pnr</t></si><si><t>intygsdatum</t></si><si><t>`,
		block: strings.Repeat("A", 1<<20), n: 20, suffix: `</t></si></sst>`}},
		"a shared string in sharedStrings.xml is 20 MiB long (at most 16 MiB)"},
	{"big_sheet.xlsx", []part{sheet(strings.Repeat(certRow, 1000), 2100), sst("", 0)},
		"sheet sheet1.xml has 2100001 rows, more than 2000000 (limit ingest.xlsx_max_rows)"},
	{"repeated.xlsx", []part{sheet(`<row><c t="s"><v>2</v></c><c><v>45292</v></c></row>`, 10_000), sst("<si><t>"+strings.Repeat("A", 30_000)+"</t></si>", 1)},
		"hold more than 256 MiB of text by row"},
	{"media.xlsx", []part{sheet(certRow, 1), sst("", 0), {name: "xl/media/image1.png", block: strings.Repeat("\x00", 1<<20), n: 300}},
		"the workbook part image1.png unzips to 300 MiB, more than"},
}

// TestHostileXLSX: workbooks that would cost gigabytes are refused into
// failed/ with a .error.txt naming the limit; the run (a subprocess)
// stays under 1 GB of peak RSS; its temp folder is empty afterwards.
func TestHostileXLSX(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and inflates workbooks of a gigabyte")
	}
	e := newEnv(t)
	for _, w := range hostileWorkbooks {
		writeWorkbook(t, filepath.Join(e.inbox, "so_certificates", w.name), w.parts...)
		st, _ := os.Stat(filepath.Join(e.inbox, "so_certificates", w.name))
		if st.Size() > 2<<20 {
			t.Errorf("%s is %d bytes on disk", w.name, st.Size())
		}
	}
	// a stale excelize temp file of a killed run
	writeFile(t, filepath.Join(e.dir, "tmp", "ingest", "excelize-123"), []byte("stale"))
	e.close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestXLSXChild$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), xlsxChildEnv+"="+e.dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10
	t.Logf("peak RSS of the run: %d MiB (%s)", rss>>20, bytes.TrimSpace(out))
	if rss > 1<<30 {
		t.Errorf("peak RSS %d MiB, want < 1 GiB", rss>>20)
	}
	e.open()
	for _, w := range hostileWorkbooks {
		b, err := os.ReadFile(filepath.Join(e.fail, "so_certificates", w.name+".error.txt"))
		if err != nil || !bytes.Contains(b, []byte(w.says)) {
			t.Errorf("%s: .error.txt %q (%v), want it to say %q", w.name, b, err, w.says)
		}
	}
	if n := e.count(`SELECT count(*) FROM files WHERE status = 'failed'`); n != int64(len(hostileWorkbooks)) {
		t.Errorf("%d failed files, want %d", n, len(hostileWorkbooks))
	}
	if _, err := os.Stat(filepath.Join(e.dir, "tmp", "ingest")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the run's temp folder is left: %v", err)
	}
}

const xlsxChildEnv = "EFFEKT_TEST_XLSX_DIR"

// TestXLSXChild is the subprocess of TestHostileXLSX.
func TestXLSXChild(t *testing.T) {
	dir := os.Getenv(xlsxChildEnv)
	if dir == "" {
		t.Skip("only as the subprocess of TestHostileXLSX")
	}
	e := &env{t: t, dir: dir, inbox: filepath.Join(dir, "inbox"), archive: filepath.Join(dir, "archive"),
		fail: filepath.Join(dir, "failed"), dbPath: filepath.Join(dir, "e.duckdb"), logs: &syncBuffer{}}
	e.open()
	defer e.close()
	opt := e.options()
	opt.Temp = filepath.Join(dir, "tmp")
	if v := os.Getenv("EFFEKT_TEST_XLSX_MAX_XML"); v != "" {
		var mib int64
		fmt.Sscan(v, &mib)
		opt.XLSXMaxXML = mib << 20
	}
	opt.hook = func(point, name string, n int64) {
		if _, err := os.Stat(filepath.Join(dir, "tmp", "ingest", "excelize-123")); err == nil {
			t.Errorf("a stale temp file outlived the start of the run")
		}
	}
	sum, err := Run(context.Background(), e.db, opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range sum.Files {
		fmt.Printf("%s %s read %d loaded %d in %s %s\n", f.Name, f.Status, f.RowsRead, f.RowsLoaded, f.Duration.Round(time.Millisecond), f.Error)
	}
}

// TestXLSXCaps: the row and cell caps apply as configured.
func TestXLSXCaps(t *testing.T) {
	e := newEnv(t)
	writeWorkbook(t, filepath.Join(e.inbox, "so_certificates", "rows.xlsx"), sheet(certRow, 101), sst("", 0))
	writeWorkbook(t, filepath.Join(e.inbox, "so_certificates", "cells.xlsx"), sheet(strings.Repeat(`<c t="inlineStr"><is><t>x</t></is></c>`, 10), 1), sst("", 0))
	writeWorkbook(t, filepath.Join(e.inbox, "so_certificates", "ok.xlsx"), sheet(certRow, 3), sst("", 0))
	opt := e.options()
	opt.XLSXMaxRows, opt.XLSXMaxCells = 100, 11
	sum, err := Run(context.Background(), e.db, opt)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"rows.xlsx": "102 rows, more than 100", "cells.xlsx": "12 cells, more than 11", "ok.xlsx": ""}
	for _, r := range sum.Files {
		w := want[r.Name]
		if (w == "" && (r.Status != StatusLoaded || r.RowsRead != 3)) || (w != "" && (r.Status != StatusFailed || !strings.Contains(r.Error, w))) {
			t.Errorf("%s: %s %q read %d, want %q", r.Name, r.Status, r.Error, r.RowsRead, w)
		}
	}
}

// TestXLSXMemory measures (EFFEKT_XLSX_MEASURE=1) the peak RSS of loading
// the largest workbooks the limits let through: 2 M rows whose texts are
// 2 M distinct shared strings of 120 bytes (about 250 MiB of shared
// strings), with the shared strings held in memory or spilled.
func TestXLSXMemory(t *testing.T) {
	if os.Getenv("EFFEKT_XLSX_MEASURE") == "" {
		t.Skip("set EFFEKT_XLSX_MEASURE=1 to measure")
	}
	const n = 1_999_000
	for _, c := range []struct {
		maxXML       string
		width, items int
		staged       bool // the texts are in hours_total (staged), else in an unknown column
	}{{"256", 120, n, false}, {"64", 120, n, false}, {"64", 16, n, false}, {"256", 1300, 199_000, false},
		{"64", 320, 199_000, false}, {"256", 120, 199_000, false}, {"64", 320, 199_000, true},
		// the default (32 MiB): many shared strings (spilled), shared strings just under 32 MiB held in memory
		{"32", 120, n, false}, {"32", 120, 199_000, false}, {"32", 135, 199_000, true}} {
		maxXML := c.maxXML
		head := 0
		if c.staged {
			head = 1
		}
		t.Run(fmt.Sprintf("max_xml_mib=%s/text=%d/strings=%d/staged=%v", maxXML, c.width, c.items, c.staged), func(t *testing.T) {
			e := newEnv(t)
			var rows strings.Builder
			for i := 0; i < 1000; i++ {
				fmt.Fprintf(&rows, `<row><c t="inlineStr"><is><t>%s</t></is></c><c><v>45292</v></c><c t="s"><v>%d</v></c></row>`, genPNR(i), 2+i)
			}
			var si strings.Builder
			for i := 0; i < 1000; i++ {
				fmt.Fprintf(&si, "<si><t>%0*d</t></si>", c.width, i)
			}
			p := filepath.Join(e.inbox, "so_certificates", "big.xlsx")
			// the third column is hours_total (staged) or unknown (read, not staged)
			writeWorkbook(t, p, part{name: "xl/worksheets/sheet1.xml", prefix: `<worksheet xmlns="` + nsMain + `"><sheetData><row><c t="inlineStr"><is><t>pnr</t></is></c><c t="inlineStr"><is><t>intygsdatum</t></is></c>` +
				fmt.Sprintf(`<c t="s"><v>%d</v></c></row>`, head),
				block: rows.String(), n: n / 1000, suffix: `</sheetData></worksheet>`},
				part{name: "xl/sharedStrings.xml", prefix: `<sst xmlns="` + nsMain + `"><si><t>x</t></si><si><t>timmar totalt</t></si>`, block: si.String(), n: c.items / 1000, suffix: `</sst>`})
			st, _ := os.Stat(p)
			e.close()
			cmd := exec.Command(os.Args[0], "-test.run=^TestXLSXChild$", "-test.count=1", "-test.v")
			cmd.Env = append(os.Environ(), xlsxChildEnv+"="+e.dir, "EFFEKT_TEST_XLSX_MAX_XML="+maxXML)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
			rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10
			t.Logf("%.1f MB on disk, max_xml_mib %s: peak RSS %d MiB, %s, %s", float64(st.Size())/1e6, maxXML, rss>>20,
				cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime(), bytes.TrimSpace(out))
		})
	}
}

// FuzzElemCounter: counting start tags of a workbook part gives the same
// counts however the XML arrives in pieces, never counts end tags, and
// agrees with a plain count on simple XML.
func FuzzElemCounter(f *testing.F) {
	for _, s := range []string{`<sst><si><t>a</t></si><x:si>b</x:si></sst>`, `<row><c r="A1"/><c>1</c></row><row/>`,
		`<sheetData><row r="1"><c t="s"><v>0</v></c></row></sheetData>`, `<<si <si>`, `<cols><col/></cols>`} {
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, s string, cut uint8) {
		count := func(item string, step int) elemCounter {
			c := elemCounter{item: item}
			for i := 0; i < len(s); i += step {
				c.Write([]byte(s[i:min(len(s), i+step)]))
			}
			c.end()
			return c
		}
		for _, item := range []string{"si", "row"} {
			whole := count(item, max(1, len(s)))
			parts := count(item, int(cut%17)+1)
			if whole.items != parts.items || whole.cells != parts.cells || whole.longest != parts.longest {
				t.Fatalf("%q in pieces of %d: %+v, whole: %+v", s, cut%17+1, parts, whole)
			}
			if !strings.ContainsAny(s, ":\t\r\n") {
				if want := int64(strings.Count(s, "<"+item+">") + strings.Count(s, "<"+item+" ") + strings.Count(s, "<"+item+"/")); whole.items != want {
					t.Fatalf("%q: %d %s, want %d", s, whole.items, item, want)
				}
			}
		}
	})
}

func TestXMLLimit(t *testing.T) {
	lim := XLSXLimits{MaxUnzip: 1000, MaxXML: 100}
	for _, c := range []struct {
		ws   workbookStats
		want int64
	}{
		{workbookStats{others: 10, spillable: []int64{20, 30}}, 100},                               // all fit
		{workbookStats{others: 10, spillable: []int64{80, 50}}, 79},                                // the 80 spills
		{workbookStats{others: 10, spillable: []int64{95, 50, 40}}, 94},                            // 40 and 50 fit (100), 95 spills
		{workbookStats{others: 10, spillable: []int64{500, 20}}, 100},                              // 500 is above MaxXML anyway
		{workbookStats{others: 0, sstSize: 60, sstItems: 300_000, spillable: []int64{60, 10}}, 59}, // many shared strings
	} {
		if got := c.ws.xmlLimit(lim); got != c.want {
			t.Errorf("%+v: %d, want %d", c.ws, got, c.want)
		}
	}
}
