package ingest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
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

// scanFile hashes the file and checks its encoding and line lengths in one
// streaming pass. A workbook (ZIP) is copied into copyDir as it is hashed,
// unless copyDir is "": the copy is what is loaded, so the hash is of the
// bytes loaded.
func scanFile(path, copyDir string) (info fileInfo, err error) {
	f, err := os.Open(path)
	if err != nil {
		return fileInfo{}, fmt.Errorf("open: %w", err)
	}
	defer f.Close()
	info.utf8 = true
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
	var (
		prevCR bool   // the last chunk ended with CR
		lineCR int    // bytes in the current line, CR counting as a line end
		lineNC int64  = 1
		h             = sha256.New()
		buf           = make([]byte, 256<<10)
		carry  []byte // an incomplete UTF-8 sequence at the end of the last chunk
		line   int    // bytes in the current line
		lineN  int64  = 1
		first         = true
	)
	for {
		n, err := f.Read(buf)
		if n > 0 {
			chunk := buf[:n]
			h.Write(chunk)
			info.size += int64(n)
			if first {
				info.bom = bytes.HasPrefix(chunk, []byte{0xEF, 0xBB, 0xBF})
				info.zip = bytes.HasPrefix(chunk, []byte("PK\x03\x04"))
				first = false
				if info.zip && copyDir != "" {
					if cp, err = os.CreateTemp(copyDir, "workbook-*.xlsx"); err != nil {
						return info, fmt.Errorf("copy: %w", err)
					}
					info.copy = cp.Name()
				}
			}
			if cp != nil {
				if _, err := cp.Write(chunk); err != nil {
					return info, fmt.Errorf("copy: %w", err)
				}
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
		if err != nil {
			return info, fmt.Errorf("read: %w", err)
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
	info.sha256 = hex.EncodeToString(h.Sum(nil))
	return info, nil
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
