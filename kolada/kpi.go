package kolada

import (
	"strconv"
	"time"

	"github.com/effekt/effekt/models"
	"github.com/effekt/effekt/snapshot"
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

// Publications gives, per kpi with cells in the published snapshot, its
// latest period and the time of its latest computation.
func Publications(s *snapshot.Snapshot) map[string]Publication {
	out := map[string]Publication{}
	for kpi, ps := range s.Periods(1) {
		if len(ps) > 0 {
			out[kpi] = Publication{Period: ps[0], Date: s.KPIComputedAt(kpi)}
		}
	}
	return out
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
		HasOUData:         ind.OUData,
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
