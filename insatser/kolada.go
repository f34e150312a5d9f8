package insatser

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/effekt/effekt/kolada"
	"github.com/effekt/effekt/models"
)

// Kolada v3's organisational units: the interventions as units below the
// municipality (Kolada serves schools and care homes so), and their EF401
// per period and gender as oudata — the shapes koladapy's get_ou and
// get_ou_data and rKolada's get_ou() read.

// OU is Kolada's organisational unit object.
type OU struct {
	ID           string `json:"id"`
	Municipality string `json:"municipality"` // kommunkod of the provider; "" for Arbetsförmedlingen
	Title        string `json:"title"`
}

// OUDataRow is one row of /v3/oudata: Kolada's data row with "ou" for "municipality".
type OUDataRow struct {
	KPI    string             `json:"kpi"`
	OU     string             `json:"ou"`
	Period int                `json:"period"`
	Values []kolada.DataValue `json:"values"`
}

// ouKPIs are the indicators served per organisational unit.
var ouKPIs = []string{"EF401"}

func (p *pages) registerKolada(mux *http.ServeMux) {
	mux.HandleFunc("GET /v3/ou", p.ous)
	mux.HandleFunc("GET /v3/ou/{ids}", p.ous)
	mux.HandleFunc("GET /v3/oudata/kpi/{kpi}/ou/{ou}/year/{year}", p.oudata)
	mux.HandleFunc("GET /v3/oudata/kpi/{kpi}/year/{year}", p.oudata)
	mux.HandleFunc("GET /v3/oudata/kpi/{kpi}/ou/{ou}", p.oudata)
	mux.HandleFunc("GET /v3/oudata/ou/{ou}/year/{year}", p.oudata)
	mux.HandleFunc("GET /v3/oudata/municipality/{municipality}/year/{year}", p.oudata)
	mux.HandleFunc("GET /v3/oudata", p.oudata)
	mux.HandleFunc("GET /v3/oudata/{$}", p.oudata)
}

// ous serves /v3/ou and /v3/ou/{ids}, filters title= and municipality=.
func (p *pages) ous(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := contextTimeout(r, p.opt.Timeout)
	defer cancel()
	pg, err := readPage(r)
	if err != nil {
		badJSON(w, err)
		return
	}
	var ids, munis []string
	if v := r.PathValue("ids"); v != "" {
		if ids, err = splitList("ou", v); err != nil {
			badJSON(w, err)
			return
		}
	}
	if v := r.URL.Query()["municipality"]; len(v) > 0 {
		if munis, err = splitList("municipality", v...); err != nil {
			badJSON(w, err)
			return
		}
	}
	title := strings.ToLower(r.URL.Query().Get("title"))
	d, err := p.src.get(ctx)
	if err != nil {
		p.opt.Logger.ErrorContext(ctx, "insatser: read data", "path", logPath(r), "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "data unavailable"})
		return
	}
	var out []OU
	for _, in := range d.Interventions {
		m := in.Provider
		if m == "AF" {
			m = ""
		}
		if (ids == nil || slices.Contains(ids, in.ID)) && (munis == nil || slices.Contains(munis, m)) &&
			strings.Contains(strings.ToLower(in.Name), title) {
			out = append(out, OU{ID: in.ID, Municipality: m, Title: in.Name})
		}
	}
	writeJSON(w, http.StatusOK, pageOf(r, out, pg, p.opt.PublicURL))
}

// oudata serves the path and query forms of /v3/oudata: kpi, ou and year
// (two of three), /v3/oudata/municipality/{ids}/year/{years}, the filter
// municipality_id= (the units of those provider municipalities) and
// from_date= (values of a compute on or after that day).
func (p *pages) oudata(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := contextTimeout(r, p.opt.Timeout)
	defer cancel()
	pg, err := readPage(r)
	if err != nil {
		badJSON(w, err)
		return
	}
	var kpis, ous []string
	var years []int
	q := r.URL.Query()
	get := func(path, query string) []string {
		if v := r.PathValue(path); v != "" {
			return []string{v}
		}
		return q[query]
	}
	given := 0
	if v := get("kpi", "kpi_id"); len(v) > 0 {
		if kpis, err = splitList("kpi", v...); err != nil {
			badJSON(w, err)
			return
		}
		given++
	}
	if v := get("ou", "ou_id"); len(v) > 0 {
		if ous, err = splitList("ou", v...); err != nil {
			badJSON(w, err)
			return
		}
		given++
	}
	var munis []string // the units of these provider municipalities (municipality_id=)
	if v := get("municipality", "municipality_id"); len(v) > 0 {
		if munis, err = splitList("municipality", v...); err != nil {
			badJSON(w, err)
			return
		}
		given++
	}
	if v := get("year", "year"); len(v) > 0 {
		ys, err := splitList("year", v...)
		if err != nil {
			badJSON(w, err)
			return
		}
		for _, y := range ys {
			n, err := strconv.Atoi(y)
			if err != nil || n < 1900 || n > 9999 {
				badJSON(w, fmt.Errorf("year: %q is not a year", y))
				return
			}
			years = append(years, n)
		}
		given++
	}
	if given < 2 {
		badJSON(w, fmt.Errorf("give at least two of kpi, ou (or municipality) and year"))
		return
	}
	from, err := kolada.FromDate(q.Get("from_date")) // values that may have changed on or after that day
	if err != nil {
		badJSON(w, err)
		return
	}
	d, err := p.src.get(ctx)
	if err != nil {
		p.opt.Logger.ErrorContext(ctx, "insatser: read data", "path", logPath(r), "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "data unavailable"})
		return
	}
	var out []OUDataRow
	// The intervention figures keep no history of their own: every value
	// may have changed with the compute that published them, and none
	// since. So from_date gives every value when that compute ran on or
	// after it, and none when it ran before (a superset of the changed
	// values, never missing one).
	if !from.IsZero() && (d.ComputedAt.IsZero() || d.ComputedAt.Before(from)) {
		writeJSON(w, http.StatusOK, pageOf(r, out, pg, p.opt.PublicURL))
		return
	}
	for _, kpi := range ouKPIs {
		if kpis != nil && !slices.Contains(kpis, kpi) {
			continue
		}
		for _, c := range d.OU {
			if (ous != nil && !slices.Contains(ous, c.ID)) || (years != nil && !slices.Contains(years, c.Period)) {
				continue
			}
			if munis != nil {
				if in, ok := d.Lookup(c.ID); !ok || !slices.Contains(munis, in.Provider) {
					continue
				}
			}
			if n := len(out); n == 0 || out[n-1].OU != c.ID || out[n-1].Period != c.Period || out[n-1].KPI != kpi {
				out = append(out, OUDataRow{KPI: kpi, OU: c.ID, Period: c.Period})
			}
			v := kolada.DataValue{Gender: c.Gender, Count: 1}
			if c.Share.Suppressed {
				v.Status = models.StatusSuppressed
			} else {
				x := c.Share.Value
				v.Value = kolada.Round(&x)
			}
			row := &out[len(out)-1]
			row.Values = append(row.Values, v)
		}
	}
	for i := range out {
		slices.SortStableFunc(out[i].Values, func(a, b kolada.DataValue) int { return genderRank[a.Gender] - genderRank[b.Gender] })
	}
	writeJSON(w, http.StatusOK, pageOf(r, out, pg, p.opt.PublicURL))
}

var genderRank = map[string]int{"T": 0, "K": 1, "M": 2}

type page struct{ number, size int }

func readPage(r *http.Request) (page, error) {
	p := page{number: 1, size: kolada.MaxPerPage}
	q := r.URL.Query()
	if s := q.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1_000_000_000 {
			return p, fmt.Errorf("page: %q is not a page number (1, 2, …)", s)
		}
		p.number = n
	}
	if s := q.Get("per_page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > kolada.MaxPerPage {
			return p, fmt.Errorf("per_page: %q is not between 1 and %d", s, kolada.MaxPerPage)
		}
		p.size = n
	}
	return p, nil
}

// pageOf cuts page pg out of items; next_url is this request with page+1.
func pageOf[T any](r *http.Request, items []T, pg page, base string) kolada.Envelope[T] {
	start := min((pg.number-1)*pg.size, len(items))
	end := min(start+pg.size, len(items))
	link := func(n int) *string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		u := strings.TrimRight(base, "/") + r.URL.EscapedPath() + "?" + q.Encode()
		return &u
	}
	var next, prev *string
	if end < len(items) {
		next = link(pg.number + 1)
	}
	if pg.number > 1 {
		prev = link(pg.number - 1)
	}
	return kolada.NewEnvelope(items[start:end], next, prev)
}

// splitList splits comma lists, at most kolada.MaxIDs ids, none blank.
func splitList(name string, raw ...string) ([]string, error) {
	var out []string
	for _, s := range raw {
		for _, id := range strings.Split(s, ",") {
			id = strings.TrimSpace(id)
			if id == "" {
				return nil, fmt.Errorf("%s: empty id in %q", name, s)
			}
			out = append(out, id)
		}
	}
	if len(out) > kolada.MaxIDs {
		return nil, fmt.Errorf("%s: %d ids given, at most %d allowed", name, len(out), kolada.MaxIDs)
	}
	return out, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func badJSON(w http.ResponseWriter, err error) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
}
