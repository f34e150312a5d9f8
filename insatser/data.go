package insatser

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/effekt/effekt/geo"
	"github.com/effekt/effekt/transform"
)

//go:embed sql/*.sql
var sqlFiles embed.FS

func query(name string) string {
	b, err := sqlFiles.ReadFile("sql/" + name + ".sql")
	if err != nil {
		panic(fmt.Sprintf("insatser: %v", err))
	}
	return string(b)
}

var (
	qCatalogue = query("catalogue")
	qFigures   = query("figures")
	qCategory  = query("category")
	qOUData    = query("oudata")
)

// Intervention is one entry of the catalogue with its published figures.
type Intervention struct {
	ID, Name     string
	Provider     string // kommunkod or "AF"
	ProviderName string
	County       string // 00LL of a municipal provider, "" for AF
	Category     string
	Description  string
	TargetGroup  string
	Languages    []string // ISO 639 codes (or names)
	OpenToOthers *bool
	Price        *float64
	Places       *int64
	Location     string
	Contact      string
	ValidFrom    *time.Time
	ValidTo      *time.Time
	Updated      *time.Time
	Figures      Figures
}

// Figures are what an intervention (or a category) achieved, disclosure
// control applied.
type Figures struct {
	Participants Count
	Share        Share  // in work or studies after ending, EF401's rule
	Median       Median // length in days of the ended participations
}

// Count is a count published only from min_n.
type Count struct {
	N          int64
	Suppressed bool
}

// Share is k of n in percent with its 95 % Wilson interval.
type Share struct {
	N, K             int64
	Value, Low, High float64
	Suppressed       bool
	// HasCohort: there were ended participations (n ≥ 1), published or not.
	HasCohort bool
	// SuppressedComplementary: suppressed only so that another suppressed
	// figure cannot be recovered by subtraction or bounds.
	SuppressedComplementary bool
	// n, k are the counts, published or not, for disclosure control.
	n, k int64
}

// Median is a median over n values.
type Median struct {
	N          int64
	Value      float64
	Suppressed bool
}

// ouCell is EF401 of one intervention, period and gender.
type ouCell struct {
	ID     string
	Period int
	Gender string
	Share  Share
}

// Data is everything the pages publish, read at once.
type Data struct {
	Interventions []Intervention
	byID          map[string]int
	Categories    map[string]Figures
	OU            []ouCell
	AsOf          time.Time
	ComputedAt    time.Time // the published snapshot's compute (zero: none)
	ReadAt        time.Time
	Computed      bool // participation_cohort exists, built by these models (a compute has run)
}

// Lookup returns the intervention with id.
func (d *Data) Lookup(id string) (*Intervention, bool) {
	i, ok := d.byID[id]
	if !ok {
		return nil, false
	}
	return &d.Interventions[i], true
}

// rawFigures are the unsuppressed counts of one row of figures.sql or category.sql.
type rawFigures struct {
	participants, n, k, nLen int64
	median                   sql.NullFloat64
}

// load reads the catalogue and the figures as of asOf (zero: no limit) and
// applies disclosure control with minN.
func load(ctx context.Context, db *sql.DB, asOf time.Time, minN int) (*Data, error) {
	d := &Data{byID: map[string]int{}, Categories: map[string]Figures{}, AsOf: asOf, ReadAt: time.Now()}
	if err := readCatalogue(ctx, db, d); err != nil {
		return nil, err
	}
	var n int
	var err error
	if err = db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE table_name = 'participation_cohort' AND NOT temporary`).Scan(&n); err != nil {
		return nil, fmt.Errorf("look for participation_cohort: %w", err)
	}
	if n > 0 {
		// tables another version's models built may lack a column or
		// code a value otherwise: shown as not computed until the next
		// compute rebuilds them (as evaluate does)
		if d.Computed, err = transform.Current(ctx, db); err != nil {
			return nil, err
		}
	}
	if !d.Computed {
		return d, nil
	}
	limit := asOf
	if limit.IsZero() {
		limit = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	}
	per, err := readFigures(ctx, db, qFigures, limit)
	if err != nil {
		return nil, fmt.Errorf("read figures: %w", err)
	}
	cats, err := readFigures(ctx, db, qCategory, limit)
	if err != nil {
		return nil, fmt.Errorf("read category figures: %w", err)
	}
	for i := range d.Interventions {
		if r, ok := per[d.Interventions[i].ID]; ok {
			d.Interventions[i].Figures = publish(r, minN)
		} else { // no participations: a published zero
			d.Interventions[i].Figures = Figures{Share: Share{Suppressed: true}, Median: Median{Suppressed: true}}
		}
	}
	for c, r := range cats {
		d.Categories[c] = publish(r, minN)
	}
	if d.OU, err = readOU(ctx, db, limit, minN); err != nil {
		return nil, fmt.Errorf("read oudata: %w", err)
	}
	protectShares(d, minN)
	return d, nil
}

// maskWithDate is a personnummer's mask as stored (parse.MaskAt:
// "19800101-****").
var maskWithDate = regexp.MustCompile(`[0-9]{8}-\*{4}`)

// hideBirthDates writes every stored personnummer mask of a public text
// as "[personnummer]": the catalogue is public, and "19800101-****" next
// to a name is a birth date and a person (2026-12-02). Rejected rows and
// the other micro data keep "YYYYMMDD-****" (SPEC §3).
func hideBirthDates(s string) string {
	if !strings.Contains(s, "-****") {
		return s
	}
	return maskWithDate.ReplaceAllLiteralString(s, "[personnummer]")
}

func readCatalogue(ctx context.Context, db *sql.DB, d *Data) error {
	rows, err := db.QueryContext(ctx, qCatalogue)
	if err != nil {
		return fmt.Errorf("read interventions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var in Intervention
		var langs string
		var open sql.NullBool
		var price sql.NullFloat64
		var places sql.NullInt64
		var from, to, upd sql.NullTime
		if err := rows.Scan(&in.ID, &in.Name, &in.Provider, &in.Category, &in.Description, &in.TargetGroup, &langs,
			&open, &price, &places, &in.Location, &in.Contact, &from, &to, &upd); err != nil {
			return fmt.Errorf("read interventions: %w", err)
		}
		for _, f := range []*string{&in.Name, &in.Category, &in.Description, &in.TargetGroup, &in.Location, &in.Contact} {
			*f = hideBirthDates(*f)
		}
		if langs != "" {
			in.Languages = strings.Split(langs, ",")
		}
		if open.Valid {
			in.OpenToOthers = &open.Bool
		}
		if price.Valid {
			in.Price = &price.Float64
		}
		if places.Valid {
			in.Places = &places.Int64
		}
		in.ValidFrom, in.ValidTo, in.Updated = timePtr(from), timePtr(to), timePtr(upd)
		in.ProviderName = ProviderName(in.Provider)
		if in.Provider != "AF" {
			in.County = geo.County(in.Provider)
		}
		d.byID[in.ID] = len(d.Interventions)
		d.Interventions = append(d.Interventions, in)
	}
	return rows.Err()
}

func readFigures(ctx context.Context, db *sql.DB, q string, asOf time.Time) (map[string]rawFigures, error) {
	rows, err := db.QueryContext(ctx, q, asOf)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]rawFigures{}
	for rows.Next() {
		var id string
		var r rawFigures
		if err := rows.Scan(&id, &r.participants, &r.n, &r.k, &r.nLen, &r.median); err != nil {
			return nil, err
		}
		out[id] = r
	}
	return out, rows.Err()
}

func readOU(ctx context.Context, db *sql.DB, asOf time.Time, minN int) ([]ouCell, error) {
	rows, err := db.QueryContext(ctx, qOUData, asOf)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ouCell
	for rows.Next() {
		var c ouCell
		var n, k int64
		if err := rows.Scan(&c.ID, &c.Period, &c.Gender, &n, &k); err != nil {
			return nil, err
		}
		c.Share = share(k, n, minN)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	return &t.Time
}

// ProviderName names a provider: Arbetsförmedlingen for AF, else the
// municipality's name.
func ProviderName(p string) string {
	if p == "AF" {
		return "Arbetsförmedlingen"
	}
	if n := geo.Name(p); n != "" {
		return n
	}
	return p
}

// languageNames are the Swedish names of the ISO 639 codes the loader writes.
var languageNames = map[string]string{
	"ar": "arabiska", "so": "somaliska", "ti": "tigrinja", "ckb": "sorani", "prs": "dari", "fa": "persiska",
	"ru": "ryska", "fr": "franska", "es": "spanska", "am": "amhariska", "en": "engelska", "sv": "svenska",
}

// LanguageName is the Swedish name of a language code (the code itself
// when unknown).
func LanguageName(code string) string {
	if n, ok := languageNames[code]; ok {
		return n
	}
	return code
}

// categories lists the catalogue's categories, sorted.
func (d *Data) categories() []string {
	var out []string
	for _, in := range d.Interventions {
		if in.Category != "" && !slices.Contains(out, in.Category) {
			out = append(out, in.Category)
		}
	}
	slices.Sort(out)
	return out
}

// languages lists the languages of the catalogue, sorted by name.
func (d *Data) languages() []string {
	var out []string
	for _, in := range d.Interventions {
		for _, l := range in.Languages {
			if !slices.Contains(out, l) {
				out = append(out, l)
			}
		}
	}
	slices.SortFunc(out, func(a, b string) int { return strings.Compare(LanguageName(a), LanguageName(b)) })
	return out
}
