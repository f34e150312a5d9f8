package export

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/kolada"
	"github.com/effekt/effekt/models"
	"github.com/effekt/effekt/store"
)

var update = flag.Bool("update", false, "rewrite testdata/values.csv and testdata/data.json")

var fixedNow = func() time.Time { return time.Date(2021, 7, 2, 4, 0, 0, 0, time.UTC) }

func openFixture(t *testing.T) *sql.DB { return openFixtureTB(t, "testdata/fixture.sql") }

// openFixtureTB opens a fresh database, loading the SQL file fixture unless
// it is empty.
func openFixtureTB(tb testing.TB, fixture string) *sql.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(tb.TempDir(), "export.duckdb"), store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if fixture == "" {
		return db
	}
	body, err := os.ReadFile(fixture)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, string(body)); err != nil {
		tb.Fatalf("load fixture: %v", err)
	}
	return db
}

func testOptions() Options {
	return Options{MinN: 5, Groups: config.DefaultGroups(), Version: "test-1", Now: fixedNow}
}

// TestWrite checks every file of an export of the fixture.
func TestWrite(t *testing.T) {
	ctx := context.Background()
	db := openFixture(t)
	dir := filepath.Join(t.TempDir(), "exports")
	m, err := Write(ctx, db, dir, testOptions())
	if err != nil {
		t.Fatal(err)
	}

	// the folder holds exactly the files, the manifest lists all but itself
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{FileData, FileKPI, FileManifest, FileMunicipality, FileGroups, FileCSV, FileParquet}
	if !slices.Equal(names, want) {
		t.Fatalf("files %v, want %v", names, want)
	}

	// manifest: on disk equal to the one returned; checksums and sizes true
	var onDisk Manifest
	readJSON(t, filepath.Join(dir, FileManifest), &onDisk)
	if onDisk.AsOf != "2021-06-30" || onDisk.Version != "test-1" || onDisk.MinN != 5 ||
		!onDisk.GeneratedAt.Equal(fixedNow()) || onDisk.Source != Source || m.AsOf != onDisk.AsOf {
		t.Errorf("manifest %+v", onDisk)
	}
	if len(onDisk.Files) != 6 {
		t.Fatalf("manifest lists %d files, want 6", len(onDisk.Files))
	}
	for _, f := range onDisk.Files {
		b, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if f.SHA256 != hex.EncodeToString(sum[:]) || f.Size != int64(len(b)) {
			t.Errorf("%s: manifest says %d bytes %s, file has %d bytes %x", f.Name, f.Size, f.SHA256, len(b), sum)
		}
	}
	wantRows := map[string]int{FileKPI: len(models.Published()), FileMunicipality: 312, FileGroups: 2, FileData: 4, FileCSV: 6, FileParquet: 6}
	for name, n := range wantRows {
		if onDisk.Rows[name] != n || m.Rows[name] != n {
			t.Errorf("rows of %s: manifest %d, returned %d, want %d", name, onDisk.Rows[name], m.Rows[name], n)
		}
	}

	// CSV: hand-written expected rows, suppression applied
	got, err := os.ReadFile(filepath.Join(dir, FileCSV))
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "testdata/values.csv", got)
	recs, err := csv.NewReader(bytes.NewReader(got)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}

	// Parquet: same rows and values as the CSV, read back with DuckDB
	pq := filepath.Join(dir, FileParquet)
	var n, suppressed, nullStatus int
	if err := db.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (status = 'suppressed' AND denominator IS NULL AND value IS NULL AND numerator IS NULL),
		count(*) FILTER (status IS NULL) FROM read_parquet(?)`, pq).Scan(&n, &suppressed, &nullStatus); err != nil {
		t.Fatal(err)
	}
	// K (4) is primary, M (6) complementary: T − M would give K away.
	if n != len(recs)-1 || suppressed != 2 || nullStatus != 0 {
		t.Errorf("parquet: %d rows (csv %d), %d suppressed (want 2), %d NULL status (want 0)", n, len(recs)-1, suppressed, nullStatus)
	}
	var pqCSV string
	if err := db.QueryRowContext(ctx, `SELECT string_agg(concat_ws(',', kpi, municipality, municipality_title, period, gender,
		coalesce(numerator::VARCHAR, ''), coalesce(denominator::VARCHAR, ''), coalesce(value::VARCHAR, ''), coalesce(ci_low::VARCHAR, ''),
		coalesce(ci_high::VARCHAR, ''), status, as_of), chr(10)) FROM read_parquet(?)`, pq).Scan(&pqCSV); err != nil {
		t.Fatal(err)
	}
	var csvLines []string
	for _, r := range recs[1:] {
		csvLines = append(csvLines, strings.Join(r, ","))
	}
	// DuckDB prints 60.0 where the CSV has 60
	if norm := strings.ReplaceAll(pqCSV, ".0,", ","); norm != strings.Join(csvLines, "\n") {
		t.Errorf("parquet rows differ from csv:\n%s\nwant\n%s", norm, strings.Join(csvLines, "\n"))
	}
	var types string
	if err := db.QueryRowContext(ctx, `SELECT string_agg(column_name || ' ' || column_type, ', ') FROM (DESCRIBE SELECT * FROM read_parquet(?))`, pq).Scan(&types); err != nil {
		t.Fatal(err)
	}
	if wantTypes := "kpi VARCHAR, municipality VARCHAR, municipality_title VARCHAR, period INTEGER, gender VARCHAR, numerator BIGINT, denominator BIGINT, value DOUBLE, ci_low DOUBLE, ci_high DOUBLE, status VARCHAR, as_of DATE"; types != wantTypes {
		t.Errorf("parquet columns %s\nwant %s", types, wantTypes)
	}

	// Kolada JSON: data rows hand-written; the others checked by shape
	data, err := os.ReadFile(filepath.Join(dir, FileData))
	if err != nil {
		t.Fatal(err)
	}
	var ind bytes.Buffer
	if err := json.Indent(&ind, data, "", "  "); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "testdata/data.json", ind.Bytes())
	var munis kolada.Envelope[kolada.Municipality]
	readJSON(t, filepath.Join(dir, FileMunicipality), &munis)
	if munis.Count != 312 || munis.Values[0] != (kolada.Municipality{ID: "0000", Title: "Riket", Type: "L"}) || munis.NextURL != nil {
		t.Errorf("municipality.json: count %d, first %+v", munis.Count, munis.Values[0])
	}
	var groups kolada.Envelope[kolada.Group]
	readJSON(t, filepath.Join(dir, FileGroups), &groups)
	if groups.Count != 2 || groups.Values[0].ID != "G0001" || len(groups.Values[1].Members) != 10 || groups.Values[1].Members[9] != (kolada.GroupMember{MemberID: "0120", MemberTitle: "Värmdö"}) {
		t.Errorf("municipality_groups.json: %+v", groups)
	}
	var kpis kolada.Envelope[kolada.KPI]
	readJSON(t, filepath.Join(dir, FileKPI), &kpis)
	if kpis.Count != len(models.Published()) || kpis.Values[0].ID != "EF101" || *kpis.Values[0].PublPeriod != "2019" || *kpis.Values[0].PublicationDate != "2021-07-01" {
		t.Errorf("kpi.json: count %d first %+v", kpis.Count, kpis.Values[0])
	}
	for _, name := range want {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		if bytes.Contains(bytes.ToLower(b), []byte("källa: kolada")) {
			t.Errorf("%s labels effekt's figures Källa: Kolada", name)
		}
	}
}

// TestWriteAtomic injects a failure after each step (and between the two
// renames of the swap): the error is reported, the previous export is left
// byte for byte as it was, and no temporary folder remains.
func TestWriteAtomic(t *testing.T) {
	ctx := context.Background()
	db := openFixture(t)
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	if _, err := Write(ctx, db, dir, testOptions()); err != nil {
		t.Fatal(err)
	}
	before := dirContents(t, dir)
	// new data: a second export would differ
	if _, err := db.ExecContext(ctx, `INSERT INTO indicator_values VALUES ('EF101', '0136', 2019, 'T', 5, 8, 62.5, 30.57, 86.32, '', '2021-06-30', '2021-07-01 02:30:00+00')`); err != nil {
		t.Fatal(err)
	}
	injected := errors.New("disk full (injected)")
	for _, step := range []string{FileKPI, FileMunicipality, FileGroups, FileData, FileCSV, FileParquet, FileManifest, "swap"} {
		t.Run(step, func(t *testing.T) {
			opt := testOptions()
			opt.fail = func(s string) error {
				if s == step {
					return injected
				}
				return nil
			}
			if _, err := Write(ctx, db, dir, opt); !errors.Is(err, injected) {
				t.Fatalf("Write: %v, want the injected error", err)
			}
			if after := dirContents(t, dir); !mapsEqual(after, before) {
				t.Errorf("previous export changed after a failure at %s", step)
			}
			if left := listDir(t, parent); !slices.Equal(left, []string{"out"}) {
				t.Errorf("left behind: %v", left)
			}
		})
	}
	// without a failure the new export replaces the old one, nothing left over
	m, err := Write(ctx, db, dir, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if m.Rows[FileCSV] != 7 || m.Rows[FileParquet] != 7 {
		t.Errorf("rows after the second export: %v", m.Rows)
	}
	if left := listDir(t, parent); !slices.Equal(left, []string{"out"}) {
		t.Errorf("left behind: %v", left)
	}
}

// TestWriteRecoversCrash: a crash between the two renames leaves the
// previous export renamed aside; the next export puts it back first, so
// even a failing export leaves it in place. Temporary folders older than an
// hour are removed; a recent one may be another export's and stays.
func TestWriteRecoversCrash(t *testing.T) {
	ctx := context.Background()
	db := openFixture(t)
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	if _, err := Write(ctx, db, dir, testOptions()); err != nil {
		t.Fatal(err)
	}
	before := dirContents(t, dir)
	if err := os.Rename(dir, filepath.Join(parent, ".out.old")); err != nil {
		t.Fatal(err)
	}
	opt := testOptions()
	opt.fail = func(s string) error {
		if s == FileCSV {
			return errors.New("killed (injected)")
		}
		return nil
	}
	// a temporary folder a crash left two hours ago, and one just begun
	stale, fresh := filepath.Join(parent, ".out.new-123"), filepath.Join(parent, ".out.new-456")
	for _, d := range []string{stale, fresh} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	twoHoursAgo := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(stale, twoHoursAgo, twoHoursAgo); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(ctx, db, dir, opt); err == nil {
		t.Fatal("want the injected error")
	}
	if err := os.Remove(fresh); err != nil {
		t.Errorf("a fresh temporary folder (another export's) was touched: %v", err)
	}
	if after := dirContents(t, dir); !mapsEqual(after, before) {
		t.Error("previous export not restored")
	}
	if left := listDir(t, parent); !slices.Equal(left, []string{"out"}) {
		t.Errorf("left behind: %v", left)
	}
}

// TestWriteRejectsMinN: min_n below 1 would disable disclosure control.
func TestWriteRejectsMinN(t *testing.T) {
	opt := testOptions()
	opt.MinN = 0
	dir := filepath.Join(t.TempDir(), "out")
	if _, err := Write(context.Background(), openFixture(t), dir, opt); err == nil {
		t.Fatal("min_n 0 accepted")
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("folder written despite the error: %v", err)
	}
}

func dirContents(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, name := range listDir(t, dir) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		out[name] = string(b)
	}
	return out
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(want)) {
		t.Errorf("%s differs:\n%s", path, got)
	}
}
