package dashboards

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// PublishOptions say where and how to publish.
type PublishOptions struct {
	URL           string        // Grafana base URL, e.g. http://127.0.0.1:3000
	Token         string        // service account token (Bearer), or "user:password" for basic auth
	Folder        string        // folder title; empty: the General folder
	PrometheusURL string        // data source URL (default DefaultPrometheusURL)
	Timeout       time.Duration // per request (default 10 s)
	Client        *http.Client  // default: a client with Timeout
}

// Report says what a Publish call did and did not publish.
type Report struct {
	Published    []string // in order: data source, folder, dashboards
	NotPublished []string
}

func (r Report) String() string {
	s := "published: " + list(r.Published)
	if len(r.NotPublished) > 0 {
		s += "; not published: " + list(r.NotPublished)
	}
	return s
}

func list(xs []string) string {
	if len(xs) == 0 {
		return "nothing"
	}
	return strings.Join(xs, ", ")
}

// Publish creates or updates, through Grafana's HTTP API, the Prometheus
// data source (POST /api/datasources; on 409 PUT /api/datasources/uid/{uid}),
// the folder if one is named (found by title in GET /api/folders, else
// POST /api/folders) and every board (POST /api/dashboards/db, overwrite,
// by uid, without id). It stops at the first failure; the error and the
// Report name what was published and what was not.
//
// It speaks plain net/http rather than grafana-tools/sdk's client, which
// ignores a 409 from POST /api/datasources, updates data sources only by
// numeric id, cannot tell a missing folder from any other error, and posts
// dashboards with folderId (not folderUid) after re-marshalling them through
// its Board struct, which brings back the null arrays and the id.
func Publish(ctx context.Context, boards []Board, opt PublishOptions) (Report, error) {
	type step struct {
		name string
		run  func() (string, error) // what was published
	}
	var g *grafana
	folderUID := ""
	steps := []step{{"data source " + DatasourceUID, func() (string, error) {
		verb, err := g.upsertDatasource(ctx, opt.PrometheusURL)
		return fmt.Sprintf("data source %s (%s)", DatasourceUID, verb), err
	}}}
	if opt.Folder != "" {
		steps = append(steps, step{fmt.Sprintf("folder %q", opt.Folder), func() (string, error) {
			uid, verb, err := g.ensureFolder(ctx, opt.Folder)
			folderUID = uid
			return fmt.Sprintf("folder %q (uid %s, %s)", opt.Folder, uid, verb), err
		}})
	}
	for _, b := range boards {
		steps = append(steps, step{"dashboard " + b.UID, func() (string, error) {
			version, err := g.postDashboard(ctx, b, folderUID)
			return fmt.Sprintf("dashboard %s (version %d)", b.UID, version), err
		}})
	}
	var rep Report
	notDone := func(from int) {
		for _, s := range steps[from:] {
			rep.NotPublished = append(rep.NotPublished, s.name)
		}
	}
	g, err := newGrafana(opt)
	if err != nil {
		notDone(0)
		return rep, fmt.Errorf("%w (%s)", err, rep)
	}
	for i, s := range steps {
		done, err := s.run()
		if err != nil {
			notDone(i)
			return rep, fmt.Errorf("publish to Grafana at %s: %s: %w (%s)", g.base, s.name, err, rep)
		}
		rep.Published = append(rep.Published, done)
	}
	return rep, nil
}

// grafana is a minimal Grafana HTTP API client.
type grafana struct {
	base   string
	auth   func(*http.Request)
	client *http.Client
}

func newGrafana(opt PublishOptions) (*grafana, error) {
	u, err := url.Parse(strings.TrimRight(opt.URL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("grafana url %q: want an http(s) URL such as http://127.0.0.1:3000", opt.URL)
	}
	g := &grafana{base: u.String(), client: opt.Client, auth: func(*http.Request) {}}
	if g.client == nil {
		timeout := opt.Timeout
		if timeout <= 0 {
			timeout = 10 * time.Second
		}
		g.client = &http.Client{Timeout: timeout}
	}
	if tok := opt.Token; tok != "" {
		if user, pass, basic := strings.Cut(tok, ":"); basic {
			g.auth = func(r *http.Request) { r.SetBasicAuth(user, pass) }
		} else {
			g.auth = func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }
		}
	}
	return g, nil
}

// apiError is a non-2xx answer from Grafana.
type apiError struct {
	Method, Path string
	Status       int
	Message      string
}

func (e *apiError) Error() string {
	switch e.Status {
	case http.StatusUnauthorized:
		return fmt.Sprintf("%s %s: 401 Unauthorized: Grafana rejected the credentials; check --token or %s", e.Method, e.Path, "EFFEKT_GRAFANA_TOKEN")
	case http.StatusForbidden:
		return fmt.Sprintf("%s %s: 403 Forbidden: the token's role may not do this (data sources need Admin, folders and dashboards Editor): %s", e.Method, e.Path, e.Message)
	}
	return fmt.Sprintf("%s %s: HTTP %d: %s", e.Method, e.Path, e.Status, e.Message)
}

// errUnreachable wraps transport failures (refused, timeout, DNS).
var errUnreachable = errors.New("Grafana unreachable")

// do sends body (JSON) and decodes a 2xx answer into out.
func (g *grafana) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("encode %s %s: %w", method, path, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, g.base+path, rd)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", "effekt")
	g.auth(req)
	resp, err := g.client.Do(req)
	if err != nil {
		return fmt.Errorf("%w: %s %s: %v", errUnreachable, method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("%w: %s %s: read answer: %v", errUnreachable, method, path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &apiError{Method: method, Path: path, Status: resp.StatusCode, Message: message(raw)}
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("%s %s: decode answer: %w", method, path, err)
		}
	}
	return nil
}

// message is Grafana's {"message": …} or the start of the body.
func message(raw []byte) string {
	var m struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(raw, &m) == nil && m.Message != "" {
		return m.Message
	}
	s := strings.TrimSpace(string(raw))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	if s == "" {
		s = "(empty answer)"
	}
	return s
}

func status(err error) int {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.Status
	}
	return 0
}

// datasourceBody is the data source as Grafana's API takes it.
func datasourceBody(prometheusURL string) map[string]any {
	if prometheusURL == "" {
		prometheusURL = DefaultPrometheusURL
	}
	return map[string]any{
		"name": DatasourceName, "uid": DatasourceUID, "type": "prometheus", "access": "proxy",
		"url": strings.TrimRight(prometheusURL, "/"), "isDefault": false,
		"jsonData": map[string]any{"httpMethod": "POST", "timeInterval": "15s"},
	}
}

// upsertDatasource creates the data source, or updates it by uid when
// Grafana answers 409 (a data source with that name or uid exists).
func (g *grafana) upsertDatasource(ctx context.Context, prometheusURL string) (string, error) {
	body := datasourceBody(prometheusURL)
	err := g.do(ctx, http.MethodPost, "/api/datasources", body, nil)
	if err == nil {
		return "created", nil
	}
	if status(err) != http.StatusConflict {
		return "", err
	}
	if err := g.do(ctx, http.MethodPut, "/api/datasources/uid/"+DatasourceUID, body, nil); err != nil {
		if status(err) == http.StatusNotFound {
			return "", fmt.Errorf("a data source named %q exists with another uid (409), and none has uid %s: rename or delete it in Grafana: %w",
				DatasourceName, DatasourceUID, err)
		}
		return "", fmt.Errorf("exists (409), update failed: %w", err)
	}
	return "updated", nil
}

// FolderUID is the uid effekt gives a folder it creates with title.
func FolderUID(title string) string {
	s := strings.Trim(regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(strings.ToLower(foldAccents(title)), "-"), "-")
	uid := "effekt"
	if s != "" && s != "effekt" {
		uid += "-" + s
	}
	if len(uid) > 40 {
		uid = strings.TrimRight(uid[:40], "-")
	}
	return uid
}

func foldAccents(s string) string {
	return strings.NewReplacer("å", "a", "ä", "a", "ö", "o", "é", "e", "ü", "u").Replace(s)
}

// ensureFolder finds the folder titled title, or creates it.
func (g *grafana) ensureFolder(ctx context.Context, title string) (uid, verb string, err error) {
	var folders []struct {
		UID   string `json:"uid"`
		Title string `json:"title"`
	}
	if err := g.do(ctx, http.MethodGet, "/api/folders?limit=1000", nil, &folders); err != nil {
		return "", "", err
	}
	for _, f := range folders {
		if f.Title == title {
			return f.UID, "exists", nil
		}
	}
	var created struct {
		UID string `json:"uid"`
	}
	if err := g.do(ctx, http.MethodPost, "/api/folders", map[string]any{"uid": FolderUID(title), "title": title}, &created); err != nil {
		return "", "", err
	}
	if created.UID == "" {
		created.UID = FolderUID(title)
	}
	return created.UID, "created", nil
}

// postDashboard saves b (overwriting the dashboard with its uid) and
// returns the version Grafana stored.
func (g *grafana) postDashboard(ctx context.Context, b Board, folderUID string) (int, error) {
	body := map[string]any{
		"dashboard": json.RawMessage(b.JSON),
		"overwrite": true,
		"message":   "effekt dashboards publish",
	}
	if folderUID != "" {
		body["folderUid"] = folderUID
	}
	var resp struct {
		Version int    `json:"version"`
		Status  string `json:"status"`
	}
	if err := g.do(ctx, http.MethodPost, "/api/dashboards/db", body, &resp); err != nil {
		return 0, err
	}
	return resp.Version, nil
}
