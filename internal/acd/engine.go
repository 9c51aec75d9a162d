package acd

import (
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"
)

// Clock is the engine's source of time; tests inject a fake one.
type Clock interface{ Now() time.Time }

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// Options tune an Engine; the zero value is usable.
type Options struct {
	// State holds routing state; nil means NewMemState().
	State State
	// Location decides local midnight for "today" figures; nil means time.Local.
	Location *time.Location
	Logger   *slog.Logger
	// ManualRingTimeouts: the owner times offers out itself (OfferFailed
	// with FailNoAnswer) and Tick does not.
	ManualRingTimeouts bool
	// RetryAfter keeps a call from being re-offered to an agent who just
	// failed it (busy, rejected...); default 5 s.
	RetryAfter time.Duration
	// DefaultHandleTime is the AHT used for estimates before a queue has
	// history; default 3 min.
	DefaultHandleTime time.Duration
	// DirectWrapUpSec is the wrap-up after a call begun with StartDirectCall.
	DirectWrapUpSec int
}

// Engine is the ACD. All methods are safe for concurrent use: one mutex
// guards the whole engine, because routing decisions read and change agents
// and calls of many queues at once and each operation is short (O(members
// of the queues involved)); the event sink runs under that mutex.
type Engine struct {
	mu     sync.Mutex
	clock  Clock
	sink   EventSink
	opts   Options
	log    *slog.Logger
	st     State
	queues map[int64]*queueRT
	active map[int64]*queueRT     // queues with waiting calls
	avail  map[int64]*AgentRecord // ready and reachable agents
	offers map[int64]*offer
	timers timerHeap
	lastID int64
	seq    uint64
	day    dayClock
	// scratch buffers reused by Dispatch (guarded by mu).
	cands []member
}

type member struct {
	a       *AgentRecord
	penalty int
}

// queueRT is a queue's config plus derived indexes (rebuildable from State).
type queueRT struct {
	cfg       Queue
	members   []member      // ascending agent ID
	waiting   []*CallRecord // ascending (KeyMs, Seq)
	callbacks int
	stats     queueStats
}

// New returns an engine. sink may be nil. When opts.State already holds
// records (another node's, or a restart's), ringing agents are released and
// wrap-up timers re-created; calls are indexed when their queue is upserted.
func New(clock Clock, sink EventSink, opts Options) *Engine {
	if clock == nil {
		clock = SystemClock{}
	}
	if opts.State == nil {
		opts.State = NewMemState()
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.RetryAfter <= 0 {
		opts.RetryAfter = 5 * time.Second
	}
	opts.DirectWrapUpSec = min(max(opts.DirectWrapUpSec, 0), maxSec)
	if opts.DefaultHandleTime <= 0 {
		opts.DefaultHandleTime = 3 * time.Minute
	}
	e := &Engine{
		clock: clock, sink: sink, opts: opts, log: opts.Logger, st: opts.State,
		queues: map[int64]*queueRT{}, active: map[int64]*queueRT{},
		avail: map[int64]*AgentRecord{}, offers: map[int64]*offer{},
		day: dayClock{loc: opts.Location},
	}
	e.adoptState()
	return e
}

// adoptState brings records already in State in line with an engine that
// has no offers and no timers.
func (e *Engine) adoptState() {
	now := e.now()
	e.st.RangeAgents(func(a *AgentRecord) bool {
		switch a.State {
		case Ringing:
			e.settle(a, ReasonOfferLost, now)
		case WrapUp:
			e.pushTimer(timer{at: a.WrapEndsMs, kind: tWrap, agent: a.Agent.ID})
		}
		e.syncAvail(a)
		return true
	})
	e.st.RangeCalls(func(c *CallRecord) bool {
		if c.Seq > e.seq {
			e.seq = c.Seq
		}
		if c.OfferID != 0 {
			c.OfferID = 0
			e.st.PutCall(c)
		}
		return true
	})
}

func (e *Engine) now() int64 { return e.clock.Now().UnixMilli() }

func (e *Engine) emit(ev AgentEvent) {
	if e.sink != nil {
		e.sink.AgentEvent(ev)
	}
}

func (e *Engine) agent(id int64) (*AgentRecord, error) {
	a, ok := e.st.Agent(id)
	if !ok {
		return nil, fmt.Errorf("acd: agent %d: %w", id, ErrUnknownAgent)
	}
	return a, nil
}

func (e *Engine) syncAvail(a *AgentRecord) {
	if a.State == Ready && a.Reachable {
		e.avail[a.Agent.ID] = a
	} else {
		delete(e.avail, a.Agent.ID)
	}
}

// UpsertQueue adds or replaces a queue's configuration. Waiting calls keep
// their place, re-ordered if the priority boost changed.
func (e *Engine) UpsertQueue(q Queue) error {
	if err := q.Validate(); err != nil {
		return fmt.Errorf("acd: queue %d: %w", q.ID, err)
	}
	q.Skills = append([]SkillReq(nil), q.Skills...)
	q.Widening = append([]WideningStep(nil), q.Widening...)
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	rt, ok := e.queues[q.ID]
	if !ok {
		rt = &queueRT{cfg: q}
		e.queues[q.ID] = rt
		e.indexQueue(rt)
	}
	rt.cfg = q
	for _, c := range rt.waiting {
		c.KeyMs = c.EnteredMs - int64(c.Call.Priority)*q.boostMs()
		e.scheduleCall(rt, c, now)
		e.st.PutCall(c)
	}
	sort.Slice(rt.waiting, func(i, j int) bool { return callLess(rt.waiting[i], rt.waiting[j]) })
	return nil
}

// indexQueue finds a new queue's members and waiting calls in State.
func (e *Engine) indexQueue(rt *queueRT) {
	e.st.RangeAgents(func(a *AgentRecord) bool {
		for _, m := range a.Agent.Queues {
			if m.QueueID == rt.cfg.ID {
				rt.addMember(member{a, m.Penalty})
			}
		}
		return true
	})
	e.st.RangeCalls(func(c *CallRecord) bool {
		if c.Call.QueueID == rt.cfg.ID {
			e.insertCall(rt, c)
		}
		return true
	})
}

// RemoveQueue deletes a queue that has no waiting calls. Agents keep the
// membership in their configuration; it applies again if the queue returns.
func (e *Engine) RemoveQueue(id int64) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	rt, ok := e.queues[id]
	if !ok {
		return fmt.Errorf("acd: queue %d: %w", id, ErrUnknownQueue)
	}
	if len(rt.waiting) > 0 {
		return fmt.Errorf("acd: queue %d: %w", id, ErrQueueBusy)
	}
	delete(e.queues, id)
	return nil
}

// UpsertAgent adds an agent (logged out, reachable) or replaces an
// existing agent's skills and memberships without touching its state.
func (e *Engine) UpsertAgent(a Agent) error {
	if err := a.Validate(); err != nil {
		return fmt.Errorf("acd: agent %d: %w", a.ID, err)
	}
	skills := make(map[string]int, len(a.Skills))
	for k, v := range a.Skills {
		skills[k] = v
	}
	a.Skills = skills
	a.Queues = append([]Membership(nil), a.Queues...)
	e.mu.Lock()
	defer e.mu.Unlock()
	rec, ok := e.st.Agent(a.ID)
	if ok {
		e.unlinkAgent(rec)
		rec.Agent = a
	} else {
		rec = &AgentRecord{Agent: a, State: LoggedOut, SinceMs: e.now(), Reachable: true}
	}
	e.st.PutAgent(rec)
	for _, m := range a.Queues {
		if rt, ok := e.queues[m.QueueID]; ok {
			rt.addMember(member{rec, m.Penalty})
		}
	}
	return nil
}

// RemoveAgent deletes an agent who holds no call or offer, logging it out
// first (with an event) if needed.
func (e *Engine) RemoveAgent(id int64) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, err := e.agent(id)
	if err != nil {
		return err
	}
	if a.State.busy() {
		return fmt.Errorf("acd: agent %d is %s: %w", id, a.State, ErrAgentBusy)
	}
	if a.State != LoggedOut {
		e.finishHandle(a, e.now())
		e.clearCall(a)
		a.PendingReason = ""
		e.mustMove(a, LoggedOut, ReasonAgentRemoved, e.now())
	}
	e.unlinkAgent(a)
	delete(e.avail, id)
	e.st.DeleteAgent(id)
	return nil
}

func (e *Engine) unlinkAgent(a *AgentRecord) {
	for _, m := range a.Agent.Queues {
		if rt, ok := e.queues[m.QueueID]; ok {
			rt.removeMember(a.Agent.ID)
		}
	}
}

func (q *queueRT) addMember(m member) {
	id := m.a.Agent.ID
	i := sort.Search(len(q.members), func(i int) bool { return q.members[i].a.Agent.ID >= id })
	if i < len(q.members) && q.members[i].a.Agent.ID == id {
		q.members[i] = m
		return
	}
	q.members = append(q.members, member{})
	copy(q.members[i+1:], q.members[i:])
	q.members[i] = m
}

func (q *queueRT) removeMember(id int64) {
	i := sort.Search(len(q.members), func(i int) bool { return q.members[i].a.Agent.ID >= id })
	if i < len(q.members) && q.members[i].a.Agent.ID == id {
		q.members = append(q.members[:i], q.members[i+1:]...)
	}
}

func callLess(a, b *CallRecord) bool {
	if a.KeyMs != b.KeyMs {
		return a.KeyMs < b.KeyMs
	}
	return a.Seq < b.Seq
}

// dayClock caches the current local day's bounds.
type dayClock struct {
	loc        *time.Location
	start, end int64
}

// today returns local midnight (unix ms) of the day containing nowMs.
func (d *dayClock) today(nowMs int64) int64 {
	if d.end != 0 && nowMs >= d.start && nowMs < d.end {
		return d.start
	}
	t := time.UnixMilli(nowMs).In(d.loc)
	s := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, d.loc)
	d.start, d.end = s.UnixMilli(), s.AddDate(0, 0, 1).UnixMilli()
	return d.start
}
