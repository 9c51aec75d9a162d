// Package call is Hotline's back-to-back user agent: it turns SIP legs
// (internal/sip) and RTP streams (internal/media) into call-center calls.
// Every call is anchored: the caller's leg and each agent's leg end on a
// Stream of ours, joined by one media.Bridge per call, so prompts, music on
// hold, recording, conferences and supervisor monitoring are all
// participants of that bridge.
//
// A call's life: the caller's INVITE is matched to an inbound number (or to
// an agent's own phone), answered, run through its IVR flow
// (internal/ivr), queued (internal/acd decides who is offered it), rung
// to the agent's registered phone, bridged and recorded; hold, transfer,
// conference, monitoring and the satisfaction survey act on the bridge.
// Each step is appended to the call event log (internal/calllog), which
// publishes it on the bus and derives the CDRs.
package call

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"time"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/ivr"
	"github.com/hotline-cc/hotline/internal/media"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/pbx"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/recording"
	"github.com/hotline-cc/hotline/internal/sip"
	"github.com/hotline-cc/hotline/internal/store"
)

// Deps are the services a Manager drives.
type Deps struct {
	SIP        *sip.Server
	DB         *store.DB
	PBX        *pbx.Service
	Flows      ivr.FlowResolver
	Audio      *Audio
	ACD        *acd.Engine
	Queues     *queues.Service
	Log        *calllog.Log
	Recordings *recording.Service // nil: no recording
	Org        *org.Service
	Ports      *media.PortPool
	MediaIP    netip.Addr // address written into our SDP
	BindIP     netip.Addr // address RTP sockets bind to (unspecified: all)
	RTPTimeout time.Duration
	// AutoReady logs an agent in and makes them ready when their phone
	// registers (the demo's "first call just works").
	AutoReady bool
	Logger    *slog.Logger
}

// Manager owns the live calls of this node.
type Manager struct {
	Deps
	sdp *media.LocalSDP

	mu      sync.Mutex
	calls   map[string]*Call
	byAgent map[int64]*Call // agent → the call they are on or ringing for

	kick   chan struct{}
	agentq chan acd.AgentEvent
	// wrapCall is, per agent, the call log ID of the call they answered
	// last: the ACD names calls by its own IDs (a callback by its original
	// call's, a consultation with "#consult"), the log by the call's.
	// Only the agent-event goroutine touches it.
	wrapCall map[int64]string
	// ctx is every call's parent; it ends when Run's context does.
	ctx    context.Context
	cancel context.CancelFunc

	Metrics *Metrics
}

// New returns a manager; Run starts it.
func New(d Deps) *Manager {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.RTPTimeout == 0 {
		d.RTPTimeout = time.Minute
	}
	ctx, cancel := context.WithCancel(context.Background())
	m := &Manager{Deps: d, sdp: media.NewLocalSDP(d.MediaIP), calls: map[string]*Call{}, byAgent: map[int64]*Call{},
		kick: make(chan struct{}, 1), agentq: make(chan acd.AgentEvent, 4096), wrapCall: map[int64]string{},
		ctx: ctx, cancel: cancel}
	m.Metrics = newMetrics(m)
	return m
}

// AgentEvents is the ACD's event sink: it hands each state change to a
// goroutine that writes it to the log (the engine calls it under its lock).
func (m *Manager) AgentEvents() acd.EventSink {
	return acd.SinkFunc(func(e acd.AgentEvent) {
		select {
		case m.agentq <- e:
		default:
			m.Logger.Warn("agent event queue full; event dropped", "agent", e.AgentID, "to", e.To)
		}
	})
}

// SIPObserver receives the SIP layer's registration events: agents follow
// their phones (ready on registration when AutoReady, unreachable when the
// phone stops answering or unregisters).
func (m *Manager) SIPObserver() sip.Observer {
	return sip.ObserverFunc(func(e sip.Event) {
		switch e.Kind {
		case sip.EventRegistered, sip.EventRefreshed, sip.EventUnregistered, sip.EventReachability:
			go m.phoneChanged(e.User)
		case sip.EventAuthFailed:
			m.Logger.Info("SIP authentication failed", "user", e.User, "source", e.Source, "reason", e.Reason)
		case sip.EventSourceBanned:
			m.Logger.Warn("SIP source banned after repeated authentication failures", "source", e.Source, "until", e.Until)
		}
	})
}

// phoneChanged re-reads an extension's contacts and updates its agent.
func (m *Manager) phoneChanged(ext string) {
	ctx := m.ctx
	ag, err := m.Org.AgentByExtension(ctx, ext)
	if err != nil {
		return // an extension without a user: a plain phone
	}
	cs, err := m.SIP.Contacts(ctx, ext)
	if err != nil {
		m.Logger.Warn("contacts", "extension", ext, "err", err)
		return
	}
	reachable := false
	for _, c := range cs {
		reachable = reachable || c.Reachable
	}
	if err := m.ACD.SetReachable(ag.UserID, reachable); errors.Is(err, acd.ErrUnknownAgent) {
		if err := m.ACD.UpsertAgent(acd.Agent{ID: ag.UserID, Name: ag.Name}); err != nil {
			return
		}
		m.ACD.SetReachable(ag.UserID, reachable)
	}
	if reachable && m.AutoReady {
		st, err := m.ACD.AgentStatus(ag.UserID)
		if err == nil && st.State == acd.LoggedOut {
			m.ACD.Login(ag.UserID)
			m.ACD.SetReady(ag.UserID)
		}
	}
	m.Kick()
}

// Kick asks the routing loop to dispatch now.
func (m *Manager) Kick() {
	select {
	case m.kick <- struct{}{}:
	default:
	}
}

// Run serves calls until ctx ends: it takes inbound INVITEs, runs the
// routing loop and writes agent events. It returns when ctx is done and
// every call has been hung up.
func (m *Manager) Run(ctx context.Context) error {
	m.SIP.OnInvite(func(lctx context.Context, leg *sip.InboundLeg) { m.inbound(ctx, leg) })
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); m.route(ctx) }()
	go func() { defer wg.Done(); m.writeAgentEvents(ctx) }()
	<-ctx.Done()
	m.hangupAll()
	m.cancel()
	wg.Wait()
	return nil
}

func (m *Manager) writeAgentEvents(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			for {
				select {
				case e := <-m.agentq:
					m.logAgent(context.Background(), e)
				default:
					return
				}
			}
		case e := <-m.agentq:
			m.logAgent(ctx, e)
		}
	}
}

func (m *Manager) logAgent(ctx context.Context, e acd.AgentEvent) {
	m.Log.AppendAgent(ctx, calllog.AgentEvent{AgentID: e.AgentID, At: time.UnixMilli(e.AtMs), From: string(e.From),
		To: string(e.To), Reason: string(e.Reason), CallID: e.CallID})
	m.trackWrapUp(ctx, e)
}

// trackWrapUp records the end of an agent's after-call work on the call it
// followed (agent.wrapup_end), so that the agent's leg carries its wrap-up
// time: the ACD knows when wrap-up ends, the call log which call it was.
func (m *Manager) trackWrapUp(ctx context.Context, e acd.AgentEvent) {
	switch {
	case e.To == acd.OnCall && e.CallID != "":
		if c, _ := m.callByACD(e.CallID); c != nil {
			m.wrapCall[e.AgentID] = c.ID
		}
	case e.From == acd.WrapUp && e.To != acd.WrapUp:
		if id := m.wrapCall[e.AgentID]; id != "" {
			delete(m.wrapCall, e.AgentID)
			m.Log.Append(ctx, calllog.Event{CallID: id, At: time.UnixMilli(e.AtMs), Type: calllog.AgentWrapUpEnd,
				AgentID: e.AgentID})
		}
	case e.To == acd.LoggedOut:
		delete(m.wrapCall, e.AgentID)
	}
}

// route is the ACD loop: timers, then offers.
func (m *Manager) route(ctx context.Context) {
	t := time.NewTimer(250 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-m.kick:
		case <-t.C:
		}
		for _, a := range m.ACD.Tick() {
			m.act(ctx, a)
		}
		for _, o := range m.ACD.Dispatch() {
			go m.offer(ctx, o)
		}
		next := 250 * time.Millisecond
		if at, ok := m.ACD.NextDeadline(); ok {
			if d := time.Until(at); d < next {
				next = max(d, time.Millisecond)
			}
		}
		if !t.Stop() {
			select {
			case <-t.C:
			default:
			}
		}
		t.Reset(next)
	}
}

// act carries out what the ACD's timers decided.
func (m *Manager) act(ctx context.Context, a acd.Action) {
	c, consult := m.callByACD(a.CallID)
	if c == nil {
		return
	}
	if consult {
		c.consultAct(a)
		return
	}
	switch a.Kind {
	case acd.ActionOfferTimeout:
		for _, ag := range a.AgentIDs {
			c.offerTimedOut(ag)
		}
	case acd.ActionAnnounce:
		go c.announce(a.Position, a.EstimatedWait)
	case acd.ActionOverflow:
		go c.overflow(ctx, a)
	case acd.ActionWidened:
		m.Logger.Debug("skills widened", "call", a.CallID, "skills", a.Skills)
	}
}

func (m *Manager) call(id string) *Call {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.calls[id]
}

// Calls returns the live calls.
func (m *Manager) Calls() []*Call {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]*Call, 0, len(m.calls))
	for _, c := range m.calls {
		out = append(out, c)
	}
	return out
}

// CallOf returns the call an agent is on (or ringing for), or nil.
func (m *Manager) CallOf(agentID int64) *Call {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.byAgent[agentID]
}

func (m *Manager) add(c *Call) {
	m.mu.Lock()
	m.calls[c.ID] = c
	m.mu.Unlock()
}

func (m *Manager) remove(c *Call) {
	m.mu.Lock()
	delete(m.calls, c.ID)
	for a, x := range m.byAgent {
		if x == c {
			delete(m.byAgent, a)
		}
	}
	m.mu.Unlock()
}

func (m *Manager) bindAgent(agent int64, c *Call) {
	m.mu.Lock()
	if c == nil {
		delete(m.byAgent, agent)
	} else {
		m.byAgent[agent] = c
	}
	m.mu.Unlock()
}

func (m *Manager) unbindAgent(agent int64, c *Call) {
	m.mu.Lock()
	if m.byAgent[agent] == c {
		delete(m.byAgent, agent)
	}
	m.mu.Unlock()
}

func (m *Manager) hangupAll() {
	var wg sync.WaitGroup
	for _, c := range m.Calls() {
		wg.Add(1)
		go func() { defer wg.Done(); c.end("system", "shutdown") }()
	}
	wg.Wait()
}

// newID returns a call ID: time-sortable, unique across nodes, and a valid
// bus subject token (no dots).
func newID() string {
	b := make([]byte, 6)
	rand.Read(b)
	now := time.Now().UTC()
	return fmt.Sprintf("%s-%03d-%s", now.Format("20060102-150405"), now.Nanosecond()/1e6, hex.EncodeToString(b))
}
