package ingest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/effekt/effekt/ingest/parse"
)

// Bounds on what one file may cost.
const (
	maxLineBytes   = 1 << 20 // a physical line longer than this fails the file
	maxRecordBytes = 4 << 20 // a CSV record (quoted newlines included) longer than this fails the file
	maxValueChars  = 100     // rejected values are truncated to this many characters
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
}

// scanFile hashes the file and checks its encoding and line lengths in one
// streaming pass.
func scanFile(path string) (fileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return fileInfo{}, fmt.Errorf("open: %w", err)
	}
	defer f.Close()
	var (
		info  = fileInfo{utf8: true}
		h     = sha256.New()
		buf   = make([]byte, 256<<10)
		carry []byte // an incomplete UTF-8 sequence at the end of the last chunk
		line  int    // bytes in the current line
		lineN int64  = 1
		first        = true
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
			}
			if !info.nul && bytes.IndexByte(chunk, 0) >= 0 {
				info.nul = true
			}
			if info.utf8 {
				carry = checkUTF8(&info, carry, chunk)
			}
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
	info.sha256 = hex.EncodeToString(h.Sum(nil))
	return info, nil
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

// pnrPattern finds anything that could be a personnummer in free text.
var pnrPattern = regexp.MustCompile(`\d{6}(?:\d{2})?[-+ ]?\d{4}`)

// scrub masks anything in s that looks like a personnummer (10 or 12
// digits, optionally with a separator, not part of a longer word such as a
// sha256). Every text that leaves the loader (messages, values, logs,
// .error.txt files) passes through it.
func scrub(s string) string {
	if !strings.ContainsAny(s, "0123456789") {
		return s
	}
	idx := pnrPattern.FindAllStringIndex(s, -1)
	if idx == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range idx {
		if (m[0] > 0 && isAlnum(s[m[0]-1])) || (m[1] < len(s) && isAlnum(s[m[1]])) {
			continue
		}
		b.WriteString(s[last:m[0]])
		b.WriteString(maskPNR(s[m[0]:m[1]]))
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// maskPNR masks one personnummer-like string as YYYYMMDD-**** (or ****).
func maskPNR(s string) string { return parse.Mask(s) }

// truncate shortens s to at most n characters, marking the cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
