package ingest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/effekt/effekt/ingest/parse"
)

// Bounds on what one file may cost.
const (
	maxLineBytes   = 1 << 20 // a physical line longer than this fails the file
	maxRecordBytes = 4 << 20 // a CSV record (quoted newlines included) longer than this fails the file
)

// fileInfo is what one pass over a file's bytes finds before it is read.
type fileInfo struct {
	size    int64
	sha256  string
	utf8    bool // the whole file is valid UTF-8
	bom     bool // it starts with a UTF-8 byte order mark
	nul     bool // it holds a NUL byte (binary, UTF-16, …)
	zip     bool // it starts like a ZIP archive (XLSX)
	longest int  // longest physical line in bytes
	longAt  int64
	// badAt is the line of the first byte that is not UTF-8; utf8Pairs
	// counts two-byte UTF-8 letters (å, ä, ö, é …) seen anyway: both
	// together mean a file that mixes encodings.
	badAt     int64
	utf8Pairs int64
	// lf counts line feeds, cr carriage returns not followed by one: a
	// file with cr > 0 and lf == 0 has old-Mac line ends
	lf, cr int64
	// the longest line and its number counting CR as a line end too
	longestCR int
	longAtCR  int64
	// copy is where a workbook's bytes were copied as they were hashed
	// (the copy is what is loaded); "" for other files
	copy string
}

// crOnly reports old-Mac line ends (CR without LF).
func (i fileInfo) crOnly() bool { return i.cr > 0 && i.lf == 0 }

// scanChunk is the size of the reads of scanFile.
const scanChunk = 256 << 10

// scanFile hashes the file and checks its encoding and line lengths in one
// streaming pass. A workbook (ZIP) is copied into copyDir as it is hashed,
// unless copyDir is "": the copy is what is loaded, so the hash is of the
// bytes loaded. The SHA-256 runs on a goroutine of its own beside the
// checks, so the pass takes about as long as the slower of the two.
func scanFile(path, copyDir string) (info fileInfo, err error) {
	f, err := os.Open(path)
	if err != nil {
		return fileInfo{}, fmt.Errorf("open: %w", err)
	}
	defer f.Close()
	var cp *os.File
	defer func() {
		if cp != nil {
			if cerr := cp.Close(); cerr != nil && err == nil {
				err = fmt.Errorf("copy: %w", cerr)
			}
			if err != nil {
				os.Remove(cp.Name())
				info.copy = ""
			}
		}
	}()
	// chunks go to the hasher and come back to be read into again
	const inFlight = 4
	var (
		free   = make(chan []byte, inFlight)
		toHash = make(chan []byte, inFlight)
		sum    = make(chan []byte, 1)
	)
	for range inFlight {
		free <- make([]byte, scanChunk)
	}
	go func() {
		h := sha256.New()
		for c := range toHash {
			h.Write(c)
			free <- c[:cap(c)]
		}
		sum <- h.Sum(nil)
	}()
	// the hash when every chunk is in; run once, also by the defer when
	// the pass stops early
	stopHash := sync.OnceValue(func() []byte {
		close(toHash)
		return <-sum
	})
	defer stopHash()
	var sc scanner
	sc.start()
	for first := true; ; {
		buf := <-free
		n, err := f.Read(buf)
		if n > 0 {
			chunk := buf[:n]
			sc.chunk(chunk)
			if first {
				if sc.info.zip && copyDir != "" {
					var cerr error
					if cp, cerr = os.CreateTemp(copyDir, "workbook-*.xlsx"); cerr != nil {
						return sc.info, fmt.Errorf("copy: %w", cerr)
					}
					sc.info.copy = cp.Name()
				}
				first = false
			}
			if cp != nil {
				if _, err := cp.Write(chunk); err != nil {
					return sc.info, fmt.Errorf("copy: %w", err)
				}
			}
			toHash <- chunk
		} else {
			free <- buf
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return sc.info, fmt.Errorf("read: %w", err)
		}
	}
	info = sc.finish()
	info.sha256 = hex.EncodeToString(stopHash())
	return info, nil
}

// scanner holds the state of scanFile's checks between chunks.
type scanner struct {
	info   fileInfo
	prevCR bool   // the last chunk ended with CR
	lineCR int    // bytes in the current line, CR counting as a line end
	lineNC int64  // its number
	carry  []byte // an incomplete UTF-8 sequence at the end of the last chunk
	line   int    // bytes in the current line
	lineN  int64  // its number
	slow   bool   // tests: always take the byte-by-byte path for line ends
}

func (s *scanner) start() {
	s.info.utf8 = true
	s.lineN, s.lineNC = 1, 1
}

// chunk takes the next bytes of the file.
func (s *scanner) chunk(chunk []byte) {
	info := &s.info
	if info.size == 0 {
		info.bom = bytes.HasPrefix(chunk, []byte{0xEF, 0xBB, 0xBF})
		info.zip = bytes.HasPrefix(chunk, []byte("PK\x03\x04"))
	}
	info.size += int64(len(chunk))
	// Lines, with LF as the line end and with CR too. When every CR of the
	// chunk is the first half of a CRLF inside it (or there is none) the
	// two line counts move together, segment by segment between LFs;
	// otherwise the CR count is taken byte by byte (saved state restored).
	nCR := bytes.Count(chunk, []byte{'\r'})
	fast := !s.slow && !s.prevCR && chunk[len(chunk)-1] != '\r'
	saved := *s
	crlf := 0
	for rest := chunk; len(rest) > 0; {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			s.line += len(rest)
			if fast {
				s.addCR(len(rest))
			}
			break
		}
		s.line += i
		if s.line > info.longest {
			info.longest, info.longAt = s.line, s.lineN
		}
		s.line, s.lineN = 0, s.lineN+1
		info.lf++
		if fast {
			seg := i
			if i > 0 && rest[i-1] == '\r' {
				seg--
				crlf++
			}
			s.addCR(seg)
			s.lineCR, s.lineNC = 0, s.lineNC+1
		}
		rest = rest[i+1:]
	}
	if s.line > info.longest {
		info.longest, info.longAt = s.line, s.lineN
	}
	if !fast || crlf != nCR {
		s.lineCR, s.lineNC, info.longestCR, info.longAtCR, info.cr = saved.lineCR, saved.lineNC, saved.info.longestCR, saved.info.longAtCR, saved.info.cr
		s.crBytes(chunk)
	}
	s.prevCR = chunk[len(chunk)-1] == '\r'

	if !info.nul && bytes.IndexByte(chunk, 0) >= 0 {
		info.nul = true
	}
	if info.utf8 {
		s.carry = checkUTF8(info, s.carry, chunk)
		if !info.utf8 {
			info.badAt = saved.lineN + int64(bytes.Count(chunk[:firstInvalid(chunk)], []byte{'\n'}))
		}
	}
	info.utf8Pairs += utf8Letters(chunk)
}

// addCR adds n bytes to the current line counted with CR as a line end.
func (s *scanner) addCR(n int) {
	s.lineCR += n
	if s.lineCR > s.info.longestCR {
		s.info.longestCR, s.info.longAtCR = s.lineCR, s.lineNC
	}
}

// crBytes counts lines with CR as a line end byte by byte (a chunk with a
// CR that is not the first half of a CRLF inside it).
func (s *scanner) crBytes(chunk []byte) {
	info := &s.info
	for i, c := range chunk {
		switch c {
		case '\n':
			if i > 0 || !s.prevCR { // (a CRLF cut between chunks counted at the CR)
				s.lineCR, s.lineNC = 0, s.lineNC+1
			}
		case '\r':
			if i+1 < len(chunk) && chunk[i+1] == '\n' {
				continue
			}
			info.cr++ // taken back below when the next chunk starts with LF
			s.lineCR, s.lineNC = 0, s.lineNC+1
		default:
			s.addCR(1)
		}
	}
	if s.prevCR && chunk[0] == '\n' {
		info.cr--
	}
}

// finish returns what the chunks showed.
func (s *scanner) finish() fileInfo {
	info := s.info
	if len(s.carry) > 0 {
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

// firstInvalid returns the offset of the first byte of chunk that does not
// start a valid UTF-8 sequence (len(chunk) when none).
func firstInvalid(chunk []byte) int {
	for i := 0; i < len(chunk); {
		r, n := utf8.DecodeRune(chunk[i:])
		if r == utf8.RuneError && n <= 1 {
			if !utf8.FullRune(chunk[i:]) {
				return len(chunk) // cut at the chunk's end
			}
			return i
		}
		i += n
	}
	return len(chunk)
}

// utf8Letters counts the two-byte UTF-8 sequences of Latin-1 letters
// (C3 80–BF) in chunk.
func utf8Letters(chunk []byte) int64 {
	var n int64
	for {
		i := bytes.IndexByte(chunk, 0xC3)
		if i < 0 || i+1 >= len(chunk) {
			return n
		}
		if c := chunk[i+1]; c >= 0x80 && c <= 0xBF {
			n++
		}
		chunk = chunk[i+1:]
	}
}

// checkUTF8 validates chunk (after the carried bytes) and returns the bytes
// of an incomplete sequence at its end.
func checkUTF8(info *fileInfo, carry, chunk []byte) []byte {
	b := chunk
	if len(carry) > 0 {
		b = append(append([]byte(nil), carry...), chunk...)
	}
	cut := len(b)
	for j := max(0, len(b)-utf8.UTFMax+1); j < len(b); j++ {
		if utf8.RuneStart(b[j]) && !utf8.FullRune(b[j:]) {
			cut = j
			break
		}
	}
	if !utf8.Valid(b[:cut]) {
		info.utf8 = false
		return nil
	}
	return append([]byte(nil), b[cut:]...)
}

// scrub masks anything in s shaped like a personnummer, valid or not, in
// any script and with any separator (parse.MaskPNRs): every text that
// leaves the loader (messages, rejected values, logs, summaries,
// .error.txt files and their names, file names, headers) and every
// free-text value stored passes through it.
func scrub(s string) string { return parse.MaskPNRs(s, time.Now()) }

// truncate shortens s to at most n characters, marking the cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
