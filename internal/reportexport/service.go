package reportexport

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/report"
	"github.com/hotline-cc/hotline/internal/store"
)

// Defaults of a Service.
const (
	DefaultWorkers    = 2
	DefaultRetention  = 24 * time.Hour
	DefaultMaxPending = 5
)

// Deps are what the exports need.
type Deps struct {
	DB      *store.DB
	Org     *org.Service
	Reports *report.Engine
	Dir     string // where the files are kept: the data dir's exports/
	Node    string // this node: it runs the jobs started here and keeps their files
	Log     *slog.Logger
}

// Service runs report exports.
type Service struct {
	Deps
	// Workers bounds how many exports this node computes at once (each
	// user has at most one running).
	Workers int
	// Retention is how long a finished export (its file and its job) is
	// kept.
	Retention time.Duration
	// MaxPending bounds a user's queued and running exports.
	MaxPending int
	// Poll is how often an idle worker looks for queued jobs it was not
	// woken for; CleanEvery how often the retention runs.
	Poll, CleanEvery time.Duration

	now     func() time.Time
	kick    chan struct{}
	claimMu sync.Mutex
}

// New returns the service; Start prepares it, Run runs the jobs.
func New(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Service{Deps: d, Workers: DefaultWorkers, Retention: DefaultRetention, MaxPending: DefaultMaxPending,
		Poll: 5 * time.Second, CleanEvery: 10 * time.Minute, now: time.Now, kick: make(chan struct{}, 16)}
}

// SetClock replaces the clock (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Start creates the export directory and queues again the jobs this node
// was running when it stopped.
func (s *Service) Start(ctx context.Context) error {
	if err := os.MkdirAll(s.Dir, 0o750); err != nil {
		return fmt.Errorf("reportexport: %w", err)
	}
	return requeue(ctx, s.DB, s.Node, 0)
}

// Run runs queued jobs on the worker pool and deletes expired exports,
// until ctx ends.
func (s *Service) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for range max(s.Workers, 1) {
		wg.Go(func() { s.work(ctx) })
	}
	wg.Go(func() { s.cleanLoop(ctx) })
	wg.Wait()
}

func (s *Service) work(ctx context.Context) {
	for {
		for ctx.Err() == nil && s.runNext(ctx) {
		}
		select {
		case <-ctx.Done():
			return
		case <-s.kick:
		case <-time.After(s.Poll):
		}
	}
}

// wake tells an idle worker there may be a job for it.
func (s *Service) wake() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// runNext runs one queued job; false when there was none.
func (s *Service) runNext(ctx context.Context) bool {
	s.claimMu.Lock()
	j, err := claimJob(ctx, s.DB, s.Node, s.now())
	s.claimMu.Unlock()
	if err != nil {
		if ctx.Err() == nil {
			s.Log.Warn("report export: claim", "err", err)
		}
		return false
	}
	if j == nil {
		return false
	}
	s.run(ctx, j)
	s.wake() // the user's next export may go now
	return true
}

// Create queues an export of q for a; the job runs in the background.
func (s *Service) Create(ctx context.Context, a *org.Actor, q report.Query, params, format, lang string) (*Job, error) {
	if err := require(a); err != nil {
		return nil, err
	}
	if a.UserID == 0 {
		return nil, apperr.Forbidden("an export belongs to a user: log in to export")
	}
	if format != "csv" && format != "xlsx" {
		return nil, apperr.Invalid("format", "csv or xlsx")
	}
	if q.From.IsZero() || q.To.IsZero() {
		return nil, apperr.Invalid("from", "give the period (from and to)")
	}
	set, err := s.Reports.Settings(ctx)
	if err != nil {
		return nil, err
	}
	lang = NormLang(lang)
	j := &Job{Format: format, Lang: lang, Params: params, Query: q, CreatedAt: s.now().UTC(),
		FileName: FileName(q, set.Location(), lang, format), userID: a.UserID, node: s.Node, ip: a.IP}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		n, err := pendingJobs(ctx, tx, a.UserID)
		if err != nil {
			return err
		}
		if n >= s.MaxPending {
			return apperr.Conflict("too_many_exports", "%d of your exports are waiting or running; start this one when one of them is done", n)
		}
		return insertJob(ctx, tx, j)
	})
	if err != nil {
		return nil, err
	}
	s.wake()
	j.present(s.Retention)
	return j, nil
}

// Get returns one of a's exports.
func (s *Service) Get(ctx context.Context, a *org.Actor, id int64) (*Job, error) {
	if err := require(a); err != nil {
		return nil, err
	}
	j, err := userJob(ctx, s.DB, a.UserID, id)
	if err != nil {
		return nil, err
	}
	j.present(s.Retention)
	return j, nil
}

// List returns a's exports, newest first (the retention keeps them few).
func (s *Service) List(ctx context.Context, a *org.Actor) ([]*Job, error) {
	if err := require(a); err != nil {
		return nil, err
	}
	js, err := listJobs(ctx, s.DB, a.UserID, 100)
	if err != nil {
		return nil, err
	}
	for _, j := range js {
		j.present(s.Retention)
	}
	return js, nil
}

// Permissions an export needs: to see the report, and to export it.
var (
	PermView   = org.P("reports", "view")
	PermExport = org.P("reports", "export")
)

func require(a *org.Actor) error {
	if err := a.Require(PermExport); err != nil {
		return err
	}
	return a.Require(PermView)
}
