package dashboards

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeGrafana answers the part of Grafana's HTTP API that Publish uses, as
// documented (https://grafana.com/docs/grafana/latest/developers/http_api/),
// checks every request's method, path, headers and body, and keeps state.
type fakeGrafana struct {
	t      *testing.T
	auth   string         // expected Authorization header
	fail   map[string]int // "METHOD path" → status to answer instead
	delay  time.Duration
	mu     sync.Mutex
	calls  []string
	ds     map[string]map[string]any // by uid
	folder map[string]string         // uid → title
	boards map[string]map[string]any // uid → POST body
}

func newFake(t *testing.T, auth string) *fakeGrafana {
	return &fakeGrafana{t: t, auth: auth, fail: map[string]int{}, ds: map[string]map[string]any{},
		folder: map[string]string{}, boards: map[string]map[string]any{}}
}

func (f *fakeGrafana) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	time.Sleep(f.delay)
	f.mu.Lock()
	defer f.mu.Unlock()
	key := r.Method + " " + r.URL.Path
	f.calls = append(f.calls, key)
	reply := func(code int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		json.NewEncoder(w).Encode(v)
	}
	if got := r.Header.Get("Authorization"); got != f.auth {
		reply(http.StatusUnauthorized, map[string]any{"message": "invalid API key"})
		return
	}
	if code, ok := f.fail[key]; ok {
		reply(code, map[string]any{"message": fmt.Sprintf("forced %d", code)})
		return
	}
	var body map[string]any
	if r.Method == http.MethodPost || r.Method == http.MethodPut {
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			f.t.Errorf("%s: Content-Type %q, want application/json", key, ct)
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			f.t.Errorf("%s: body is not JSON: %v", key, err)
			reply(http.StatusBadRequest, map[string]any{"message": "bad request data"})
			return
		}
	}
	switch {
	case key == "POST /api/datasources":
		for _, k := range []string{"name", "type", "uid", "url", "access"} {
			if body[k] == nil {
				f.t.Errorf("%s: %s missing in %v", key, k, body)
			}
		}
		uid := body["uid"].(string)
		if _, ok := f.ds[uid]; ok {
			reply(http.StatusConflict, map[string]any{"message": "data source with the same name already exists"})
			return
		}
		f.ds[uid] = body
		reply(http.StatusOK, map[string]any{"id": 1, "message": "Datasource added", "name": body["name"]})
	case strings.HasPrefix(key, "PUT /api/datasources/uid/"):
		uid := strings.TrimPrefix(r.URL.Path, "/api/datasources/uid/")
		if _, ok := f.ds[uid]; !ok {
			reply(http.StatusNotFound, map[string]any{"message": "Data source not found"})
			return
		}
		f.ds[uid] = body
		reply(http.StatusOK, map[string]any{"id": 1, "message": "Datasource updated"})
	case key == "GET /api/folders":
		var out []map[string]any
		for uid, title := range f.folder {
			out = append(out, map[string]any{"id": 7, "uid": uid, "title": title})
		}
		if out == nil {
			out = []map[string]any{}
		}
		reply(http.StatusOK, out)
	case key == "POST /api/folders":
		uid, _ := body["uid"].(string)
		title, _ := body["title"].(string)
		if title == "" {
			reply(http.StatusBadRequest, map[string]any{"message": "folder title cannot be empty"})
			return
		}
		f.folder[uid] = title
		reply(http.StatusOK, map[string]any{"id": 7, "uid": uid, "title": title})
	case key == "POST /api/dashboards/db":
		d, ok := body["dashboard"].(map[string]any)
		if !ok {
			reply(http.StatusBadRequest, map[string]any{"message": "dashboard missing"})
			return
		}
		if _, has := d["id"]; has {
			f.t.Errorf("%s: dashboard %v carries an id", key, d["uid"])
		}
		if body["overwrite"] != true {
			f.t.Errorf("%s: overwrite %v, want true", key, body["overwrite"])
		}
		if fu, ok := body["folderUid"].(string); ok {
			if _, exists := f.folder[fu]; !exists {
				reply(http.StatusBadRequest, map[string]any{"message": "folder not found"})
				return
			}
		}
		uid := d["uid"].(string)
		version := 1
		if old, ok := f.boards[uid]; ok {
			version = int(old["_version"].(float64)) + 1
		}
		body["_version"] = float64(version)
		f.boards[uid] = body
		reply(http.StatusOK, map[string]any{"id": 3, "uid": uid, "status": "success", "version": version, "url": "/d/" + uid})
	default:
		f.t.Errorf("unexpected request %s", key)
		reply(http.StatusNotFound, map[string]any{"message": "Not found"})
	}
}

func TestPublish(t *testing.T) {
	bs := boards(t)
	tests := []struct {
		name          string
		token, auth   string // token given, Authorization the fake expects
		folder        string
		setup         func(f *fakeGrafana)
		wantErr       []string // substrings of the error; none: success
		wantPublished []string
		wantNot       []string
		wantCalls     []string
	}{
		{
			name: "fresh Grafana, folder created", token: "glsa_tok", auth: "Bearer glsa_tok", folder: "Integration Södertörn",
			wantPublished: []string{"data source effekt-prometheus (created)", `folder "Integration Södertörn" (uid effekt-integration-sodertorn, created)`,
				"dashboard effekt-indikatorer (version 1)", "dashboard effekt-kommun (version 1)", "dashboard effekt-dataflode (version 1)"},
			wantCalls: []string{"POST /api/datasources", "GET /api/folders", "POST /api/folders",
				"POST /api/dashboards/db", "POST /api/dashboards/db", "POST /api/dashboards/db"},
		},
		{
			name:  "everything exists: 409 updates the data source, folder found by title, dashboards overwritten",
			token: "glsa_tok", auth: "Bearer glsa_tok", folder: "effekt",
			setup: func(f *fakeGrafana) {
				f.ds[DatasourceUID] = map[string]any{"url": "http://old:9090"}
				f.folder["abc123"] = "effekt"
				for _, b := range bs {
					f.boards[b.UID] = map[string]any{"_version": float64(4)}
				}
			},
			wantPublished: []string{"data source effekt-prometheus (updated)", `folder "effekt" (uid abc123, exists)`,
				"dashboard effekt-indikatorer (version 5)", "dashboard effekt-kommun (version 5)", "dashboard effekt-dataflode (version 5)"},
			wantCalls: []string{"POST /api/datasources", "PUT /api/datasources/uid/effekt-prometheus", "GET /api/folders",
				"POST /api/dashboards/db", "POST /api/dashboards/db", "POST /api/dashboards/db"},
		},
		{
			name: "basic auth, no folder", token: "admin:secret", auth: "Basic YWRtaW46c2VjcmV0",
			wantPublished: []string{"data source effekt-prometheus (created)",
				"dashboard effekt-indikatorer (version 1)", "dashboard effekt-kommun (version 1)", "dashboard effekt-dataflode (version 1)"},
			wantCalls: []string{"POST /api/datasources", "POST /api/dashboards/db", "POST /api/dashboards/db", "POST /api/dashboards/db"},
		},
		{
			name: "401: wrong token, nothing published", token: "wrong", auth: "Bearer right", folder: "effekt",
			wantErr:   []string{"401 Unauthorized", "EFFEKT_GRAFANA_TOKEN", "published: nothing"},
			wantNot:   []string{"data source effekt-prometheus", `folder "effekt"`, "dashboard effekt-indikatorer", "dashboard effekt-kommun", "dashboard effekt-dataflode"},
			wantCalls: []string{"POST /api/datasources"},
		},
		{
			name: "403 on dashboards: data source and folder published, no dashboard", token: "t", auth: "Bearer t", folder: "effekt",
			setup:         func(f *fakeGrafana) { f.fail["POST /api/dashboards/db"] = http.StatusForbidden },
			wantErr:       []string{"403 Forbidden", "dashboard effekt-indikatorer", "not published: dashboard effekt-indikatorer, dashboard effekt-kommun, dashboard effekt-dataflode"},
			wantPublished: []string{"data source effekt-prometheus (created)", `folder "effekt" (uid effekt, created)`},
			wantNot:       []string{"dashboard effekt-indikatorer", "dashboard effekt-kommun", "dashboard effekt-dataflode"},
			wantCalls:     []string{"POST /api/datasources", "GET /api/folders", "POST /api/folders", "POST /api/dashboards/db"},
		},
		{
			name: "409 then failing update", token: "t", auth: "Bearer t",
			setup: func(f *fakeGrafana) {
				f.ds[DatasourceUID] = map[string]any{}
				f.fail["PUT /api/datasources/uid/effekt-prometheus"] = http.StatusInternalServerError
			},
			wantErr:   []string{"exists (409), update failed", "HTTP 500: forced 500"},
			wantNot:   []string{"data source effekt-prometheus", "dashboard effekt-indikatorer", "dashboard effekt-kommun", "dashboard effekt-dataflode"},
			wantCalls: []string{"POST /api/datasources", "PUT /api/datasources/uid/effekt-prometheus"},
		},
		{
			name: "409 by name, other uid: PUT by uid finds nothing", token: "t", auth: "Bearer t",
			setup: func(f *fakeGrafana) {
				f.fail["POST /api/datasources"] = http.StatusConflict
			},
			wantErr:   []string{`a data source named "effekt Prometheus" exists with another uid`, "HTTP 404"},
			wantNot:   []string{"data source effekt-prometheus", "dashboard effekt-indikatorer", "dashboard effekt-kommun", "dashboard effekt-dataflode"},
			wantCalls: []string{"POST /api/datasources", "PUT /api/datasources/uid/effekt-prometheus"},
		},
		{
			name: "500 on folders", token: "t", auth: "Bearer t", folder: "effekt",
			setup:         func(f *fakeGrafana) { f.fail["GET /api/folders"] = http.StatusInternalServerError },
			wantErr:       []string{`folder "effekt"`, "HTTP 500"},
			wantPublished: []string{"data source effekt-prometheus (created)"},
			wantNot:       []string{`folder "effekt"`, "dashboard effekt-indikatorer", "dashboard effekt-kommun", "dashboard effekt-dataflode"},
			wantCalls:     []string{"POST /api/datasources", "GET /api/folders"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, tc.auth)
			if tc.setup != nil {
				tc.setup(f)
			}
			srv := httptest.NewServer(f)
			defer srv.Close()
			rep, err := Publish(context.Background(), bs, PublishOptions{URL: srv.URL + "/", Token: tc.token, Folder: tc.folder, PrometheusURL: "http://prom:9090/"})
			if len(tc.wantErr) == 0 && err != nil {
				t.Fatalf("Publish: %v", err)
			}
			if len(tc.wantErr) > 0 {
				if err == nil {
					t.Fatalf("Publish succeeded, want error with %q", tc.wantErr)
				}
				for _, w := range tc.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q lacks %q", err, w)
					}
				}
			}
			if fmt.Sprint(rep.Published) != fmt.Sprint(tc.wantPublished) {
				t.Errorf("published %q\nwant      %q", rep.Published, tc.wantPublished)
			}
			if fmt.Sprint(rep.NotPublished) != fmt.Sprint(tc.wantNot) {
				t.Errorf("not published %q\nwant          %q", rep.NotPublished, tc.wantNot)
			}
			if fmt.Sprint(f.calls) != fmt.Sprint(tc.wantCalls) {
				t.Errorf("calls %q\nwant  %q", f.calls, tc.wantCalls)
			}
			if err != nil {
				return
			}
			if ds := f.ds[DatasourceUID]; ds["url"] != "http://prom:9090" || ds["type"] != "prometheus" || ds["name"] != DatasourceName {
				t.Errorf("data source stored %v", ds)
			}
			for _, b := range bs {
				body := f.boards[b.UID]
				d, _ := body["dashboard"].(map[string]any)
				if d["uid"] != b.UID || d["title"] != b.Title || d["schemaVersion"] != float64(SchemaVersion) {
					t.Errorf("dashboard %s stored as uid %v title %v", b.UID, d["uid"], d["title"])
				}
				wantFolder := map[string]any{"": nil, "effekt": "abc123", "Integration Södertörn": "effekt-integration-sodertorn"}[tc.folder]
				if body["folderUid"] != wantFolder {
					t.Errorf("dashboard %s folderUid %v, want %v", b.UID, body["folderUid"], wantFolder)
				}
			}
		})
	}
}

// TestPublishUnreachable: a refused connection and a hung server give a
// clear error naming what was not published, within the timeout.
func TestPublishUnreachable(t *testing.T) {
	bs := boards(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String()
	ln.Close()
	slow := newFake(t, "Bearer t")
	slow.delay = time.Second
	srv := httptest.NewServer(slow)
	defer srv.Close()
	for _, tc := range []struct{ name, url string }{{"refused", refused}, {"timeout", srv.URL}} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			rep, err := Publish(context.Background(), bs, PublishOptions{URL: tc.url, Token: "t", Timeout: 200 * time.Millisecond})
			if err == nil {
				t.Fatal("Publish succeeded")
			}
			if d := time.Since(start); d > 1500*time.Millisecond {
				t.Errorf("took %v, want the 200 ms timeout to bound it", d)
			}
			for _, w := range []string{"Grafana unreachable", tc.url, "published: nothing", "not published: data source effekt-prometheus, dashboard effekt-indikatorer"} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if len(rep.Published) != 0 || len(rep.NotPublished) != 4 {
				t.Errorf("report %+v", rep)
			}
		})
	}
}

func TestPublishBadURL(t *testing.T) {
	_, err := Publish(context.Background(), boards(t), PublishOptions{URL: "grafana:3000"})
	if err == nil || !strings.Contains(err.Error(), "want an http(s) URL") {
		t.Errorf("err = %v", err)
	}
}

func TestFolderUID(t *testing.T) {
	for in, want := range map[string]string{
		"effekt": "effekt", "Integration Södertörn": "effekt-integration-sodertorn", "  ": "effekt",
		"Samhällsorientering i samverkan – Stockholms län": "effekt-samhallsorientering-i-samverkan-s", // cut at 40
	} {
		if got := FolderUID(in); got != want {
			t.Errorf("FolderUID(%q) = %q, want %q", in, got, want)
		}
	}
}
