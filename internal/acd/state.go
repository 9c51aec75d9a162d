package acd

import "sort"

// AgentRecord is an agent's configuration plus live routing state: what the
// State seam stores per agent.
type AgentRecord struct {
	Agent         Agent      `json:"agent"`
	State         AgentState `json:"state"`
	Reason        Reason     `json:"reason,omitempty"`
	SinceMs       int64      `json:"since_ms"`
	Reachable     bool       `json:"reachable"`
	PendingReason Reason     `json:"pending_reason,omitempty"` // not-ready asked for while busy
	CallID        string     `json:"call_id,omitempty"`
	QueueID       int64      `json:"queue_id,omitempty"`
	OfferID       int64      `json:"offer_id,omitempty"`
	IdleSinceMs   int64      `json:"idle_since_ms"`
	AnsweredAtMs  int64      `json:"answered_at_ms,omitempty"`
	WrapEndsMs    int64      `json:"wrap_ends_ms,omitempty"`
	CallsToday    int        `json:"calls_today"`
	CallsDayMs    int64      `json:"calls_day_ms"` // local midnight CallsToday counts from
}

// CallRecord is a waiting call (or callback) with its routing state.
type CallRecord struct {
	Call      WaitingCall `json:"call"`
	EnteredMs int64       `json:"entered_ms"`
	// KeyMs orders the queue: EnteredMs − Priority × boost ("virtual entry
	// time"); ties go to Seq, the arrival order.
	KeyMs          int64            `json:"key_ms"`
	Seq            uint64           `json:"seq"`
	OfferID        int64            `json:"offer_id,omitempty"`
	Callback       *CallbackRequest `json:"callback,omitempty"`
	Tried          map[int64]int64  `json:"tried,omitempty"` // agent → failed offer at ms
	NextAnnounceMs int64            `json:"next_announce_ms,omitempty"`
	MaxWaitMs      int64            `json:"max_wait_ms,omitempty"`
	gen            uint64           // timer generation, bumped when timers are re-created
}

// State holds the engine's mutable routing state: agents' live records,
// waiting calls and round-robin rotation pointers. It is the seam for a
// multi-node implementation (e.g. NATS JetStream KV with a watch keeping a
// local cache current); NewMemState is the in-memory one.
//
// Contract: the engine calls State only with its mutex held; Agent and Call
// return the same pointer for an ID until it is deleted (the engine keeps
// those pointers in derived indexes); the engine mutates records in place
// and calls Put after every change, which is where a shared implementation
// publishes it. Offers and timers are not in State: they belong to the node
// whose SIP legs are ringing, and an engine built over existing State
// releases ringing agents (ReasonOfferLost) and re-creates timers.
type State interface {
	Agent(id int64) (*AgentRecord, bool)
	PutAgent(a *AgentRecord)
	DeleteAgent(id int64)
	RangeAgents(fn func(*AgentRecord) bool) // in ascending ID order
	Call(id string) (*CallRecord, bool)
	PutCall(c *CallRecord)
	DeleteCall(id string)
	RangeCalls(fn func(*CallRecord) bool)
	Rotation(queueID int64) int64 // last agent offered a round-robin call
	SetRotation(queueID, agentID int64)
}

type memState struct {
	agents   map[int64]*AgentRecord
	calls    map[string]*CallRecord
	rotation map[int64]int64
}

// NewMemState returns the in-memory State.
func NewMemState() State {
	return &memState{agents: map[int64]*AgentRecord{}, calls: map[string]*CallRecord{}, rotation: map[int64]int64{}}
}

func (m *memState) Agent(id int64) (*AgentRecord, bool) { a, ok := m.agents[id]; return a, ok }
func (m *memState) PutAgent(a *AgentRecord)             { m.agents[a.Agent.ID] = a }
func (m *memState) DeleteAgent(id int64)                { delete(m.agents, id) }
func (m *memState) Call(id string) (*CallRecord, bool)  { c, ok := m.calls[id]; return c, ok }
func (m *memState) PutCall(c *CallRecord)               { m.calls[c.Call.ID] = c }
func (m *memState) DeleteCall(id string)                { delete(m.calls, id) }
func (m *memState) Rotation(q int64) int64              { return m.rotation[q] }
func (m *memState) SetRotation(q, a int64)              { m.rotation[q] = a }

func (m *memState) RangeAgents(fn func(*AgentRecord) bool) {
	ids := make([]int64, 0, len(m.agents))
	for id := range m.agents {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		if !fn(m.agents[id]) {
			return
		}
	}
}

func (m *memState) RangeCalls(fn func(*CallRecord) bool) {
	for _, c := range m.calls {
		if !fn(c) {
			return
		}
	}
}
