package call

import (
	"context"
	"errors"
	"regexp"
	"strconv"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/pbx"
	"github.com/hotline-cc/hotline/internal/sip"
)

// route is where an inbound call goes.
type route struct {
	kind     pbx.RouteKind // ivr, queue, extension; "" with external
	target   string
	priority int
	external string // an agent dialling out: the number
	number   string // the DID matched
}

var externalRE = regexp.MustCompile(`^\+?[0-9]{5,20}$`)

// routeFor decides where a new INVITE goes: an inbound number's route, or
// for an agent's own phone, another extension or an outside number.
func (m *Manager) routeFor(ctx context.Context, leg *sip.InboundLeg) (route, error) {
	dialled := leg.RequestUser()
	if n, err := m.PBX.Lookup(ctx, dialled); err == nil {
		return route{kind: n.RouteKind, target: n.RouteTarget, priority: n.Priority, number: n.Number}, nil
	} else if apperr.KindOf(err) != apperr.KindNotFound {
		return route{}, err
	}
	if leg.Extension() == "" {
		return route{}, errUnknownNumber
	}
	if _, err := m.PBX.ExtensionByNumber(ctx, dialled); err == nil {
		return route{kind: pbx.RouteExtension, target: dialled}, nil
	}
	if externalRE.MatchString(dialled) {
		return route{external: dialled}, nil
	}
	return route{}, errUnknownNumber
}

var errUnknownNumber = errors.New("unknown number")

// inbound handles a new call from a phone or a carrier.
func (m *Manager) inbound(ctx context.Context, leg *sip.InboundLeg) {
	from := leg.From()
	trunk, _ := leg.Trunk()
	offered := calllog.Data{Direction: "inbound", From: from.User, To: leg.RequestUser(), Number: leg.RequestUser(),
		Trunk: trunk.Name, Source: leg.Source().String()}
	if leg.Extension() != "" {
		offered.Direction = "internal"
	}
	rt, err := m.routeFor(ctx, leg)
	if err != nil {
		code, reason := 404, "Not Found"
		if !errors.Is(err, errUnknownNumber) {
			code, reason = 503, "Service Unavailable"
			m.Logger.Error("routing a call failed", "to", leg.RequestUser(), "err", err)
		}
		leg.Reject(code, reason)
		m.blocked(offered, "unknown_number", code)
		return
	}
	if rt.external != "" {
		m.agentDialsOut(ctx, leg, rt.external)
		return
	}
	c := m.newCall(offered.Direction, from.User, from.Display, leg.RequestUser())
	c.Trunk = trunk.Name
	offered.Number = rt.number
	c.emit(calllog.CallOffered, calllog.Event{Leg: "caller", Data: offered})
	ep, answer, err := m.answerOffer(leg.RemoteSDP(), func() { c.end("system", "rtp_timeout") })
	if err != nil {
		code, reason, why := 500, "Server Internal Error", "media"
		switch {
		case errors.Is(err, errCodec):
			code, reason, why = 488, "Not Acceptable Here", "codec"
		case len(leg.RemoteSDP()) == 0:
			code, reason, why = 488, "Not Acceptable Here", "no_sdp"
		}
		leg.Reject(code, reason)
		c.emit(calllog.CallBlocked, calllog.Event{Data: calllog.Data{Reason: why, Code: code}})
		c.caller = &endpoint{leg: leg}
		c.end("system", why)
		return
	}
	ep.leg = leg
	c.caller = ep
	c.bridge.Add("caller", callerParticipant(ep))
	ep.relayInfoDTMF()
	c.watchReinvites(ep, 0)
	if rt.kind == pbx.RouteExtension {
		// A direct call rings first and is answered when the agent answers.
		leg.Ringing()
		c.watchCaller()
		c.ringExtension(rt.target, answer, "")
		return
	}
	if err := leg.Answer(ctx, answer); err != nil {
		m.Logger.Warn("answer failed", "call", c.ID, "err", err)
		c.end("system", "answer_failed")
		return
	}
	c.emit(calllog.CallAnswered, calllog.Event{Leg: "caller", Data: calllog.Data{By: "system"}})
	c.watchCaller()
	switch rt.kind {
	case pbx.RouteIVR:
		c.runIVR(rt.target)
	case pbx.RouteQueue:
		c.enqueue(rt.target, rt.priority, nil)
	}
}

// blocked logs a call refused before it reached anything: offered,
// blocked, ended — so the blocked-calls metric counts it.
func (m *Manager) blocked(d calllog.Data, reason string, code int) {
	c := &Call{ID: newID(), m: m, ctx: m.ctx}
	c.emit(calllog.CallOffered, calllog.Event{Leg: "caller", Data: d})
	c.emit(calllog.CallBlocked, calllog.Event{Data: calllog.Data{Reason: reason, Code: code}})
	c.emit(calllog.CallEnded, calllog.Event{Leg: "caller", Data: calllog.Data{By: "system", Cause: reason, Code: code}})
}

// priorityOf reads a caller priority from an IVR variable.
func priorityOf(v string, def int) int {
	if n, err := strconv.Atoi(v); err == nil && n >= 0 && n <= 9 {
		return n
	}
	return def
}

// agentOf looks up the agent behind an extension.
func (m *Manager) agentOf(ctx context.Context, ext string) (*org.AgentInfo, error) {
	return m.Org.AgentByExtension(ctx, ext)
}
