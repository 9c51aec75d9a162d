package report

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/store"
)

// QASource gives quality inspection results to the monitoring score once
// quality inspection exists; without one the score says "no QA data".
type QASource interface {
	// Scores returns the mean QA score and graded calls of the agents given
	// (all agents when nil) over [from, to).
	Scores(ctx context.Context, from, to time.Time, agents []int64) (map[int64]QAFigures, error)
}

// Engine computes the metrics and keeps the rollups up to date.
type Engine struct {
	DB     *store.DB
	Org    *org.Service
	Queues *queues.Service
	Log    *slog.Logger
	QA     QASource
	// Every is how often the worker looks for dirty buckets.
	Every time.Duration
	now   func() time.Time

	mu       sync.Mutex
	settings Settings
	limits   map[string]limits // per queue, from its own settings
	loadedAt time.Time

	obs  chan observed
	kick chan struct{}
}

// observed is a change the worker must roll up: a CDR written or amended.
type observed struct {
	callID string
	cdr    *calllog.CDR
}

// New returns an engine; Start prepares it and Run keeps rollups fresh.
func New(db *store.DB, o *org.Service, q *queues.Service, log *slog.Logger) *Engine {
	if log == nil {
		log = slog.Default()
	}
	return &Engine{DB: db, Org: o, Queues: q, Log: log, Every: 2 * time.Second, now: time.Now,
		obs: make(chan observed, 65536), kick: make(chan struct{}, 1)}
}

// SetClock replaces the clock (tests).
func (e *Engine) SetClock(now func() time.Time) { e.now = now }

// Settings returns the settings in force.
func (e *Engine) Settings(ctx context.Context) (Settings, error) {
	s, _, err := e.config(ctx)
	return s, err
}

// config returns the settings and per-queue limits, read at most every few
// seconds.
func (e *Engine) config(ctx context.Context) (Settings, map[string]limits, error) {
	e.mu.Lock()
	fresh := !e.loadedAt.IsZero() && e.now().Sub(e.loadedAt) < 5*time.Second
	s, l := e.settings, e.limits
	e.mu.Unlock()
	if fresh {
		return s, l, nil
	}
	s, err := LoadSettings(ctx, e.DB)
	if err != nil {
		return s, nil, err
	}
	l, err = e.queueLimits(ctx, s)
	if err != nil {
		return s, nil, err
	}
	e.mu.Lock()
	e.settings, e.limits, e.loadedAt = s, l, e.now()
	e.mu.Unlock()
	return s, l, nil
}

// forget drops the cached settings (after they changed).
func (e *Engine) forget() {
	e.mu.Lock()
	e.loadedAt = time.Time{}
	e.mu.Unlock()
}

func (e *Engine) queueLimits(ctx context.Context, s Settings) (map[string]limits, error) {
	out := map[string]limits{}
	if e.Queues == nil || !s.QueueThresholds {
		return out, nil
	}
	qs, err := e.Queues.List(ctx)
	if err != nil {
		return nil, err
	}
	for _, q := range qs {
		l := defaultLimits(s)
		if q.ServiceLevelSec > 0 {
			l.slMS = int64(q.ServiceLevelSec) * 1000
		}
		if q.ShortAbandonSec > 0 {
			l.shortMS = int64(q.ShortAbandonSec) * 1000
		}
		out[q.Name] = l
	}
	return out, nil
}

func defaultLimits(s Settings) limits {
	return limits{slMS: int64(s.SLThresholdSec) * 1000, shortMS: int64(s.ShortAbandonSec) * 1000}
}

// limitsFor returns the lookup of a queue's thresholds.
func limitsFor(s Settings, per map[string]limits) func(string) limits {
	def := defaultLimits(s)
	return func(q string) limits {
		if l, ok := per[q]; ok {
			return l
		}
		return def
	}
}

func (s Settings) fcrWindow() time.Duration { return time.Duration(s.FCRWindowHours) * time.Hour }
