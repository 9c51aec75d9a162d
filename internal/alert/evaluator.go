package alert

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/store"
)

// Defaults of the evaluator.
const (
	// DefaultInterval is how often the figures are evaluated.
	DefaultInterval = 2 * time.Second
	// DefaultResumeWithin is how recent an open episode's last update must
	// be for a (re)started evaluator to carry it on; older ones are closed
	// at their last update, when someone last saw the figure bad.
	DefaultResumeWithin = 2 * time.Minute
	// heartbeat is how often an open episode is written even when its
	// figure did not change, so that its last update says it was alive.
	heartbeat = 30 * time.Second
)

// Evaluator reads the figures, steps every queue's metrics through their
// rules and keeps the episodes. Run it once per node.
type Evaluator struct {
	DB           *store.DB
	Queues       QueueLister
	ACD          LiveSource
	Notify       org.Notifier
	Log          *slog.Logger
	Interval     time.Duration // between evaluations; DefaultInterval when zero (see SetInterval once running)
	ResumeWithin time.Duration
	Now          func() time.Time

	intervalMu sync.Mutex
	wake       chan struct{}

	evalMu  sync.Mutex // one evaluation at a time
	resumed bool
	track   map[trackKey]*tracked

	mu     sync.Mutex // guards status
	status []QueueStatus
}

type trackKey struct {
	queue  int64
	metric Metric
}

// tracked is a metric's state and, while open, its stored episode.
type tracked struct {
	st State
	ep Episode
}

// QueueStatus is a queue's figures and alert levels at the last evaluation.
type QueueStatus struct {
	QueueID      int64          `json:"queue_id"`
	Queue        string         `json:"queue"`
	DepartmentID int64          `json:"department_id,omitempty"`
	Level        Level          `json:"level"` // the worst level of its open alerts
	Metrics      []MetricStatus `json:"metrics"`
}

// MetricStatus is one metric of a queue at the last evaluation.
type MetricStatus struct {
	Metric    Metric     `json:"metric"`
	Enabled   bool       `json:"enabled"`
	Value     *float64   `json:"value"` // null when there is none (a window without calls)
	Level     Level      `json:"level"` // of its open alert; "" when none
	Warning   float64    `json:"warning"`
	Critical  float64    `json:"critical"`
	WindowMin int        `json:"window_min,omitempty"`
	EpisodeID int64      `json:"episode_id,omitempty"`
	Since     *time.Time `json:"since,omitempty"`
}

// Notice is what the bus carries for each change of an episode (subject
// hotline.alert.<queue id>, type alert.<event>).
type Notice struct {
	Event EventKind `json:"event"`
	Episode
}

// Run evaluates every Interval until ctx ends.
func (e *Evaluator) Run(ctx context.Context) {
	wake := e.wakeup()
	for {
		if err := e.Evaluate(ctx); err != nil && ctx.Err() == nil {
			e.Log.Warn("alert: evaluation failed", "err", err)
		}
		t := time.NewTimer(e.interval())
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		case <-wake:
			t.Stop()
		}
	}
}

// SetInterval changes the time between evaluations of a running evaluator
// and evaluates at once (tests use a short one).
func (e *Evaluator) SetInterval(d time.Duration) {
	e.intervalMu.Lock()
	e.Interval = d
	e.intervalMu.Unlock()
	select {
	case e.wakeup() <- struct{}{}:
	default:
	}
}

func (e *Evaluator) interval() time.Duration {
	e.intervalMu.Lock()
	defer e.intervalMu.Unlock()
	if e.Interval <= 0 {
		return DefaultInterval
	}
	return e.Interval
}

func (e *Evaluator) wakeup() chan struct{} {
	e.intervalMu.Lock()
	defer e.intervalMu.Unlock()
	if e.wake == nil {
		e.wake = make(chan struct{}, 1)
	}
	return e.wake
}

// Evaluate runs one evaluation of every queue's metrics now.
func (e *Evaluator) Evaluate(ctx context.Context) error {
	e.evalMu.Lock()
	defer e.evalMu.Unlock()
	now := e.Now()
	if !e.resumed {
		if err := e.resume(ctx, now); err != nil {
			return err
		}
		e.resumed = true
	}
	qs, err := e.Queues.List(ctx)
	if err != nil {
		return fmt.Errorf("alert: queues: %w", err)
	}
	rules, err := LoadRules(ctx, e.DB)
	if err != nil {
		return err
	}
	rd := &reader{db: e.DB, now: now, live: map[int64]acd.QueueStatus{}, counts: map[countKey]Counts{}}
	for _, st := range e.ACD.Snapshot().Queues {
		rd.live[st.ID] = st
	}
	seen := map[trackKey]bool{}
	status := make([]QueueStatus, 0, len(qs))
	for _, q := range qs {
		qst, err := e.evaluateQueue(ctx, q, rules, rd, seen)
		if err != nil {
			return err
		}
		status = append(status, qst)
	}
	for k, tr := range e.track {
		if !seen[k] { // the queue is gone
			if err := e.finish(ctx, tr, now); err != nil {
				return err
			}
			delete(e.track, k)
		}
	}
	e.mu.Lock()
	e.status = status
	e.mu.Unlock()
	return nil
}

func (e *Evaluator) evaluateQueue(ctx context.Context, q queues.Queue, rules Rules, rd *reader, seen map[trackKey]bool) (QueueStatus, error) {
	qst := QueueStatus{QueueID: q.ID, Queue: q.Name, DepartmentID: q.DepartmentID, Metrics: []MetricStatus{}}
	for _, m := range Metrics {
		k := trackKey{q.ID, m}
		seen[k] = true
		tr := e.track[k]
		if tr == nil {
			tr = &tracked{}
			e.track[k] = tr
		}
		eff, ok := rules.Effective(q.ID, m)
		ms := MetricStatus{Metric: m, Enabled: ok && eff.Enabled, Warning: eff.Warning, Critical: eff.Critical, WindowMin: eff.WindowMin}
		if !ms.Enabled {
			if err := e.finish(ctx, tr, rd.now); err != nil {
				return qst, err
			}
			qst.Metrics = append(qst.Metrics, ms)
			continue
		}
		in, err := rd.read(ctx, q, eff.Rule)
		if err != nil {
			return qst, err
		}
		next, ev := Step(tr.st, in, eff.Rule, rd.now)
		if err := e.apply(ctx, q, eff.Rule, tr, next, ev, rd.now); err != nil {
			return qst, err
		}
		if in.OK {
			v := in.Value
			ms.Value = &v
		}
		if tr.st.Open {
			ms.Level, ms.EpisodeID = tr.st.Level, tr.ep.ID
			since := tr.ep.StartedAt
			ms.Since = &since
			if tr.st.Level.Worse(qst.Level) {
				qst.Level = tr.st.Level
			}
		}
		qst.Metrics = append(qst.Metrics, ms)
	}
	return qst, nil
}

// apply stores what a step changed and tells the bus and the log.
func (e *Evaluator) apply(ctx context.Context, q queues.Queue, r Rule, tr *tracked, next State, ev Event, now time.Time) error {
	prev := tr.st
	tr.st = next
	ep := tr.ep
	ep.Level, ep.Current, ep.Peak, ep.Last, ep.UpdatedAt = next.Max, next.Level, next.Peak, next.Last, now
	switch ev.Kind {
	case EventOpened:
		ep = Episode{RuleID: r.ID, QueueID: q.ID, Queue: q.Name, Metric: r.Metric, Level: next.Max, Current: next.Level,
			Warning: r.Warning, Critical: r.Critical, StartedAt: next.Since, Peak: next.Peak, Last: next.Last,
			DepartmentID: q.DepartmentID, UpdatedAt: now}
		stored, adopted, err := insertEpisode(ctx, e.DB, ep)
		if err != nil {
			return err
		}
		if adopted { // another node's episode: carry it on with our figures
			ep.ID, ep.StartedAt = stored.ID, stored.StartedAt
			if err := updateEpisode(ctx, e.DB, ep); err != nil {
				return err
			}
		} else {
			ep = stored
		}
	case EventClosed:
		ep.Peak, ep.Last = ev.Peak, ev.Last
		if err := e.close(ctx, ep, ev.At, now); err != nil {
			return err
		}
		tr.ep = Episode{}
		return nil
	case EventEscalated, EventDeescalated:
		if err := updateEpisode(ctx, e.DB, ep); err != nil {
			return err
		}
	default:
		if !next.Open || (next.Peak == prev.Peak && next.Last == prev.Last && now.Sub(tr.ep.UpdatedAt) < heartbeat) {
			return nil
		}
		tr.ep = ep
		return updateEpisode(ctx, e.DB, ep)
	}
	tr.ep = ep
	e.tell(ctx, ev.Kind, ep)
	return nil
}

// finish closes a metric's open episode now: its rule is off or its queue
// is gone.
func (e *Evaluator) finish(ctx context.Context, tr *tracked, now time.Time) error {
	if !tr.st.Open {
		return nil
	}
	var ev Event
	tr.st, ev = Close(tr.st, now)
	ep := tr.ep
	ep.Peak, ep.Last = ev.Peak, ev.Last
	tr.ep = Episode{}
	return e.close(ctx, ep, now, now)
}

func (e *Evaluator) close(ctx context.Context, ep Episode, end, now time.Time) error {
	ep.Current, ep.UpdatedAt = LevelNone, now
	if err := closeEpisode(ctx, e.DB, ep, end); err != nil {
		return err
	}
	if end.Before(ep.StartedAt) {
		end = ep.StartedAt
	}
	ep.EndedAt = &end
	e.tell(ctx, EventClosed, ep)
	return nil
}

// resume takes over the episodes left open by the previous run: recent
// ones go on (the next evaluation closes them if the figure is back),
// stale ones are closed at their last update.
func (e *Evaluator) resume(ctx context.Context, now time.Time) error {
	e.track = map[trackKey]*tracked{}
	eps, err := openEpisodes(ctx, e.DB)
	if err != nil {
		return err
	}
	within := e.ResumeWithin
	if within <= 0 {
		within = DefaultResumeWithin
	}
	for _, ep := range eps {
		if now.Sub(ep.UpdatedAt) > within {
			if err := e.close(ctx, ep, ep.UpdatedAt, now); err != nil {
				return err
			}
			continue
		}
		cur := ep.Current
		if cur == LevelNone {
			cur = ep.Level
		}
		e.track[trackKey{ep.QueueID, ep.Metric}] = &tracked{ep: ep,
			st: State{Open: true, Level: cur, Max: ep.Level, Peak: ep.Peak, Last: ep.Last, Since: ep.StartedAt}}
		e.Log.Info("alert: resumed", "queue", ep.Queue, "metric", ep.Metric, "level", cur, "episode", ep.ID)
	}
	return nil
}

// tell logs a change of an episode and publishes it on the bus.
func (e *Evaluator) tell(ctx context.Context, kind EventKind, ep Episode) {
	e.Log.Info("alert: "+string(kind), "queue", ep.Queue, "metric", ep.Metric, "level", ep.Current, "worst", ep.Level,
		"value", ep.Last, "peak", ep.Peak, "episode", ep.ID)
	if e.Notify != nil {
		e.Notify(ctx, fmt.Sprintf("hotline.alert.%d", ep.QueueID), "alert."+string(kind), Notice{Event: kind, Episode: ep})
	}
}

// Status returns every queue's figures and levels at the last evaluation.
func (e *Evaluator) Status() []QueueStatus {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]QueueStatus(nil), e.status...)
}

// reader reads the figures of one evaluation: the live ones from the ACD's
// snapshot, the windowed ones from the CDRs, each window queried once.
type reader struct {
	db     store.Querier
	now    time.Time
	live   map[int64]acd.QueueStatus
	counts map[countKey]Counts
}

type countKey struct {
	queue  int64
	window int
}

func (rd *reader) read(ctx context.Context, q queues.Queue, r Rule) (Reading, error) {
	if !r.Metric.Windowed() {
		st, ok := rd.live[q.ID]
		if !ok {
			return Reading{}, nil // not (yet) in the ACD
		}
		if r.Metric == MetricWaiting {
			return Value(float64(st.Waiting)), nil
		}
		return Value(float64(st.LongestWaitMs) / 1000), nil
	}
	k := countKey{q.ID, r.WindowMin}
	c, ok := rd.counts[k]
	if !ok {
		var err error
		if c, err = WindowCounts(ctx, rd.db, q.Name, rd.now.Add(-r.Window()), rd.now, QueueThresholds(q.Queue)); err != nil {
			return Reading{}, err
		}
		rd.counts[k] = c
	}
	var v float64
	if r.Metric == MetricServiceLevel {
		v, ok = ServiceLevel(c)
	} else {
		v, ok = AbandonRate(c)
	}
	return Reading{Value: v, OK: ok}, nil
}
