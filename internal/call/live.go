package call

import (
	"context"
	"sort"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/org"
)

// PartyInfo is one agent (or supervisor) on a live call.
type PartyInfo struct {
	UserID     int64     `json:"user_id"`
	Extension  string    `json:"extension"`
	Name       string    `json:"name"`
	Since      time.Time `json:"since"`
	Consulting bool      `json:"consulting,omitempty"`
	Mode       string    `json:"mode,omitempty"` // monitors: listen, whisper, barge
}

// Info is a live call as the desktop and wallboard show it.
type Info struct {
	ID         string      `json:"id"`
	State      State       `json:"state"`
	Direction  string      `json:"direction"`
	From       string      `json:"from"`
	FromName   string      `json:"from_name,omitempty"`
	To         string      `json:"to"`
	Queue      string      `json:"queue,omitempty"`
	StartedAt  time.Time   `json:"started_at"`
	QueuedAt   time.Time   `json:"queued_at,omitempty"`
	Agents     []PartyInfo `json:"agents"`
	Ringing    []PartyInfo `json:"ringing"`
	Monitors   []PartyInfo `json:"monitors"`
	Externals  []string    `json:"externals,omitempty"`
	HeldBy     int64       `json:"held_by,omitempty"`
	Consulting string      `json:"consulting,omitempty"` // a consultation not answered yet: "queue:support" waits there, "agent:…"/"extension:…" rings
	Recording  bool        `json:"recording"`
	PrimaryID  int64       `json:"primary_agent_id,omitempty"`
	Campaign   string      `json:"campaign,omitempty"`
	ContactID  int64       `json:"contact_id,omitempty"`
	CustomerID int64       `json:"customer_id,omitempty"` // for the screen pop
	TeamID     int64       `json:"-"`
	DeptID     int64       `json:"-"`
}

// Info returns the call's live view.
func (c *Call) Info() Info {
	c.mu.Lock()
	defer c.mu.Unlock()
	in := Info{ID: c.ID, State: c.state, Direction: c.Direction, From: c.From, FromName: c.FromName, To: c.To,
		StartedAt: c.StartedAt, QueuedAt: c.queuedAt, HeldBy: c.heldBy, Recording: c.rec != nil, PrimaryID: c.primary,
		Agents: []PartyInfo{}, Ringing: []PartyInfo{}, Monitors: []PartyInfo{}}
	if c.queue != nil {
		in.Queue, in.DeptID = c.queue.Name, c.queue.DepartmentID
	}
	if c.campaign != nil {
		in.Campaign, in.ContactID, in.CustomerID = c.campaign.spec.Campaign, c.campaign.spec.ContactID, c.campaign.spec.CustomerID
	}
	for _, l := range c.agents {
		in.Agents = append(in.Agents, PartyInfo{UserID: l.agent.UserID, Extension: l.agent.Extension, Name: l.agent.Name, Since: l.answered})
		if l.agent.UserID == c.primary {
			in.TeamID, in.DeptID = l.agent.TeamID, l.agent.DepartmentID
		}
	}
	if c.consult != nil {
		l := c.consult
		in.Agents = append(in.Agents, PartyInfo{UserID: l.agent.UserID, Extension: l.agent.Extension, Name: l.agent.Name,
			Since: l.answered, Consulting: true})
	}
	if c.consultQ != nil || c.ringingConsult() { // waiting or ringing: not answered yet
		in.Consulting = c.consultTo
	}
	for _, l := range c.ringing {
		in.Ringing = append(in.Ringing, PartyInfo{UserID: l.agent.UserID, Extension: l.agent.Extension, Name: l.agent.Name, Since: l.offeredAt})
	}
	for _, m := range c.monitors {
		in.Monitors = append(in.Monitors, PartyInfo{UserID: m.sup.UserID, Extension: m.sup.Extension, Name: m.sup.Name, Mode: string(m.mode)})
	}
	for id := range c.externals {
		in.Externals = append(in.Externals, id)
	}
	sort.Slice(in.Agents, func(i, j int) bool { return in.Agents[i].UserID < in.Agents[j].UserID })
	return in
}

// ringingConsult reports whether a consultation rings an agent; c.mu is held.
func (c *Call) ringingConsult() bool {
	for _, l := range c.ringing {
		if l.consult {
			return true
		}
	}
	return false
}

// visible reports whether a scope covers a live call: through any agent on
// it (or ringing), or the department of its queue.
func (in Info) visible(sc org.Scope, teams map[int64]int64, depts map[int64]int64) bool {
	if sc.Kind == org.ScopeAll {
		return true
	}
	for _, group := range [][]PartyInfo{in.Agents, in.Ringing} {
		for _, p := range group {
			if sc.Allows(p.UserID, teams[p.UserID], depts[p.UserID]) {
				return true
			}
		}
	}
	return in.PrimaryID == 0 && in.DeptID != 0 && sc.Allows(0, 0, in.DeptID)
}

// Live returns the live calls a scope covers, oldest first.
func (m *Manager) Live(ctx context.Context, sc org.Scope) []Info {
	var out []Info
	teams, depts := map[int64]int64{}, map[int64]int64{}
	for _, c := range m.Calls() {
		in := c.Info()
		for _, group := range [][]PartyInfo{in.Agents, in.Ringing} {
			for _, p := range group {
				if _, ok := teams[p.UserID]; !ok {
					if a, err := m.Org.Agent(ctx, p.UserID); err == nil {
						teams[p.UserID], depts[p.UserID] = a.TeamID, a.DepartmentID
					}
				}
			}
		}
		if in.visible(sc, teams, depts) {
			out = append(out, in)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].StartedAt.Before(out[j].StartedAt) })
	if out == nil {
		out = []Info{}
	}
	return out
}

// Find returns a live call a scope covers, or NotFound.
func (m *Manager) Find(ctx context.Context, sc org.Scope, id string) (*Call, error) {
	c := m.call(id)
	if c == nil {
		return nil, apperr.NotFound("live call")
	}
	for _, in := range m.Live(ctx, sc) {
		if in.ID == id {
			return c, nil
		}
	}
	return nil, apperr.NotFound("live call")
}

// Hangup ends the call at an agent's request (the desktop's hang-up): with
// a survey configured, the caller goes to it, as when the phone hangs up.
func (c *Call) Hangup(agentID int64) error {
	c.mu.Lock()
	l := c.agents[agentID]
	c.mu.Unlock()
	if l == nil {
		return apperr.Forbidden("you are not on this call")
	}
	go c.agentHungUp(l)
	return nil
}

// SendToSurvey moves the caller to the satisfaction rating now and takes
// the agent off the call (the desktop's "send to survey" button).
func (c *Call) SendToSurvey(agentID int64) error {
	c.mu.Lock()
	l := c.agents[agentID]
	alone := len(c.agents) == 1
	c.mu.Unlock()
	if l == nil {
		return apperr.Forbidden("you are not on this call")
	}
	if !alone {
		return apperr.Conflict("conference", "leave the conference first; the rating follows the last agent")
	}
	go func() {
		c.agentLegEnded(l, "agent")
		c.resumeCaller()
		c.survey()
	}()
	return nil
}
