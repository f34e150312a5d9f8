package insatser

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/effekt/effekt/geo"
)

// Filter is the list's filter, read from the query string (the GET form):
// lan (00LL, "alla" for the whole country), kommun (the provider
// municipality), anordnare ("kommun" or "af"), kategori, sprak (ISO 639),
// oppen ("ja" or "nej"), q (free text) and farg (map shading: "oppna" or
// an indicator id).
type Filter struct {
	County       string // "" = the whole country
	Municipality string
	Provider     string
	Category     string
	Language     string
	Open         string
	Text         string
	Shade        string
}

// parseFilter reads f from q; unknown values are errors a person can act on.
func parseFilter(q url.Values) (Filter, error) {
	f := Filter{County: DefaultCounty, Shade: "oppna"}
	if v, ok := q["lan"]; ok {
		switch c := strings.TrimSpace(v[0]); {
		case c == "alla" || c == "":
			f.County = ""
		case geo.CountyName(c) != "":
			f.County = c
		default:
			return f, fmt.Errorf("län %q finns inte (välj ett län i listan eller hela landet)", c)
		}
	}
	if v := strings.TrimSpace(q.Get("kommun")); v != "" {
		if a, ok := geo.Lookup(v); !ok || a.Type != geo.TypeMunicipality {
			return f, fmt.Errorf("kommun %q finns inte (ange en kommunkod som 0127)", v)
		}
		f.Municipality = v
	}
	switch v := q.Get("anordnare"); v {
	case "", "kommun", "af":
		f.Provider = v
	default:
		return f, fmt.Errorf("anordnare %q: välj kommun eller af", v)
	}
	switch v := q.Get("oppen"); v {
	case "", "ja", "nej":
		f.Open = v
	default:
		return f, fmt.Errorf("öppen för andra kommuner %q: välj ja eller nej", v)
	}
	if v := q.Get("farg"); v != "" {
		if v != "oppna" && !slices.Contains(shadeKPIs, v) {
			return f, fmt.Errorf("färg %q: välj ett av alternativen", v)
		}
		f.Shade = v
	}
	// every value is echoed into each of the map's ~290 links: bounded, so
	// that one request cannot make a page of hundreds of megabytes (one of
	// 500 000 bytes made 147 MB, 2026-12-02)
	f.Category = clip(strings.TrimSpace(q.Get("kategori")), maxFilterValue)
	f.Language = clip(strings.TrimSpace(q.Get("sprak")), maxFilterValue)
	f.Text = clip(strings.TrimSpace(q.Get("q")), maxFilterText)
	return f, nil
}

// Query is f as a query string (defaults left out), with farg when keepShade.
func (f Filter) Query(keepShade bool) string {
	v := url.Values{}
	if f.County != DefaultCounty {
		c := f.County
		if c == "" {
			c = "alla"
		}
		v.Set("lan", c)
	}
	set := func(k, x string) {
		if x != "" {
			v.Set(k, x)
		}
	}
	set("kommun", f.Municipality)
	set("anordnare", f.Provider)
	set("kategori", f.Category)
	set("sprak", f.Language)
	set("oppen", f.Open)
	set("q", f.Text)
	if keepShade && f.Shade != "oppna" {
		v.Set("farg", f.Shade)
	}
	return v.Encode()
}

// Match reports whether in passes f. In a county, the county's
// municipalities' interventions and Arbetsförmedlingen's are listed.
func (f Filter) Match(in *Intervention) bool {
	if f.County != "" && in.Provider != "AF" && in.County != f.County {
		return false
	}
	if f.Municipality != "" && in.Provider != f.Municipality {
		return false
	}
	switch f.Provider {
	case "af":
		if in.Provider != "AF" {
			return false
		}
	case "kommun":
		if in.Provider == "AF" {
			return false
		}
	}
	if f.Category != "" && in.Category != f.Category {
		return false
	}
	if f.Language != "" && !slices.Contains(in.Languages, f.Language) {
		return false
	}
	switch f.Open {
	case "ja":
		if in.OpenToOthers == nil || !*in.OpenToOthers {
			return false
		}
	case "nej":
		if in.OpenToOthers == nil || *in.OpenToOthers {
			return false
		}
	}
	if f.Text != "" && !strings.Contains(searchText(in), strings.ToLower(f.Text)) {
		return false
	}
	return true
}

// searchText is what the free text searches, lower case: the fields one
// per line. Each field is masked on its own at load; joined by a space, a
// category "Grupp 19800101" and a description "1234 deltagare" made a
// personnummer of two (2026-12-02), and a line break is no separator.
func searchText(in *Intervention) string {
	parts := []string{in.ID, in.Name, in.ProviderName, in.Category, in.Description, in.TargetGroup, in.Location}
	for _, l := range in.Languages {
		parts = append(parts, LanguageName(l))
	}
	return strings.ToLower(strings.Join(parts, "\n"))
}

func formatFloat(v float64, prec int) string { return strconv.FormatFloat(v, 'f', prec, 64) }

// formatKronor writes 12000 as "12 000 kr".
func formatKronor(v float64) string {
	s := strconv.FormatInt(int64(v+0.5), 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune('\u00a0')
		}
		b.WriteRune(c)
	}
	return b.String() + "\u00a0kr"
}

func contextTimeout(r *http.Request, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.Context(), d)
}

// maxFilterValue and maxFilterText bound a category or language and the
// free text of a filter, in bytes.
const (
	maxFilterValue = 100
	maxFilterText  = 200
)

// clip cuts s to at most n bytes, at a character boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
