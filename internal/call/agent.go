package call

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/media"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/sip"
)

// offer rings the agents the ACD chose for a call.
func (m *Manager) offer(ctx context.Context, o acd.Offer) {
	if o.Kind == acd.OfferCallback {
		m.callback(ctx, o)
		return
	}
	c, consult := m.callByACD(o.CallID)
	if c == nil {
		for _, a := range o.AgentIDs {
			m.ACD.OfferFailed(o.ID, a, acd.FailRejected)
		}
		m.Kick()
		return
	}
	kind := ""
	if consult {
		kind = "consult"
	}
	for _, a := range o.AgentIDs {
		go c.ringAgent(a, o.ID, nil, kind)
	}
}

// callByACD finds the call the ACD knows by id, and whether id is the
// call's consultation rather than the call itself.
func (m *Manager) callByACD(id string) (*Call, bool) {
	base, consult := strings.CutSuffix(id, consultSuffix)
	m.mu.Lock()
	defer m.mu.Unlock()
	if c := m.calls[base]; c != nil && c.acdID() == base {
		return c, consult // the usual case; callbacks go by their original call's ID
	}
	for _, c := range m.calls {
		if c.acdID() == base {
			return c, consult
		}
	}
	return nil, false
}

// reachableContact returns a registered, reachable contact of ext.
func (m *Manager) reachableContact(ctx context.Context, ext string) (*sip.Contact, error) {
	cs, err := m.SIP.Contacts(ctx, ext)
	if err != nil {
		return nil, err
	}
	for i := range cs {
		if cs[i].Reachable {
			return &cs[i], nil
		}
	}
	return nil, fmt.Errorf("extension %s has no reachable phone", ext)
}

// ringAgent offers the call to one agent's phone. offerID is the ACD offer
// (0 for a direct call: an extension, a transfer). answer, when set, is the
// caller's pending SDP answer: the caller is answered when the agent is.
func (c *Call) ringAgent(agentID, offerID int64, answer []byte, kind string) {
	m := c.m
	info, err := m.Org.Agent(c.ctx, agentID)
	if err != nil {
		c.ringFailed(nil, agentID, offerID, acd.FailUnreachable, "no such agent")
		return
	}
	contact, err := m.reachableContact(c.ctx, info.Extension)
	if err != nil {
		c.ringFailed(info, agentID, offerID, acd.FailUnreachable, err.Error())
		return
	}
	ep, sdp, err := m.offerEndpoint(nil)
	if err != nil {
		c.ringFailed(info, agentID, offerID, acd.FailUnreachable, err.Error())
		return
	}
	ctx, cancel := context.WithCancel(c.ctx)
	l := &agentLeg{agent: *info, ep: ep, offerID: offerID, offeredAt: time.Now(), cancel: cancel, consult: kind == "consult", acdCall: c.acdID()}
	if l.consult {
		l.acdCall = c.consultID()
	}
	c.mu.Lock()
	if c.state == StateEnded {
		c.mu.Unlock()
		ep.close()
		cancel()
		if offerID != 0 {
			m.ACD.OfferFailed(offerID, agentID, acd.FailRejected)
		}
		return
	}
	c.ringing[agentID] = l
	c.mu.Unlock()
	m.bindAgent(agentID, c)
	c.emitAgent(calllog.QueueOffer, *info, calllog.Data{Kind: kind})
	display := c.FromName
	if q := c.queueName(); q != "" {
		display = "[" + q + "] " + c.FromName
	}
	out, err := m.SIP.Dial(ctx, sip.DialRequest{Contact: contact, SDP: sdp, FromUser: c.From, FromDisplay: display})
	if err != nil {
		c.legFailed(l, acd.FailUnreachable, err)
		return
	}
	ep.leg = out
	l.out.Store(out)
	if ctx.Err() != nil {
		out.Cancel() // cancelled while the INVITE was being sent
	}
	if err := out.Wait(ctx); err != nil {
		c.legFailed(l, failReason(err), err)
		return
	}
	if err := ep.applyAnswer(out.RemoteSDP()); err != nil {
		c.legFailed(l, acd.FailRejected, err)
		return
	}
	c.agentAnswered(l, answer)
}

func failReason(err error) acd.FailReason {
	var de *sip.DialError
	if errors.As(err, &de) {
		switch {
		case de.Code == 486 || de.Code == 600:
			return acd.FailBusy
		case de.Code == 408 || de.Code == 480:
			return acd.FailNoAnswer
		case de.Code == 603 || de.Code == 403:
			return acd.FailRejected
		}
		return acd.FailUnreachable
	}
	return acd.FailNoAnswer
}

// ringFailed reports an offer that could not even ring.
func (c *Call) ringFailed(info *org.AgentInfo, agentID, offerID int64, reason acd.FailReason, why string) {
	c.m.Logger.Info("agent not rung", "call", c.ID, "agent", agentID, "why", why)
	if info != nil {
		c.emitAgent(calllog.QueueOfferFailed, *info, calllog.Data{Reason: string(reason)})
	}
	if offerID != 0 {
		c.m.ACD.OfferFailed(offerID, agentID, reason)
	}
	c.directFailed(offerID)
	c.m.Kick()
}

// legFailed handles a ringing leg that ended without an answer: rang out,
// busy, rejected, or cancelled by us (answered elsewhere, caller gone).
func (c *Call) legFailed(l *agentLeg, reason acd.FailReason, err error) {
	id := l.agent.UserID
	c.mu.Lock()
	_, stillRinging := c.ringing[id]
	if stillRinging {
		delete(c.ringing, id)
	}
	c.mu.Unlock()
	l.ep.close()
	l.cancel()
	c.m.unbindAgent(id, c)
	if !stillRinging {
		return // cancelled by us: whoever cancelled has reported it
	}
	c.emitAgent(calllog.QueueOfferFailed, l.agent, calllog.Data{Reason: string(reason), RingMS: time.Since(l.offeredAt).Milliseconds()})
	if l.offerID != 0 {
		c.m.ACD.OfferFailed(l.offerID, id, reason)
	}
	c.m.Logger.Debug("agent did not answer", "call", c.ID, "agent", id, "reason", reason, "err", err)
	c.directFailed(l.offerID)
	c.m.Kick()
}

// directFailed: a direct ring (extension, transfer) that failed leaves the
// caller with nobody; tell them and end, or fall back.
func (c *Call) directFailed(offerID int64) {
	if offerID != 0 {
		return
	}
	c.mu.Lock()
	st, waiting, q := c.state, len(c.agents) == 0 && len(c.ringing) == 0 && len(c.externals) == 0, c.queue
	c.mu.Unlock()
	if st != StateRinging || !waiting {
		return
	}
	if q != nil { // a transfer nobody took: back to the queue the call came from
		go c.enqueue(q.Name, 0, nil)
		return
	}
	c.end("system", "no_answer")
}

// cancelOffer stops ringing an agent (answered elsewhere, caller gone).
func (c *Call) cancelOffer(l *agentLeg, reason string) {
	c.mu.Lock()
	delete(c.ringing, l.agent.UserID)
	c.mu.Unlock()
	l.cancel()
	if out := l.out.Load(); out != nil {
		out.Cancel()
	}
	c.emitAgent(calllog.QueueOfferFailed, l.agent, calllog.Data{Reason: reason, RingMS: time.Since(l.offeredAt).Milliseconds()})
	c.m.unbindAgent(l.agent.UserID, c)
}

// offerTimedOut: the ACD's ring timeout fired; it already counted the
// no-answer against the agent.
func (c *Call) offerTimedOut(agentID int64) {
	c.mu.Lock()
	l := c.ringing[agentID]
	c.mu.Unlock()
	if l != nil {
		c.cancelOffer(l, string(acd.FailNoAnswer))
	}
}

// agentAnswered connects an agent who picked up.
func (c *Call) agentAnswered(l *agentLeg, callerAnswer []byte) {
	id := l.agent.UserID
	c.mu.Lock()
	if _, ok := c.ringing[id]; !ok || c.state == StateEnded {
		c.mu.Unlock()
		l.ep.hangup() // answered too late
		return
	}
	delete(c.ringing, id)
	l.answered = time.Now()
	losers := []*agentLeg{}
	c.mu.Unlock()
	if l.offerID != 0 {
		cancelled, err := c.m.ACD.OfferAnswered(l.offerID, id)
		if err != nil {
			c.m.Logger.Warn("ACD refused the answer", "call", c.ID, "agent", id, "err", err)
			l.ep.hangup()
			c.m.unbindAgent(id, c)
			return
		}
		c.mu.Lock()
		for _, a := range cancelled {
			if x := c.ringing[a]; x != nil {
				losers = append(losers, x)
			}
		}
		c.mu.Unlock()
	} else {
		if err := c.m.ACD.StartDirectCall(id, l.acdCall); err != nil {
			c.m.Logger.Debug("direct call state", "agent", id, "err", err)
		}
	}
	for _, x := range losers {
		c.cancelOffer(x, string(acd.ReasonAnsweredElse))
	}
	if l.consult {
		c.consultAnswered(l)
		return
	}
	if callerAnswer != nil {
		if in, ok := c.caller.leg.(*sip.InboundLeg); ok {
			if err := in.Answer(c.ctx, callerAnswer); err != nil {
				c.agentLegEnded(l, "system")
				c.end("system", "answer_failed")
				return
			}
			c.emit(calllog.CallAnswered, calllog.Event{Leg: "caller", Data: calllog.Data{By: "agent"}})
		}
	}
	c.mu.Lock()
	c.agents[id] = l
	c.primary = id
	c.state = StateTalking
	info := l.agent
	c.lastAgent = &info
	waited := int64(0)
	if !c.queuedAt.IsZero() {
		waited = l.answered.Sub(c.queuedAt).Milliseconds()
	}
	c.playLocked(nil, false)
	c.mu.Unlock()
	c.bridge.Add(agentPID(id), media.Participant{Source: l.ep.stream, Sink: l.ep.stream, Side: media.SideRight})
	c.emitAgent(calllog.AgentAnswered, l.agent, calllog.Data{RingMS: l.answered.Sub(l.offeredAt).Milliseconds(), WaitMS: waited})
	c.startRecording(l)
	c.watchAgent(l)
}

func agentPID(id int64) string { return fmt.Sprintf("agent-%d", id) }

// watchAgent follows an agent's leg: their hang-up, their key presses
// (passed to the caller, for outbound calls into other IVRs) and hold from
// their phone.
func (c *Call) watchAgent(l *agentLeg) {
	l.ep.relayInfoDTMF()
	c.watchReinvites(l.ep, l.agent.UserID)
	l.ep.leg.OnRefer(c.referTransfer(l.agent.UserID))
	go func() {
		select {
		case <-l.ep.leg.Done():
			c.agentHungUp(l)
		case <-c.done:
		}
	}()
	go func() {
		for d := range l.ep.stream.Digits() {
			if c.State() == StateTalking && c.caller != nil && c.caller.stream != nil {
				c.caller.stream.SendDigits(string(rune(d.Digit)), 100*time.Millisecond)
			}
		}
	}()
}

// agentHungUp: the agent put the phone down. The caller goes to the
// satisfaction survey when the queue asks for one, or to another agent
// still on the line (conference), or the call ends.
func (c *Call) agentHungUp(l *agentLeg) {
	id := l.agent.UserID
	c.mu.Lock()
	if _, ok := c.agents[id]; !ok || c.state == StateEnded {
		c.mu.Unlock()
		return
	}
	others := len(c.agents) - 1
	survey := c.queue != nil && c.queue.Survey && !c.surveyed && id == c.primary
	c.mu.Unlock()
	c.agentLegEnded(l, "agent")
	if others == 0 {
		c.resumeCaller()
		c.stopRecording() // the conversation is over; the survey is not recorded
	}
	switch {
	case others > 0:
		c.promoteAgent()
	case survey:
		c.survey()
	default:
		c.end("agent", "bye")
	}
}

// agentLegEnded takes an agent off the call: the leg is hung up, the ACD
// starts their wrap-up, and the event is logged.
func (c *Call) agentLegEnded(l *agentLeg, by string) {
	id := l.agent.UserID
	c.mu.Lock()
	delete(c.agents, id)
	if c.heldBy == id {
		c.heldBy = 0
	}
	c.mu.Unlock()
	c.bridge.Remove(agentPID(id))
	l.ep.hangup()
	l.cancel()
	c.partyLeft(l)
	c.emitAgent(calllog.LegEnded, l.agent, calllog.Data{By: by})
	if err := c.m.ACD.CallEnded(c.acdCallOf(l), id); err != nil {
		c.m.Logger.Debug("ACD call end", "agent", id, "err", err)
	}
	c.m.unbindAgent(id, c)
	c.m.Kick()
}

// promoteAgent makes a remaining agent the one handling the call.
func (c *Call) promoteAgent() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.agents[c.primary]; ok {
		return
	}
	for id := range c.agents {
		c.primary = id
		return
	}
}

// ringExtension rings an extension directly: a number routed to it, an
// IVR transfer, or a transfer by an agent.
func (c *Call) ringExtension(ext string, callerAnswer []byte, kind string) {
	ag, err := c.m.agentOf(c.ctx, ext)
	if err != nil {
		c.m.Logger.Info("extension has no agent", "call", c.ID, "extension", ext)
		c.end("system", "no_such_agent")
		return
	}
	c.mu.Lock()
	if c.state == StateEnded {
		c.mu.Unlock()
		return
	}
	if len(c.agents) == 0 && len(c.externals) == 0 {
		c.state = StateRinging // nobody talks to the caller meanwhile
	}
	c.mu.Unlock()
	if callerAnswer == nil && kind == "" {
		c.play(ringback(), true)
	}
	c.ringAgent(ag.UserID, 0, callerAnswer, kind)
}

// ringback is the tone a caller hears while an agent's phone rings
// (Chinese standard: 450 Hz, 1 s on, 4 s off).
func ringback() []int16 {
	on := media.Tone(time.Second, 3000, 450)
	return append(on, media.Silence(4*time.Second)...)
}
