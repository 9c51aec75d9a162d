package call

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/media"
	"github.com/hotline-cc/hotline/internal/pbx"
	"github.com/hotline-cc/hotline/internal/sip"
)

// Target is where a transfer, a consultation or a conference goes.
type Target struct {
	Kind  string `json:"kind"`  // agent (user ID), extension, queue, external (a phone number)
	Value string `json:"value"` // the user ID, extension, queue name or number
}

func (t Target) String() string { return t.Kind + ":" + t.Value }

// extension resolves an agent or extension target to an extension.
func (c *Call) extension(t Target) (string, error) {
	switch t.Kind {
	case "extension":
		return t.Value, nil
	case "agent":
		var id int64
		if _, err := fmt.Sscan(t.Value, &id); err != nil {
			return "", apperr.Invalid("value", "agent must be a user ID")
		}
		a, err := c.m.Org.Agent(c.ctx, id)
		if err != nil || a.Extension == "" {
			return "", apperr.Invalid("value", "user %d has no extension", id)
		}
		return a.Extension, nil
	}
	return "", apperr.Invalid("kind", "must be agent, extension, queue or external")
}

func (c *Call) talkingAgent(agentID int64) (*agentLeg, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.agents[agentID]
	if l == nil {
		return nil, apperr.Forbidden("you are not on this call")
	}
	if c.state != StateTalking && c.state != StateHeld {
		return nil, apperr.Conflict("not_talking", "the call is not in conversation")
	}
	return l, nil
}

// BlindTransfer hands the caller to t and takes the agent off the call.
func (c *Call) BlindTransfer(agentID int64, t Target) error {
	l, err := c.talkingAgent(agentID)
	if err != nil {
		return err
	}
	ext := ""
	switch t.Kind {
	case "queue":
		if _, err := c.m.Queues.ByName(c.ctx, t.Value); err != nil {
			return apperr.Invalid("value", "queue %q does not exist", t.Value)
		}
	case "external":
		if !externalRE.MatchString(t.Value) {
			return apperr.Invalid("value", "%q is not a phone number", t.Value)
		}
	default:
		if ext, err = c.extension(t); err != nil {
			return err
		}
	}
	c.emitAgent(calllog.CallTransfer, l.agent, calllog.Data{Kind: "blind", Target: t.String()})
	c.resumeCaller()
	c.agentLegEnded(l, "transfer")
	go func() {
		switch t.Kind {
		case "queue":
			c.enqueue(t.Value, 0, nil)
		case "external":
			c.dialExternal(t.Value)
		default:
			c.ringExtension(ext, nil, "")
		}
	}()
	return nil
}

// Consult puts the caller on hold and rings t for the agent to talk to
// first (attended transfer); then CompleteTransfer, Conference or
// CancelConsult. A queue is consulted by waiting in it, like a caller,
// for its next free agent.
func (c *Call) Consult(agentID int64, t Target) error {
	l, err := c.talkingAgent(agentID)
	if err != nil {
		return err
	}
	if c.consulting() {
		return apperr.Conflict("consulting", "a consultation is already in progress")
	}
	var ext string
	switch t.Kind {
	case "queue":
		return c.consultQueue(l, t)
	case "external":
		if !externalRE.MatchString(t.Value) {
			return apperr.Invalid("value", "%q is not a phone number", t.Value)
		}
	default:
		if ext, err = c.extension(t); err != nil {
			return err
		}
	}
	if c.State() == StateTalking {
		if err := c.Hold(agentID); err != nil {
			return err
		}
	}
	c.mu.Lock()
	c.consultTo = t.String()
	c.mu.Unlock()
	c.emitAgent(calllog.CallTransfer, l.agent, calllog.Data{Kind: "consult", Target: t.String()})
	if t.Kind == "external" {
		go c.consultExternal(t.Value)
		return nil
	}
	go c.ringExtension(ext, nil, "consult")
	return nil
}

// consulting reports whether a consultation is under way: waiting in a
// queue, ringing, or answered.
func (c *Call) consulting() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.consult != nil || c.consultExt != nil || c.consultQ != nil || c.ringingConsult()
}

// consultQueue puts a consultation in queue t's line. It waits with the
// highest priority (a customer is on hold meanwhile) and the consulting
// agent hears the queue's music until someone answers.
func (c *Call) consultQueue(l *agentLeg, t Target) error {
	q, err := c.m.Queues.ByName(c.ctx, t.Value)
	if err != nil {
		return apperr.Invalid("value", "queue %q does not exist", t.Value)
	}
	_, err = c.m.ACD.Enqueue(acd.WaitingCall{ID: c.consultID(), QueueID: q.ID, Caller: c.From, Priority: acd.MaxPriority})
	switch {
	case errors.Is(err, acd.ErrQueueFull):
		return apperr.Conflict("queue_full", "queue %s is full; try again or transfer blind", q.Name)
	case errors.Is(err, acd.ErrNoAgents):
		return apperr.Conflict("no_agents", "nobody is logged in to queue %s", q.Name)
	case err != nil:
		return fmt.Errorf("consult queue %s: %w", q.Name, err)
	}
	if c.State() == StateTalking {
		if err := c.Hold(l.agent.UserID); err != nil {
			c.m.ACD.Remove(c.consultID())
			return err
		}
	}
	moh := media.NewPlayer(c.queueMusic(q), true)
	c.mu.Lock()
	c.consultQ, c.consultMOH, c.consultTo = q, moh, t.String()
	c.mu.Unlock()
	c.bridge.Add("consult-moh", media.Participant{Source: moh, Mode: media.ModeWhisper, To: []string{agentPID(l.agent.UserID)}})
	c.emitAgent(calllog.CallTransfer, l.agent, calllog.Data{Kind: "consult", Target: t.String()})
	c.m.Kick()
	return nil
}

// stopConsultWait ends a consultation's wait in its queue: answered,
// cancelled, overflowed or the call is over. It reports whether one was
// waiting.
func (c *Call) stopConsultWait() bool {
	c.mu.Lock()
	q, moh := c.consultQ, c.consultMOH
	c.consultQ, c.consultMOH = nil, nil
	c.mu.Unlock()
	if moh != nil {
		moh.Stop()
		c.bridge.Remove("consult-moh")
	}
	return q != nil
}

// consultAct handles the ACD's timers for a consultation waiting in a
// queue: a ring timeout moves on to the next agent; at the queue's max
// wait the consultation gives up and the agent decides what to do.
func (c *Call) consultAct(a acd.Action) {
	switch a.Kind {
	case acd.ActionOfferTimeout:
		for _, ag := range a.AgentIDs {
			c.offerTimedOut(ag)
		}
	case acd.ActionOverflow:
		if c.stopConsultWait() {
			c.m.Logger.Info("consultation not answered in time", "call", c.ID, "waited", a.Waited)
			c.emit(calllog.CallTransfer, calllog.Event{Data: calllog.Data{Kind: "consult_failed", Reason: "max_wait"}})
		}
	}
}

// consultAnswered: the consulted agent picked up and talks with the
// agent while the caller waits on hold.
func (c *Call) consultAnswered(l *agentLeg) {
	c.stopConsultWait()
	c.mu.Lock()
	c.consult = l
	c.mu.Unlock()
	c.bridge.Add(agentPID(l.agent.UserID), media.Participant{Source: l.ep.stream, Sink: l.ep.stream, Side: media.SideRight})
	c.emitAgent(calllog.AgentAnswered, l.agent, calllog.Data{Kind: "consult", RingMS: time.Since(l.offeredAt).Milliseconds()})
	l.ep.relayInfoDTMF()
	go func() {
		select {
		case <-l.ep.leg.Done():
		case <-c.done:
			return
		}
		c.mu.Lock()
		pending := c.consult == l
		if pending {
			c.consult = nil
		}
		c.mu.Unlock()
		if pending { // hung up before the transfer completed
			c.consultLegEnded(l, "agent")
		}
	}()
}

// consultLegEnded takes a consulted agent off a consultation that did not
// become a transfer or a conference.
func (c *Call) consultLegEnded(l *agentLeg, by string) {
	c.bridge.Remove(agentPID(l.agent.UserID))
	l.ep.hangup()
	c.emitAgent(calllog.LegEnded, l.agent, calllog.Data{By: by, Kind: "consult"})
	if err := c.m.ACD.CallEnded(c.acdCallOf(l), l.agent.UserID); err != nil {
		c.m.Logger.Debug("ACD consultation end", "agent", l.agent.UserID, "err", err)
	}
	c.m.unbindAgent(l.agent.UserID, c)
	c.m.Kick()
}

// endConsultation hangs up whatever consultation is under way (the call
// is ending).
func (c *Call) endConsultation(by string) {
	if c.stopConsultWait() {
		c.m.ACD.Remove(c.consultID())
	}
	peer, ext, _ := c.takeConsult()
	if peer != nil {
		c.consultLegEnded(peer, by)
	}
	if ext != nil {
		c.bridge.Remove("consult-external")
		ext.hangup()
	}
}

func (c *Call) consultExternal(number string) {
	ep, err := c.m.dialOut(c.ctx, number, c.From, c.FromName, nil)
	if err != nil {
		c.m.Logger.Info("consulted number not reached", "call", c.ID, "number", number, "err", err)
		return
	}
	c.mu.Lock()
	c.consultExt, c.consultNum = ep, number
	c.mu.Unlock()
	c.bridge.Add("consult-external", media.Participant{Source: ep.stream, Sink: ep.stream, Side: media.SideRight})
}

// takeConsult removes the pending consultation (agent or outside number).
func (c *Call) takeConsult() (*agentLeg, *endpoint, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l, ep, num := c.consult, c.consultExt, c.consultNum
	c.consult, c.consultExt, c.consultNum = nil, nil, ""
	return l, ep, num
}

// CompleteTransfer ends an attended transfer: the agent leaves and the
// caller talks to the consulted party.
func (c *Call) CompleteTransfer(agentID int64) error {
	l, err := c.talkingAgent(agentID)
	if err != nil {
		return err
	}
	peer, ext, num := c.takeConsult()
	if peer == nil && ext == nil {
		return apperr.Conflict("no_consultation", "nobody has answered the consultation yet")
	}
	c.joinConsulted(peer, ext, num)
	c.emitAgent(calllog.CallTransfer, l.agent, calllog.Data{Kind: "attended", Target: c.consultedTarget(peer, num)})
	c.agentLegEnded(l, "transfer")
	c.resumeCaller()
	return nil
}

// Conference turns a consultation into a three-way call (三方通话).
func (c *Call) Conference(agentID int64) error {
	l, err := c.talkingAgent(agentID)
	if err != nil {
		return err
	}
	peer, ext, num := c.takeConsult()
	if peer == nil && ext == nil {
		return apperr.Conflict("no_consultation", "nobody has answered the consultation yet")
	}
	c.joinConsulted(peer, ext, num)
	c.resumeCaller()
	c.emitAgent(calllog.CallConference, l.agent, calllog.Data{Target: c.consultedTarget(peer, num)})
	return nil
}

// consultedTarget names who a consultation reached for the log: the
// queue it went through, the agent, or the outside number.
func (c *Call) consultedTarget(peer *agentLeg, num string) string {
	c.mu.Lock()
	to := c.consultTo
	c.mu.Unlock()
	switch {
	case peer != nil && strings.HasPrefix(to, "queue:"):
		return to
	case peer != nil:
		return "agent:" + peer.agent.Extension
	}
	return num
}

// joinConsulted makes the consulted party a full member of the call.
func (c *Call) joinConsulted(peer *agentLeg, ext *endpoint, num string) {
	if peer != nil {
		peer.consult = false // still on its consultation's ACD call until it hangs up
		c.mu.Lock()
		c.agents[peer.agent.UserID] = peer
		c.mu.Unlock()
		c.startRecording(peer)
		c.watchAgent(peer)
		c.mu.Lock()
		c.primary = peer.agent.UserID
		c.mu.Unlock()
		return
	}
	c.bridge.Remove("consult-external")
	c.addExternal(num, ext)
}

// CancelConsult hangs up the consulted party and takes the caller off hold.
func (c *Call) CancelConsult(agentID int64) error {
	if _, err := c.talkingAgent(agentID); err != nil {
		return err
	}
	if c.stopConsultWait() {
		c.m.ACD.Remove(c.consultID()) // releases an agent it was ringing
	}
	peer, ext, _ := c.takeConsult()
	if peer != nil {
		c.consultLegEnded(peer, "agent")
	}
	c.mu.Lock()
	for id, l := range c.ringing {
		if l.consult {
			delete(c.ringing, id)
			go c.cancelOffer(l, "cancelled")
		}
	}
	c.mu.Unlock()
	if ext != nil {
		c.bridge.Remove("consult-external")
		ext.hangup()
	}
	if c.State() == StateHeld {
		return c.Unhold(agentID)
	}
	return nil
}

// LeaveConference takes one agent off a three-way call; the others go on.
func (c *Call) LeaveConference(agentID int64) error {
	l, err := c.talkingAgent(agentID)
	if err != nil {
		return err
	}
	c.mu.Lock()
	others := len(c.agents) - 1 + len(c.externals)
	c.mu.Unlock()
	if others == 0 {
		return apperr.Conflict("alone", "you are the only one with the caller; hang up instead")
	}
	c.emitAgent(calllog.ConferenceLeft, l.agent, calllog.Data{})
	c.agentLegEnded(l, "agent")
	c.promoteAgent()
	return nil
}

// referTransfer handles a REFER from an agent's phone: a blind transfer to
// the dialled target (an inbound number's queue, an extension, or an
// outside number).
func (c *Call) referTransfer(agentID int64) sip.ReferHandler {
	return func(ctx context.Context, r *sip.Refer) bool {
		t, ok := c.referTarget(ctx, r.TargetUser)
		if !ok {
			return false
		}
		go func() {
			err := c.BlindTransfer(agentID, t)
			code, reason := 200, "OK"
			if err != nil {
				code, reason = 503, "Service Unavailable"
			}
			nctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			r.Notify(nctx, code, reason)
			cancel()
		}()
		return true
	}
}

func (c *Call) referTarget(ctx context.Context, user string) (Target, bool) {
	if n, err := c.m.PBX.Lookup(ctx, user); err == nil && n.RouteKind == pbx.RouteQueue {
		return Target{Kind: "queue", Value: n.RouteTarget}, true
	}
	if _, err := c.m.PBX.ExtensionByNumber(ctx, user); err == nil {
		return Target{Kind: "extension", Value: user}, true
	}
	if externalRE.MatchString(user) {
		return Target{Kind: "external", Value: user}, true
	}
	return Target{}, false
}
