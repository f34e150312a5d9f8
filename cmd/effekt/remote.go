package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/effekt/effekt/access"
	"github.com/effekt/effekt/api"
	"github.com/effekt/effekt/config"
	"github.com/effekt/effekt/ingest"
	"github.com/effekt/effekt/kolada"
	"github.com/effekt/effekt/models"
	"github.com/effekt/effekt/server/serveinfo"
	"github.com/effekt/effekt/store"
)

// remote is the running `effekt serve` that holds the database, found
// through the serve file it writes beside the database (package
// serveinfo); requests carry its per-run local token and the OS user.
type remote struct {
	info   serveinfo.Info
	client *http.Client
}

// runningServer returns the live server recorded beside dbPath, or an
// error wrapping serveinfo.ErrNotRunning.
func runningServer(dbPath string) (*remote, error) {
	info, err := serveinfo.Discover(dbPath)
	if err != nil {
		return nil, err
	}
	return &remote{info: info, client: &http.Client{}}, nil
}

// openRead opens the database read-only for a read command, or, while a
// running `effekt serve` holds it, returns that server instead (one of the
// two is nil). A missing database is an error naming it.
func openRead(ctx context.Context, cfg config.Config, sandboxed bool) (*sql.DB, *remote, error) {
	if srv, err := runningServer(cfg.Paths.Database); err == nil {
		return nil, srv, nil
	}
	if err := mustExist(cfg.Paths.Database, "database"); err != nil {
		return nil, nil, err
	}
	db, err := store.Open(ctx, cfg.Paths.Database, store.Options{ReadOnly: true, Sandboxed: sandboxed})
	if errors.Is(err, store.ErrLocked) {
		return nil, nil, fmt.Errorf("%s is held by another process, and no running effekt serve is recorded beside it (%s)", cfg.Paths.Database, serveinfo.Path(cfg.Paths.Database))
	}
	if err != nil {
		return nil, nil, err
	}
	// text an older masking stored is not shown (a writing open masks it again)
	if err := ingest.CheckMasked(ctx, db); err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("%s: %w", cfg.Paths.Database, err)
	}
	return db, nil, nil
}

// do sends one request to the server and returns the response of a 2xx
// answer; any other answer is an error quoting the server.
func (r *remote) do(ctx context.Context, method, path string, body any) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(r.info.URL, "/")+path, rd)
	if err != nil {
		return nil, fmt.Errorf("request %s: %w", path, err)
	}
	req.Header.Set("Authorization", "Bearer "+r.info.Token)
	req.Header.Set(access.LocalUserHeader, access.OSUser())
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("the running effekt serve (pid %d) at %s does not answer: %w", r.info.PID, r.info.URL, err)
	}
	if resp.StatusCode/100 != 2 {
		defer resp.Body.Close()
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(msg, &e) == nil && e.Error != "" {
			msg = []byte(e.Error)
		}
		return nil, &statusError{url: r.info.URL, status: resp.Status, code: resp.StatusCode, msg: strings.TrimSpace(string(msg))}
	}
	return resp, nil
}

// values reads the published values matching f through /api/v1/values,
// every page.
func (r *remote) values(ctx context.Context, f models.Filter) ([]models.Value, error) {
	q := url.Values{}
	q.Set("per_page", strconv.Itoa(kolada.MaxPerPage))
	for name, list := range map[string][]string{"kpi": f.KPIs, "municipality": f.Municipalities, "gender": f.Genders} {
		if len(list) > 0 {
			q.Set(name, strings.Join(list, ","))
		}
	}
	if len(f.Periods) > 0 {
		var ps []string
		for _, p := range f.Periods {
			ps = append(ps, strconv.Itoa(p))
		}
		q.Set("period", strings.Join(ps, ","))
	}
	var out []models.Value
	for page := 1; ; page++ {
		q.Set("page", strconv.Itoa(page))
		resp, err := r.do(ctx, http.MethodGet, "/api/v1/values?"+q.Encode(), nil)
		if err != nil {
			return nil, err
		}
		var env kolada.Envelope[models.Row]
		err = json.NewDecoder(resp.Body).Decode(&env)
		resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("read /api/v1/values: %w", err)
		}
		for _, row := range env.Values {
			v := models.Value{KPI: row.KPI, Municipality: row.Municipality, Period: row.Period, Gender: row.Gender,
				Numerator: row.Numerator, Denominator: row.Denominator, Value: row.Value, CILow: row.CILow, CIHigh: row.CIHigh,
				Status: row.Status, Members: row.Members}
			v.AsOf, _ = time.Parse(time.DateOnly, row.AsOf)
			out = append(out, v)
		}
		if env.NextURL == nil || len(env.Values) == 0 {
			return out, nil
		}
	}
}

// runJobAndWait has the server run job and waits for the run to end; it
// returns the finished run. A run that did not end ok is an error.
func (r *remote) runJobAndWait(ctx context.Context, job string, progress io.Writer) (api.JobRec, error) {
	var trig api.Triggered
	resp, err := r.do(ctx, http.MethodPost, "/api/v1/jobs/"+job+"/run", nil)
	var busy *statusError
	switch {
	case errors.As(err, &busy) && busy.code == http.StatusConflict:
		// The same job runs already (e.g. the compute chained to an
		// ingest): its result is what was asked for.
		jobs, err := r.jobs(ctx)
		if err != nil {
			return api.JobRec{}, err
		}
		for _, j := range jobs {
			for _, run := range j.LastRuns {
				if j.Name == job && run.FinishedAt == nil && trig.RunID == 0 {
					trig.RunID = run.RunID
				}
			}
		}
		if trig.RunID == 0 {
			return api.JobRec{}, busy
		}
		fmt.Fprintf(progress, "the running effekt serve (pid %d, %s) holds the database and is running the %s job already (run %d); waiting for it …\n", r.info.PID, r.info.URL, job, trig.RunID)
	case err != nil:
		return api.JobRec{}, err
	default:
		err = json.NewDecoder(resp.Body).Decode(&trig)
		resp.Body.Close()
		if err != nil {
			return api.JobRec{}, fmt.Errorf("read the answer to POST /api/v1/jobs/%s/run: %w", job, err)
		}
		fmt.Fprintf(progress, "the running effekt serve (pid %d, %s) holds the database; it runs the %s job (run %d) …\n", r.info.PID, r.info.URL, job, trig.RunID)
	}
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return api.JobRec{}, fmt.Errorf("stopped waiting for run %d of %s (it goes on in the server): %w", trig.RunID, job, ctx.Err())
		case <-tick.C:
		}
		jobs, err := r.jobs(ctx)
		if err != nil {
			return api.JobRec{}, err
		}
		for _, j := range jobs {
			for _, run := range j.LastRuns {
				if run.RunID != trig.RunID || run.FinishedAt == nil || run.Outcome == "running" {
					continue
				}
				if run.Outcome != "ok" {
					return run, fmt.Errorf("the server's %s run %d ended %s: %s", job, run.RunID, run.Outcome, run.Error)
				}
				return run, nil
			}
		}
	}
}

// jobs reads /api/v1/jobs.
func (r *remote) jobs(ctx context.Context) ([]api.Job, error) {
	resp, err := r.do(ctx, http.MethodGet, "/api/v1/jobs", nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var env kolada.Envelope[api.Job]
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		return nil, fmt.Errorf("read /api/v1/jobs: %w", err)
	}
	return env.Values, nil
}

// statusError is a server's answer other than 2xx.
type statusError struct {
	url, status, msg string
	code             int
}

func (e *statusError) Error() string {
	return fmt.Sprintf("the running effekt serve at %s answered %s: %s", e.url, e.status, e.msg)
}
