package acd

import (
	"container/heap"
	"sort"
	"time"
)

// OfferKind tells a live call from a callback.
type OfferKind string

// Offer kinds. For OfferCallback the owner dials the agent first, then
// CallbackNumber.
const (
	OfferCall     OfferKind = "call"
	OfferCallback OfferKind = "callback"
)

// Offer is a decision to ring agents for a call: one agent, or several at
// once for ring-all. The agents are ringing (reserved) until the owner
// reports OfferAnswered or OfferFailed for each, or the deadline passes.
type Offer struct {
	ID             int64         `json:"id"`
	Kind           OfferKind     `json:"kind"`
	CallID         string        `json:"call_id"`
	QueueID        int64         `json:"queue_id"`
	AgentIDs       []int64       `json:"agent_ids"`
	Deadline       time.Time     `json:"deadline"`
	Caller         string        `json:"caller,omitempty"`
	CallbackNumber string        `json:"callback_number,omitempty"`
	Priority       int           `json:"priority"`
	Waited         time.Duration `json:"waited"`
}

type offer struct {
	Offer
	deadlineMs int64
	ringing    map[int64]bool // agents still ringing
}

// Dispatch decides the offers to make now and reserves their agents. Calls
// are served in order of queue priority, then earliest virtual entry time
// (longest effective wait); each takes the best free eligible agent of its
// queue by the queue's strategy. Call it after every event that may free an
// agent or add a call, and after Tick.
func (e *Engine) Dispatch() []Offer {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.active) == 0 || len(e.avail) == 0 {
		return nil
	}
	now := e.now()
	h := e.cursors(now)
	var out []Offer
	for h.Len() > 0 {
		c := h[0]
		c.prune()
		if len(c.free) > 0 {
			if o, ok := e.tryOffer(c, now); ok {
				out = append(out, o)
			}
			c.prune()
		}
		if len(c.free) > 0 && c.next(now) {
			heap.Fix(&h, 0)
		} else {
			heap.Pop(&h)
		}
	}
	return out
}

// cursor walks one queue's waiting calls during a Dispatch.
type cursor struct {
	q       *queueRT
	idx     int
	free    []member
	noMatch map[int]bool // widening stages known to match no free agent
}

// next moves to the next call that can be offered now.
func (c *cursor) next(now int64) bool {
	for c.idx++; c.idx < len(c.q.waiting); c.idx++ {
		r := c.q.waiting[c.idx]
		if r.OfferID == 0 && !(r.Callback != nil && r.Callback.NotBefore.UnixMilli() > now) {
			return true
		}
	}
	return false
}

func (c *cursor) prune() {
	kept := c.free[:0]
	for _, m := range c.free {
		if available(m.a) {
			kept = append(kept, m)
		}
	}
	c.free = kept
}

func available(a *AgentRecord) bool { return a.State == Ready && a.Reachable }

type cursorHeap []*cursor

func (h cursorHeap) Len() int { return len(h) }
func (h cursorHeap) Less(i, j int) bool {
	a, b := h[i], h[j]
	if a.q.cfg.Priority != b.q.cfg.Priority {
		return a.q.cfg.Priority > b.q.cfg.Priority
	}
	return callLess(a.q.waiting[a.idx], b.q.waiting[b.idx])
}
func (h cursorHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *cursorHeap) Push(x any)   { *h = append(*h, x.(*cursor)) }
func (h *cursorHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// cursors builds one cursor per queue that has an offerable call and a
// free member. Free members are found from whichever side is smaller: the
// members of active queues, or the available agents' memberships.
func (e *Engine) cursors(now int64) cursorHeap {
	viaMembers := 0
	for _, q := range e.active {
		viaMembers += len(q.members)
	}
	free := make(map[int64][]member, len(e.active))
	if len(e.avail)*4 < viaMembers {
		for _, a := range e.avail {
			for _, m := range a.Agent.Queues {
				if _, ok := e.active[m.QueueID]; ok {
					free[m.QueueID] = append(free[m.QueueID], member{a, m.Penalty})
				}
			}
		}
	} else {
		for id, q := range e.active {
			for _, m := range q.members {
				if available(m.a) {
					free[id] = append(free[id], m)
				}
			}
		}
	}
	h := make(cursorHeap, 0, len(free))
	for id, f := range free {
		c := &cursor{q: e.active[id], idx: -1, free: f}
		if c.next(now) {
			h = append(h, c)
		}
	}
	heap.Init(&h)
	return h
}

// tryOffer offers the cursor's current call to the best free agent(s).
func (e *Engine) tryOffer(c *cursor, now int64) (Offer, bool) {
	q, rec := c.q, c.q.waiting[c.idx]
	stage := widenStage(q.cfg.Widening, now-rec.EnteredMs)
	// Calls with the queue's own skills and no failed agents share their
	// eligibility, so one miss at a stage is a miss for all of them.
	memo := rec.Call.Skills == nil && len(rec.Tried) == 0
	if memo && c.noMatch[stage] {
		return Offer{}, false
	}
	reqs := effectiveSkills(&q.cfg, rec, stage)
	cands := e.candidates(c.free, reqs, rec, now)
	if len(cands) == 0 {
		if memo {
			if c.noMatch == nil {
				c.noMatch = map[int]bool{}
			}
			c.noMatch[stage] = true
		}
		return Offer{}, false
	}
	return e.makeOffer(q, rec, e.choose(q, cands, reqs, now), now), true
}

// candidates are the free agents eligible for rec in the lowest penalty tier.
func (e *Engine) candidates(free []member, reqs []SkillReq, rec *CallRecord, now int64) []member {
	retry := e.opts.RetryAfter.Milliseconds()
	cands := e.cands[:0]
	best := int(^uint(0) >> 1)
	for _, m := range free {
		a := m.a
		if !available(a) || m.penalty > best || !hasSkills(a, reqs) {
			continue
		}
		if t, ok := rec.Tried[a.Agent.ID]; ok && now-t < retry {
			continue
		}
		if m.penalty < best {
			best, cands = m.penalty, cands[:0]
		}
		cands = append(cands, m)
	}
	e.cands = cands
	return cands
}

func hasSkills(a *AgentRecord, reqs []SkillReq) bool {
	for _, r := range reqs {
		if a.Agent.Skills[r.Skill] < r.MinLevel {
			return false
		}
	}
	return true
}

func skillScore(a *AgentRecord, reqs []SkillReq) int {
	s := 0
	for _, r := range reqs {
		s += a.Agent.Skills[r.Skill]
	}
	return s
}

// widenStage is how many widening steps apply after waiting waitedMs.
func widenStage(steps []WideningStep, waitedMs int64) int {
	n := 0
	for _, w := range steps {
		if secMs(w.AfterSec) <= waitedMs {
			n++
		}
	}
	return n
}

// effectiveSkills applies the first stage widening steps to the call's
// requirements (its override, else the queue's).
func effectiveSkills(q *Queue, rec *CallRecord, stage int) []SkillReq {
	base := q.Skills
	if rec.Call.Skills != nil {
		base = rec.Call.Skills
	}
	stage = min(stage, len(q.Widening))
	if stage == 0 {
		return base
	}
	lower, dropped := 0, map[string]bool{}
	for _, w := range q.Widening[:stage] {
		lower += w.LowerBy
		if w.DropSkill != "" {
			dropped[w.DropSkill] = true
		}
	}
	out := make([]SkillReq, 0, len(base))
	for _, r := range base {
		if !dropped[r.Skill] {
			out = append(out, SkillReq{Skill: r.Skill, MinLevel: max(MinSkillLevel, r.MinLevel-lower)})
		}
	}
	return out
}

// choose applies the queue's strategy to the candidates.
func (e *Engine) choose(q *queueRT, cands []member, reqs []SkillReq, now int64) []*AgentRecord {
	switch q.cfg.Strategy {
	case RingAll:
		out := make([]*AgentRecord, len(cands))
		for i, m := range cands {
			out[i] = m.a
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Agent.ID < out[j].Agent.ID })
		return out
	case RoundRobin:
		a := nextInRotation(cands, e.st.Rotation(q.cfg.ID))
		e.st.SetRotation(q.cfg.ID, a.Agent.ID)
		return []*AgentRecord{a}
	}
	best := cands[0].a
	for _, m := range cands[1:] {
		if e.better(q.cfg.Strategy, m.a, best, reqs, now) {
			best = m.a
		}
	}
	return []*AgentRecord{best}
}

// nextInRotation is the candidate with the smallest ID above last, wrapping
// to the smallest ID.
func nextInRotation(cands []member, last int64) *AgentRecord {
	var after, lowest *AgentRecord
	for _, m := range cands {
		id := m.a.Agent.ID
		if lowest == nil || id < lowest.Agent.ID {
			lowest = m.a
		}
		if id > last && (after == nil || id < after.Agent.ID) {
			after = m.a
		}
	}
	if after != nil {
		return after
	}
	return lowest
}

// better reports whether a beats b under strategy s; ties fall through to
// longest idle, then lowest ID, so decisions are deterministic.
func (e *Engine) better(s Strategy, a, b *AgentRecord, reqs []SkillReq, now int64) bool {
	switch s {
	case FewestCalls:
		if ca, cb := e.callsToday(a, now), e.callsToday(b, now); ca != cb {
			return ca < cb
		}
	case SkillsBased:
		if sa, sb := skillScore(a, reqs), skillScore(b, reqs); sa != sb {
			return sa > sb
		}
	}
	if a.IdleSinceMs != b.IdleSinceMs {
		return a.IdleSinceMs < b.IdleSinceMs
	}
	return a.Agent.ID < b.Agent.ID
}

// makeOffer reserves the agents (→ ringing) and records the offer.
func (e *Engine) makeOffer(q *queueRT, rec *CallRecord, agents []*AgentRecord, now int64) Offer {
	e.lastID++
	o := &offer{ringing: make(map[int64]bool, len(agents))}
	o.Offer = Offer{
		ID: e.lastID, Kind: OfferCall, CallID: rec.Call.ID, QueueID: q.cfg.ID,
		Caller: rec.Call.Caller, Priority: rec.Call.Priority,
		Waited: time.Duration(now-rec.EnteredMs) * time.Millisecond,
	}
	if rec.Callback != nil {
		o.Kind, o.CallbackNumber = OfferCallback, rec.Callback.Number
	}
	o.deadlineMs = now + q.cfg.ringTimeout().Milliseconds()
	o.Deadline = time.UnixMilli(o.deadlineMs)
	for _, a := range agents {
		o.AgentIDs = append(o.AgentIDs, a.Agent.ID)
		o.ringing[a.Agent.ID] = true
		a.OfferID, a.CallID, a.QueueID = o.ID, rec.Call.ID, q.cfg.ID
		e.mustMove(a, Ringing, "", now)
	}
	rec.OfferID = o.ID
	e.st.PutCall(rec)
	e.offers[o.ID] = o
	if !e.opts.ManualRingTimeouts {
		e.pushTimer(timer{at: o.deadlineMs, kind: tRing, offer: o.ID})
	}
	out := o.Offer
	out.AgentIDs = append([]int64(nil), o.AgentIDs...)
	return out
}
