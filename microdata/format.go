package microdata

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/big"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/duckdb/duckdb-go/v2"
)

// Formats a writer can produce.
const (
	FormatTable = "table" // aligned columns for people (widths from the first rows)
	FormatCSV   = "csv"
	FormatJSON  = "json" // an array of objects, keys in column order
)

// tableSample is how many rows the table format holds to size its columns;
// later rows are printed as they come, wider cells pushing their line.
const tableSample = 200

// NewWriter returns a streaming writer of format to w. The table format
// ends with a line counting the rows and saying when the limit cut them;
// csv and json, whose readers are programs, leave that line to note (the
// CLI's standard error) when note is not nil.
func NewWriter(format string, w io.Writer, note io.Writer) (RowWriter, error) {
	switch format {
	case FormatTable, "":
		return &tableWriter{w: w}, nil
	case FormatCSV:
		return &csvWriter{cw: csv.NewWriter(w), note: note}, nil
	case FormatJSON:
		return &jsonWriter{w: w, note: note}, nil
	}
	return nil, fmt.Errorf("unknown format %q (want table, csv or json)", format)
}

// Summary is the line that closes a result: "(3 rows)", or the cut.
func Summary(res Result) string {
	if res.Truncated {
		return fmt.Sprintf("(%d rows; cut at the row limit of %d: more rows exist — narrow the query or raise --limit)", res.Rows, res.Limit)
	}
	if res.Rows == 1 {
		return "(1 row)"
	}
	return fmt.Sprintf("(%d rows)", res.Rows)
}

type csvWriter struct {
	cw   *csv.Writer
	note io.Writer
}

func (c *csvWriter) Begin(cols []string) error { return c.cw.Write(cols) }
func (c *csvWriter) Row(vals []any) error      { return c.cw.Write(Texts(vals)) }
func (c *csvWriter) End(res Result) error {
	c.cw.Flush()
	if err := c.cw.Error(); err != nil {
		return err
	}
	if c.note != nil && res.Truncated {
		fmt.Fprintln(c.note, Summary(res))
	}
	return nil
}

type jsonWriter struct {
	w    io.Writer
	note io.Writer
	cols [][]byte // column names, JSON-encoded
	n    int64
	buf  bytes.Buffer
	out  bytes.Buffer
}

func (j *jsonWriter) Begin(cols []string) error {
	j.cols = EncodeNames(cols)
	_, err := io.WriteString(j.w, "[")
	return err
}

func (j *jsonWriter) Row(vals []any) error {
	j.buf.Reset()
	if err := AppendObject(&j.buf, j.cols, vals); err != nil {
		return err
	}
	return j.raw(j.buf.Bytes())
}

// raw writes one encoded object, indented: one key per line.
func (j *jsonWriter) raw(obj []byte) error {
	j.out.Reset()
	if j.n > 0 {
		j.out.WriteByte(',')
	}
	j.out.WriteString("\n  ")
	if err := json.Indent(&j.out, obj, "  ", "  "); err != nil {
		return fmt.Errorf("json row: %w", err)
	}
	j.n++
	_, err := j.w.Write(j.out.Bytes())
	return err
}

func (j *jsonWriter) End(res Result) error {
	end := "]\n"
	if j.n > 0 {
		end = "\n]\n"
	}
	if _, err := io.WriteString(j.w, end); err != nil {
		return err
	}
	if j.note != nil && res.Truncated {
		fmt.Fprintln(j.note, Summary(res))
	}
	return nil
}

// EncodeNames JSON-encodes column names once for AppendObject.
func EncodeNames(cols []string) [][]byte {
	out := make([][]byte, len(cols))
	for i, c := range cols {
		out[i], _ = json.Marshal(c)
	}
	return out
}

// AppendObject writes one row as a compact JSON object, keys in column
// order.
func AppendObject(buf *bytes.Buffer, cols [][]byte, vals []any) error {
	buf.WriteByte('{')
	for i, v := range vals {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(cols[i])
		buf.WriteByte(':')
		b, err := json.Marshal(JSONValue(v))
		if err != nil {
			return fmt.Errorf("column %s: %w", cols[i], err)
		}
		buf.Write(b)
	}
	buf.WriteByte('}')
	return nil
}

type tableWriter struct {
	w      io.Writer
	cols   []string
	sample [][]string
	widths []int
	sized  bool
}

func (t *tableWriter) Begin(cols []string) error {
	t.cols = cols
	return nil
}

func (t *tableWriter) Row(vals []any) error {
	cells := Texts(vals)
	if !t.sized {
		t.sample = append(t.sample, cells)
		if len(t.sample) < tableSample {
			return nil
		}
		return t.flushSample()
	}
	return t.line(cells)
}

func (t *tableWriter) flushSample() error {
	t.sized = true
	t.widths = make([]int, len(t.cols))
	for i, c := range t.cols {
		t.widths[i] = utf8.RuneCountInString(c)
	}
	for _, r := range t.sample {
		for i, c := range r {
			t.widths[i] = max(t.widths[i], utf8.RuneCountInString(c))
		}
	}
	if err := t.line(t.cols); err != nil {
		return err
	}
	for _, r := range t.sample {
		if err := t.line(r); err != nil {
			return err
		}
	}
	t.sample = nil
	return nil
}

func (t *tableWriter) line(cells []string) error {
	var b strings.Builder
	for i, c := range cells {
		if i == len(cells)-1 {
			b.WriteString(c)
			break
		}
		b.WriteString(c)
		b.WriteString(strings.Repeat(" ", t.widths[i]-utf8.RuneCountInString(c)+2))
	}
	b.WriteByte('\n')
	_, err := io.WriteString(t.w, b.String())
	return err
}

func (t *tableWriter) End(res Result) error {
	if !t.sized {
		if err := t.flushSample(); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintln(t.w, Summary(res))
	return err
}

// Texts are vals as text cells (NULL as the empty string).
func Texts(vals []any) []string {
	s := make([]string, len(vals))
	for i, v := range vals {
		s[i] = Text(v)
	}
	return s
}

// Text is one value as text: dates as YYYY-MM-DD, timestamps RFC 3339,
// NULL empty.
func Text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case time.Time:
		switch {
		case x.Year() == 1 && x.YearDay() == 1: // TIME, TIMETZ
			if _, off := x.Zone(); off != 0 {
				return x.Format("15:04:05.999999999Z07:00")
			}
			return x.Format("15:04:05.999999999")
		case x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0:
			return x.Format(time.DateOnly)
		}
		return x.Format(time.RFC3339Nano)
	case []byte:
		return blob(x)
	case duckdb.Union:
		return Text(x.Value)
	case duckdb.Interval:
		return fmt.Sprintf("%d months %d days %d microseconds", x.Months, x.Days, x.Micros)
	case duckdb.Decimal:
		return x.String()
	case duckdb.UUID:
		return x.String()
	case *big.Int:
		return x.String()
	case []any, map[string]any, duckdb.Map, duckdb.OrderedMap, *duckdb.OrderedMap:
		b, err := json.Marshal(JSONValue(v))
		if err == nil {
			return string(b)
		}
	}
	return fmt.Sprint(v)
}

// JSONValue is v as encoding/json should see it: numbers, strings, booleans
// and null as they are, nested lists and structs as JSON, the rest as text.
func JSONValue(v any) any {
	switch x := v.(type) {
	case nil, bool, string, int, int8, int16, int32, int64, uint8, uint16, uint32, uint64:
		return v
	case float32:
		return JSONValue(float64(x))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Sprint(x) // JSON has no NaN or Infinity
		}
		return x
	case duckdb.Decimal:
		return json.Number(x.String())
	case duckdb.Union:
		return JSONValue(x.Value)
	case duckdb.Interval:
		return x
	case *big.Int:
		return json.Number(x.String())
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = JSONValue(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = JSONValue(e)
		}
		return out
	case duckdb.Map:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[Text(k)] = JSONValue(e)
		}
		return out
	case duckdb.OrderedMap:
		return orderedMap(&x)
	case *duckdb.OrderedMap:
		return orderedMap(x)
	}
	return Text(v)
}

// blob is text as it is, or bytes that are not UTF-8 as DuckDB prints a
// BLOB (\xAA).
func blob(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	for _, c := range b {
		if c >= 0x20 && c < 0x7f && c != '\\' {
			sb.WriteByte(c)
		} else {
			fmt.Fprintf(&sb, "\\x%02X", c)
		}
	}
	return sb.String()
}

// orderedMap is a DuckDB MAP as a JSON object (keys as text; the order of
// encoding/json's map keys, sorted).
func orderedMap(m *duckdb.OrderedMap) map[string]any {
	out := make(map[string]any, m.Len())
	ks, vs := m.Keys(), m.Values()
	for i := range ks {
		out[Text(ks[i])] = JSONValue(vs[i])
	}
	return out
}
