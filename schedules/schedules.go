// Package schedules runs effekt's jobs (ingest, compute, export) on cron
// schedules, on demand and chained, one run of a job at a time, and records
// every run in the job_runs table.
//
// Writer jobs never overlap: every run holds the scheduler's one writer slot
// while it works, so runs of different jobs queue in the order they were
// started (a compute asked for during an ingest runs after it). A run that
// finds its own job still running or queued is recorded as skipped; a run
// that panics is recorded as panic and the next run goes ahead. Stop lets running
// jobs finish for a grace period, then cancels their context so their
// transactions roll back.
package schedules

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"
)

// Triggers: what started a run.
const (
	TriggerSchedule = "schedule"
	TriggerAPI      = "api"
	TriggerCLI      = "cli"
	TriggerChain    = "chain"
)

// Outcomes of a run, as recorded in job_runs and counted in metrics.
const (
	OutcomeRunning = "running"
	OutcomeOK      = "ok"
	OutcomeFailed  = "failed"
	OutcomePanic   = "panic"
	OutcomeSkipped = "skipped"
)

// Errors of Trigger.
var (
	ErrUnknownJob = errors.New("unknown job")
	ErrBusy       = errors.New("job is already running")
	ErrStopped    = errors.New("scheduler is stopping")
)

// Func does the work of one run and reports how many rows it produced
// (loaded, computed or exported). Its context is cancelled when the
// scheduler's grace period runs out on Stop.
type Func func(ctx context.Context) (rows int64, err error)

// Job is one named job.
type Job struct {
	Name string
	// Spec is a cron spec (5 fields or a descriptor such as @daily); "" or
	// "off" runs the job only when triggered.
	Spec string
	Run  Func
	// Then names a job to trigger (trigger "chain") after a run of this one
	// that produced rows and did not panic.
	Then string
}

// Observer is told about runs; metrics implements it.
type Observer interface {
	JobRunning(job string, running bool)
	// JobDone reports a finished run; d is zero for a skipped run.
	JobDone(job, outcome string, d time.Duration)
}

// Options configure a Scheduler.
type Options struct {
	Logger   *slog.Logger
	Observer Observer
	// Grace is how long Stop lets running jobs finish before cancelling
	// them; 0 cancels at once.
	Grace time.Duration
	// Location of the cron specs; nil is time.Local.
	Location *time.Location
	// Now is the clock for recorded times; nil is time.Now.
	Now func() time.Time
}

// Scheduler runs jobs. Create it with New, then Start it; Stop it once.
type Scheduler struct {
	db   *sql.DB
	opt  Options
	log  *slog.Logger
	cron *cron.Cron

	jobs  map[string]*job
	order []string

	base     context.Context // parent of every run's context
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	mu       sync.Mutex
	stopping bool
	cancels  sync.Map // run id -> context.CancelFunc of a running run
	// writer is the one writer slot; runs wait for it in FIFO order (a
	// buffered channel's blocked senders are served first come, first
	// served).
	writer chan struct{}
}

type job struct {
	Job
	entry   cron.EntryID
	running atomic.Bool
	pending atomic.Bool // a chained run arrived while running: run again after
	// executing is set while a run holds the writer slot; a run that is
	// running but not executing is queued and has not read anything yet.
	executing atomic.Bool
}

// New checks the jobs' specs and returns a scheduler that has not started.
// Runs left "running" in job_runs by a process that died are marked failed.
func New(ctx context.Context, db *sql.DB, jobs []Job, opt Options) (*Scheduler, error) {
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Location == nil {
		opt.Location = time.Local
	}
	s := &Scheduler{db: db, opt: opt, log: opt.Logger.With("component", "schedules"), jobs: map[string]*job{}, writer: make(chan struct{}, 1)}
	cl := cronLogger{s.log}
	s.cron = cron.New(
		cron.WithLocation(opt.Location),
		cron.WithLogger(cl),
		// Runs are dispatched asynchronously by s.start, which does its own
		// skip-if-running (so that skips are recorded and counted) and its
		// own recover (so that panics are recorded); the chain stays as a
		// safety net around the dispatch itself.
		cron.WithChain(cron.Recover(cl), cron.SkipIfStillRunning(cl)),
	)
	for _, j := range jobs {
		if j.Name == "" || j.Run == nil {
			return nil, fmt.Errorf("schedules: job %q needs a name and a Run func", j.Name)
		}
		if _, dup := s.jobs[j.Name]; dup {
			return nil, fmt.Errorf("schedules: duplicate job %q", j.Name)
		}
		jj := &job{Job: j}
		if j.Spec != "" && j.Spec != "off" {
			name := j.Name
			id, err := s.cron.AddFunc(j.Spec, func() { s.start(name, TriggerSchedule) })
			if err != nil {
				return nil, fmt.Errorf("schedules: job %s: spec %q: %w", j.Name, j.Spec, err)
			}
			jj.entry = id
		}
		s.jobs[j.Name] = jj
		s.order = append(s.order, j.Name)
	}
	for _, j := range jobs {
		if j.Then != "" && s.jobs[j.Then] == nil {
			return nil, fmt.Errorf("schedules: job %s chains to unknown job %q", j.Name, j.Then)
		}
	}
	s.base, s.cancel = context.WithCancel(context.Background())
	if err := s.recoverStale(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Start starts the cron schedules. A chained job whose trigger produced rows
// after the chained job last ran (the process stopped in between) runs now.
func (s *Scheduler) Start() {
	s.cron.Start()
	ctx, cancel := context.WithTimeout(context.Background(), recordTimeout)
	defer cancel()
	for _, name := range s.order {
		j := s.jobs[name]
		if j.Then == "" {
			continue
		}
		due, err := s.chainDue(ctx, j.Name, j.Then)
		if err != nil {
			s.log.Error("check for a missed chained run", "job", j.Then, "err", err)
			continue
		}
		if due {
			s.log.Info("running a chained job missed before the last stop", "job", j.Then, "after", j.Name)
			s.start(j.Then, TriggerChain)
		}
	}
}

// Jobs returns the job names in the order they were given.
func (s *Scheduler) Jobs() []string { return append([]string(nil), s.order...) }

// Trigger starts a run of the named job now, in the background, and returns
// its run id. It fails with ErrUnknownJob, ErrBusy when the job is running,
// or ErrStopped once Stop was called.
func (s *Scheduler) Trigger(ctx context.Context, name, trigger string) (int64, error) {
	j, id, err := s.claim(ctx, name, trigger)
	if err != nil {
		return 0, err
	}
	go s.execute(j, trigger, id)
	return id, nil
}

// RunNow runs the named job in the calling goroutine and returns its run
// record (for the CLI). ctx cancels the run.
func (s *Scheduler) RunNow(ctx context.Context, name, trigger string) (Run, error) {
	j, id, err := s.claim(ctx, name, trigger)
	if err != nil {
		return Run{}, err
	}
	stop := context.AfterFunc(ctx, s.cancelRun(id))
	defer stop()
	s.execute(j, trigger, id)
	return s.run(context.WithoutCancel(ctx), id)
}

// start is the cron and chain entry point: it starts a run, or records a
// skipped one when the job is still running.
func (s *Scheduler) start(name, trigger string) {
	j := s.jobs[name]
	if !s.enter() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), recordTimeout)
	defer cancel()
	if !j.running.CompareAndSwap(false, true) {
		defer s.wg.Done()
		if trigger == TriggerChain && j.executing.Load() {
			// New rows must not wait for the next schedule: run again after.
			// A run still queued reads them when it starts: no second run.
			j.pending.Store(true)
		}
		s.log.Warn("job still running, run skipped", "job", name, "trigger", trigger)
		if err := s.recordSkipped(ctx, name, trigger); err != nil {
			s.log.Error("record skipped run", "job", name, "err", err)
		}
		s.observeDone(name, OutcomeSkipped, 0)
		return
	}
	id, err := s.begin(ctx, j, trigger)
	if err != nil {
		s.log.Error("start run", "job", name, "err", err)
		return
	}
	go s.execute(j, trigger, id)
}

// claim is the start of Trigger and RunNow: it marks the named job running
// and records the start of its run, or fails with ErrUnknownJob, ErrStopped
// or ErrBusy, holding nothing.
func (s *Scheduler) claim(ctx context.Context, name, trigger string) (*job, int64, error) {
	j := s.jobs[name]
	if j == nil {
		return nil, 0, fmt.Errorf("%w: %q", ErrUnknownJob, name)
	}
	if !s.enter() {
		return nil, 0, ErrStopped
	}
	if !j.running.CompareAndSwap(false, true) {
		s.wg.Done()
		return nil, 0, fmt.Errorf("%w: %s", ErrBusy, name)
	}
	id, err := s.begin(ctx, j, trigger)
	if err != nil {
		return nil, 0, err
	}
	return j, id, nil
}

// enter registers an upcoming run with the wait group unless stopping.
func (s *Scheduler) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping {
		return false
	}
	s.wg.Add(1)
	return true
}

// begin records the start of a run of j, which the caller has entered and
// marked running; when the record fails it releases both.
func (s *Scheduler) begin(ctx context.Context, j *job, trigger string) (int64, error) {
	id, err := s.recordStart(ctx, j.Name, trigger)
	if err != nil {
		j.running.Store(false)
		s.wg.Done()
		return 0, err
	}
	if s.opt.Observer != nil {
		s.opt.Observer.JobRunning(j.Name, true)
	}
	return id, nil
}

// cancelRun returns a func cancelling run id, for RunNow's caller context.
func (s *Scheduler) cancelRun(id int64) func() {
	return func() {
		if c, ok := s.cancels.Load(id); ok {
			c.(context.CancelFunc)()
		}
	}
}

// execute does one run of j already marked running, records its end and
// fires the chained job.
func (s *Scheduler) execute(j *job, trigger string, id int64) {
	defer s.wg.Done()
	ctx, cancel := context.WithCancel(s.base)
	s.cancels.Store(id, cancel)
	defer func() { s.cancels.Delete(id); cancel() }()

	log := s.log.With("job", j.Name, "run_id", id, "trigger", trigger)
	var rows int64
	var err error
	var stack []byte
	began := time.Now()
	select {
	case s.writer <- struct{}{}:
	default:
		log.Info("job queued behind the running writer job")
		select {
		case s.writer <- struct{}{}:
		case <-ctx.Done():
			err = fmt.Errorf("cancelled while queued: %w", ctx.Err())
		}
	}
	if err == nil {
		j.executing.Store(true)
		log.Info("job started", "queued", time.Since(began).Round(time.Millisecond))
		began = time.Now()
		rows, err, stack = call(ctx, j.Run)
		// The slot is freed once the run is recorded and its job no longer
		// running (below), so the next writer never finds it busy.
		defer func() { <-s.writer }()
	}
	panicked := stack != nil
	d := time.Since(began)
	outcome := OutcomeOK
	switch {
	case panicked:
		outcome = OutcomePanic
		log.Error("job panicked", "err", err, "stack", string(stack))
	case err != nil:
		outcome = OutcomeFailed
		log.Error("job failed", "err", err, "rows", rows, "duration", d)
	default:
		log.Info("job finished", "rows", rows, "duration", d)
	}
	rctx, rcancel := context.WithTimeout(context.Background(), recordTimeout)
	defer rcancel()
	if rerr := s.recordEnd(rctx, id, outcome, rows, err); rerr != nil {
		log.Error("record run end", "err", rerr)
	}
	j.executing.Store(false)
	j.running.Store(false)
	if s.opt.Observer != nil {
		s.opt.Observer.JobRunning(j.Name, false)
	}
	s.observeDone(j.Name, outcome, d)
	if j.Then != "" && rows > 0 && !panicked {
		s.start(j.Then, TriggerChain)
	}
	if j.pending.CompareAndSwap(true, false) {
		s.start(j.Name, TriggerChain)
	}
}

func (s *Scheduler) observeDone(job, outcome string, d time.Duration) {
	if s.opt.Observer != nil {
		s.opt.Observer.JobDone(job, outcome, d)
	}
}

// call runs f, turning a panic into an error and the panicking stack.
func call(ctx context.Context, f Func) (rows int64, err error, stack []byte) {
	defer func() {
		if r := recover(); r != nil {
			rows, err, stack = 0, fmt.Errorf("panic: %v", r), debug.Stack()
		}
	}()
	rows, err = f(ctx)
	return rows, err, nil
}

// Stop stops the schedules and waits for running jobs: for the grace period
// they run on; then their contexts are cancelled and Stop waits for them to
// return (their transactions roll back) or for ctx to end.
func (s *Scheduler) Stop(ctx context.Context) error {
	s.mu.Lock()
	s.stopping = true
	s.mu.Unlock()
	<-s.cron.Stop().Done() // no new scheduled runs; dispatches are quick
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	grace := time.NewTimer(s.opt.Grace)
	defer grace.Stop()
	select {
	case <-done:
		s.cancel()
		return nil
	case <-grace.C:
		s.log.Warn("grace period over, cancelling running jobs", "grace", s.opt.Grace)
	case <-ctx.Done():
	}
	s.cancel()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("stop scheduler: %w", ctx.Err())
	}
}

// Wait blocks until no run is in progress (for tests and the CLI).
func (s *Scheduler) Wait() { s.wg.Wait() }

// cronLogger adapts slog to cron's logr-like Logger.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "err", err)...)
}
