// Package kolada holds the shapes of Kolada's v3 API (kpi, municipality,
// municipality group and data objects, the paged envelope) and builds them
// from effekt's catalogue, geo dimension, groups and outward values. The API
// and the file export both publish these shapes, so Kolada clients (rKolada,
// koladapy) read effekt's figures unchanged.
package kolada

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/geo"
	"github.com/effekt/effekt/models"
)

// MaxPerPage is Kolada's largest page, and the default page size.
const MaxPerPage = 5000

// MaxIDs is the largest number of ids Kolada accepts in one path segment.
const MaxIDs = 25

// Envelope is Kolada's paged response: the items of one page, their number
// and absolute links to the neighbouring pages (null at either end).
type Envelope[T any] struct {
	Values      []T     `json:"values"`
	Count       int     `json:"count"`
	NextURL     *string `json:"next_url"`
	PreviousURL *string `json:"previous_url"`
}

// NewEnvelope wraps one page of values; a nil slice becomes an empty list.
func NewEnvelope[T any](values []T, next, prev *string) Envelope[T] {
	if values == nil {
		values = []T{}
	}
	return Envelope[T]{Values: values, Count: len(values), NextURL: next, PreviousURL: prev}
}

// Municipality is Kolada's municipality object: a municipality (type K), a
// region 00LL or Riket 0000 (type L).
type Municipality struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Type  string `json:"type"`
}

// Municipalities returns every area of the geo dimension, ordered by id.
func Municipalities() []Municipality {
	all := geo.All()
	out := make([]Municipality, len(all))
	for i, a := range all {
		out[i] = Municipality{ID: a.ID, Title: a.Title, Type: a.Type}
	}
	return out
}

// Group is Kolada's municipality group object.
type Group struct {
	ID      string        `json:"id"`
	Title   string        `json:"title"`
	Members []GroupMember `json:"members"`
}

// GroupMember is one municipality of a Group.
type GroupMember struct {
	MemberID    string `json:"member_id"`
	MemberTitle string `json:"member_title"`
}

// Groups returns the configured groups as Kolada group objects, in the
// order configured, members in the order listed.
func Groups(groups []config.Group) []Group {
	out := make([]Group, 0, len(groups))
	for _, g := range groups {
		kg := Group{ID: g.ID, Title: g.Title, Members: make([]GroupMember, 0, len(g.Members))}
		for _, m := range g.Members {
			if code, ok := geo.Resolve(m); ok {
				m = code
			}
			kg.Members = append(kg.Members, GroupMember{MemberID: m, MemberTitle: geo.Name(m)})
		}
		out = append(out, kg)
	}
	return out
}

// AreaTitle returns the title of a municipality, region, Riket or group id,
// or the id itself when it is unknown (models.AreaName).
func AreaTitle(id string, groups []config.Group) string { return models.AreaName(id, groups) }

// DataRow is Kolada's data object: one kpi, area and period, with one value
// per gender inside.
type DataRow struct {
	KPI          string      `json:"kpi"`
	Municipality string      `json:"municipality"`
	Period       int         `json:"period"`
	Values       []DataValue `json:"values"`
}

// DataValue is one gender of a DataRow. Count keeps Kolada's meaning: 1 for
// a municipality, the number of member municipalities with data for an
// aggregate. Value is null when suppressed, and Status then says why.
type DataValue struct {
	Gender    string   `json:"gender"`
	Count     int      `json:"count"`
	Status    string   `json:"status"`
	Value     *float64 `json:"value"`
	IsDeleted bool     `json:"isdeleted"`
}

// genderOrder puts the total first, as Kolada does.
var genderOrder = map[string]int{"T": 0, "K": 1, "M": 2}

// Rows groups outward values (ordered by kpi, municipality, period, as
// models.Query returns them) into Kolada data rows, genders T, K, M inside.
func Rows(values []models.Value) []DataRow {
	var out []DataRow
	for _, v := range values {
		n := len(out)
		if n == 0 || out[n-1].KPI != v.KPI || out[n-1].Municipality != v.Municipality || out[n-1].Period != v.Period {
			out = append(out, DataRow{KPI: v.KPI, Municipality: v.Municipality, Period: v.Period})
			n++
		}
		out[n-1].Values = append(out[n-1].Values, DataValue{
			Gender: v.Gender, Count: v.Members, Status: v.Status, Value: RoundKPI(v.KPI, v.Value),
		})
	}
	for i := range out {
		vs := out[i].Values
		sort.SliceStable(vs, func(a, b int) bool { return rank(vs[a].Gender) < rank(vs[b].Gender) })
	}
	return out
}

// Decimals is how many decimals Kolada-shaped values carry, as Kolada
// publishes them (63.2). effekt's own CSV, Parquet and /api/v1 keep full
// precision.
const Decimals = 1

// RatioDecimals is how many decimals an O/E ratio carries (1,07), since
// one decimal would hide most deviations.
const RatioDecimals = 2

// RoundKPI rounds a value of kpi as Kolada-shaped outputs publish it:
// Decimals decimals, RatioDecimals for a ratio; nil stays nil.
func RoundKPI(kpi string, v *float64) *float64 {
	if models.UnitOf(kpi) == models.Ratio {
		return round(v, RatioDecimals)
	}
	return round(v, Decimals)
}

// Round rounds a value half away from zero to Decimals decimals; nil stays nil.
func Round(v *float64) *float64 { return round(v, Decimals) }

func round(v *float64, decimals int) *float64 {
	if v == nil {
		return nil
	}
	scale := math.Pow10(decimals)
	r := math.Round(*v*scale) / scale
	return &r
}

func rank(g string) int {
	if r, ok := genderOrder[g]; ok {
		return r
	}
	return len(genderOrder)
}

// KPIGroups returns effekt's indicator groups as Kolada KPI group objects
// (the shape of municipality groups: id, title, members with member_id and
// member_title).
func KPIGroups() []Group {
	var out []Group
	for _, g := range models.KPIGroups() {
		kg := Group{ID: g.ID, Title: g.Title, Members: make([]GroupMember, 0, len(g.Members))}
		for _, m := range g.Members {
			ind, _ := models.Lookup(m)
			kg.Members = append(kg.Members, GroupMember{MemberID: m, MemberTitle: ind.TitleSV})
		}
		out = append(out, kg)
	}
	return out
}

// FromDate parses Kolada's from_date parameter v (YYYY-MM-DD): values that
// changed on or after that day. Empty: the zero time (every value).
func FromDate(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("from_date: %q is not a date YYYY-MM-DD", v)
	}
	return d, nil
}
