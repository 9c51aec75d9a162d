package call

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/media"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/pbx"
	"github.com/hotline-cc/hotline/internal/sip"
)

// ErrNoTrunk is returned when an outside number cannot be dialled: no
// enabled trunk has a carrier host.
var ErrNoTrunk = apperr.Conflict("no_trunk", "no trunk with a carrier host is configured for outbound calls")

// dialOut calls number and waits for the answer: a registered extension
// directly, anything else through the first enabled trunk with a host,
// presenting the trunk's caller ID (or callerID). While it rings, onRing is
// called once.
func (m *Manager) dialOut(ctx context.Context, number, callerID, display string, onRing func()) (*endpoint, error) {
	req := sip.DialRequest{FromUser: callerID, FromDisplay: display}
	if contact, err := m.reachableContact(ctx, number); err == nil {
		req.Contact = contact
	} else {
		t, err := m.outboundTrunk(ctx)
		if err != nil {
			return nil, err
		}
		host := t.Host
		if _, _, err := net.SplitHostPort(host); err != nil {
			host = net.JoinHostPort(host, "5060")
		}
		req.URI = fmt.Sprintf("sip:%s%s@%s", t.DialPrefix, number, host)
		req.Transport = t.Transport
		if t.CallerID != "" {
			req.FromUser = t.CallerID
		}
		if t.Username != "" {
			req.Auth = &sip.Credentials{Username: t.Username, Password: t.Password()}
		}
	}
	ep, offer, err := m.offerEndpoint(nil)
	if err != nil {
		return nil, err
	}
	req.SDP = offer
	rang := false
	req.OnProgress = func(p sip.Progress) {
		if (p.Code == 180 || p.Code == 183) && !rang && onRing != nil {
			rang = true
			onRing()
		}
	}
	out, err := m.SIP.Dial(ctx, req)
	if err != nil {
		ep.close()
		return nil, err
	}
	ep.leg = out
	if err := out.Wait(ctx); err != nil {
		out.Hangup(context.Background())
		ep.close()
		return nil, err
	}
	if err := ep.applyAnswer(out.RemoteSDP()); err != nil {
		ep.hangup()
		return nil, err
	}
	return ep, nil
}

func (m *Manager) outboundTrunk(ctx context.Context) (*pbx.Trunk, error) {
	ts, err := m.PBX.Trunks(ctx)
	if err != nil {
		return nil, err
	}
	for i := range ts {
		if ts[i].Enabled && ts[i].Host != "" {
			return &ts[i], nil
		}
	}
	return nil, ErrNoTrunk
}

// dialExternal connects the caller to an outside number (an IVR or a
// blind transfer to it): ringback, then the two are bridged.
func (c *Call) dialExternal(number string) {
	c.mu.Lock()
	if c.state == StateEnded {
		c.mu.Unlock()
		return
	}
	c.state = StateRinging
	c.mu.Unlock()
	c.play(ringback(), true)
	c.emit(calllog.CallTransfer, calllog.Event{Leg: "caller", Data: calllog.Data{Kind: "external", Target: number}})
	ep, err := c.m.dialOut(c.ctx, number, c.From, c.FromName, nil)
	if err != nil {
		c.m.Logger.Info("outside number not reached", "call", c.ID, "number", number, "err", err)
		c.sayThenEnd("external_failed", c.lang(), busyText(c.lang()))
		return
	}
	c.addExternal(number, ep)
}

// addExternal bridges an outside party (transfer or conference to a
// number); when the last party but the caller leaves, the call ends.
func (c *Call) addExternal(number string, ep *endpoint) {
	id := "external-" + number
	c.mu.Lock()
	if c.state == StateEnded {
		c.mu.Unlock()
		ep.hangup()
		return
	}
	c.externals[id] = ep
	if c.state != StateHeld {
		c.state = StateTalking
	}
	c.playLocked(nil, false)
	c.mu.Unlock()
	c.bridge.Add(id, media.Participant{Source: ep.stream, Sink: ep.stream, Side: media.SideRight})
	ep.relayInfoDTMF()
	c.watchReinvites(ep, 0)
	go func() {
		select {
		case <-ep.leg.Done():
		case <-c.done:
			return
		}
		c.mu.Lock()
		delete(c.externals, id)
		alone := len(c.externals) == 0 && len(c.agents) == 0
		c.mu.Unlock()
		c.bridge.Remove(id)
		ep.close()
		c.emit(calllog.LegEnded, calllog.Event{Leg: id, Data: calllog.Data{By: "external"}})
		if alone {
			c.end("external", "bye")
		}
	}()
}

// agentDialsOut: an agent's phone calls an outside number. The customer's
// leg is the call's "caller" side (left channel), the agent the right.
func (m *Manager) agentDialsOut(ctx context.Context, in *sip.InboundLeg, number string) {
	info, err := m.agentOf(ctx, in.Extension())
	if err != nil {
		info = &org.AgentInfo{Extension: in.Extension(), Name: in.From().Display}
	}
	c := m.newCall("outbound", in.Extension(), info.Name, number)
	c.emit(calllog.CallOffered, calllog.Event{Leg: "agent:" + info.Extension, AgentID: info.UserID,
		Data: calllog.Data{Direction: "outbound", From: in.Extension(), To: number, TeamID: info.TeamID, DeptID: info.DepartmentID}})
	agentEP, answer, err := m.answerOffer(in.RemoteSDP(), func() { c.end("system", "rtp_timeout") })
	if err != nil {
		in.Reject(488, "Not Acceptable Here")
		c.caller = &endpoint{}
		c.end("system", "codec")
		return
	}
	agentEP.leg = in
	if info.UserID != 0 {
		m.ACD.StartDirectCall(info.UserID, c.ID)
		m.bindAgent(info.UserID, c)
	}
	dctx, cancel := context.WithCancel(c.ctx)
	defer cancel()
	go func() {
		select {
		case <-in.Done(): // the agent gave up before the answer
			cancel()
		case <-dctx.Done():
		}
	}()
	in.Ringing()
	cust, err := m.dialOut(dctx, number, in.Extension(), info.Name, nil)
	if err != nil {
		code := 480
		var de *sip.DialError
		if errors.As(err, &de) {
			code = de.Code
		}
		in.Reject(code, "Not Answered")
		agentEP.close()
		c.caller = &endpoint{}
		if info.UserID != 0 {
			m.ACD.CallEnded(c.ID, info.UserID)
		}
		c.end("system", fmt.Sprintf("not_answered_%d", code))
		return
	}
	if err := in.Answer(ctx, answer); err != nil {
		cust.hangup()
		agentEP.close()
		c.caller = &endpoint{}
		c.end("system", "answer_failed")
		return
	}
	c.connect(cust, &agentLeg{agent: *info, ep: agentEP, offeredAt: c.StartedAt, cancel: func() {}})
}

// connect bridges a customer's endpoint (the call's caller side) with an
// agent already on the line: outbound calls, click-to-call, callbacks.
func (c *Call) connect(cust *endpoint, l *agentLeg) {
	c.mu.Lock()
	c.caller = cust
	c.agents[l.agent.UserID] = l
	c.primary = l.agent.UserID
	c.state = StateTalking
	info := l.agent
	c.lastAgent = &info
	c.playLocked(nil, false)
	c.mu.Unlock()
	c.bridge.Add("caller", callerParticipant(cust))
	c.bridge.Add(agentPID(l.agent.UserID), media.Participant{Source: l.ep.stream, Sink: l.ep.stream, Side: media.SideRight})
	cust.relayInfoDTMF()
	c.watchReinvites(cust, 0)
	l.answered = time.Now()
	c.emit(calllog.CallAnswered, calllog.Event{Leg: "caller", Data: calllog.Data{By: "customer"}})
	c.emitAgent(calllog.AgentAnswered, l.agent, calllog.Data{})
	c.startRecording(l)
	c.watchCaller()
	c.watchAgent(l)
}

// ClickToCall rings the agent's phone first, then dials the customer
// through a trunk and connects them (the desktop's click-to-call).
func (m *Manager) ClickToCall(ctx context.Context, agentID int64, number string) (*Call, error) {
	if !externalRE.MatchString(number) {
		if _, err := m.PBX.ExtensionByNumber(ctx, number); err != nil {
			return nil, apperr.Invalid("number", "%q is not a phone number", number)
		}
	}
	info, err := m.Org.Agent(ctx, agentID)
	if err != nil || info.Extension == "" {
		return nil, apperr.Conflict("no_extension", "you have no extension to ring")
	}
	if _, err := m.reachableContact(ctx, info.Extension); err != nil {
		return nil, apperr.Conflict("phone_unreachable", "your phone (extension %s) is not registered", info.Extension)
	}
	if _, err := m.outboundTrunk(ctx); err != nil && !m.isPhone(ctx, number) {
		return nil, err
	}
	c := m.newCall("outbound", info.Extension, info.Name, number)
	c.caller = &endpoint{}
	c.emit(calllog.CallOffered, calllog.Event{Leg: "agent:" + info.Extension, AgentID: agentID,
		Data: calllog.Data{Direction: "outbound", From: info.Extension, To: number, Kind: "click_to_call", TeamID: info.TeamID, DeptID: info.DepartmentID}})
	m.ACD.StartDirectCall(agentID, c.ID)
	go c.agentThenCustomer(*info, number, 0)
	return c, nil
}

func (m *Manager) isPhone(ctx context.Context, number string) bool {
	_, err := m.reachableContact(ctx, number)
	return err == nil
}

// agentThenCustomer rings the agent, and when they answer dials the
// customer while the agent hears ringback.
func (c *Call) agentThenCustomer(info org.AgentInfo, number string, offerID int64) {
	m := c.m
	fail := func(cause string) {
		if offerID == 0 {
			m.ACD.CallEnded(c.acdID(), info.UserID)
		}
		c.end("system", cause)
	}
	contact, err := m.reachableContact(c.ctx, info.Extension)
	if err != nil {
		if offerID != 0 {
			m.ACD.OfferFailed(offerID, info.UserID, acd.FailUnreachable)
		}
		fail("agent_unreachable")
		return
	}
	ep, sdp, err := m.offerEndpoint(nil)
	if err != nil {
		fail("media")
		return
	}
	m.bindAgent(info.UserID, c)
	out, err := m.SIP.Dial(c.ctx, sip.DialRequest{Contact: contact, SDP: sdp, FromUser: number, FromDisplay: "→ " + number})
	if err == nil {
		ep.leg = out
		err = out.Wait(c.ctx)
	}
	if err == nil {
		err = ep.applyAnswer(out.RemoteSDP())
	}
	if err != nil {
		ep.hangup()
		if offerID != 0 {
			m.ACD.OfferFailed(offerID, info.UserID, failReason(err))
			c.end("system", "agent_no_answer")
			m.Kick()
			return
		}
		fail("agent_no_answer")
		return
	}
	if offerID != 0 {
		if _, err := m.ACD.OfferAnswered(offerID, info.UserID); err != nil {
			ep.hangup()
			c.end("system", "offer_lost")
			return
		}
		c.emit(calllog.CallbackMade, calllog.Event{AgentID: info.UserID, Data: calllog.Data{Target: number}})
	}
	l := &agentLeg{agent: info, ep: ep, offerID: offerID, offeredAt: c.StartedAt, cancel: func() {}}
	// The agent hears ringback from the bridge while the customer rings.
	c.bridge.Add(agentPID(info.UserID), media.Participant{Source: ep.stream, Sink: ep.stream, Side: media.SideRight})
	rb := media.NewPlayer(ringback(), true)
	c.bridge.Add("agent-ringback", media.Participant{Source: rb, Mode: media.ModeWhisper, To: []string{agentPID(info.UserID)}})
	dctx, cancel := context.WithCancel(c.ctx)
	go func() {
		select {
		case <-out.Done():
			cancel()
		case <-dctx.Done():
		}
	}()
	cust, err := m.dialOut(dctx, number, info.Extension, info.Name, nil)
	cancel()
	rb.Stop()
	c.bridge.Remove("agent-ringback")
	c.bridge.Remove(agentPID(info.UserID))
	if err != nil {
		ep.hangup()
		m.Logger.Info("customer not reached", "call", c.ID, "number", number, "err", err)
		m.ACD.CallEnded(c.acdID(), info.UserID)
		if offerID != 0 {
			c.retryCallback(number)
		}
		c.end("system", "customer_no_answer")
		return
	}
	c.connect(cust, l)
}

// Callback retries: a customer who does not answer the callback is called
// back again later, a few times.
const (
	callbackRetries     = 3
	callbackRetryDelay  = 10 * time.Minute
	callbackRetrySuffix = "~r"
)

// retryCallback puts an unanswered callback back in its queue for later.
func (c *Call) retryCallback(number string) {
	base, n := c.origID, 0
	if i := strings.LastIndex(base, callbackRetrySuffix); i >= 0 {
		if k, err := strconv.Atoi(base[i+len(callbackRetrySuffix):]); err == nil {
			base, n = base[:i], k
		}
	}
	if n >= callbackRetries {
		c.m.Logger.Info("callback abandoned after retries", "call", base, "number", number)
		return
	}
	id := fmt.Sprintf("%s%s%d", base, callbackRetrySuffix, n+1)
	at := time.Now().Add(callbackRetryDelay)
	if _, err := c.m.ACD.EnqueueCallback(acd.WaitingCall{ID: id, QueueID: c.cbQueue, Caller: number},
		acd.CallbackRequest{Number: number, NotBefore: at}); err != nil {
		c.m.Logger.Warn("callback not retried", "call", base, "err", err)
		return
	}
	c.emit(calllog.CallbackAsked, calllog.Event{Data: calllog.Data{Target: number, Kind: "retry", Reason: at.Format(time.RFC3339)}})
}

// callback carries out an ACD callback offer: the agent is rung first,
// then the customer who asked to be called back.
func (m *Manager) callback(ctx context.Context, o acd.Offer) {
	if len(o.AgentIDs) == 0 {
		return
	}
	info, err := m.Org.Agent(ctx, o.AgentIDs[0])
	if err != nil {
		m.ACD.OfferFailed(o.ID, o.AgentIDs[0], acd.FailUnreachable)
		return
	}
	c := m.newCall("callback", info.Extension, info.Name, o.CallbackNumber)
	c.origID, c.cbQueue = o.CallID, o.QueueID
	c.caller = &endpoint{}
	c.emit(calllog.CallOffered, calllog.Event{Leg: "agent:" + info.Extension, AgentID: info.UserID,
		Data: calllog.Data{Direction: "callback", From: info.Extension, To: o.CallbackNumber, Target: o.CallID}})
	c.agentThenCustomer(*info, o.CallbackNumber, o.ID)
}
