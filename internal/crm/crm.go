// Package crm is the customer side of Hotline (客户管理): customers with
// normalised phone numbers, configurable levels, sources and statuses,
// custom fields, a contact-history timeline, follow-up tasks, batch imports
// (CSV and XLSX) and exports, allocation to departments, teams and agents
// with quotas and an allocation log, and the public pool (公海) with claims,
// releases, distribution and recycle rules.
//
// Every read and write of customers and tasks goes through the actor's data
// scope (org.Scope.Filter on owner_id, team_id, department_id); a row outside
// the scope is "not found". Pool customers are visible to anyone holding
// pool:claim and change hands only through conditional UPDATEs, so two agents
// claiming the same customer at once cannot both win on SQLite or
// PostgreSQL.
package crm

import (
	"context"
	"database/sql"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// Options configure a Service.
type Options struct {
	// DataDir holds uploaded import files (under crm-imports/) until they
	// are imported. Empty means the system temporary directory.
	DataDir string
	// Node names this process; an import interrupted by a restart of the
	// same node is marked failed at Start.
	Node string
	// Now is the clock (tests inject a fake one); nil means time.Now.
	Now func() time.Time
	// Location decides what "today" is for the daily claim limit; nil means
	// time.Local.
	Location *time.Location
	Log      *slog.Logger
}

// Service is the CRM domain service.
type Service struct {
	db      *store.DB
	opts    Options
	log     *slog.Logger
	sources []TimelineSource

	jobsCtx    context.Context
	stopJobs   context.CancelFunc
	jobs       sync.WaitGroup
	mu         sync.Mutex
	running    map[int64]chan struct{} // import batch → closed when its job ends
	importHook func(phase string)      // tests pause an import between phases
}

// New returns the CRM service on db.
func New(db *store.DB, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.DataDir == "" {
		opts.DataDir = os.TempDir()
	}
	if opts.Node == "" {
		opts.Node, _ = os.Hostname()
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Service{db: db, opts: opts, log: opts.Log, jobsCtx: ctx, stopJobs: cancel, running: map[int64]chan struct{}{}}
}

// DB returns the database the service works on.
func (s *Service) DB() *store.DB { return s.db }

// Close stops running imports (they end as failed, nothing applied) and
// waits for them.
func (s *Service) Close() error {
	s.stopJobs()
	s.jobs.Wait()
	return nil
}

func (s *Service) now() time.Time { return s.opts.Now() }

func (s *Service) importDir() string { return filepath.Join(s.opts.DataDir, "crm-imports") }

func (s *Service) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.db.InTx(ctx, fn)
}

func who(a *org.Actor) audit.Who { return audit.Who{ID: a.UserID, Name: actorName(a), IP: a.IP} }

func actorName(a *org.Actor) string {
	if a.DisplayName != "" {
		return a.DisplayName
	}
	return a.Username
}

// Start prepares the service after a restart: imports this node was running
// when it stopped are marked failed (their staged rows are dropped, so
// nothing is half-applied).
func (s *Service) Start(ctx context.Context) error {
	return s.recoverImports(ctx)
}

// RunRecycleEvery runs the enabled recycle rules every interval until ctx
// ends; the app starts it in a goroutine.
func (s *Service) RunRecycleEvery(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if rep, err := s.RunRecycle(ctx); err != nil {
				s.log.Warn("crm: recycle rules", "err", err)
			} else if rep.Moved > 0 {
				s.log.Info("crm: recycled customers to the pool", "moved", rep.Moved)
			}
		}
	}
}
