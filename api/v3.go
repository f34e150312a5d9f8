package api

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/effekt/effekt/kolada"
	"github.com/effekt/effekt/models"
)

// kpis serves /v3/kpi and /v3/kpi/{ids}, filter title=.
func (s *server) kpis(w http.ResponseWriter, r *http.Request) {
	ids, p, err := listParams(r, "kpi")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pubs := kolada.Publications(s.opt.Snapshots.Load())
	title := r.URL.Query().Get("title")
	var out []kolada.KPI
	for _, k := range kolada.KPIs(models.Published(), pubs) {
		if (ids == nil || slices.Contains(ids, k.ID)) && containsFold(k.Title, title) {
			out = append(out, k)
		}
	}
	writeJSON(w, http.StatusOK, paginate(r, out, p))
}

// municipalities serves /v3/municipality and /v3/municipality/{ids},
// filters title=, type= and region_type= (K or L).
func (s *server) municipalities(w http.ResponseWriter, r *http.Request) {
	ids, p, err := listParams(r, "municipality")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	var types []string
	for _, key := range []string{"type", "region_type"} {
		if v := q.Get(key); v != "" {
			t := strings.ToUpper(v)
			if t != "K" && t != "L" {
				s.fail(w, r, badRequest("%s: %q is not K (municipality) or L (region, Riket)", key, v))
				return
			}
			types = append(types, t)
		}
	}
	title := q.Get("title")
	var out []kolada.Municipality
	for _, m := range kolada.Municipalities() {
		if ids != nil && !slices.Contains(ids, m.ID) {
			continue
		}
		if !containsFold(m.Title, title) {
			continue
		}
		if len(types) > 0 && slices.ContainsFunc(types, func(t string) bool { return t != m.Type }) {
			continue
		}
		out = append(out, m)
	}
	writeJSON(w, http.StatusOK, paginate(r, out, p))
}

// groups serves /v3/municipality_groups and /v3/municipality_groups/{ids},
// filter title=.
func (s *server) groups(w http.ResponseWriter, r *http.Request) {
	ids, p, err := listParams(r, "municipality_groups")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	title := r.URL.Query().Get("title")
	var out []kolada.Group
	for _, g := range kolada.Groups(s.opt.Groups) {
		if (ids == nil || slices.Contains(ids, g.ID)) && containsFold(g.Title, title) {
			out = append(out, g)
		}
	}
	writeJSON(w, http.StatusOK, paginate(r, out, p))
}

// kpiGroups serves /v3/kpi_groups: effekt's indicator groups in Kolada's
// group shape.
func (s *server) kpiGroups(w http.ResponseWriter, r *http.Request) {
	ids, p, err := listParams(r, "kpi_groups")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	title := r.URL.Query().Get("title")
	var out []kolada.Group
	for _, g := range kolada.KPIGroups() {
		if (ids == nil || slices.Contains(ids, g.ID)) && containsFold(g.Title, title) {
			out = append(out, g)
		}
	}
	writeJSON(w, http.StatusOK, paginate(r, out, p))
}

// dataPath serves the path forms of /v3/data: kpi, municipality and year
// segments, two or three of them.
func (s *server) dataPath(w http.ResponseWriter, r *http.Request) {
	var f models.Filter
	var err error
	if v := r.PathValue("kpi"); v != "" {
		if f.KPIs, err = splitIDs("kpi", v); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if v := r.PathValue("municipality"); v != "" {
		if f.Municipalities, err = splitIDs("municipality", v); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if v := r.PathValue("year"); v != "" {
		if f.Periods, err = splitYears("year", v); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.data(w, r, f)
}

// dataQuery serves /v3/data and /v3/data/ with kpi_id=, municipality_id=
// and year= (repeated or comma lists), at least two of the three.
func (s *server) dataQuery(w http.ResponseWriter, r *http.Request) {
	var f models.Filter
	var err error
	if f.KPIs, err = queryIDs(r, "kpi_id"); err != nil {
		s.fail(w, r, err)
		return
	}
	if f.Municipalities, err = queryIDs(r, "municipality_id"); err != nil {
		s.fail(w, r, err)
		return
	}
	if f.Periods, err = queryYears(r, "year"); err != nil {
		s.fail(w, r, err)
		return
	}
	given := 0
	for _, n := range []int{len(f.KPIs), len(f.Municipalities), len(f.Periods)} {
		if n > 0 {
			given++
		}
	}
	if given < 2 {
		s.fail(w, r, badRequest("give at least two of kpi_id, municipality_id and year"))
		return
	}
	s.data(w, r, f)
}

func (s *server) data(w http.ResponseWriter, r *http.Request, f models.Filter) {
	p, err := parsePage(r, kolada.MaxPerPage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if f.ChangedSince, err = fromDate(r); err != nil {
		s.fail(w, r, err)
		return
	}
	values := s.opt.Snapshots.Load().Query(f)
	writeJSON(w, http.StatusOK, paginate(r, kolada.Rows(values), p))
}

// listParams reads what the list endpoints take: the optional id-list path
// segment {ids} (nil when absent), named label in errors, then the page.
func listParams(r *http.Request, label string) ([]string, page, error) {
	var ids []string
	if v := r.PathValue("ids"); v != "" {
		var err error
		if ids, err = splitIDs(label, v); err != nil {
			return nil, page{}, err
		}
	}
	p, err := parsePage(r, kolada.MaxPerPage)
	return ids, p, err
}

// fromDate reads Kolada's from_date (YYYY-MM-DD): only cells whose content
// changed on or after that day. Absent: the zero time (every cell).
func fromDate(r *http.Request) (time.Time, error) {
	d, err := kolada.FromDate(r.URL.Query().Get("from_date"))
	if err != nil {
		return time.Time{}, badRequest("%s", err)
	}
	return d, nil
}
