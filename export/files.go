package export

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/kolada"
	"github.com/effekt/effekt/models"
	"github.com/effekt/effekt/store"
)

// CSVHeader is the header of values.csv; values.parquet has the same columns.
var CSVHeader = []string{"kpi", "municipality", "municipality_title", "period", "gender", "numerator", "denominator", "value", "ci_low", "ci_high", "status", "as_of"}

// parquetColumns are the DuckDB types of the CSVHeader columns.
const parquetColumns = `{'kpi': 'VARCHAR', 'municipality': 'VARCHAR', 'municipality_title': 'VARCHAR',
 'period': 'INTEGER', 'gender': 'VARCHAR', 'numerator': 'BIGINT', 'denominator': 'BIGINT',
 'value': 'DOUBLE', 'ci_low': 'DOUBLE', 'ci_high': 'DOUBLE', 'status': 'VARCHAR', 'as_of': 'DATE'}`

// writer writes the files of one export into dir, each fsynced, and keeps
// their checksums.
type writer struct {
	dir   string
	files []FileInfo
	fail  func(step string) error
}

// create writes one file through fill, syncs it and records its checksum.
func (w *writer) create(name string, fill func(io.Writer) error) error {
	path := filepath.Join(w.dir, name)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("create %s: %w", name, err)
	}
	h := sha256.New()
	cw := &countWriter{w: io.MultiWriter(f, h)}
	bw := bufio.NewWriterSize(cw, 1<<16)
	err = fill(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	w.files = append(w.files, FileInfo{Name: name, Size: cw.n, SHA256: hex.EncodeToString(h.Sum(nil))})
	return w.step(name)
}

func (w *writer) step(name string) error {
	if w.fail != nil {
		return w.fail(name)
	}
	return nil
}

func (w *writer) json(name string, v any) error {
	return w.create(name, func(out io.Writer) error {
		enc := json.NewEncoder(out)
		enc.SetEscapeHTML(false)
		return enc.Encode(v)
	})
}

func (w *writer) csv(name string, values []models.Value, groups []config.Group) error {
	return w.create(name, func(out io.Writer) error {
		cw := csv.NewWriter(out)
		if err := cw.Write(CSVHeader); err != nil {
			return err
		}
		titles := map[string]string{}
		for _, v := range values {
			title, ok := titles[v.Municipality]
			if !ok {
				title = kolada.AreaTitle(v.Municipality, groups)
				titles[v.Municipality] = title
			}
			rec := []string{v.KPI, v.Municipality, title, strconv.Itoa(v.Period), v.Gender,
				fmtInt(v.Numerator), fmtInt(v.Denominator), fmtFloat(v.Value), fmtFloat(v.CILow), fmtFloat(v.CIHigh),
				v.Status, v.AsOf.Format(time.DateOnly)}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
}

// parquet converts the CSV file just written into Parquet with DuckDB, so
// both hold exactly the same rows, and returns the number of rows written.
// It runs on a private in-memory instance (store.OpenScratch): the
// database's own instance may have file access turned off (effekt serve's
// runs evaluators' SQL).
func (w *writer) parquet(ctx context.Context, name, fromCSV string) (int, error) {
	db, err := store.OpenScratch(ctx)
	if err != nil {
		return 0, fmt.Errorf("write %s: %w", name, err)
	}
	defer db.Close()
	src := store.Literal(filepath.Join(w.dir, fromCSV))
	dst := filepath.Join(w.dir, name)
	q := `COPY (SELECT * FROM read_csv(` + src + `, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
    nullstr = '', force_not_null = ['kpi', 'municipality', 'municipality_title', 'gender', 'status'],
    columns = ` + parquetColumns + `)) TO ` + store.Literal(dst) + ` (FORMAT parquet, COMPRESSION zstd)`
	if _, err := db.ExecContext(ctx, q); err != nil {
		return 0, fmt.Errorf("write %s: %w", name, err)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM read_parquet(`+store.Literal(dst)+`)`).Scan(&n); err != nil {
		return 0, fmt.Errorf("check %s: %w", name, err)
	}
	if err := syncFile(dst); err != nil {
		return 0, fmt.Errorf("sync %s: %w", name, err)
	}
	info, err := checksum(dst)
	if err != nil {
		return 0, fmt.Errorf("checksum %s: %w", name, err)
	}
	w.files = append(w.files, info)
	return n, w.step(name)
}

// checksum returns the size and sha256 of the file at path.
func checksum(path string) (FileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return FileInfo{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return FileInfo{}, err
	}
	return FileInfo{Name: filepath.Base(path), Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

func fmtInt(p *int64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(*p, 10)
}

func fmtFloat(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
