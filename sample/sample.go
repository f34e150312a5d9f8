// Package sample writes deterministic sample exports of all eight file kinds
// as the three sources deliver them: the civic-orientation office
// (semicolon CSV in Windows-1252), the municipalities (XLSX and UTF-8 CSV
// with BOM) and Arbetsförmedlingen (UTF-8 CSV). The same persons appear in
// every source under differently written personnummer, and about 1.5 % of
// the rows of every kind are wrong in a way the ingest must reject.
//
// Files go to dir/<kind>/<kind>_<export date>.csv|xlsx, so that name order
// is delivery order: one file per kind at the small scale, one per calendar
// year of the row's main date at the larger ones, and last a corrected
// re-send of some SFI courses (sfi_courses_<Today>_korrigerad.csv) that
// repeats their keys with changed values.
//
// The same seed and the same Today give byte-identical files. Persons are
// generated one at a time, in order of settlement, from a generator seeded
// by (seed, person); their rows stream straight to the files and the files
// of past years are closed as the years go by, so memory stays bounded even
// at the national scale.
package sample

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// Options configures Write.
type Options struct {
	Scale  string       // small | county | national; default small
	Seed   int64        // default 1
	Today  time.Time    // zero: time.Now(); every date written is on or before it
	Logger *slog.Logger // progress on long runs; default slog.Default()

	// Effect, when set, plants a known effect of joining a collaboration
	// (tests of effekt evaluate); CaseMix makes EF401's outcome depend on
	// the person's education, age and gender only, with municipalities that
	// differ in education. Both off (nil) give the same files as before.
	Effect  *Effect
	CaseMix *CaseMix

	// record, when set (tests), is told about every row written as a bad row.
	record func(path string, line int64, reason string)
}

// Stats describes what Write wrote.
type Stats struct {
	Persons int        // persons generated
	Files   []FileStat // ordered by path
	Rows    int64      // data rows over all files (headers not counted)
	BadRows int64      // rows written to be rejected by the ingest
}

// FileStat describes one written file.
type FileStat struct {
	Kind, Path, Format string // Format: csv or xlsx
	Rows, BadRows      int64
	Bytes              int64
}

// Scale sizes.
type scale struct {
	persons  int
	years    int
	prefixes []string // municipality code prefixes; none = all 290
	perMuni  int      // interventions per municipality
	split    bool     // one file per year for the dated kinds
}

var scales = map[string]scale{
	"small":    {persons: 3000, years: 5, prefixes: []string{"01"}, perMuni: 10},
	"county":   {persons: 50000, years: 10, prefixes: []string{"01"}, perMuni: 20, split: true},
	"national": {persons: 1000000, years: 10, perMuni: 20, split: true},
}

// Scales lists the valid values of Options.Scale.
func Scales() []string { return []string{"small", "county", "national"} }

// Write generates the sample for opt into dir/<kind>/<file> for all eight
// kinds. Existing files of the same name are overwritten.
func Write(ctx context.Context, dir string, opt Options) (Stats, error) {
	if opt.Scale == "" {
		opt.Scale = "small"
	}
	sc, ok := scales[opt.Scale]
	if !ok {
		return Stats{}, fmt.Errorf("sample: unknown scale %q (want small, county or national)", opt.Scale)
	}
	if opt.Seed == 0 {
		opt.Seed = 1
	}
	if opt.Today.IsZero() {
		opt.Today = time.Now()
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	g := newGen(dir, sc, opt)
	start := time.Now()
	err := g.run(ctx)
	if cerr := g.closeAll(); err == nil {
		err = cerr
	}
	if err != nil {
		return Stats{}, fmt.Errorf("sample: %w", err)
	}
	st, err := g.stats()
	if err != nil {
		return Stats{}, fmt.Errorf("sample: %w", err)
	}
	warnStale(dir, st, opt.Logger)
	opt.Logger.Info("sample written", "dir", dir, "scale", opt.Scale, "persons", st.Persons,
		"files", len(st.Files), "rows", st.Rows, "bad_rows", st.BadRows, "elapsed", time.Since(start).Round(time.Millisecond))
	return st, nil
}

// run writes the intervention catalogue, then every person, then the
// corrected re-send.
func (g *gen) run(ctx context.Context) error {
	if err := g.interventions(); err != nil {
		return err
	}
	start := time.Now()
	year := g.start.year()
	progressEvery := max(g.sc.persons/10, 10000)
	for i := 0; i < g.sc.persons; i++ {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if i > 0 && i%progressEvery == 0 {
			g.log.Info("sample progress", "persons", i, "of", g.sc.persons, "rows", g.rows, "elapsed", time.Since(start).Round(time.Millisecond))
		}
		if err := g.person(i); err != nil {
			return err
		}
		if y := g.settledOn(i).year(); y != year {
			year = y
			if err := g.retire(year); err != nil {
				return err
			}
		}
	}
	return g.resend()
}

// warnStale warns about files in the kind folders that this run did not
// write (an earlier run at another scale): the ingest would load them too.
func warnStale(dir string, st Stats, log *slog.Logger) {
	written := map[string]bool{}
	kinds := map[string]bool{}
	for _, f := range st.Files {
		written[f.Path] = true
		kinds[f.Kind] = true
	}
	for k := range kinds {
		entries, err := os.ReadDir(filepath.Join(dir, k))
		if err != nil {
			continue
		}
		for _, e := range entries {
			if p := filepath.Join(dir, k, e.Name()); !e.IsDir() && !written[p] {
				log.Warn("sample: file from an earlier run left in the output folder", "path", p)
			}
		}
	}
}

func (g *gen) stats() (Stats, error) {
	st := Stats{Persons: g.sc.persons}
	for _, k := range g.kinds {
		for _, f := range k.order {
			fi, err := os.Stat(f.path)
			if err != nil {
				return st, fmt.Errorf("stat: %w", err)
			}
			st.Files = append(st.Files, FileStat{Kind: k.name, Path: f.path, Format: k.ext,
				Rows: f.rows, BadRows: f.bad, Bytes: fi.Size()})
			st.Rows += f.rows
			st.BadRows += f.bad
		}
	}
	sort.Slice(st.Files, func(i, j int) bool { return st.Files[i].Path < st.Files[j].Path })
	return st, nil
}

// fileOut is one open output file.
type fileOut struct {
	path string
	s    sink
	rows int64
	bad  int64
}

// kindOut routes the rows of one kind to its files: one file, or one per
// year of the row's main date, named after the export date so that name
// order is delivery order.
type kindOut struct {
	name   string
	ext    string
	split  bool
	open   func(path string, created day) (sink, error)
	files  map[int]*fileOut
	order  []*fileOut
	acc    float64 // bad-row accumulator
	suffix string  // appended to the export date in the file name
}

// file returns the open file for year (ignored unless split), opening it.
func (g *gen) file(k *kindOut, year int) (*fileOut, error) {
	if !k.split {
		year = 0
	}
	if f, ok := k.files[year]; ok {
		if f.s == nil {
			return nil, fmt.Errorf("%s: row for %d after its file was closed", k.name, year)
		}
		return f, nil
	}
	created := g.today
	if year != 0 {
		if end := dayOf(year, 12, 31); end < created {
			created = end
		}
	}
	d := filepath.Join(g.dir, k.name)
	if err := os.MkdirAll(d, 0o755); err != nil {
		return nil, fmt.Errorf("mkdir: %w", err)
	}
	path := filepath.Join(d, k.name+"_"+created.String()+k.suffix+"."+k.ext)
	s, err := k.open(path, created)
	if err != nil {
		return nil, err
	}
	f := &fileOut{path: path, s: s}
	k.files[year] = f
	k.order = append(k.order, f)
	return f, nil
}

// emit writes one row; a non-empty reason marks it as a bad row.
func (g *gen) emit(k *kindOut, year int, row []val, reason string) error {
	f, err := g.file(k, year)
	if err != nil {
		return err
	}
	if err := f.s.write(row); err != nil {
		return fmt.Errorf("%s: %w", f.path, err)
	}
	f.rows++
	g.rows++
	if reason != "" {
		f.bad++
		if g.record != nil {
			g.record(f.path, f.rows+1, reason) // line 1 is the header
		}
	}
	return nil
}

// badRate is the mean share of bad rows of each kind.
const badRate = 0.015

// isBad decides whether the next row of k is a bad one. An accumulator with
// a random increment spreads bad rows evenly, so even a small file gets its
// share: 1 % to 2 % of the rows of every kind.
func (g *gen) isBad(k *kindOut) bool {
	k.acc += badRate * (0.5 + g.r.Float64())
	if k.acc >= 1 {
		k.acc--
		return true
	}
	return false
}

// followUpYears bounds how long after the year of settlement a person's
// rows can be dated: registration up to 700 days after settlement and
// sessions up to a year after that, three SFI courses, two interventions.
const followUpYears = 5

// retire closes the files no later person can add to, now that persons
// settled in year are being written: settlements of earlier years, and the
// other kinds' years more than followUpYears back. It keeps memory bounded
// (a workbook holds its sheet until it is saved).
func (g *gen) retire(year int) error {
	for _, k := range g.kinds {
		last := year - followUpYears
		if k == g.settle {
			last = year - 1
		}
		for y, f := range k.files {
			if y == 0 || y > last || f.s == nil {
				continue
			}
			if err := f.s.close(); err != nil {
				return err
			}
			f.s = nil
		}
	}
	return nil
}

func (g *gen) closeAll() error {
	var first error
	for _, k := range g.kinds {
		for _, f := range k.order {
			if f.s == nil {
				continue
			}
			if err := f.s.close(); err != nil && first == nil {
				first = err
			}
			f.s = nil
		}
	}
	return first
}
