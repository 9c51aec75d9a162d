package sim

import (
	"fmt"
	"slices"
	"time"

	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/ivr"
)

// interval draws the arrivals of the n-th 15-minute interval.
func (e *engine) interval(n int) {
	start := e.cfg.From.Truncate(Interval).Add(time.Duration(n) * Interval)
	lo, hi := maxTime(start, e.cfg.From), minTime(start.Add(Interval), e.cfg.To)
	if !lo.Before(hi) {
		return
	}
	frac := float64(hi.Sub(lo)) / float64(Interval)
	k := poisson(e.rArr, intervalMean(start.In(e.cfg.Location), e.cfg.CallsPerDay)*frac)
	span := hi.Sub(lo).Milliseconds()
	times := make([]int64, k)
	for i := range times {
		times[i] = lo.UnixMilli() + e.rArr.Int64N(span)
	}
	slices.Sort(times)
	for _, t := range times {
		e.schedule(event{at: t, kind: evArrival})
	}
	e.stats.Arrivals += int64(k)
	if next := start.Add(Interval); next.Before(e.cfg.To) {
		e.schedule(event{at: next.UnixMilli(), kind: evInterval, n: n + 1})
	}
}

func (e *engine) setupRoutes() {
	var ivrs, direct []Route
	for _, r := range e.w.Routes {
		switch r.Kind {
		case RouteIVR:
			ivrs = append(ivrs, r)
		case RouteQueue:
			direct = append(direct, r)
		}
	}
	share := func(rs []Route, total float64) {
		for _, r := range rs {
			e.routes = append(e.routes, r)
			e.weights = append(e.weights, total/float64(len(rs)))
		}
	}
	switch {
	case len(ivrs) > 0 && len(direct) > 0:
		share(ivrs, 0.85) // most callers dial the main number into the IVR
		share(direct, 0.15)
	case len(ivrs) > 0:
		share(ivrs, 1)
	case len(direct) > 0:
		share(direct, 1)
	default: // no numbers: callers reach the queues directly
		var rs []Route
		for _, q := range e.queues {
			rs = append(rs, Route{Kind: RouteQueue, Target: q.Name})
		}
		share(rs, 1)
	}
}

func (e *engine) pickRoute() Route {
	x := e.rCall.Float64()
	for i, w := range e.weights {
		if x < w {
			return e.routes[i]
		}
		x -= w
	}
	return e.routes[len(e.routes)-1]
}

// arrive: a call reaches the center.
func (e *engine) arrive() {
	c := e.newCall("inbound")
	number, prevQ, repeat := e.pool.next(e.now)
	c.caller, c.prevQueue, c.intent.Repeat = number, prevQ, repeat
	rt := e.pickRoute()
	if chance(e.rCall, e.cfg.Shares.Blocked) {
		e.block(c, rt)
		return
	}
	e.emit(c, calllog.CallOffered, calllog.Event{Leg: "caller", Data: e.offered(c, rt.Number)})
	e.emit(c, calllog.CallAnswered, calllog.Event{Leg: "caller", Data: calllog.Data{By: "system"}})
	c.state = csIVR
	switch rt.Kind {
	case RouteIVR:
		e.runIVR(c, rt.Target)
	default:
		e.toQueue(c, rt.Target, rt.Priority, nil, e.now)
	}
}

func (e *engine) offered(c *callState, number string) calllog.Data {
	return calllog.Data{Direction: "inbound", From: c.caller, To: number, Number: number, Trunk: e.w.Trunk, Source: e.source}
}

// block: refused before anything answered (a number that does not
// exist, a phone without a common codec), as internal/call logs it.
func (e *engine) block(c *callState, rt Route) {
	c.blocked = true
	if chance(e.rCall, 0.7) {
		wrong := fmt.Sprintf("8%03d", 100+e.rCall.IntN(900))
		e.emit(c, calllog.CallOffered, calllog.Event{Leg: "caller", Data: e.offered(c, wrong)})
		e.emit(c, calllog.CallBlocked, calllog.Event{Data: calllog.Data{Reason: "unknown_number", Code: 404}})
		c.intent.Blocked = "unknown_number"
		e.endCallCode(c, "system", "unknown_number", 404)
		return
	}
	e.emit(c, calllog.CallOffered, calllog.Event{Leg: "caller", Data: e.offered(c, rt.Number)})
	e.emit(c, calllog.CallBlocked, calllog.Event{Data: calllog.Data{Reason: "codec", Code: 488}})
	c.intent.Blocked = "codec"
	e.endCall(c, "system", "codec")
}

// runIVR plays the caller through a flow and carries out its result.
func (e *engine) runIVR(c *callState, flow string) {
	prefer := ""
	if c.prevQueue >= 0 && chance(e.rCall, 0.8) {
		prefer = e.queues[c.prevQueue].Name // a repeat caller asks for the same thing again
	}
	run := e.walker.walk(flow, e.now, e.rCall, chance(e.rCall, e.cfg.Shares.SelfService), prefer)
	if run.missing {
		e.endCall(c, "system", "ivr_missing")
		return
	}
	for _, s := range run.steps {
		if s.at >= e.limit && s.typ != calllog.IVRLeft {
			// The period ends while the caller is in the menu: they hang up there.
			left := run.steps[len(run.steps)-1].data
			left.Path, left.Result, left.Target = left.Path[:max(s.pathLen, 1)], string(ivr.ActionCallerHangup), ""
			left.Flow = s.data.Flow
			e.emitAt(c, e.limit, calllog.IVRLeft, calllog.Event{Leg: "caller", Data: left})
			e.endCall(c, "caller", "bye")
			c.intent.Cutoff = true
			return
		}
		e.emitAt(c, s.at, s.typ, calllog.Event{Leg: "caller", Data: s.data})
	}
	e.afterIVR(c, run)
}

func (e *engine) afterIVR(c *callState, run ivrRun) {
	switch run.result {
	case ivr.ActionTransferQueue:
		e.toQueue(c, run.target, run.priority, run.skills, run.end)
	case ivr.ActionHangup:
		e.endLater(c, run.end, "system", "ivr_hangup")
	case ivr.ActionCallerHangup:
		e.endLater(c, run.end, "caller", "bye")
	case ivr.ActionFailed:
		e.endLater(c, run.end, "system", "ivr_failed")
	default: // an extension or an outside number: not simulated, the caller gives up
		e.endLater(c, run.end+uniMS(e.rCall, 5*time.Second, 20*time.Second), "caller", "bye")
	}
}
