package insatser

import (
	"context"
	"encoding/csv"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/effekt/effekt/snapshot"
)

var (
	// pnrShape is a personnummer as people write it (12 or 10 digits, with
	// or without - or +); digits inside SVG coordinates carry a point or space.
	pnrShape   = regexp.MustCompile(`(^|[^0-9.])(\d{8}|\d{6})[-+]?\d{4}([^0-9.]|$)`)
	pseudonym  = regexp.MustCompile(`[0-9a-f]{64}`)
	visibleRe  = regexp.MustCompile(`<li class="card" data-kommun="[^"]*"[^>]*?data-text="[^"]*">\s*<h3><a href="/insatser/([^"]+)">`)
	labelFor   = regexp.MustCompile(`<label for="([^"]+)">`)
	controlIDs = regexp.MustCompile(`<(?:select|input)[^>]* id="([^"]+)"`)
)

// TestListPage: structure, language, labels, headings, the map of the
// default county (Stockholms län: 26 paths), the security headers and no
// personnummer or pseudonym anywhere.
func TestListPage(t *testing.T) {
	srv, _, _ := newServer(t)
	status, hdr, body := get(t, srv.URL+"/insatser")
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	if !strings.HasPrefix(body, "<!DOCTYPE html>\n<html lang=\"sv\">") {
		t.Errorf("page does not start with the doctype and lang=\"sv\": %.60q", body)
	}
	if csp := hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP %q", csp)
	}
	for _, want := range []string{"<h1>Insatskarta</h1>", `<h2 id="karta-rubrik">Karta: Stockholms län</h2>`, `<h2 id="filter-rubrik">Filtrera</h2>`,
		`<h2 id="lista-rubrik"><span id="antal">4</span> av 4 insatser</h2>`, `<form method="get" action="/insatser" id="filter">`,
		`href="/insatser.csv"`, "Visa hela landet", `<a href="/insatser/K-1">Jobbspår vård</a>`, "62,5 %", "(95 % KI 30,6–86,3, 8 avslutade)"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if n := strings.Count(body, "<path d="); n != 26 {
		t.Errorf("%d municipality paths, want 26 (Stockholms län)", n)
	}
	labels := labelFor.FindAllStringSubmatch(body, -1)
	controls := controlIDs.FindAllStringSubmatch(body, -1)
	if len(controls) != 8 {
		t.Errorf("%d form controls, want 8", len(controls))
	}
	for _, c := range controls {
		if !slices.ContainsFunc(labels, func(l []string) bool { return l[1] == c[1] }) {
			t.Errorf("control %s has no <label for>", c[1])
		}
	}
	for _, bad := range []string{"onclick", "onchange", "<script>", "style=", "http://", "https://"} {
		if strings.Contains(strings.ReplaceAll(body, `xmlns="http://www.w3.org/2000/svg"`, ""), bad) {
			t.Errorf("page contains %q (inline handlers, inline script or style, external addresses)", bad)
		}
	}
	noPersonData(t, body)
}

func noPersonData(t *testing.T, body string) {
	t.Helper()
	if m := pnrShape.FindString(body); m != "" {
		t.Errorf("personnummer-shaped text %q", m)
	}
	if m := pseudonym.FindString(body); m != "" {
		t.Errorf("a pseudonym %q", m)
	}
}

// TestFilters: each filter of the form, server side (the cards not
// matching carry hidden), table-driven.
func TestFilters(t *testing.T) {
	srv, _, _ := newServer(t)
	cases := []struct {
		query string
		want  []string
	}{
		{"", []string{"AF-1", "K-1", "K-2", "K-3"}},
		{"?kategori=arbete", []string{"AF-1", "K-1", "K-2"}},
		{"?anordnare=af", []string{"AF-1"}},
		{"?anordnare=kommun", []string{"K-1", "K-2", "K-3"}},
		{"?oppen=ja", []string{"AF-1", "K-1", "K-3"}},
		{"?oppen=nej", []string{"K-2"}},
		{"?q=V%C3%A5rd", []string{"K-1"}},
		{"?q=somaliska", []string{"K-3"}},
		{"?sprak=sv", []string{"AF-1", "K-1"}},
		{"?kommun=0136", []string{"K-3"}},
		{"?lan=alla", []string{"AF-1", "K-1", "K-2", "K-3", "K-4"}},
		{"?lan=0014", []string{"AF-1", "K-4"}},
		{"?lan=0014&anordnare=kommun", []string{"K-4"}},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			status, _, body := get(t, srv.URL+"/insatser"+c.query)
			if status != http.StatusOK {
				t.Fatalf("status %d", status)
			}
			var got []string
			for _, m := range visibleRe.FindAllStringSubmatch(body, -1) {
				got = append(got, m[1])
			}
			slices.Sort(got)
			if !slices.Equal(got, c.want) {
				t.Errorf("shown %v, want %v", got, c.want)
			}
		})
	}
	for _, q := range []string{"?lan=0099", "?kommun=9999", "?anordnare=x", "?oppen=kanske", "?farg=EF999"} {
		if status, _, body := get(t, srv.URL+"/insatser"+q); status != http.StatusBadRequest || !strings.Contains(body, `lang="sv"`) {
			t.Errorf("%s: status %d, want 400 with a Swedish page", q, status)
		}
	}
}

// TestDetailPage: an intervention's page with its figures, the category's,
// and the suppressed ones saying so without numbers.
func TestDetailPage(t *testing.T) {
	srv, _, _ := newServer(t)
	cases := []struct {
		id   string
		want []string
		not  []string
	}{
		{"K-1", []string{"<h1>Jobbspår vård</h1>", `<h2 id="om-rubrik">Om insatsen</h2>`, `<h2 id="resultat-rubrik">Vad insatsen ledde till</h2>`,
			"Botkyrka", "Nyanlända", "arabiska, svenska", "12\u00a0000\u00a0kr", "15", "Tumba", "insatser@botkyrka.se", "2025-06-01",
			"<dd>9</dd>", "62,5 % <span class=\"ci\">(95 % KI 30,6–86,3, 8 avslutade)</span>", "110 dagar",
			"Jämfört med kategorin arbete", "47,1 % <span class=\"ci\">(95 % KI 26,2–69,0, 17 avslutade)</span>", `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 470 110"`}, nil},
		{"K-2", []string{"färre än 5 (visas inte)", "för få avslutade deltaganden för att visa", "ring [personnummer] eller 08-123 45 67"}, []string{"33,3", "19800101"}},
		// the median's count of ended participations is at least the
		// hidden share's: beside a hidden share it is not shown
		{"AF-1", []string{"Arbetsförmedlingen", "dold (för få avslutade deltaganden, eller för att skydda en annan dold uppgift)", "<dd>7</dd>", "80 dagar</dd>"}, []string{"33,3 %", "dagar <span class=\"ci\">"}},
		{"K-3", []string{"Haninge", "somaliska, tigrinja", "0\u00a0kr", "30 dagar", "Jämfört med kategorin språk"}, []string{"50,0 %"}},
		{"K-4", []string{"Göteborg", "inga ännu", "inga avslutade deltaganden än"}, nil},
	}
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			status, _, body := get(t, srv.URL+"/insatser/"+c.id)
			if status != http.StatusOK {
				t.Fatalf("status %d", status)
			}
			if !strings.Contains(body, `<html lang="sv">`) {
				t.Error("no lang=sv")
			}
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, w := range c.not {
				if strings.Contains(body, w) {
					t.Errorf("page shows %q", w)
				}
			}
			noPersonData(t, body)
		})
	}
	if status, _, _ := get(t, srv.URL+"/insatser/NOPE"); status != http.StatusNotFound {
		t.Errorf("unknown id: status %d, want 404", status)
	}
}

// TestCSV: the filtered list with the published figures; suppressed ones empty with a status.
func TestCSV(t *testing.T) {
	srv, _, _ := newServer(t)
	status, hdr, body := get(t, srv.URL+"/insatser.csv?kategori=arbete")
	if status != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") {
		t.Fatalf("status %d, type %q", status, hdr.Get("Content-Type"))
	}
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recs[0], csvHeader) || len(recs) != 4 {
		t.Fatalf("header %v, %d records; want the header and 3 rows", recs[0], len(recs))
	}
	col := func(rec []string, name string) string { return rec[slices.Index(csvHeader, name)] }
	byID := map[string][]string{}
	for _, r := range recs[1:] {
		byID[r[0]] = r
	}
	k1 := byID["K-1"]
	for name, want := range map[string]string{"anordnare": "0127", "anordnare_namn": "Botkyrka", "sprak": "ar sv", "oppen_for_andra_kommuner": "ja",
		"pris_per_deltagare_kr": "12000", "deltagare": "9", "avslutade_med_utfall": "8", "arbete_eller_studier_procent": "62.5",
		"ki_lag": "30.6", "ki_hog": "86.3", "median_langd_dagar": "110.0", "status": "", "senast_uppdaterad": "2025-06-01"} {
		if got := col(k1, name); got != want {
			t.Errorf("K-1 %s = %q, want %q", name, got, want)
		}
	}
	if got := col(byID["AF-1"], "arbete_eller_studier_procent"); got != "" || !strings.Contains(col(byID["AF-1"], "status"), "dold") {
		t.Errorf("AF-1: value %q status %q, want empty and dold", got, col(byID["AF-1"], "status"))
	}
	if got := col(byID["K-2"], "kontakt"); got != "ring [personnummer] eller 08-123 45 67" {
		t.Errorf("K-2 kontakt %q, want the mask without its birth date", got)
	}
	if got := col(byID["K-2"], "deltagare"); got != "" {
		t.Errorf("K-2 participants %q, want empty (3 < 5)", got)
	}
	noPersonData(t, body)
}

// TestRefresh: a compute publishes a new snapshot, and the next request
// shows what the database holds then (no restart).
func TestRefresh(t *testing.T) {
	srv, db, snaps := newServer(t)
	if _, _, body := get(t, srv.URL+"/insatser"); strings.Contains(body, "Ny insats") {
		t.Fatal("fixture already has it")
	}
	if _, err := db.Exec(`INSERT INTO interventions (intervention_id, name, provider_municipality, file_id, line) VALUES ('K-9', 'Ny insats', '0127', 1, 9)`); err != nil {
		t.Fatal(err)
	}
	if _, _, body := get(t, srv.URL+"/insatser"); strings.Contains(body, "Ny insats") {
		t.Error("shown before a new snapshot was published (cached per snapshot)")
	}
	if _, err := snaps.Refresh(context.Background(), db, snapshot.Options{MinN: 5}); err != nil {
		t.Fatal(err)
	}
	if _, _, body := get(t, srv.URL+"/insatser"); !strings.Contains(body, "Ny insats") {
		t.Error("not shown after a new snapshot")
	}
}

// TestStatic: the stylesheet and the script are served from this origin.
func TestStatic(t *testing.T) {
	srv, _, _ := newServer(t)
	for _, p := range []string{"/insatser/static/style.css", "/insatser/static/filter.js"} {
		if status, _, body := get(t, srv.URL+p); status != http.StatusOK || len(body) < 100 {
			t.Errorf("%s: status %d, %d bytes", p, status, len(body))
		}
	}
}
