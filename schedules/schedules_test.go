package schedules

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/effekt/effekt/store"
)

func openDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := store.Open(context.Background(), ":memory:", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// observer counts what the scheduler reports.
type observer struct {
	mu      sync.Mutex
	done    map[string]int // job/outcome -> runs
	running map[string]bool
}

func newObserver() *observer { return &observer{done: map[string]int{}, running: map[string]bool{}} }

func (o *observer) JobRunning(job string, r bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.running[job] = r
}

func (o *observer) JobDone(job, outcome string, d time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.done[job+"/"+outcome]++
}

func (o *observer) count(key string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.done[key]
}

func newScheduler(t *testing.T, db *sql.DB, jobs []Job, opt Options) *Scheduler {
	t.Helper()
	opt.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := New(context.Background(), db, jobs, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		s.Stop(ctx)
	})
	return s
}

// runs returns job_runs as (job, trigger, outcome, rows, error) in run order.
func runs(t *testing.T, db *sql.DB) []Run {
	t.Helper()
	rows, err := db.Query(`SELECT ` + runColumns + ` FROM job_runs ORDER BY run_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

type brief struct {
	Job, Trigger, Outcome string
	Rows                  int64
	Error                 string
}

func briefs(t *testing.T, db *sql.DB) []brief {
	var out []brief
	for _, r := range runs(t, db) {
		if r.Outcome != OutcomeRunning && r.FinishedAt == nil {
			t.Errorf("run %d %s has no finished_at", r.RunID, r.Outcome)
		}
		out = append(out, brief{r.Job, r.Trigger, r.Outcome, r.Rows, r.Error})
	}
	return out
}

func equalBriefs(t *testing.T, got, want []brief) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("runs:\n got %+v\nwant %+v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("run %d: got %+v, want %+v", i+1, got[i], want[i])
		}
	}
}

func TestOutcomesRecorded(t *testing.T) {
	tests := []struct {
		name string
		run  Func
		want brief
	}{
		{"ok with rows", func(context.Context) (int64, error) { return 42, nil }, brief{"j", "api", "ok", 42, ""}},
		{"failed keeps rows and error", func(context.Context) (int64, error) { return 3, errors.New("file x: bad header") }, brief{"j", "api", "failed", 3, "file x: bad header"}},
		{"panic", func(context.Context) (int64, error) { panic("boom") }, brief{"j", "api", "panic", 0, "panic: boom"}},
		{"nil map panic", func(context.Context) (int64, error) { var m map[string]int; m["x"] = 1; return 1, nil },
			brief{"j", "api", "panic", 0, "panic: assignment to entry in nil map"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := openDB(t)
			obs := newObserver()
			s := newScheduler(t, db, []Job{{Name: "j", Run: tc.run}}, Options{Observer: obs})
			id, err := s.Trigger(context.Background(), "j", TriggerAPI)
			if err != nil {
				t.Fatal(err)
			}
			if id != 1 {
				t.Errorf("run id = %d, want 1", id)
			}
			s.Wait()
			equalBriefs(t, briefs(t, db), []brief{tc.want})
			if got := obs.count("j/" + tc.want.Outcome); got != 1 {
				t.Errorf("observer %s count = %d, want 1", tc.want.Outcome, got)
			}
		})
	}
}

func TestPanicThenNextRuns(t *testing.T) {
	db := openDB(t)
	calls := 0
	s := newScheduler(t, db, []Job{{Name: "compute", Run: func(context.Context) (int64, error) {
		calls++
		if calls == 1 {
			panic("first run explodes")
		}
		return 9, nil
	}}}, Options{})
	for range 2 {
		if _, err := s.Trigger(context.Background(), "compute", TriggerCLI); err != nil {
			t.Fatal(err)
		}
		s.Wait()
	}
	equalBriefs(t, briefs(t, db), []brief{
		{"compute", "cli", "panic", 0, "panic: first run explodes"},
		{"compute", "cli", "ok", 9, ""},
	})
}

func TestNoOverlap(t *testing.T) {
	db := openDB(t)
	obs := newObserver()
	started, release := make(chan struct{}), make(chan struct{})
	s := newScheduler(t, db, []Job{{Name: "ingest", Run: func(context.Context) (int64, error) {
		close(started)
		<-release
		return 7, nil
	}}}, Options{Observer: obs})
	if _, err := s.Trigger(context.Background(), "ingest", TriggerAPI); err != nil {
		t.Fatal(err)
	}
	<-started
	// A scheduled tick while it runs is skipped and recorded.
	s.start("ingest", TriggerSchedule)
	// A triggered run while it runs is refused.
	if _, err := s.Trigger(context.Background(), "ingest", TriggerAPI); !errors.Is(err, ErrBusy) {
		t.Errorf("second Trigger err = %v, want ErrBusy", err)
	}
	if _, err := s.Trigger(context.Background(), "nope", TriggerAPI); !errors.Is(err, ErrUnknownJob) {
		t.Errorf("unknown Trigger err = %v, want ErrUnknownJob", err)
	}
	st, err := s.Status(context.Background(), 5)
	if err != nil {
		t.Fatal(err)
	}
	if !st[0].Running || st[0].Spec != "off" || len(st[0].LastRuns) != 2 || st[0].LastRuns[0].Outcome != OutcomeSkipped {
		t.Errorf("status while running = %+v", st[0])
	}
	close(release)
	s.Wait()
	equalBriefs(t, briefs(t, db), []brief{
		{"ingest", "api", "ok", 7, ""},
		{"ingest", "schedule", "skipped", 0, "previous run still running"},
	})
	if obs.count("ingest/skipped") != 1 || obs.count("ingest/ok") != 1 {
		t.Errorf("observer = %v", obs.done)
	}
	if obs.running["ingest"] {
		t.Error("observer still sees ingest running")
	}
}

func TestChain(t *testing.T) {
	tests := []struct {
		name       string
		ingestRows int64
		ingestErr  error
		want       []brief
	}{
		{"loaded rows chain compute", 120, nil, []brief{{"ingest", "api", "ok", 120, ""}, {"compute", "chain", "ok", 33, ""}}},
		{"nothing loaded, no compute", 0, nil, []brief{{"ingest", "api", "ok", 0, ""}}},
		{"failed but loaded rows chain compute", 5, errors.New("disk full"),
			[]brief{{"ingest", "api", "failed", 5, "disk full"}, {"compute", "chain", "ok", 33, ""}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := openDB(t)
			s := newScheduler(t, db, []Job{
				{Name: "ingest", Then: "compute", Run: func(context.Context) (int64, error) { return tc.ingestRows, tc.ingestErr }},
				{Name: "compute", Run: func(context.Context) (int64, error) { return 33, nil }},
			}, Options{})
			if _, err := s.Trigger(context.Background(), "ingest", TriggerAPI); err != nil {
				t.Fatal(err)
			}
			s.Wait() // the chained run is registered before the first one ends
			equalBriefs(t, briefs(t, db), tc.want)
		})
	}
}

// TestWritersQueue: writer jobs never overlap. An ingest asked for while a
// compute runs waits for it; a compute asked for while that ingest runs
// runs after it (not during it), and the ingest's chained compute finds it
// queued and is recorded as skipped; it does not run again, since the queued
// compute starts after the ingest and reads its rows.
func TestWritersQueue(t *testing.T) {
	db := openDB(t)
	var running atomic.Int32 // writer runs in progress
	var overlap atomic.Bool
	var order []string
	var mu sync.Mutex
	computeStarted, releaseCompute := make(chan struct{}), make(chan struct{})
	ingestStarted, releaseIngest := make(chan struct{}), make(chan struct{})
	computes := 0
	enter := func(name string) func() {
		if running.Add(1) > 1 {
			overlap.Store(true)
		}
		mu.Lock()
		order = append(order, name)
		mu.Unlock()
		return func() { running.Add(-1) }
	}
	s := newScheduler(t, db, []Job{
		{Name: "ingest", Then: "compute", Run: func(context.Context) (int64, error) {
			defer enter("ingest")()
			close(ingestStarted)
			<-releaseIngest
			return 1, nil
		}},
		{Name: "compute", Run: func(context.Context) (int64, error) {
			defer enter("compute")()
			computes++
			if computes == 1 {
				close(computeStarted)
				<-releaseCompute
			}
			return 2, nil
		}},
	}, Options{})
	if _, err := s.Trigger(context.Background(), "compute", TriggerSchedule); err != nil {
		t.Fatal(err)
	}
	<-computeStarted
	if _, err := s.Trigger(context.Background(), "ingest", TriggerAPI); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ingestStarted:
		t.Fatal("ingest started while compute ran")
	case <-time.After(200 * time.Millisecond):
	}
	close(releaseCompute)
	<-ingestStarted
	// A compute asked for during the ingest is accepted and queued.
	if _, err := s.Trigger(context.Background(), "compute", TriggerAPI); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	mu.Lock()
	if len(order) != 2 {
		t.Errorf("runs started during the ingest: %v", order)
	}
	mu.Unlock()
	close(releaseIngest)
	s.Wait()
	if overlap.Load() {
		t.Error("two writer runs overlapped")
	}
	equalBriefs(t, briefs(t, db), []brief{
		{"compute", "schedule", "ok", 2, ""},
		{"ingest", "api", "ok", 1, ""},
		{"compute", "api", "ok", 2, ""},
		{"compute", "chain", "skipped", 0, "previous run still running"},
	})
	if want := []string{"compute", "ingest", "compute"}; !slices.Equal(order, want) {
		t.Errorf("order %v, want %v", order, want)
	}
}

func TestStopWaitsForRunningJob(t *testing.T) {
	db := openDB(t)
	started, release := make(chan struct{}), make(chan struct{})
	s := newScheduler(t, db, []Job{{Name: "export", Run: func(context.Context) (int64, error) {
		close(started)
		<-release
		return 4, nil
	}}}, Options{Grace: time.Hour})
	if _, err := s.Trigger(context.Background(), "export", TriggerAPI); err != nil {
		t.Fatal(err)
	}
	<-started
	stopped := make(chan error)
	go func() { stopped <- s.Stop(context.Background()) }()
	// Once Stop has begun, new runs are refused.
	for {
		_, err := s.Trigger(context.Background(), "export", TriggerAPI)
		if errors.Is(err, ErrStopped) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	select {
	case err := <-stopped:
		t.Fatalf("Stop returned %v while the job was running", err)
	default:
	}
	close(release)
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	equalBriefs(t, briefs(t, db), []brief{{"export", "api", "ok", 4, ""}})
}

func TestStopCancelsAfterGrace(t *testing.T) {
	db := openDB(t)
	started := make(chan struct{})
	s := newScheduler(t, db, []Job{{Name: "ingest", Run: func(ctx context.Context) (int64, error) {
		close(started)
		<-ctx.Done()
		return 0, ctx.Err()
	}}}, Options{Grace: 20 * time.Millisecond})
	if _, err := s.Trigger(context.Background(), "ingest", TriggerAPI); err != nil {
		t.Fatal(err)
	}
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	equalBriefs(t, briefs(t, db), []brief{{"ingest", "api", "failed", 0, "context canceled"}})
}

func TestRunNow(t *testing.T) {
	db := openDB(t)
	s := newScheduler(t, db, []Job{{Name: "export", Run: func(context.Context) (int64, error) { return 12, nil }}}, Options{})
	r, err := s.RunNow(context.Background(), "export", TriggerCLI)
	if err != nil {
		t.Fatal(err)
	}
	if r.RunID != 1 || r.Outcome != OutcomeOK || r.Rows != 12 || r.Trigger != TriggerCLI || r.FinishedAt == nil {
		t.Errorf("run = %+v", r)
	}
}

func TestCronScheduleRuns(t *testing.T) {
	db := openDB(t)
	ran := make(chan struct{}, 10)
	s := newScheduler(t, db, []Job{
		{Name: "ingest", Spec: "@every 1s", Run: func(context.Context) (int64, error) { ran <- struct{}{}; return 0, nil }},
		{Name: "export", Spec: "off", Run: func(context.Context) (int64, error) { return 0, nil }},
	}, Options{})
	s.Start()
	select {
	case <-ran:
	case <-time.After(10 * time.Second):
		t.Fatal("scheduled job did not run within 10 s")
	}
	st, err := s.Status(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if st[0].Next.IsZero() || st[0].Spec != "@every 1s" {
		t.Errorf("ingest status = %+v, want a next time", st[0])
	}
	if !st[1].Next.IsZero() || st[1].Spec != "off" {
		t.Errorf("export status = %+v, want off without next", st[1])
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	rs := runs(t, db)
	if len(rs) == 0 || rs[0].Trigger != TriggerSchedule || rs[0].Outcome != OutcomeOK {
		t.Errorf("runs = %+v, want a scheduled ok run first", rs)
	}
}

func TestStaleRunsMarkedFailed(t *testing.T) {
	db := openDB(t)
	if _, err := db.Exec(`INSERT INTO job_runs (run_id, job, trigger, started_at, outcome) VALUES (nextval('run_id_seq'), 'ingest', 'schedule', now(), 'running')`); err != nil {
		t.Fatal(err)
	}
	newScheduler(t, db, []Job{{Name: "ingest", Run: func(context.Context) (int64, error) { return 0, nil }}}, Options{})
	equalBriefs(t, briefs(t, db), []brief{{"ingest", "schedule", "failed", 0, "interrupted: the process stopped during the run"}})
}

func TestNewRejects(t *testing.T) {
	db := openDB(t)
	ok := func(context.Context) (int64, error) { return 0, nil }
	tests := []struct {
		name string
		jobs []Job
	}{
		{"bad spec", []Job{{Name: "a", Spec: "every now and then", Run: ok}}},
		{"duplicate", []Job{{Name: "a", Run: ok}, {Name: "a", Run: ok}}},
		{"unknown chain", []Job{{Name: "a", Run: ok, Then: "b"}}},
		{"no func", []Job{{Name: "a"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(context.Background(), db, tc.jobs, Options{}); err == nil {
				t.Error("New succeeded, want an error")
			}
		})
	}
}

// TestStartCatchesUpChain: rows loaded by an ingest whose chained compute
// never ran (the process stopped) are computed when the scheduler starts.
func TestStartCatchesUpChain(t *testing.T) {
	tests := []struct {
		name    string
		history string
		want    bool
	}{
		{"ingest loaded, no compute since", `
			(1, 'compute', 'schedule', TIMESTAMPTZ '2024-01-01 01:00:00+00', TIMESTAMPTZ '2024-01-01 01:01:00+00', 'ok', 3, NULL),
			(2, 'ingest', 'api', TIMESTAMPTZ '2024-01-01 02:00:00+00', TIMESTAMPTZ '2024-01-01 02:01:00+00', 'ok', 8, NULL),
			(3, 'compute', 'chain', TIMESTAMPTZ '2024-01-01 02:01:00+00', TIMESTAMPTZ '2024-01-01 02:01:00+00', 'skipped', 0, NULL)`, true},
		{"compute ran after ingest", `
			(1, 'ingest', 'api', TIMESTAMPTZ '2024-01-01 02:00:00+00', TIMESTAMPTZ '2024-01-01 02:01:00+00', 'ok', 8, NULL),
			(2, 'compute', 'chain', TIMESTAMPTZ '2024-01-01 02:01:00+00', TIMESTAMPTZ '2024-01-01 02:02:00+00', 'failed', 0, 'x')`, false},
		{"ingest loaded nothing", `
			(1, 'ingest', 'api', TIMESTAMPTZ '2024-01-01 02:00:00+00', TIMESTAMPTZ '2024-01-01 02:01:00+00', 'ok', 0, NULL)`, false},
		{"no history", ``, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := openDB(t)
			if tc.history != "" {
				if _, err := db.Exec(`INSERT INTO job_runs VALUES ` + tc.history); err != nil {
					t.Fatal(err)
				}
				// Move the sequence past the inserted run ids.
				if _, err := db.Exec(`SELECT nextval('run_id_seq') FROM range(100)`); err != nil {
					t.Fatal(err)
				}
			}
			computed := make(chan struct{}, 1)
			s := newScheduler(t, db, []Job{
				{Name: "ingest", Then: "compute", Run: func(context.Context) (int64, error) { return 0, nil }},
				{Name: "compute", Run: func(context.Context) (int64, error) { computed <- struct{}{}; return 1, nil }},
			}, Options{})
			s.Start()
			s.Wait()
			ran := len(computed) == 1
			if ran != tc.want {
				t.Errorf("compute ran = %v, want %v", ran, tc.want)
			}
		})
	}
}
