package acd

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// propModel is what a well-behaved owner knows: the calls it queued and
// the offers it is ringing. runProperty drives random operations through
// it and checks the engine's invariants after each one.
type propModel struct {
	t      *testing.T
	h      *harness
	r      *rand.Rand
	calls  map[string]bool
	offers map[int64]map[int64]bool // open offer → agents still ringing
	offerC map[int64]string         // open offer → call
	next   int
	agents []int64
}

var propQueues = []Queue{
	{ID: 1, Strategy: LongestIdle, Skills: []SkillReq{{"en", 3}}, Widening: []WideningStep{{AfterSec: 20, DropSkill: "en"}},
		MaxWaitSec: 90, Overflow: Overflow{Action: OverflowCallback}, AnnounceIntervalSec: 15, WrapUpSec: 5},
	{ID: 2, Strategy: RingAll, RingTimeoutSec: 10, MaxWaiting: 4, Priority: 2},
	{ID: 3, Strategy: RoundRobin, NoAnswer: NoAnswerPolicy{NotReady: true}, MaxWaitSec: 60,
		Overflow: Overflow{Action: OverflowQueue, QueueID: 1}, WrapUpSec: 8},
	{ID: 4, Strategy: SkillsBased, Skills: []SkillReq{{"fr", 2}, {"en", 1}}},
	{ID: 5, Strategy: FewestCalls, OverflowNoAgents: true, Overflow: Overflow{Action: OverflowVoicemail, Target: "vm"}},
}

func TestPropertyRandomOperations(t *testing.T) {
	for seed := range uint64(40) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { runProperty(t, seed, 500) })
	}
}

func runProperty(t *testing.T, seed uint64, steps int) {
	r := rand.New(rand.NewPCG(seed, 99))
	st := newPutCheckState()
	h := newHarnessOpts(t, Options{RetryAfter: 3 * time.Second, State: st})
	m := &propModel{t: t, h: h, r: r, calls: map[string]bool{},
		offers: map[int64]map[int64]bool{}, offerC: map[int64]string{}}
	for _, q := range propQueues {
		h.queue(q)
	}
	for id := int64(1); id <= 8; id++ {
		m.agents = append(m.agents, id)
		h.ok(h.e.UpsertAgent(m.randomAgent(id)))
	}
	ops := []func(){m.enqueue, m.enqueue, m.dispatch, m.dispatch, m.answer, m.fail, m.endCall,
		m.abandon, m.remove, m.callback, m.agentOp, m.agentOp, m.agentOp, m.tick, m.reconfigure}
	for i := range steps {
		ops[r.IntN(len(ops))]()
		m.check(i)
		if u := st.unpublished(); len(u) > 0 {
			t.Fatalf("step %d: changed without Put: %v", i, u)
		}
	}
}

func (m *propModel) randomAgent(id int64) Agent {
	a := Agent{ID: id, Skills: map[string]int{}}
	for _, s := range []string{"en", "fr"} {
		if m.r.IntN(3) > 0 {
			a.Skills[s] = 1 + m.r.IntN(10)
		}
	}
	for _, q := range propQueues {
		if m.r.IntN(2) == 0 {
			a.Queues = append(a.Queues, Membership{QueueID: q.ID, Penalty: m.r.IntN(2)})
		}
	}
	return a
}

func (m *propModel) anyCall() (string, bool) {
	for id := range m.calls { // map order is random enough here
		return id, true
	}
	return "", false
}

func (m *propModel) anyOffer() (int64, int64, bool) {
	for o, agents := range m.offers {
		for a := range agents {
			return o, a, true
		}
	}
	return 0, 0, false
}

func (m *propModel) forgetOffersOf(call string) {
	for o, c := range m.offerC {
		if c == call {
			delete(m.offers, o)
			delete(m.offerC, o)
		}
	}
}

func (m *propModel) enqueue() {
	m.next++
	id := fmt.Sprintf("c%d", m.next)
	c := WaitingCall{ID: id, QueueID: int64(1 + m.r.IntN(len(propQueues))), Priority: m.r.IntN(10)}
	if m.r.IntN(3) > 0 {
		c.Caller = "+86" + id
	}
	if m.r.IntN(5) == 0 {
		c.Skills = []SkillReq{{"fr", 1 + m.r.IntN(5)}}
	}
	if _, err := m.h.e.Enqueue(c); err == nil {
		m.calls[id] = true
	}
}

func (m *propModel) dispatch() {
	before := map[int64]AgentStatus{}
	for _, a := range m.h.e.Snapshot().Agents {
		before[a.ID] = a
	}
	for _, o := range m.h.e.Dispatch() {
		if !m.calls[o.CallID] {
			m.t.Fatalf("offer for unknown call %+v", o)
		}
		ring := map[int64]bool{}
		for _, a := range o.AgentIDs {
			if b := before[a]; b.State != Ready || !b.Reachable {
				m.t.Fatalf("offer %+v to agent %d who was %s reachable=%v", o, a, b.State, b.Reachable)
			}
			before[a] = AgentStatus{State: Ringing} // not offerable twice in one Dispatch
			ring[a] = true
		}
		m.offers[o.ID], m.offerC[o.ID] = ring, o.CallID
	}
}

func (m *propModel) answer() {
	o, a, ok := m.anyOffer()
	if !ok {
		return
	}
	if _, err := m.h.e.OfferAnswered(o, a); err != nil {
		m.t.Fatalf("OfferAnswered(%d, %d): %v", o, a, err)
	}
	delete(m.calls, m.offerC[o])
	delete(m.offers, o)
	delete(m.offerC, o)
}

func (m *propModel) fail() {
	o, a, ok := m.anyOffer()
	if !ok {
		return
	}
	reasons := []FailReason{FailNoAnswer, FailBusy, FailRejected, FailUnreachable}
	if err := m.h.e.OfferFailed(o, a, reasons[m.r.IntN(len(reasons))]); err != nil {
		m.t.Fatalf("OfferFailed(%d, %d): %v", o, a, err)
	}
	delete(m.offers[o], a)
	if len(m.offers[o]) == 0 {
		delete(m.offers, o)
		delete(m.offerC, o)
	}
}

func (m *propModel) endCall() {
	for _, a := range m.h.e.Snapshot().Agents {
		if a.State == OnCall || a.State == OnHold {
			m.h.ok(m.h.e.CallEnded(a.CallID, a.ID))
			return
		}
	}
}

func (m *propModel) abandon() {
	if id, ok := m.anyCall(); ok {
		if _, err := m.h.e.Abandon(id); err != nil {
			m.t.Fatalf("Abandon(%s): %v", id, err)
		}
		delete(m.calls, id)
		m.forgetOffersOf(id)
	}
}

func (m *propModel) remove() {
	if m.r.IntN(3) > 0 {
		return
	}
	if id, ok := m.anyCall(); ok {
		m.h.ok(m.h.e.Remove(id))
		delete(m.calls, id)
		m.forgetOffersOf(id)
	}
}

func (m *propModel) callback() {
	if id, ok := m.anyCall(); ok {
		req := CallbackRequest{Number: "+8613800000000"}
		if m.r.IntN(2) == 0 {
			req.NotBefore = m.h.clk.Now().Add(time.Duration(m.r.IntN(60)) * time.Second)
		}
		_ = m.h.e.RequestCallback(id, req) // ErrCallOffered is fine
	}
}

func (m *propModel) agentOp() {
	id := m.agents[m.r.IntN(len(m.agents))]
	e := m.h.e
	// Errors are expected for transitions the agent's state forbids; the
	// invariants are what matter.
	switch m.r.IntN(9) {
	case 0:
		_ = e.Login(id)
	case 1:
		_ = e.Logout(id)
	case 2, 3:
		_ = e.SetReady(id)
	case 4:
		_ = e.SetNotReady(id, ReasonBreak)
	case 5:
		_ = e.SetReachable(id, m.r.IntN(3) > 0)
	case 6:
		_ = e.EndWrapUp(id)
	case 7:
		if e.Hold(id) != nil {
			_ = e.Resume(id)
		}
	case 8:
		m.next++
		_ = e.StartDirectCall(id, fmt.Sprintf("direct%d", m.next))
	}
}

func (m *propModel) tick() {
	m.h.clk.Advance(time.Duration(m.r.IntN(20_000)) * time.Millisecond)
	for _, a := range m.h.e.Tick() {
		switch a.Kind {
		case ActionOfferTimeout:
			for _, ag := range a.AgentIDs {
				delete(m.offers[a.OfferID], ag)
			}
			if len(m.offers[a.OfferID]) == 0 {
				delete(m.offers, a.OfferID)
				delete(m.offerC, a.OfferID)
			}
		case ActionOverflow:
			if a.Overflow.Action != OverflowCallback {
				delete(m.calls, a.CallID)
			}
		}
	}
}

func (m *propModel) reconfigure() {
	if m.r.IntN(4) > 0 {
		return
	}
	id := m.agents[m.r.IntN(len(m.agents))]
	m.h.ok(m.h.e.UpsertAgent(m.randomAgent(id)))
}

// check verifies the invariants: no agent holds two calls or offers, every
// ringing agent belongs to exactly one open offer, no waiting call is lost
// or invented, and each agent's events chain up to its current state.
func (m *propModel) check(step int) {
	t := m.t
	s := m.h.e.Snapshot()
	inOffer := map[int64]int64{}
	for o, agents := range m.offers {
		for a := range agents {
			if prev, dup := inOffer[a]; dup {
				t.Fatalf("step %d: agent %d in offers %d and %d", step, a, prev, o)
			}
			inOffer[a] = o
		}
	}
	onCall := map[string]int64{}
	for _, a := range s.Agents {
		switch a.State {
		case Ringing:
			if inOffer[a.ID] == 0 || inOffer[a.ID] != a.OfferID {
				t.Fatalf("step %d: agent %d ringing for offer %d, owner has %d", step, a.ID, a.OfferID, inOffer[a.ID])
			}
		case OnCall, OnHold:
			if prev, dup := onCall[a.CallID]; dup || a.CallID == "" {
				t.Fatalf("step %d: call %q on agents %d and %d", step, a.CallID, prev, a.ID)
			}
			onCall[a.CallID] = a.ID
			fallthrough
		default:
			if _, ringing := inOffer[a.ID]; ringing {
				t.Fatalf("step %d: agent %d is %s but the owner is ringing it", step, a.ID, a.State)
			}
		}
	}
	waiting := map[string]bool{}
	for _, q := range s.Queues {
		for _, c := range q.Calls {
			if waiting[c.ID] {
				t.Fatalf("step %d: call %s twice", step, c.ID)
			}
			waiting[c.ID] = true
		}
	}
	for id := range m.calls {
		if !waiting[id] {
			t.Fatalf("step %d: call %s lost", step, id)
		}
	}
	if len(waiting) != len(m.calls) {
		t.Fatalf("step %d: engine has %d calls, owner %d", step, len(waiting), len(m.calls))
	}
	m.checkEvents(step, s)
}

func (m *propModel) checkEvents(step int, s Snapshot) {
	last := map[int64]AgentState{}
	for _, ev := range m.h.rec.events() {
		prev, seen := last[ev.AgentID]
		if !seen {
			prev = LoggedOut
		}
		if ev.From != prev {
			m.t.Fatalf("step %d: agent %d event %s→%s after %s", step, ev.AgentID, ev.From, ev.To, prev)
		}
		if ev.Kind == EventState && !canMove(ev.From, ev.To) {
			m.t.Fatalf("step %d: event with invalid transition %+v", step, ev)
		}
		last[ev.AgentID] = ev.To
	}
	for _, a := range s.Agents {
		if st, ok := last[a.ID]; ok && st != a.State {
			m.t.Fatalf("step %d: agent %d is %s, events say %s", step, a.ID, a.State, st)
		}
	}
}
