package ingest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// scanRef is scanFile's checks as they were before the line counts moved
// segment by segment (one byte at a time, whole file), kept to check the
// scanner against: data is read in chunks of size bytes.
func scanRef(data []byte, size int) (info fileInfo) {
	info.utf8 = true
	var (
		prevCR bool   // the last chunk ended with CR
		lineCR int    // bytes in the current line, CR counting as a line end
		lineNC int64  = 1
		carry  []byte // an incomplete UTF-8 sequence at the end of the last chunk
		line   int    // bytes in the current line
		lineN  int64  = 1
		first         = true
	)
	for off := 0; ; off += size {
		n := min(size, len(data)-off)
		var err error
		if off+n >= len(data) {
			err = io.EOF
		}
		buf := data[off : off+n]
		if n > 0 {
			chunk := buf[:n]
			info.size += int64(n)
			if first {
				info.bom = bytes.HasPrefix(chunk, []byte{0xEF, 0xBB, 0xBF})
				info.zip = bytes.HasPrefix(chunk, []byte("PK\x03\x04"))
				first = false
			}
			for i, c := range chunk {
				switch c {
				case '\n':
					info.lf++
					if i > 0 || !prevCR { // (a CRLF cut between chunks counted at the CR)
						lineCR, lineNC = 0, lineNC+1
					}
				case '\r':
					if i+1 < len(chunk) && chunk[i+1] == '\n' {
						continue
					}
					info.cr++ // taken back below when the next chunk starts with LF
					lineCR, lineNC = 0, lineNC+1
				default:
					lineCR++
					if lineCR > info.longestCR {
						info.longestCR, info.longAtCR = lineCR, lineNC
					}
				}
			}
			if prevCR && chunk[0] == '\n' {
				info.cr--
			}
			prevCR = chunk[len(chunk)-1] == '\r'

			if !info.nul && bytes.IndexByte(chunk, 0) >= 0 {
				info.nul = true
			}
			if info.utf8 {
				carry = checkUTF8(&info, carry, chunk)
				if !info.utf8 {
					info.badAt = lineN + int64(bytes.Count(chunk[:firstInvalid(chunk)], []byte{'\n'}))
				}
			}
			info.utf8Pairs += utf8Letters(chunk)
			for len(chunk) > 0 {
				i := bytes.IndexByte(chunk, '\n')
				if i < 0 {
					line += len(chunk)
					break
				}
				line += i
				if line > info.longest {
					info.longest, info.longAt = line, lineN
				}
				line, lineN, chunk = 0, lineN+1, chunk[i+1:]
			}
			if line > info.longest {
				info.longest, info.longAt = line, lineN
			}
		}
		if err == io.EOF {
			break
		}
	}
	if len(carry) > 0 {
		info.utf8 = false
	}
	if info.crOnly() {
		info.longest, info.longAt = info.longestCR, info.longAtCR
		if !info.utf8 {
			info.badAt = 0 // counted in LF lines: unknown
		}
	}
	return info
}

// scanChunks feeds data to a scanner in chunks of size bytes.
func scanChunks(data []byte, size int, slow bool) fileInfo {
	s := scanner{slow: slow}
	s.start()
	for off := 0; off < len(data); off += size {
		s.chunk(data[off:min(off+size, len(data))])
	}
	return s.finish()
}

// scanCases are the line-end shapes the segment path must count as the
// byte-by-byte one does: CRLF, lone CR, LF, mixed, CR at chunk ends, CR
// before the end of the file, empty lines, long lines, bad UTF-8.
var scanCases = []string{
	"",
	"a",
	"\r",
	"\n",
	"\r\n",
	"\n\r",
	"a;b\r\nc;d\r\n",
	"a;b\r\nc;d",
	"a;b\nc;d\n",
	"a;b\rc;d\r",
	"a;b\rc;dd\rlong line here\r",
	"ab\r\r\ncd\r\n\r\n",
	"ab\r\nc\rdef\r\nghij\n\rk",
	"\r\r\r\n\n\n",
	"x\r\n\r\n\r\nlongest line of them all\r\ny\r",
	"\xef\xbb\xbfa;b\r\n\xc3\xa5;\xe5\r\n",
	"N\xe4rvarande;x\r\n1;2\r\n",
	"a\x00b\r\nc\n",
	"\xc3\r\n\xa5\n",
}

func TestScannerMatchesByteByByte(t *testing.T) {
	cases := slices.Clone(scanCases)
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("ab;\r\n\r\n\xc3\xa5\xe5\x00")
	for range 300 {
		b := make([]byte, rng.IntN(200))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		cases = append(cases, string(b))
	}
	for ci, c := range cases {
		data := []byte(c)
		for _, size := range []int{1, 2, 3, 5, 8, 64, scanChunk} {
			want := scanRef(data, size)
			for _, slow := range []bool{false, true} {
				if got := scanChunks(data, size, slow); got != want {
					t.Fatalf("case %d %q, chunks of %d, slow=%v:\n got %+v\nwant %+v", ci, c, size, slow, got, want)
				}
			}
		}
	}
}

// TestScanFile checks the whole pass over a file: the hash of all its
// bytes (over several chunks) and the checks as the byte-by-byte pass
// finds them.
func TestScanFile(t *testing.T) {
	var b bytes.Buffer
	for i := range 40000 {
		fmt.Fprintf(&b, "19970221-6061;2019%04d;3,0;AR-1810-2;n\xe4rvarande\r\n", i)
		if i == 30000 {
			b.WriteString("a lone CR\rhere\n")
		}
	}
	data := b.Bytes()
	if len(data) < 4*scanChunk {
		t.Fatalf("fixture of %d bytes is too small for several chunks", len(data))
	}
	path := filepath.Join(t.TempDir(), "f.csv")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := scanFile(path, "")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	want := scanRef(data, scanChunk)
	want.sha256 = hex.EncodeToString(sum[:])
	if got != want {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	if got.lf != 40001 || got.cr != 1 || got.utf8 || got.badAt != 1 || got.longest != 49 || got.longAt != 10001 || got.longestCR != 48 {
		t.Fatalf("counts: %+v", got)
	}
}

func FuzzScanner(f *testing.F) {
	for _, c := range scanCases {
		f.Add([]byte(c), uint8(3))
	}
	f.Fuzz(func(t *testing.T, data []byte, size uint8) {
		n := int(size)%64 + 1
		want := scanRef(data, n)
		if got := scanChunks(data, n, false); got != want {
			t.Fatalf("chunks of %d:\n got %+v\nwant %+v", n, got, want)
		}
	})
}
