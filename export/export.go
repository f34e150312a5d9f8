// Package export writes effekt's figures for SKR as files: Kolada v3 JSON
// envelopes (kpi, municipality, municipality_groups, data), the flat rows as
// CSV and Parquet with numerators, denominators and intervals, and a
// manifest with checksums. Disclosure control is that of the published snapshot (package snapshot) and
// the folder is replaced atomically: readers see the old export or the new
// one, never a mix.
package export

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/kolada"
	"github.com/effekt/effekt/models"
	"github.com/effekt/effekt/snapshot"
)

// File names inside an export folder.
const (
	FileKPI          = "kpi.json"
	FileMunicipality = "municipality.json"
	FileGroups       = "municipality_groups.json"
	FileData         = "data.json"
	FileCSV          = "values.csv"
	FileParquet      = "values.parquet"
	FileManifest     = "manifest.json"
)

// Source says whose figures these are. effekt computes them from the
// sources' micro data; they are not Kolada's figures and must not be
// labelled "Källa: Kolada".
const Source = "effekt: beräknat från kommunernas, samhällsorienteringens och Arbetsförmedlingens underlag"

// Options configure an export.
type Options struct {
	MinN    int              // cells with a smaller denominator are suppressed
	Groups  []config.Group   // published as municipality groups
	Version string           // effekt version, recorded in the manifest
	Now     func() time.Time // clock for generated_at; nil: time.Now
	// Snapshot is what is exported; nil: built from db (disclosure control
	// of package snapshot either way).
	Snapshot *snapshot.Snapshot

	// fail, when set (tests only), is called after each step is written;
	// an error aborts the export there.
	fail func(step string) error
}

// Manifest describes one export: when and from what it was made, how many
// rows each file holds and the checksum of every file.
type Manifest struct {
	Source      string         `json:"source"`
	AsOf        string         `json:"as_of"` // reference date of the figures, YYYY-MM-DD; "" without data
	Version     string         `json:"effekt_version"`
	GeneratedAt time.Time      `json:"generated_at"`
	MinN        int            `json:"min_n"`
	Rows        map[string]int `json:"rows"` // file name → rows (items of the envelope, CSV data lines)
	Files       []FileInfo     `json:"files"`
}

// FileInfo is the checksum and size of one file of the export.
type FileInfo struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Write exports the outward view of indicator_values into dir, replacing
// any previous export there atomically. On error the previous export is
// left as it was.
func Write(ctx context.Context, db *sql.DB, dir string, opt Options) (Manifest, error) {
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	if opt.MinN < 1 {
		return Manifest{}, fmt.Errorf("export: min_n must be at least 1, got %d", opt.MinN)
	}
	snap := opt.Snapshot
	if snap == nil {
		var err error
		if snap, err = snapshot.Build(ctx, db, snapshot.Options{MinN: opt.MinN, Groups: opt.Groups}); err != nil {
			return Manifest{}, fmt.Errorf("export: %w", err)
		}
	}
	values := snap.All()
	pubs := kolada.Publications(snap)
	m := Manifest{
		Source:      Source,
		Version:     opt.Version,
		GeneratedAt: now().UTC().Truncate(time.Second),
		MinN:        opt.MinN,
		Rows:        map[string]int{},
	}
	for _, v := range values {
		if d := v.AsOf.Format(time.DateOnly); d > m.AsOf {
			m.AsOf = d
		}
	}
	err := replaceDir(dir, func(tmp string) error {
		w := writer{dir: tmp, fail: opt.fail}
		kpis := kolada.KPIs(models.Published(), pubs)
		m.Rows[FileKPI] = len(kpis)
		if err := w.json(FileKPI, kolada.NewEnvelope(kpis, nil, nil)); err != nil {
			return err
		}
		munis := kolada.Municipalities()
		m.Rows[FileMunicipality] = len(munis)
		if err := w.json(FileMunicipality, kolada.NewEnvelope(munis, nil, nil)); err != nil {
			return err
		}
		groups := kolada.Groups(opt.Groups)
		m.Rows[FileGroups] = len(groups)
		if err := w.json(FileGroups, kolada.NewEnvelope(groups, nil, nil)); err != nil {
			return err
		}
		rows := kolada.Rows(values)
		m.Rows[FileData] = len(rows)
		if err := w.json(FileData, kolada.NewEnvelope(rows, nil, nil)); err != nil {
			return err
		}
		m.Rows[FileCSV] = len(values)
		if err := w.csv(FileCSV, values, opt.Groups); err != nil {
			return err
		}
		n, err := w.parquet(ctx, FileParquet, FileCSV)
		if err != nil {
			return err
		}
		m.Rows[FileParquet] = n
		m.Files = w.files
		return w.json(FileManifest, m)
	}, opt.fail)
	if err != nil {
		return Manifest{}, fmt.Errorf("export to %s: %w", dir, err)
	}
	return m, nil
}
