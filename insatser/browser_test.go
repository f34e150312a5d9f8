package insatser_test

// The browser test: a real headless Chromium loads the Insatskarta from a
// running effekt serve (server.New over the small sample, ingested and
// computed, on 127.0.0.1), fails on any console error, exception or
// request leaving 127.0.0.1, checks the map, the filtering (with and
// without JavaScript) and a click on the map, and keeps
// screenshots (wide and phone) under $EFFEKT_ARTIFACTS or
// testdata/artifacts. It needs Chromium: $EFFEKT_CHROMIUM or `chromium` on
// PATH (scripts/chromium.sh installs Debian's; `make check` runs it);
// without one it is skipped with a message saying so.

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/geo"
	"github.com/effekt/effekt/ingest"
	"github.com/effekt/effekt/models"
	"github.com/effekt/effekt/sample"
	"github.com/effekt/effekt/schedules"
	"github.com/effekt/effekt/server"
	"github.com/effekt/effekt/store"
)

func chromiumPath() string {
	if p := os.Getenv("EFFEKT_CHROMIUM"); p != "" {
		return p
	}
	for _, n := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

func artifactDir(t *testing.T) string {
	dir := os.Getenv("EFFEKT_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("testdata", "artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// serveSample runs effekt serve's handler over the small sample.
func serveSample(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	cfg := config.Default()
	cfg.Paths.Inbox, cfg.Paths.Archive, cfg.Paths.Failed = filepath.Join(dir, "inbox"), filepath.Join(dir, "archive"), filepath.Join(dir, "failed")
	cfg.Paths.Database, cfg.Paths.Audit = filepath.Join(dir, "e.duckdb"), ""
	cfg.Pseudonym.Key = config.DemoKey // the sample is fictitious
	today := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	if _, err := sample.Write(ctx, cfg.Paths.Inbox, sample.Options{Scale: "small", Seed: 1, Today: today, Logger: quiet}); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, cfg.Paths.Database, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	iopt := ingest.Options{Inbox: cfg.Paths.Inbox, Archive: cfg.Paths.Archive, Failed: cfg.Paths.Failed, Key: []byte(cfg.Pseudonym.Key),
		Logger: quiet, Today: today}.Configured(cfg.Ingest, filepath.Join(dir, "tmp"))
	iopt.Settle = 0
	if _, err := ingest.Run(ctx, db, iopt); err != nil {
		t.Fatal(err)
	}
	if _, err := models.Compute(ctx, db, models.ComputeOptions{Groups: cfg.Groups, Now: func() time.Time { return today }}); err != nil {
		t.Fatal(err)
	}
	s, err := server.New(ctx, cfg, db, server.Options{Logger: quiet, Jobs: []schedules.Job{}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler) // 127.0.0.1
	t.Cleanup(srv.Close)
	return srv.URL
}

// browser collects what must not happen while pages load.
type browser struct {
	mu       sync.Mutex
	problems []string
}

func (b *browser) add(format string, args ...any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.problems = append(b.problems, fmt.Sprintf(format, args...))
}

func TestBrowser(t *testing.T) {
	bin := chromiumPath()
	if bin == "" && os.Getenv("CI") == "true" {
		t.Fatal("no Chromium: in CI the browser test must run (make check installs it with scripts/chromium.sh)")
	}
	if bin == "" {
		t.Skip("browser test skipped: no Chromium (set EFFEKT_CHROMIUM, put chromium on PATH, or run scripts/chromium.sh; `make check` does)")
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	base := serveSample(t)
	art := artifactDir(t)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true), chromedp.Flag("metrics-recording-only", true),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	defer cancelT()

	b := &browser{}
	if err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning {
				var args []string
				for _, a := range e.Args {
					args = append(args, a.Description+string(a.Value))
				}
				b.add("console %s: %s", e.Type, strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			b.add("exception: %s %s:%d", e.ExceptionDetails.Text, e.ExceptionDetails.URL, e.ExceptionDetails.LineNumber)
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.EntryLevelError || e.Entry.Level == cdplog.EntryLevelWarning {
				b.add("log %s (%s): %s %s", e.Entry.Level, e.Entry.Source, e.Entry.Text, e.Entry.URL)
			}
		case *network.EventRequestWillBeSent:
			u, err := url.Parse(e.Request.URL)
			if err != nil || (u.Scheme != "data" && u.Hostname() != "127.0.0.1") {
				b.add("request leaves 127.0.0.1: %s", e.Request.URL)
			}
		}
	}); err != nil {
		t.Fatalf("listen: %v", err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatalf("network.enable: %v", err)
	}
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("log.enable: %v", err)
	}
	if _, err := chromedp.Call(ctx, runtime.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("runtime.enable: %v", err)
	}
	do := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	evalInt := func(expr string) int {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[int](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return v
	}
	evalBool := func(expr string) bool {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return v
	}
	evalString := func(expr string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return v
	}
	open := func(path string) {
		t.Helper()
		do("open "+path, chromedp.Navigate(base+path), chromedp.WaitVisible(chromedp.CSS("main h1")))
	}
	// shot keeps a screenshot: of the window, or of the whole page when full.
	shot := func(name string, full bool) {
		t.Helper()
		a := chromedp.CaptureScreenshot()
		if full {
			a = chromedp.FullScreenshot(100)
		}
		png, err := chromedp.Run(ctx, a)
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		p := filepath.Join(art, name)
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot %s (%d bytes)", p, len(png))
	}
	visible := `[...document.querySelectorAll('li.card')].filter(c => !c.hidden)`
	narrow := `document.documentElement.scrollWidth <= window.innerWidth + 1`

	// Wide window: the default page, Stockholms län.
	do("viewport", chromedp.EmulateViewport(1280, 900))
	open("/insatser")
	var ids []string
	for _, m := range geo.Municipalities() {
		if geo.County(m.ID) == "0001" {
			ids = append(ids, m.ID)
		}
	}
	if n := evalInt(`document.querySelectorAll('svg.karta path').length`); n != len(ids) {
		t.Errorf("map has %d paths, want one per municipality of Stockholms län (%d)", n, len(ids))
	}
	if s := evalString(`[...document.querySelectorAll('svg.karta path')].map(p => p.dataset.kommun).sort().join(' ')`); s != strings.Join(ids, " ") {
		t.Errorf("map paths %s, want %s", s, strings.Join(ids, " "))
	}
	total := evalInt(visible + `.length`)
	if total == 0 {
		t.Fatal("no interventions listed")
	}
	shot("insatser-wide.png", false)

	// Filtering without a reload: free text, then a category.
	do("type", chromedp.SendKeys(chromedp.CSS("#f-q"), "vård"), chromedp.Sleep(200*time.Millisecond))
	n := evalInt(visible + `.length`)
	if s := evalString(`document.querySelector('#antal').textContent`); n == 0 || n >= total || s != fmt.Sprint(n) {
		t.Errorf("after typing vård: %d of %d cards shown, counter %q", n, total, s)
	}
	if !evalBool(visible + `.every(c => c.dataset.text.includes('vård'))`) {
		t.Error("a shown card does not contain vård")
	}
	evalBool(`(() => { const q = document.querySelector('#f-q'); q.value = ''; q.dispatchEvent(new Event('input', {bubbles: true}));
		const k = document.querySelector('#f-kategori'); k.value = 'språk'; k.dispatchEvent(new Event('change', {bubbles: true})); return true })()`)
	n = evalInt(visible + `.length`)
	if all, loc := evalBool(visible+`.every(c => c.dataset.kategori === 'språk')`), evalString(`location.href`); n == 0 || n >= total || !all || !strings.Contains(loc, "kategori=spr") {
		t.Errorf("category språk: %d of %d shown, all språk %v, address %s", n, total, all, loc)
	}
	// Clicking a municipality on the map filters the list (a link: no JS needed).
	do("click", chromedp.Click(chromedp.CSS(`svg.karta a[data-kommun="0127"] path`)))
	var clicked string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if clicked = evalString(`document.readyState === 'complete' && new URL(location.href).searchParams.get('kommun') || ''`); clicked != "" {
			break
		}
	}
	if clicked == "" {
		t.Fatalf("a click on the map did not open a municipality's list: %s", evalString(`location.href`))
	}
	do("after click", chromedp.WaitVisible(chromedp.CSS("#lista")))
	if !evalBool(visible + `.every(c => c.dataset.kommun === '` + clicked + `')`) {
		t.Errorf("after clicking %s the list is not that municipality's", clicked)
	}
	if !evalBool(`document.querySelector('svg.karta path.sel').dataset.kommun === '` + clicked + `'`) {
		t.Errorf("the clicked municipality %s is not marked on the map", clicked)
	}
	// The whole country is one click away.
	open("/insatser?lan=alla")
	if n := evalInt(`document.querySelectorAll('svg.karta path').length`); n != 290 {
		t.Errorf("country map: %d paths, want 290", n)
	}
	shot("insatser-country-wide.png", false)
	open("/insatser?farg=EF401")
	shot("insatser-ef401-wide.png", false)
	open("/insatser/0127-001")
	shot("insatser-detail-wide.png", true)

	// Without JavaScript: the server filters (hidden cards), the form submits.
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("disable scripts: %v", err)
	}
	open("/insatser?kategori=spr%C3%A5k")
	do("no-JS submit", chromedp.SendKeys(chromedp.CSS("#f-q"), "praktik"), chromedp.Click(chromedp.CSS(`#filter button[type=submit]`)))
	var loc string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if loc = evalString(`document.readyState === 'complete' ? location.href : ''`); strings.Contains(loc, "q=praktik") {
			break
		}
	}
	n = evalInt(visible + `.length`)
	if !strings.Contains(loc, "q=praktik") || n == 0 || evalString(`document.querySelector('#antal').textContent`) != fmt.Sprint(n) ||
		!evalBool(visible+`.every(c => c.dataset.kategori === 'språk' && c.dataset.text.includes('praktik'))`) {
		t.Errorf("without JavaScript: address %s, %d cards shown", loc, n)
	}
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false}); err != nil {
		t.Fatalf("enable scripts: %v", err)
	}

	// Phone width: nothing wider than the screen.
	do("phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	open("/insatser")
	if !evalBool(narrow) {
		t.Error("the list page is wider than a phone screen")
	}
	shot("insatser-phone.png", false)
	do("scroll to the list", chromedp.ScrollIntoView(chromedp.CSS("#lista-rubrik")))
	shot("insatser-phone-list.png", false)
	open("/insatser/0127-001")
	if !evalBool(narrow) {
		t.Error("the detail page is wider than a phone screen")
	}
	shot("insatser-detail-phone.png", true)

	time.Sleep(200 * time.Millisecond)
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		t.Error(p)
	}
}
