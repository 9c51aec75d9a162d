package acd

import (
	"fmt"
	"sort"
)

// CallStatus is one waiting call in a queue snapshot.
type CallStatus struct {
	ID       string `json:"id"`
	Position int    `json:"position"`
	Priority int    `json:"priority"`
	Caller   string `json:"caller,omitempty"`
	WaitedMs int64  `json:"waited_ms"`
	Callback bool   `json:"callback"`
	Offered  bool   `json:"offered"` // agents are ringing for it
}

// QueueStatus is a queue's live state and today's figures.
type QueueStatus struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	Waiting       int    `json:"waiting"`   // callers on the line
	Callbacks     int    `json:"callbacks"` // callback requests keeping a place
	LongestWaitMs int64  `json:"longest_wait_ms"`
	// Agents who are members, by state. Available = ready and reachable.
	LoggedIn    int `json:"logged_in"`
	Ready       int `json:"ready"`
	Available   int `json:"available"`
	Busy        int `json:"busy"` // ringing, on a call or on hold
	WrapUp      int `json:"wrap_up"`
	NotReady    int `json:"not_ready"`
	Unreachable int `json:"unreachable"` // logged in but phone unreachable
	// Since local midnight.
	Entered           int          `json:"entered"`
	Answered          int          `json:"answered"`
	AnsweredInSL      int          `json:"answered_in_sl"`
	Abandoned         int          `json:"abandoned"`
	ShortAbandoned    int          `json:"short_abandoned"`
	Overflowed        int          `json:"overflowed"`
	Blocked           int          `json:"blocked"`
	CallbacksAnswered int          `json:"callbacks_answered"`
	ServiceLevel      float64      `json:"service_level"` // percent, see queueStats.serviceLevel
	ASAMs             int64        `json:"asa_ms"`        // mean wait of answered calls
	AHTMs             int64        `json:"aht_ms"`        // recent mean handle time used for estimates
	Calls             []CallStatus `json:"calls"`
}

// AgentStatus is an agent's live state.
type AgentStatus struct {
	ID            int64      `json:"id"`
	Name          string     `json:"name,omitempty"`
	State         AgentState `json:"state"`
	Reason        Reason     `json:"reason,omitempty"`
	SinceMs       int64      `json:"since_ms"`
	PendingReason Reason     `json:"pending_reason,omitempty"`
	CallID        string     `json:"call_id,omitempty"`
	QueueID       int64      `json:"queue_id,omitempty"`
	OfferID       int64      `json:"offer_id,omitempty"`
	CallsToday    int        `json:"calls_today"`
	Reachable     bool       `json:"reachable"`
	// Available: would be offered a call now (ready and reachable).
	Available    bool  `json:"available"`
	IdleSinceMs  int64 `json:"idle_since_ms,omitempty"`
	WrapUpEndsMs int64 `json:"wrap_up_ends_ms,omitempty"`
}

// Snapshot is the whole engine's live state.
type Snapshot struct {
	AtMs   int64         `json:"at_ms"`
	Queues []QueueStatus `json:"queues"`
	Agents []AgentStatus `json:"agents"`
}

// Snapshot returns every queue and agent, ordered by ID. It costs
// O(agents + memberships + waiting calls); wallboards should poll it at a
// human rate or use QueueStatus.
func (e *Engine) Snapshot() Snapshot {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	s := Snapshot{AtMs: now, Queues: make([]QueueStatus, 0, len(e.queues))}
	for _, q := range e.queues {
		s.Queues = append(s.Queues, e.queueStatus(q, now))
	}
	sort.Slice(s.Queues, func(i, j int) bool { return s.Queues[i].ID < s.Queues[j].ID })
	e.st.RangeAgents(func(a *AgentRecord) bool {
		s.Agents = append(s.Agents, e.agentStatus(a, now))
		return true
	})
	return s
}

// QueueStatus returns one queue's live state.
func (e *Engine) QueueStatus(queueID int64) (QueueStatus, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	q, ok := e.queues[queueID]
	if !ok {
		return QueueStatus{}, fmt.Errorf("acd: queue %d: %w", queueID, ErrUnknownQueue)
	}
	return e.queueStatus(q, e.now()), nil
}

// AgentStatus returns one agent's live state.
func (e *Engine) AgentStatus(agentID int64) (AgentStatus, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, err := e.agent(agentID)
	if err != nil {
		return AgentStatus{}, err
	}
	return e.agentStatus(a, e.now()), nil
}

func (e *Engine) agentStatus(a *AgentRecord, now int64) AgentStatus {
	return AgentStatus{
		ID: a.Agent.ID, Name: a.Agent.Name, State: a.State, Reason: a.Reason, SinceMs: a.SinceMs,
		PendingReason: a.PendingReason, CallID: a.CallID, QueueID: a.QueueID, OfferID: a.OfferID,
		CallsToday: e.callsToday(a, now), Reachable: a.Reachable, Available: available(a),
		IdleSinceMs: a.IdleSinceMs, WrapUpEndsMs: a.WrapEndsMs,
	}
}

func (e *Engine) queueStatus(q *queueRT, now int64) QueueStatus {
	st := e.qstats(q, now)
	s := QueueStatus{
		ID: q.cfg.ID, Name: q.cfg.Name, Callbacks: q.callbacks, Waiting: len(q.waiting) - q.callbacks,
		Entered: st.entered, Answered: st.answered, AnsweredInSL: st.answeredInSL,
		Abandoned: st.abandoned, ShortAbandoned: st.shortAbandoned, Overflowed: st.overflowed,
		Blocked: st.blocked, CallbacksAnswered: st.callbacksAnswered,
		ServiceLevel: st.serviceLevel(), AHTMs: st.aht(e.opts.DefaultHandleTime).Milliseconds(),
		Calls: make([]CallStatus, 0, len(q.waiting)),
	}
	if st.answered > 0 {
		s.ASAMs = st.waitAnsweredMs / int64(st.answered)
	}
	for i, c := range q.waiting {
		waited := now - c.EnteredMs
		if c.Callback == nil && waited > s.LongestWaitMs {
			s.LongestWaitMs = waited
		}
		s.Calls = append(s.Calls, CallStatus{ID: c.Call.ID, Position: i + 1, Priority: c.Call.Priority,
			Caller: c.Call.Caller, WaitedMs: waited, Callback: c.Callback != nil, Offered: c.OfferID != 0})
	}
	for _, m := range q.members {
		countAgent(&s, m.a)
	}
	return s
}

func countAgent(s *QueueStatus, a *AgentRecord) {
	if !a.State.loggedIn() {
		return
	}
	s.LoggedIn++
	if !a.Reachable {
		s.Unreachable++
	}
	switch a.State {
	case Ready:
		s.Ready++
		if a.Reachable {
			s.Available++
		}
	case Ringing, OnCall, OnHold:
		s.Busy++
	case WrapUp:
		s.WrapUp++
	case NotReady:
		s.NotReady++
	}
}
