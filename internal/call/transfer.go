package call

import (
	"context"
	"fmt"
	"time"

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
// CancelConsult.
func (c *Call) Consult(agentID int64, t Target) error {
	l, err := c.talkingAgent(agentID)
	if err != nil {
		return err
	}
	c.mu.Lock()
	busy := c.consult != nil || c.consultExt != nil
	c.mu.Unlock()
	if busy {
		return apperr.Conflict("consulting", "a consultation is already in progress")
	}
	var ext string
	if t.Kind == "queue" {
		return apperr.Invalid("kind", "a queue cannot be consulted; transfer to it blind")
	}
	if t.Kind != "external" {
		if ext, err = c.extension(t); err != nil {
			return err
		}
	} else if !externalRE.MatchString(t.Value) {
		return apperr.Invalid("value", "%q is not a phone number", t.Value)
	}
	if c.State() == StateTalking {
		if err := c.Hold(agentID); err != nil {
			return err
		}
	}
	c.emitAgent(calllog.CallTransfer, l.agent, calllog.Data{Kind: "consult", Target: t.String()})
	if t.Kind == "external" {
		go c.consultExternal(t.Value)
		return nil
	}
	go c.ringExtension(ext, nil, "consult")
	return nil
}

// consultAnswered: the consulted agent picked up and talks with the
// agent while the caller waits on hold.
func (c *Call) consultAnswered(l *agentLeg) {
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
			c.bridge.Remove(agentPID(l.agent.UserID))
			l.ep.close()
			c.emitAgent(calllog.LegEnded, l.agent, calllog.Data{By: "agent", Kind: "consult"})
			c.m.unbindAgent(l.agent.UserID, c)
		}
	}()
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
	target := num
	if peer != nil {
		target = "agent:" + peer.agent.Extension
	}
	c.emitAgent(calllog.CallTransfer, l.agent, calllog.Data{Kind: "attended", Target: target})
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
	target := num
	if peer != nil {
		target = "agent:" + peer.agent.Extension
	}
	c.emitAgent(calllog.CallConference, l.agent, calllog.Data{Target: target})
	return nil
}

// joinConsulted makes the consulted party a full member of the call.
func (c *Call) joinConsulted(peer *agentLeg, ext *endpoint, num string) {
	if peer != nil {
		peer.consult = false
		c.mu.Lock()
		c.agents[peer.agent.UserID] = peer
		c.mu.Unlock()
		c.m.ACD.StartDirectCall(peer.agent.UserID, c.acdID())
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
	peer, ext, _ := c.takeConsult()
	if peer != nil {
		c.bridge.Remove(agentPID(peer.agent.UserID))
		peer.ep.hangup()
		c.emitAgent(calllog.LegEnded, peer.agent, calllog.Data{By: "agent", Kind: "consult"})
		c.m.unbindAgent(peer.agent.UserID, c)
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
