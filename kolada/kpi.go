package kolada

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/effekt/effekt/models"
)

// KPI is Kolada's kpi object: Kolada's twelve fields first, in Kolada's
// order and JSON types, then effekt's own metadata.
type KPI struct {
	ID                  string  `json:"id"`
	Title               string  `json:"title"`
	Description         string  `json:"description"`
	IsDividedByGender   bool    `json:"is_divided_by_gender"`
	MunicipalityType    string  `json:"municipality_type"`
	Auspice             string  `json:"auspice"`
	OperatingArea       string  `json:"operating_area"`
	Perspective         string  `json:"perspective"`
	PrelPublicationDate *string `json:"prel_publication_date"`
	PublicationDate     *string `json:"publication_date"` // null before the first publication, as Kolada
	PublPeriod          *string `json:"publ_period"`
	HasOUData           bool    `json:"has_ou_data"`

	Unit        string   `json:"unit"`
	Numerator   string   `json:"numerator"`
	Denominator string   `json:"denominator"`
	Direction   string   `json:"direction"`
	Target      *float64 `json:"target"`
	KoladaRef   *string  `json:"kolada_ref"`
	TitleEN     string   `json:"title_en"`
	Cohort      string   `json:"cohort"`
	SourceKinds []string `json:"source_kinds"`
}

// Kolada's perspectives used by effekt.
const (
	PerspectiveResults   = "Kvalitet och resultat"
	PerspectiveResources = "Resurser"
)

// Publication is what the data says about an indicator's publication: the
// latest period with a cell and the day it was last computed.
type Publication struct {
	Period int
	Date   time.Time
}

// Publications reads, per kpi, the latest period in indicator_values and
// the date of its latest computation. It reads metadata only, no values.
func Publications(ctx context.Context, db *sql.DB) (map[string]Publication, error) {
	rows, err := db.QueryContext(ctx, `SELECT kpi, max(period), max(computed_at) FROM indicator_values GROUP BY kpi`)
	if err != nil {
		return nil, fmt.Errorf("read publications: %w", err)
	}
	defer rows.Close()
	out := map[string]Publication{}
	for rows.Next() {
		var kpi string
		var p Publication
		if err := rows.Scan(&kpi, &p.Period, &p.Date); err != nil {
			return nil, fmt.Errorf("scan publication: %w", err)
		}
		out[kpi] = p
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read publications: %w", err)
	}
	return out, nil
}

// KPIs turns the catalogue into Kolada kpi objects, in catalogue order. A
// kpi without data has null publication_date and publ_period, as Kolada
// shows a kpi not yet published.
func KPIs(cat []models.Indicator, pubs map[string]Publication) []KPI {
	out := make([]KPI, 0, len(cat))
	for _, ind := range cat {
		out = append(out, NewKPI(ind, pubs[ind.ID]))
	}
	return out
}

// NewKPI builds the kpi object of one indicator; a zero Publication means
// the indicator has no data yet.
func NewKPI(ind models.Indicator, pub Publication) KPI {
	k := KPI{
		ID:                ind.ID,
		Title:             ind.TitleSV,
		Description:       ind.Description,
		IsDividedByGender: ind.ByGender,
		MunicipalityType:  "K",
		Auspice:           "T",
		OperatingArea:     ind.OperatingArea,
		Perspective:       PerspectiveResults,
		Unit:              string(ind.Unit),
		Numerator:         ind.Numerator,
		Denominator:       ind.Denominator,
		Direction:         string(ind.Direction),
		Target:            ind.Target,
		TitleEN:           ind.TitleEN,
		Cohort:            ind.Cohort,
		SourceKinds:       append([]string{}, ind.SourceKinds...),
	}
	if ind.Unit == models.Kronor {
		k.Perspective = PerspectiveResources
	}
	if ind.KoladaRef != "" {
		ref := ind.KoladaRef
		k.KoladaRef = &ref
	}
	if pub.Period != 0 {
		p := strconv.Itoa(pub.Period)
		k.PublPeriod = &p
	}
	if !pub.Date.IsZero() {
		d := pub.Date.UTC().Format(time.DateOnly)
		k.PublicationDate = &d
	}
	return k
}
