package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/effekt/effekt/access"
	"github.com/effekt/effekt/kolada"
	"github.com/effekt/effekt/models"
)

// values serves /api/v1/values with filters kpi, municipality, period and
// gender (each repeated or a comma list).
func (s *server) values(w http.ResponseWriter, r *http.Request) {
	var f models.Filter
	var err error
	if f.KPIs, err = queryIDs(r, "kpi"); err != nil {
		s.fail(w, r, err)
		return
	}
	if f.Municipalities, err = queryIDs(r, "municipality"); err != nil {
		s.fail(w, r, err)
		return
	}
	if f.Periods, err = queryYears(r, "period"); err != nil {
		s.fail(w, r, err)
		return
	}
	if f.Genders, err = queryIDs(r, "gender"); err != nil {
		s.fail(w, r, err)
		return
	}
	for _, g := range f.Genders {
		if g != "T" && g != "K" && g != "M" {
			s.fail(w, r, badRequest("gender: %q is not T, K or M", g))
			return
		}
	}
	p, err := parsePage(r, kolada.MaxPerPage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if f.ChangedSince, err = fromDate(r); err != nil {
		s.fail(w, r, err)
		return
	}
	vals := s.opt.Snapshots.Load().Query(f)
	writeJSON(w, http.StatusOK, paginate(r, models.Rows(vals, s.opt.Groups), p))
}

// Job is one job of /api/v1/jobs.
type Job struct {
	Name     string   `json:"name"`
	Spec     string   `json:"spec"`
	Next     *string  `json:"next"` // RFC 3339; null when not scheduled
	Running  bool     `json:"running"`
	LastRuns []JobRec `json:"last_runs"`
}

// JobRec is one run of a job.
type JobRec struct {
	RunID      int64   `json:"run_id"`
	Job        string  `json:"job"`
	Trigger    string  `json:"trigger"`
	Outcome    string  `json:"outcome"`
	Error      string  `json:"error"`
	StartedAt  string  `json:"started_at"`
	FinishedAt *string `json:"finished_at"`
	Rows       int64   `json:"rows"`
}

var errNoJobs = &httpError{status: http.StatusServiceUnavailable, msg: "jobs are not run by this process (start `effekt serve`)"}

// jobs serves /api/v1/jobs: the scheduler's jobs and their latest runs.
func (s *server) jobs(w http.ResponseWriter, r *http.Request) {
	if s.opt.Jobs == nil {
		s.fail(w, r, errNoJobs)
		return
	}
	st, err := s.opt.Jobs.Status(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]Job, 0, len(st))
	for _, j := range st {
		job := Job{Name: j.Name, Spec: j.Spec, Running: j.Running, LastRuns: make([]JobRec, 0, len(j.LastRuns))}
		if !j.Next.IsZero() {
			n := j.Next.UTC().Format(time.RFC3339)
			job.Next = &n
		}
		for _, run := range j.LastRuns {
			rec := JobRec{RunID: run.RunID, Job: run.Job, Trigger: run.Trigger, Outcome: run.Outcome, Error: run.Error,
				StartedAt: run.StartedAt.UTC().Format(time.RFC3339), Rows: run.Rows}
			if run.FinishedAt != nil {
				f := run.FinishedAt.UTC().Format(time.RFC3339)
				rec.FinishedAt = &f
			}
			job.LastRuns = append(job.LastRuns, rec)
		}
		out = append(out, job)
	}
	writeJSON(w, http.StatusOK, kolada.NewEnvelope(out, nil, nil))
}

// Triggered is the answer to POST /api/v1/jobs/{name}/run.
type Triggered struct {
	RunID int64  `json:"run_id"`
	Job   string `json:"job"`
}

// runJob serves POST /api/v1/jobs/{name}/run, for operators.
func (s *server) runJob(w http.ResponseWriter, r *http.Request) {
	if s.opt.Jobs == nil {
		s.fail(w, r, errNoJobs)
		return
	}
	name := r.PathValue("name")
	id, err := s.opt.Jobs.Trigger(r.Context(), name)
	switch {
	case errors.Is(err, ErrUnknownJob):
		s.fail(w, r, &httpError{status: http.StatusNotFound, msg: "unknown job: " + name})
	case errors.Is(err, ErrJobBusy):
		s.fail(w, r, &httpError{status: http.StatusConflict, msg: "job " + name + " is already running"})
	case err != nil:
		s.fail(w, r, err)
	default:
		s.log.InfoContext(r.Context(), "job triggered through the API", "job", name, "run_id", id, "by", access.FromContext(r.Context()).Name)
		w.Header().Set("Location", "/api/v1/jobs")
		writeJSON(w, http.StatusAccepted, Triggered{RunID: id, Job: name})
	}
}
