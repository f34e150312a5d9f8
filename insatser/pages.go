package insatser

import (
	"database/sql"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/effekt/effekt/geo"
	pnr "github.com/effekt/effekt/ingest/parse"
	"github.com/effekt/effekt/snapshot"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Options configure the pages.
type Options struct {
	MinN      int             // indicators.min_n: figures with a smaller count are suppressed
	Snapshots *snapshot.Store // the published values (map shading; the cache key)
	Logger    *slog.Logger
	// MaxAge bounds how long data is served without re-reading (default 5 min).
	MaxAge time.Duration
	// Timeout bounds one request's database read (default 30 s).
	Timeout time.Duration
	// PublicURL is api.public_url: the base of /v3 paging links ("" relative).
	PublicURL string
}

// Defaults for Options left zero.
const (
	DefaultMinN    = 5
	DefaultMaxAge  = 5 * time.Minute
	DefaultTimeout = 30 * time.Second
	// DefaultCounty is the county the map shows first: Stockholms län.
	DefaultCounty = "0001"
)

// contentSecurityPolicy allows this origin's stylesheet and script only:
// no inline script, no handler attributes, nothing fetched from elsewhere.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

type pages struct {
	src    *source
	opt    Options
	list   *template.Template
	detail *template.Template
	errT   *template.Template
}

// Register serves the Insatskarta on mux: /insatser, /insatser/{id},
// /insatser.csv, /insatser/static/…, and Kolada's /v3/ou and /v3/oudata.
func Register(mux *http.ServeMux, db *sql.DB, opt Options) {
	if opt.MinN < 1 {
		opt.MinN = DefaultMinN
	}
	if opt.MaxAge <= 0 {
		opt.MaxAge = DefaultMaxAge
	}
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.Snapshots == nil {
		opt.Snapshots = new(snapshot.Store)
	}
	p := &pages{
		src:    &source{db: db, snaps: opt.Snapshots, minN: opt.MinN, maxAge: opt.MaxAge, log: opt.Logger},
		opt:    opt,
		list:   parse("list"),
		detail: parse("detail"),
		errT:   parse("error"),
	}
	static, _ := fs.Sub(staticFiles, "static")
	fileServer := http.StripPrefix("/insatser/static/", http.FileServerFS(static))
	mux.HandleFunc("GET /insatser", p.html(p.serveList))
	mux.HandleFunc("GET /insatser/{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/insatser", http.StatusMovedPermanently)
	})
	mux.HandleFunc("GET /insatser/{id}", p.html(p.serveDetail))
	mux.HandleFunc("GET /insatser.csv", p.serveCSV)
	mux.Handle("GET /insatser/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=300")
		fileServer.ServeHTTP(w, r)
	}))
	p.registerKolada(mux)
}

var funcs = template.FuncMap{
	"lang":     LanguageName,
	"pct":      func(v float64) string { return strings.Replace(formatFloat(v, 1), ".", ",", 1) },
	"num":      func(v float64) string { return strings.Replace(formatFloat(v, 0), ".", ",", 1) },
	"kr":       formatKronor,
	"date":     func(t *time.Time) string { return t.Format(time.DateOnly) },
	"deref":    func(b *bool) bool { return *b },
	"derefF":   func(f *float64) float64 { return *f },
	"derefI":   func(i *int64) int64 { return *i },
	"join":     strings.Join,
	"pathEsc":  url.PathEscape,
	"county":   geo.CountyName,
	"muniName": geo.Name,
}

func parse(name string) *template.Template {
	return template.Must(template.New(name).Funcs(funcs).ParseFS(templateFiles, "templates/base.html", "templates/"+name+".html"))
}

// html wraps a page handler: the data read with a timeout, security
// headers for HTML, errors as a Swedish error page (causes logged only).
func (p *pages) html(h func(w http.ResponseWriter, r *http.Request, d *Data) (int, string, any)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := contextTimeout(r, p.opt.Timeout)
		defer cancel()
		hdr := w.Header()
		hdr.Set("Content-Security-Policy", contentSecurityPolicy)
		hdr.Set("Content-Type", "text/html; charset=utf-8")
		d, err := p.src.get(ctx)
		if err != nil {
			p.opt.Logger.ErrorContext(ctx, "insatser: read data", "path", logPath(r), "err", err)
			p.render(w, r, p.errT, http.StatusServiceUnavailable, errorPage{Title: "Tillfälligt fel", Message: "Uppgifterna kunde inte läsas just nu. Försök igen om en stund.", MinN: p.opt.MinN})
			return
		}
		status, tmpl, v := h(w, r, d)
		t := p.list
		switch tmpl {
		case "detail":
			t = p.detail
		case "error":
			t = p.errT
		}
		p.render(w, r, t, status, v)
	}
}

func (p *pages) render(w http.ResponseWriter, r *http.Request, t *template.Template, status int, v any) {
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, "base", v); err != nil {
		p.opt.Logger.ErrorContext(r.Context(), "insatser: render", "path", logPath(r), "err", err)
		http.Error(w, "internt fel", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write([]byte(b.String()))
	}
}

type errorPage struct {
	Title, Message string
	MinN           int
}

func (p *pages) serveDetail(w http.ResponseWriter, r *http.Request, d *Data) (int, string, any) {
	in, ok := d.Lookup(r.PathValue("id"))
	if !ok {
		return http.StatusNotFound, "error", errorPage{Title: "Insatsen finns inte", Message: "Ingen insats i katalogen har det id:t.", MinN: p.opt.MinN}
	}
	return http.StatusOK, "detail", newDetailPage(in, d, p.opt.MinN)
}

func (p *pages) serveList(w http.ResponseWriter, r *http.Request, d *Data) (int, string, any) {
	f, err := parseFilter(r.URL.Query())
	if err != nil {
		return http.StatusBadRequest, "error", errorPage{Title: "Felaktigt filter", Message: err.Error(), MinN: p.opt.MinN}
	}
	return http.StatusOK, "list", newListPage(f, d, p.opt.Snapshots.Load(), p.opt.MinN)
}

var errBadFilter = errors.New("bad filter")

// logPath is the path of r for a log line, personnummer masked
// (pnr.MaskURI, package parse): a path is whatever the client typed.
func logPath(r *http.Request) string { return pnr.MaskURI(r.URL.EscapedPath(), time.Now()) }
