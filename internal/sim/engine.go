package sim

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/hotline-cc/hotline/internal/calllog"
)

// Call is one simulated call: its events in order (Seq set) and what the
// simulator meant to happen, for tests to hold the derived CDR against.
type Call struct {
	Events []calllog.Event
	Intent Intent
}

// Intent is what the simulator made of a call.
type Intent struct {
	Outcome    calllog.Outcome
	Direction  string
	Blocked    string // the blocked reason
	WaitMS     int64  // abandoned: how long the caller waited; answered: the wait to the first answer
	Patience   int64  // the patience drawn for the caller's last wait in a queue
	AgentID    int64  // the first agent who answered
	Transfers  int
	Holds      int
	Rating     int
	Unresolved bool
	Callback   bool // the caller asked to be called back
	Repeat     bool // the caller called within RepeatWindow before
	HangupBy   string
	Cutoff     bool // ended by the end of the period
}

// Sink receives the output in batches: finished calls and agent state
// changes (in time order). The slices are the sink's to keep.
type Sink func(calls []Call, agents []calllog.AgentEvent) error

// Stats counts what a simulation produced.
type Stats struct {
	Arrivals    int64 // calls that arrived (Poisson draws)
	Calls       int64 // calls written, arrivals plus callbacks
	Events      int64 // call events
	AgentEvents int64
	Outcomes    map[calllog.Outcome]int64
}

type kind uint8

const (
	evInterval kind = iota
	evArrival
	evEnqueue
	evAbandon
	evMaxWait
	evAnnounce
	evRingEnd
	evDirectAnswer
	evStep
	evSurveyKey
	evCallEnd
	evWake
	evCbAgent
	evCbCustomer
	evVoicemail
	evLogin
	evActStart
	evActEnd
	evLogout
	evRecover
	evWrapEnd
)

type event struct {
	at   int64
	seq  uint64
	kind kind
	gen  uint32
	c    *callState
	a    *agentState
	q    *queueRT
	n    int
}

type engine struct {
	cfg    Config
	w      *World
	from   int64
	to     int64 // exclusive
	limit  int64 // the last millisecond of the period
	now    int64
	seq    uint64
	h      evHeap
	rArr   *rand.Rand // arrivals only: counts follow the profile whatever the agents do
	rCall  *rand.Rand // callers' and calls' behaviour
	rAgent *rand.Rand // agents' behaviour
	walker *walker
	pool   *callers

	queues  []*queueRT
	byName  map[string]*queueRT
	agents  []*agentState
	routes  []Route
	weights []float64
	active  map[int64]*callState
	nCalls  int64
	source  string

	closing   bool // the period is over: nothing new starts
	sink      Sink
	outCalls  []Call
	outAgents []calllog.AgentEvent
	stats     Stats
	err       error
}

// Generate runs the simulation of w over cfg's period and hands its
// output to sink.
func Generate(ctx context.Context, w *World, cfg Config, sink Sink) (Stats, error) {
	cfg.defaults()
	if err := cfg.Validate(); err != nil {
		return Stats{}, err
	}
	if len(w.Queues) == 0 {
		return Stats{}, fmt.Errorf("sim: no queues to simulate")
	}
	e := newEngine(w, cfg, sink)
	if err := e.run(ctx); err != nil {
		return e.stats, err
	}
	return e.stats, nil
}

func newEngine(w *World, cfg Config, sink Sink) *engine {
	e := &engine{cfg: cfg, w: w, from: cfg.From.UnixMilli(), to: cfg.To.UnixMilli(), sink: sink,
		rArr:   rand.New(rand.NewPCG(cfg.Seed, 0x61727269)),
		rCall:  rand.New(rand.NewPCG(cfg.Seed, 0x63616c6c)),
		rAgent: rand.New(rand.NewPCG(cfg.Seed, 0x6167656e)),
		walker: newWalker(w.Flows), active: map[int64]*callState{}, byName: map[string]*queueRT{},
		stats: Stats{Outcomes: map[calllog.Outcome]int64{}}}
	e.limit = e.to - 1
	e.pool = newCallers(rand.New(rand.NewPCG(cfg.Seed, 0x706f6f6c)), cfg.Shares, w.CustomerPhones)
	e.source = fmt.Sprintf("198.51.100.%d:5060", 1+cfg.Seed%254)
	e.setupQueues()
	e.setupAgents()
	e.setupRoutes()
	return e
}

func (e *engine) schedule(ev event) {
	e.seq++
	ev.seq = e.seq
	e.h.push(ev)
}

func (e *engine) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

func (e *engine) run(ctx context.Context) error {
	e.schedule(event{at: e.from, kind: evInterval})
	for _, a := range e.agents {
		e.nextShift(a)
	}
	for n := 0; len(e.h) > 0; n++ {
		if e.h[0].at > e.limit {
			break
		}
		ev := e.h.pop()
		e.now = ev.at
		e.handle(ev)
		if e.err != nil {
			return e.err
		}
		if n&0xffff == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if len(e.outCalls) >= 2000 || len(e.outAgents) >= 8000 {
			if err := e.flush(); err != nil {
				return err
			}
		}
	}
	e.now = e.limit
	e.closing = true
	e.closeAll()
	if e.err != nil {
		return e.err
	}
	return e.flush()
}

func (e *engine) flush() error {
	if len(e.outCalls) == 0 && len(e.outAgents) == 0 {
		return nil
	}
	calls, agents := e.outCalls, e.outAgents
	e.outCalls, e.outAgents = make([]Call, 0, 2048), make([]calllog.AgentEvent, 0, 8192)
	return e.sink(calls, agents)
}

func (e *engine) handle(ev event) {
	switch ev.kind {
	case evInterval:
		e.interval(ev.n)
	case evArrival:
		e.arrive()
	case evLogin:
		e.login(ev.a)
	case evActStart:
		e.activityStart(ev.a, ev.n, ev.gen)
	case evActEnd:
		e.activityEnd(ev.a, ev.gen)
	case evLogout:
		e.logout(ev.a, ev.gen)
	case evRecover:
		e.recover(ev.a, ev.gen)
	case evWrapEnd:
		e.wrapEnd(ev.a, ev.c)
	case evWake:
		e.dispatchQueue(ev.q)
	default:
		cur := ev.c.gen
		if ev.kind == evAbandon || ev.kind == evMaxWait || ev.kind == evAnnounce {
			cur = ev.c.qgen
		}
		if ev.gen != cur {
			return // the call moved on since this was scheduled
		}
		e.handleCall(ev)
	}
}

func (e *engine) handleCall(ev event) {
	c := ev.c
	switch ev.kind {
	case evEnqueue:
		e.enqueue(c, c.nextQueue, c.nextPriority, c.nextSkills)
	case evAbandon:
		e.abandon(c)
	case evMaxWait:
		e.maxWait(c)
	case evAnnounce:
		e.announce(c)
	case evRingEnd:
		e.ringEnd(c, ev.n == 1)
	case evDirectAnswer:
		e.directAnswer(c)
	case evStep:
		e.step(c)
	case evSurveyKey:
		e.surveyKey(c, ev.n)
	case evCallEnd:
		e.endCall(c, c.endBy, c.endCause)
	case evCbAgent:
		e.callbackAgentAnswered(c)
	case evCbCustomer:
		e.callbackCustomer(c, ev.n == 1)
	case evVoicemail:
		e.voicemailDone(c)
	}
}

// at clamps a time into the period's last millisecond.
func (e *engine) clamp(at int64) int64 { return min(at, e.limit) }

func msTime(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// emitAt appends an event to c at time at (never before c's previous
// event, never after the period).
func (e *engine) emitAt(c *callState, at int64, typ calllog.Type, ev calllog.Event) {
	at = e.clamp(max(at, c.lastAt))
	c.lastAt = at
	ev.CallID, ev.Type, ev.At, ev.Seq = c.id, typ, msTime(at), len(c.events)+1
	c.events = append(c.events, ev)
}

func (e *engine) emit(c *callState, typ calllog.Type, ev calllog.Event) { e.emitAt(c, e.now, typ, ev) }

// emitAgent appends an event about agent a, with their extension, team
// and department, as internal/call's emitAgent does.
func (e *engine) emitAgent(c *callState, typ calllog.Type, a *agentState, d calllog.Data) {
	d.TeamID, d.DeptID, d.Extension = a.TeamID, a.DepartmentID, a.Extension
	e.emit(c, typ, calllog.Event{Leg: "agent:" + a.Extension, AgentID: a.ID, Queue: c.queueName(), Data: d})
}

// closeAll ends what is still going on at the period's end: callers hang
// up, agents finish and log out, so that the period's records are
// complete and every agent's chain of states ends logged out.
func (e *engine) closeAll() {
	ids := make([]int64, 0, len(e.active))
	for id := range e.active {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		if c := e.active[id]; c != nil && !c.ended {
			e.cutoff(c)
		}
	}
	for _, a := range e.agents {
		a.leaving = true
		if a.call != nil && a.state == stWrapUp {
			e.wrapEnd(a, a.call)
		}
		if a.state != stLoggedOut {
			e.leave(a)
		}
	}
	ids = ids[:0]
	for id := range e.active {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		c := e.active[id]
		e.fail(fmt.Errorf("sim: call %s still open at the end (state %d, pending %d, %d events)", c.id, c.state, c.pending, len(c.events)))
	}
}
