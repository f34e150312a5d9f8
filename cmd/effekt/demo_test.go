package main

// End-to-end tests of the main job and a whole-system privacy check. The test
// binary doubles as the effekt binary (EFFEKT_E2E_MAIN=1 makes TestMain run
// main), so `effekt demo` and `effekt ingest` run as real subprocesses with a
// fixed pseudonym key and their stdout and stderr are captured. One demo run
// is shared by every test (demoFixture).

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/disclosure"
	"github.com/effekt/effekt/export"
	"github.com/effekt/effekt/sample"
	"github.com/effekt/effekt/store"
)

const (
	envAsMain = "EFFEKT_E2E_MAIN"
	testKey   = "e2e-test-key-not-secret-0123456789"
	demoSeed  = 1
)

// allKPIs are the eleven indicators of SPEC §5.
var allKPIs = []string{"EF101", "EF102", "EF103", "EF104", "EF105", "EF201", "EF301", "EF302", "EF303", "EF401", "EF402"}

// publishedKPIs are allKPIs with the case-mix companions (F, A, K) of the
// eight proportions.
var publishedKPIs = func() []string {
	var out []string
	for _, k := range allKPIs {
		out = append(out, k)
		if k != "EF102" && k != "EF104" && k != "EF303" {
			out = append(out, k+"A", k+"F", k+"K")
		}
	}
	return out
}()

var fx struct {
	once sync.Once
	d    *demoRun
	err  error
}

func TestMain(m *testing.M) {
	if os.Getenv(envAsMain) == "1" {
		main()
		os.Exit(0)
	}
	code := m.Run()
	if fx.d != nil {
		if fx.d.db != nil {
			fx.d.db.Close()
		}
		os.RemoveAll(fx.d.root)
	}
	os.Exit(code)
}

// demoRun is what `effekt demo`, an `effekt ingest` of the same files
// re-generated and an `effekt ingest` of testdata/badinbox left.
type demoRun struct {
	root, dir string
	today     time.Time
	demo      proc     // effekt demo
	rerun     proc     // effekt ingest on the re-generated inbox
	bad       proc     // effekt ingest on testdata/badinbox
	badIDs    []string // the personnummer written in the files of testdata/badinbox
	nameIDs   []string // the personnummer only in a file name there
	stats     sample.Stats
	ids       []idCell            // every person_id cell of the inbox the demo ingested
	forms     map[string]string   // every written form of every id in a file → its mask (for messages)
	nameForms map[string]string   // the same for nameIDs
	rawSHA    map[string]string   // base name → sha256 of the file the demo ingested
	regenSHA  map[string]string   // base name → sha256 of the re-generated file
	before    dbState             // database after the demo
	after     dbState             // database after the re-run
	byteHits  map[string][]string // forms set → found in the raw database files, after each run
	db        *sql.DB
}

type proc struct{ stdout, stderr []byte }

type fileRow struct {
	id                      int64
	name, kind, sha, status string
	read, loaded, rejected  int64
	rejectedRecords         int64 // rows of rejected_rows with this file_id
}

type dbState struct {
	files    []fileRow
	tables   map[string]int64 // row count of each kind's table, rejected_rows, indicator_values
	kpis     []string
	ivDigest string // md5 of indicator_values without computed_at
}

// demoFixture runs the demo once for all tests.
func demoFixture(t *testing.T) *demoRun {
	t.Helper()
	fx.once.Do(func() { fx.d, fx.err = runFixture() })
	if fx.err != nil {
		t.Fatal(fx.err)
	}
	if fx.d.today.IsZero() {
		t.Skip("the demo ran across midnight: its sample cannot be re-generated; run again")
	}
	return fx.d
}

func runFixture() (*demoRun, error) {
	ctx := context.Background()
	root, err := os.MkdirTemp("", "effekt-e2e-")
	if err != nil {
		return nil, err
	}
	d := &demoRun{root: root, dir: filepath.Join(root, "demo")}
	day0 := time.Now()
	if d.demo, err = runEffekt("", "demo", "--dir", d.dir); err != nil {
		return d, err
	}
	if day1 := time.Now(); day1.Format(time.DateOnly) == day0.Format(time.DateOnly) {
		d.today = day0
	}
	if d.ids, d.rawSHA, err = readInbox(filepath.Join(d.dir, "archive")); err != nil {
		return d, err
	}
	d.forms = formsOf(d.ids, d.today)
	d.byteHits = map[string][]string{}
	d.byteHits["content"] = scanDBFiles(d.dir, d.forms)
	if d.before, err = takeSnapshot(ctx, filepath.Join(d.dir, "effekt.duckdb")); err != nil {
		return d, err
	}
	if d.today.IsZero() {
		return d, nil
	}
	inbox := filepath.Join(d.dir, "inbox")
	d.stats, err = sample.Write(ctx, inbox, sample.Options{Scale: "small", Seed: demoSeed, Today: d.today, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return d, err
	}
	d.regenSHA = map[string]string{}
	for _, f := range d.stats.Files {
		b, err := os.ReadFile(f.Path)
		if err != nil {
			return d, err
		}
		d.regenSHA[filepath.Base(f.Path)] = sha(b)
	}
	cfgPath, err := filepath.Abs("testdata/rerun.yaml")
	if err != nil {
		return d, err
	}
	if d.rerun, err = runEffekt(d.dir, "ingest", "--config", cfgPath); err != nil {
		return d, err
	}
	d.byteHits["content"] = append(d.byteHits["content"], scanDBFiles(d.dir, d.forms)...)
	if d.after, err = takeSnapshot(ctx, filepath.Join(d.dir, "effekt.duckdb")); err != nil {
		return d, err
	}
	// Files holding personnummer where error messages could quote them
	// (no header, a broken quote, not a workbook), a file named after a
	// person and a personnummer in a free-text column.
	if d.badIDs, d.nameIDs, err = copyBadInbox("testdata/badinbox", inbox); err != nil {
		return d, err
	}
	d.nameForms = map[string]string{}
	for _, set := range []struct {
		ids   []string
		forms map[string]string
	}{{d.badIDs, d.forms}, {d.nameIDs, d.nameForms}} {
		for _, id := range set.ids {
			for _, f := range idForms(id) {
				set.forms[f] = maskOf(id)
			}
		}
	}
	d.bad, err = runEffekt(d.dir, "ingest", "--config", cfgPath)
	if want := "effekt ingest: 4 of 6 files failed"; err == nil || !bytes.Contains(d.bad.stderr, []byte(want)) {
		return d, fmt.Errorf("ingest of testdata/badinbox: want %q, got %v", want, err)
	}
	d.byteHits["content"] = append(d.byteHits["content"], scanDBFiles(d.dir, d.forms)...)
	d.byteHits["file name"] = scanDBFiles(d.dir, d.nameForms)
	d.db, err = store.Open(ctx, filepath.Join(d.dir, "effekt.duckdb"), store.Options{})
	return d, err
}

// runEffekt runs this test binary as `effekt args...` in dir.
func runEffekt(dir string, args ...string) (proc, error) {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Dir = dir
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "EFFEKT_") {
			cmd.Env = append(cmd.Env, e)
		}
	}
	cmd.Env = append(cmd.Env, envAsMain+"=1", config.EnvPseudonymKey+"="+testKey)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	p := proc{out.Bytes(), errb.Bytes()}
	if err != nil {
		return p, fmt.Errorf("effekt %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out.String(), errb.String())
	}
	return p, nil
}

func takeSnapshot(ctx context.Context, path string) (dbState, error) {
	var s dbState
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		return s, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT f.file_id, f.name, coalesce(f.kind, ''), f.sha256, f.status, f.rows_read, f.rows_loaded, f.rows_rejected,
		(SELECT count(*) FROM rejected_rows r WHERE r.file_id = f.file_id) FROM files f ORDER BY f.file_id`)
	if err != nil {
		return s, err
	}
	defer rows.Close()
	for rows.Next() {
		var f fileRow
		if err := rows.Scan(&f.id, &f.name, &f.kind, &f.sha, &f.status, &f.read, &f.loaded, &f.rejected, &f.rejectedRecords); err != nil {
			return s, err
		}
		s.files = append(s.files, f)
	}
	if err := rows.Err(); err != nil {
		return s, err
	}
	s.tables = map[string]int64{}
	for _, tb := range []string{"so_registrations", "so_attendance", "so_certificates", "settlements", "sfi_courses",
		"interventions", "intervention_participations", "af_plans", "rejected_rows", "indicator_values"} {
		var n int64
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+tb).Scan(&n); err != nil {
			return s, err
		}
		s.tables[tb] = n
	}
	var kpis string
	if err := db.QueryRowContext(ctx, `SELECT coalesce(string_agg(kpi, ',' ORDER BY kpi), '') FROM (SELECT DISTINCT kpi FROM indicator_values)`).Scan(&kpis); err != nil {
		return s, err
	}
	if kpis != "" {
		s.kpis = strings.Split(kpis, ",")
	}
	err = db.QueryRowContext(ctx, `SELECT md5(coalesce(string_agg(concat_ws('|', kpi, municipality, period, gender, numerator, denominator, value, ci_low, ci_high, status, as_of), ';'
		ORDER BY kpi, municipality, period, gender), '')) FROM indicator_values`).Scan(&s.ivDigest)
	return s, err
}

func sha(b []byte) string { h := sha256.Sum256(b); return hex.EncodeToString(h[:]) }

func (s dbState) loaded() (files int, read, loaded, rejected int64) {
	for _, f := range s.files {
		if f.status == "loaded" {
			files++
			read, loaded, rejected = read+f.read, loaded+f.loaded, rejected+f.rejected
		}
	}
	return
}

func TestDemoEndToEnd(t *testing.T) {
	d := demoFixture(t)
	ctx := context.Background()
	stat := map[string]sample.FileStat{}
	for _, f := range d.stats.Files {
		stat[filepath.Base(f.Path)] = f
	}

	// Every file: read = loaded + rejected, as many rejected_rows records
	// as rows_rejected, and exactly the rows and bad rows the generator wrote.
	if len(d.before.files) != len(d.stats.Files) {
		t.Fatalf("files table has %d rows after the demo, the sample wrote %d files", len(d.before.files), len(d.stats.Files))
	}
	for _, f := range d.before.files {
		t.Run("file/"+f.name, func(t *testing.T) {
			st, ok := stat[f.name]
			if !ok {
				t.Fatalf("files has %s, which the sample did not write", f.name)
			}
			if f.status != "loaded" || f.kind != st.Kind {
				t.Errorf("status %q kind %q, want loaded %s", f.status, f.kind, st.Kind)
			}
			if f.read != f.loaded+f.rejected {
				t.Errorf("rows_read %d != rows_loaded %d + rows_rejected %d", f.read, f.loaded, f.rejected)
			}
			if f.rejectedRecords != f.rejected {
				t.Errorf("rejected_rows has %d records, files.rows_rejected says %d", f.rejectedRecords, f.rejected)
			}
			if f.read != st.Rows || f.rejected != st.BadRows {
				t.Errorf("read %d rejected %d, the sample wrote %d rows of which %d bad", f.read, f.rejected, st.Rows, st.BadRows)
			}
			if f.sha != d.rawSHA[f.name] {
				t.Errorf("sha256 %s, the archived file has %s", f.sha, d.rawSHA[f.name])
			}
		})
	}

	// Totals: the demo's own lines, the sample's Stats and the database agree.
	nf, read, loaded, rejected := d.before.loaded()
	m := regexp.MustCompile(`(\d+) persons, (\d+) files, (\d+) rows \((\d+) deliberately bad\)`).FindSubmatch(d.demo.stdout)
	if m == nil {
		t.Fatalf("no sample line in the demo output:\n%s", d.demo.stdout)
	}
	tot := regexp.MustCompile(`(\d+) files \((\d+) failed\): (\d+) rows read, (\d+) loaded, (\d+) rejected`).FindSubmatch(d.demo.stdout)
	if tot == nil {
		t.Fatalf("no ingest totals line in the demo output:\n%s", d.demo.stdout)
	}
	for _, c := range []struct {
		name      string
		got, want int64
	}{
		{"printed persons = Stats.Persons", atoi(m[1]), int64(d.stats.Persons)},
		{"printed files = Stats.Files", atoi(m[2]), int64(len(d.stats.Files))},
		{"printed rows = Stats.Rows", atoi(m[3]), d.stats.Rows},
		{"printed bad = Stats.BadRows", atoi(m[4]), d.stats.BadRows},
		{"loaded files = Stats.Files", int64(nf), int64(len(d.stats.Files))},
		{"ingest printed files", atoi(tot[1]), int64(nf)},
		{"ingest printed failed", atoi(tot[2]), 0},
		{"ingest printed read = files.rows_read", atoi(tot[3]), read},
		{"ingest printed loaded = files.rows_loaded", atoi(tot[4]), loaded},
		{"ingest printed rejected = files.rows_rejected", atoi(tot[5]), rejected},
		{"rows_read = Stats.Rows", read, d.stats.Rows},
		{"rows_rejected = Stats.BadRows", rejected, d.stats.BadRows},
		{"rejected_rows records = Stats.BadRows", d.before.tables["rejected_rows"], d.stats.BadRows},
	} {
		if c.got != c.want {
			t.Errorf("%s: %d, want %d", c.name, c.got, c.want)
		}
	}

	// Nothing lost: a kind's table holds every loaded row; the corrected
	// re-send of sfi_courses replaces exactly the rows it carries.
	byKind := map[string][]fileRow{}
	for _, f := range d.before.files {
		byKind[f.kind] = append(byKind[f.kind], f)
	}
	for kind, fs := range byKind {
		var sum int64
		for _, f := range fs {
			sum += f.loaded
		}
		want := sum
		if len(fs) > 1 { // later files replace the earlier rows with the same key
			for _, f := range fs[1:] {
				want -= f.loaded
			}
		}
		if got := d.before.tables[kind]; got != want {
			t.Errorf("%s: %d rows in the table, want %d (files %v)", kind, got, want, fs)
		}
	}
	for kind, fs := range byKind {
		for _, f := range fs {
			var n int64
			if err := d.db.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*) FROM %s WHERE file_id = ?`, kind), f.id).Scan(&n); err != nil {
				t.Fatal(err)
			}
			want := f.loaded
			if len(fs) > 1 && f.id == fs[0].id {
				want = f.loaded - sumLoaded(fs[1:])
			}
			if n != want {
				t.Errorf("%s: %d rows from %s, want %d", kind, n, f.name, want)
			}
		}
	}

	// All eleven indicators and their companions computed.
	if strings.Join(d.before.kpis, ",") != strings.Join(publishedKPIs, ",") {
		t.Errorf("indicator_values has KPIs %v, want %v", d.before.kpis, publishedKPIs)
	}
	if d.before.tables["indicator_values"] == 0 {
		t.Error("indicator_values is empty")
	}
	// The same two invariants over every file record of all three runs
	// (loaded, skipped and failed).
	var nfiles, broken int64
	if err := d.db.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE rows_read <> rows_loaded + rows_rejected
		OR rows_rejected <> (SELECT count(*) FROM rejected_rows r WHERE r.file_id = f.file_id)) FROM files f`).Scan(&nfiles, &broken); err != nil {
		t.Fatal(err)
	}
	if want := int64(2*len(d.before.files) + 6); nfiles != want || broken != 0 {
		t.Errorf("%d file records (want %d), %d of them with rows_read != loaded + rejected or rejected_rows != rows_rejected", nfiles, want, broken)
	}
	t.Run("exports", func(t *testing.T) {
		checkExports(t, filepath.Join(d.dir, "exports"), d.before.tables["indicator_values"])
	})
	// the demo's exports are where an adversary pinned suppressed cells by
	// bounds on 2026-12-02 (96 counts, 88 numerators): none now
	t.Run("disclosure", func(t *testing.T) {
		p, err := export.Read(filepath.Join(d.dir, "exports"))
		if err != nil {
			t.Fatal(err)
		}
		sup := 0
		for _, s := range p.Suppressed {
			if s {
				sup++
			}
		}
		if leaks := disclosure.Audit(p.Cells, p.Suppressed, p.Areas); len(leaks) != 0 || sup == 0 {
			t.Errorf("demo exports: %d suppressed cells, %d recoverable, first %+v", sup, len(leaks), leaks[:min(1, len(leaks))])
		}
	})
	t.Run("dashboards", func(t *testing.T) { checkDashboards(t, filepath.Join(d.dir, "dashboards")) })
}

func sumLoaded(fs []fileRow) (n int64) {
	for _, f := range fs {
		n += f.loaded
	}
	return n
}

func atoi(b []byte) int64 {
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		panic(err)
	}
	return n
}

// checkExports: the manifest lists every file with its real size and sha256.
func checkExports(t *testing.T, dir string, ivRows int64) {
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var man struct {
		Rows  map[string]int64 `json:"rows"`
		Files []struct {
			Name   string `json:"name"`
			Size   int64  `json:"size"`
			SHA256 string `json:"sha256"`
		} `json:"files"`
	}
	if err := json.Unmarshal(b, &man); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	onDisk := map[string]bool{}
	for _, e := range ents {
		if e.Name() != "manifest.json" {
			onDisk[e.Name()] = true
		}
	}
	listed := map[string]bool{}
	for _, f := range man.Files {
		listed[f.Name] = true
		c, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil {
			t.Errorf("manifest lists %s: %v", f.Name, err)
			continue
		}
		if got := sha(c); got != f.SHA256 || int64(len(c)) != f.Size {
			t.Errorf("%s: sha256 %s size %d, manifest says %s size %d", f.Name, got, len(c), f.SHA256, f.Size)
		}
	}
	for n := range onDisk {
		if !listed[n] {
			t.Errorf("%s is in the export folder but not in the manifest", n)
		}
	}
	for _, n := range []string{"kpi.json", "municipality.json", "municipality_groups.json", "data.json", "values.csv", "values.parquet"} {
		if !listed[n] {
			t.Errorf("manifest lacks %s", n)
		}
	}
	// values.csv holds one line per indicator cell (suppressed ones blanked) and kpi.json the catalogue.
	c, err := os.ReadFile(filepath.Join(dir, "values.csv"))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(c)).ReadAll()
	if err != nil {
		t.Fatalf("values.csv: %v", err)
	}
	if got := int64(len(recs) - 1); got != man.Rows["values.csv"] || got != ivRows {
		t.Errorf("values.csv has %d rows, manifest says %d, indicator_values has %d", got, man.Rows["values.csv"], ivRows)
	}
	if man.Rows["kpi.json"] != int64(len(publishedKPIs)) {
		t.Errorf("manifest: kpi.json rows %d, want %d", man.Rows["kpi.json"], len(publishedKPIs))
	}
}

func checkDashboards(t *testing.T, dir string) {
	for _, name := range []string{"effekt-dataflode.json", "effekt-indikatorer.json", "effekt-kommun.json"} {
		b, err := os.ReadFile(filepath.Join(dir, "dashboards", name))
		if err != nil {
			t.Error(err)
			continue
		}
		var board struct {
			UID    string            `json:"uid"`
			Title  string            `json:"title"`
			Panels []json.RawMessage `json:"panels"`
		}
		if err := json.Unmarshal(b, &board); err != nil || board.UID == "" || board.Title == "" || len(board.Panels) == 0 {
			t.Errorf("%s: uid %q title %q, %d panels, err %v", name, board.UID, board.Title, len(board.Panels), err)
		}
	}
	for _, p := range []string{"provisioning/dashboards/effekt.yaml", "provisioning/datasources/effekt.yaml"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Error(err)
		}
	}
}

func TestDemoIngestRerunSkipsLoadedFiles(t *testing.T) {
	d := demoFixture(t)
	// The re-generated inbox is byte-identical to what the demo ingested.
	if len(d.regenSHA) != len(d.rawSHA) {
		t.Fatalf("re-generated %d files, the demo ingested %d", len(d.regenSHA), len(d.rawSHA))
	}
	for name, h := range d.rawSHA {
		if d.regenSHA[name] != h {
			t.Errorf("%s: re-generated sha256 %s, ingested %s", name, d.regenSHA[name], h)
		}
	}
	n := len(d.before.files)
	if len(d.after.files) != 2*n {
		t.Fatalf("files has %d records after the re-run, want %d (one skipped record per file)", len(d.after.files), 2*n)
	}
	if !slices.Equal(d.after.files[:n], d.before.files) {
		t.Errorf("the re-run changed the demo's file records:\nbefore %v\nafter  %v", d.before.files, d.after.files[:n])
	}
	loadedSHA := map[string]bool{}
	for _, f := range d.before.files {
		loadedSHA[f.sha] = true
	}
	for _, f := range d.after.files[n:] {
		if f.status != "skipped" || f.read != 0 || f.loaded != 0 || f.rejected != 0 || f.rejectedRecords != 0 || !loadedSHA[f.sha] {
			t.Errorf("re-run record %+v: want status skipped, 0 rows, the sha256 of a loaded file", f)
		}
	}
	for tb, c := range d.before.tables {
		if d.after.tables[tb] != c {
			t.Errorf("%s: %d rows after the re-run, %d before", tb, d.after.tables[tb], c)
		}
	}
	if d.after.ivDigest != d.before.ivDigest {
		t.Error("indicator_values changed")
	}
	want := fmt.Sprintf("%d files (0 failed): 0 rows read, 0 loaded, 0 rejected", n)
	if !bytes.Contains(d.rerun.stdout, []byte(want)) {
		t.Errorf("ingest output lacks %q:\n%s", want, d.rerun.stdout)
	}
	if c := bytes.Count(d.rerun.stderr, []byte("skipped")); c < n {
		t.Errorf("stderr mentions \"skipped\" %d times, want one line per file (%d):\n%s", c, n, d.rerun.stderr)
	}
	left := 0
	filepath.WalkDir(filepath.Join(d.dir, "inbox"), func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			left++
		}
		return nil
	})
	if left != 0 {
		t.Errorf("%d files left in the inbox after the runs", left)
	}
}

// ---- privacy ----

// copyBadInbox copies the files under src to dst and returns the canonical
// form of every personnummer written in them and of those only in their names.
func copyBadInbox(src, dst string) (content, names []string, err error) {
	re := regexp.MustCompile(`[0-9]{6}(?:[0-9]{2})?[-+]?[0-9]{4}`)
	ids := func(s string, seen map[string]bool) (out []string) {
		for _, m := range re.FindAllString(s, -1) {
			if c12, ok := canonical(m, time.Now()); ok && validID(c12, time.Now()) && !seen[c12] {
				seen[c12] = true
				out = append(out, c12)
			}
		}
		return out
	}
	seen := map[string]bool{}
	var rels []string
	err = filepath.WalkDir(src, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		rels = append(rels, rel)
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dst, rel)), 0o755); err != nil {
			return err
		}
		content = append(content, ids(string(b), seen)...)
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	names = ids(strings.Join(rels, " "), seen)
	if err == nil && (len(content) != 7 || len(names) != 1) {
		err = fmt.Errorf("%s: %d valid personnummer in the files and %d only in a name, want the 7 and 1 of testdata/README.md", src, len(content), len(names))
	}
	return content, names, err
}
