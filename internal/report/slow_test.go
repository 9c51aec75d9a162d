package report_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	cl "github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/report"
	"github.com/hotline-cc/hotline/internal/shift"
	"github.com/hotline-cc/hotline/internal/store"
)

// The deliberately slow, independent implementation the property test
// compares reports with: it reads the raw call events (not the CDRs) and
// agent events, rebuilds each call from its events as docs/call-events.md
// describes them, and computes every figure by brute force — for each row,
// a pass over every call and every agent segment.

type slowLeg struct {
	agent, team, dept int64
	queue             string
	offered, answered time.Time
	ended             time.Time
	ring, talk, hold  int64
	wrap              int64
	outcome           string
	transferred       bool
}

type slowCall struct {
	id, direction, caller, callee, number, queue string
	start                                        time.Time
	queued                                       bool
	queuedAt                                     time.Time
	outcome                                      string
	wait                                         int64
	agent, team, dept                            int64
	talk, hold                                   int64
	holds                                        int
	score, scale                                 int
	unresolved                                   bool
	legs                                         []*slowLeg
	customer                                     int64
	source, level                                string
	repeat                                       *bool // repeated(), once worked out
}

// slowCalls rebuilds every call from its events.
func slowCalls(t *testing.T, ctx context.Context, db *store.DB) []*slowCall {
	rows, err := db.QueryContext(ctx, `SELECT call_id FROM call_events GROUP BY call_id`)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	var out []*slowCall
	for _, id := range ids {
		evs, err := cl.Events(ctx, db, id)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rebuild(evs))
	}
	slowCustomers(t, ctx, db, out)
	return out
}

func rebuild(evs []cl.Event) *slowCall {
	c := &slowCall{id: evs[0].CallID}
	open := map[int64]*slowLeg{}
	holdFrom := map[int64]time.Time{}
	var callHold time.Time
	answered := false
	var queueDept int64
	var end time.Time
	var blocked, abandoned, overflowed, callback bool
	var abandonWait int64
	var overflowAt time.Time
	for _, e := range evs {
		switch e.Type {
		case cl.CallOffered:
			c.start, c.direction, c.caller, c.callee, c.number = e.At, e.Data.Direction, e.Data.From, e.Data.To, e.Data.Number
			c.customer = e.Data.Customer
		case cl.CallBlocked:
			blocked = true
		case cl.QueueEntered:
			if !c.queued {
				c.queued, c.queuedAt, c.queue, queueDept = true, e.At, e.Queue, e.Data.DeptID
			}
		case cl.QueueOffer:
			l := &slowLeg{agent: e.AgentID, team: e.Data.TeamID, dept: e.Data.DeptID, queue: e.Queue, offered: e.At}
			c.legs = append(c.legs, l)
			open[e.AgentID] = l
		case cl.QueueOfferFailed:
			if l := open[e.AgentID]; l != nil && l.answered.IsZero() {
				l.outcome, l.ring, l.ended = e.Data.Reason, e.At.Sub(l.offered).Milliseconds(), e.At
				delete(open, e.AgentID)
			}
		case cl.AgentAnswered:
			l := open[e.AgentID]
			if l == nil {
				l = &slowLeg{agent: e.AgentID, queue: e.Queue, offered: e.At}
				c.legs = append(c.legs, l)
				open[e.AgentID] = l
			}
			l.answered, l.outcome, l.ring = e.At, "answered", e.At.Sub(l.offered).Milliseconds()
			if e.Data.TeamID != 0 || e.Data.DeptID != 0 {
				l.team, l.dept = e.Data.TeamID, e.Data.DeptID
			}
			if !answered {
				answered = true
				c.agent, c.team, c.dept = e.AgentID, l.team, l.dept
				if c.queued {
					c.wait = e.At.Sub(c.queuedAt).Milliseconds()
				}
			}
		case cl.CallHold:
			c.holds++
			callHold = e.At
			holdFrom[e.AgentID] = e.At
		case cl.CallUnhold:
			if !callHold.IsZero() {
				c.hold += e.At.Sub(callHold).Milliseconds()
				callHold = time.Time{}
			}
			if h, ok := holdFrom[e.AgentID]; ok {
				if l := open[e.AgentID]; l != nil {
					l.hold += e.At.Sub(h).Milliseconds()
				}
				delete(holdFrom, e.AgentID)
			}
		case cl.CallTransfer:
			if e.Data.Kind != "consult" && e.Data.Kind != "consult_failed" {
				if l := open[e.AgentID]; l != nil {
					l.transferred = true
				}
			}
		case cl.QueueAbandoned:
			if !answered {
				abandoned, abandonWait = true, e.Data.WaitMS
			}
		case cl.QueueOverflow:
			if e.Data.Kind == "voicemail" || e.Data.Kind == "hangup" {
				overflowed = true
			}
			overflowAt = e.At
		case cl.LegEnded:
			if l := open[e.AgentID]; l != nil {
				closeLeg(l, e.At, holdFrom)
				delete(open, e.AgentID)
			}
		case cl.CallEnded:
			end = e.At
			if !callHold.IsZero() {
				c.hold += e.At.Sub(callHold).Milliseconds()
			}
			for _, l := range open {
				if l.answered.IsZero() {
					l.outcome, l.ring, l.ended = "cancelled", e.At.Sub(l.offered).Milliseconds(), e.At
				} else {
					closeLeg(l, e.At, holdFrom)
				}
			}
			open = map[int64]*slowLeg{}
		case cl.AgentWrapUpEnd:
			for i := len(c.legs) - 1; i >= 0; i-- {
				if l := c.legs[i]; l.agent == e.AgentID && !l.answered.IsZero() {
					if !l.ended.IsZero() {
						l.wrap = e.At.Sub(l.ended).Milliseconds()
					}
					break
				}
			}
		case cl.CallRated:
			c.score, c.scale = e.Data.Score, e.Data.Scale
		case cl.CallResolution:
			c.unresolved = e.Data.Result == cl.ResultUnresolved
		case cl.CallbackAsked:
			callback = callback || e.Data.Kind != "retry"
		case cl.CallbackMade:
			if c.agent == 0 {
				c.agent = e.AgentID // the agent who tried the callback owns it, answered or not
			}
		}
	}
	for _, l := range c.legs {
		c.talk += l.talk
	}
	switch {
	case blocked:
		c.outcome = "blocked"
	case answered:
		c.outcome = "answered"
	case abandoned:
		c.outcome, c.wait = "abandoned", abandonWait
	case overflowed:
		c.outcome, c.wait = "overflow", overflowAt.Sub(c.queuedAt).Milliseconds()
	case callback:
		c.outcome, c.wait = "callback", end.Sub(c.queuedAt).Milliseconds()
	case c.direction == "outbound" || c.direction == "callback":
		c.outcome = "failed"
	case c.queued:
		c.outcome, c.wait = "abandoned", end.Sub(c.queuedAt).Milliseconds()
	default:
		c.outcome = "ivr"
	}
	if !answered {
		c.dept = queueDept
	}
	return c
}

func closeLeg(l *slowLeg, at time.Time, holdFrom map[int64]time.Time) {
	l.ended = at
	if h, ok := holdFrom[l.agent]; ok {
		l.hold += at.Sub(h).Milliseconds()
		delete(holdFrom, l.agent)
	}
	if !l.answered.IsZero() {
		l.talk = at.Sub(l.answered).Milliseconds() - l.hold
	}
}

// slowCustomers matches calls to customers by the E.164 form of their number.
func slowCustomers(t *testing.T, ctx context.Context, db *store.DB, calls []*slowCall) {
	byPhone := map[string]int64{}
	rows, err := db.QueryContext(ctx, `SELECT e164, customer_id FROM customer_phones`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var e string
		var id int64
		rows.Scan(&e, &id)
		byPhone[e] = id
	}
	rows.Close()
	attrs := map[int64][2]string{}
	rows, err = db.QueryContext(ctx, `SELECT id, source, level FROM customers`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var s, l string
		rows.Scan(&id, &s, &l)
		attrs[id] = [2]string{s, l}
	}
	rows.Close()
	for _, c := range calls {
		if c.customer == 0 {
			if p, err := crm.NormalizePhone(c.customerNumber()); err == nil {
				c.customer = byPhone[p.E164]
			}
		}
		c.source, c.level = attrs[c.customer][0], attrs[c.customer][1]
	}
}

func (c *slowCall) customerNumber() string {
	if c.direction == "inbound" {
		return c.caller
	}
	return c.callee
}

// repeated reports whether c was followed within the window by a call
// from the same number or customer (or a call-back to them): a pass over
// every call.
func (c *slowCall) repeated(all []*slowCall, window time.Duration) bool {
	if c.repeat != nil {
		return *c.repeat
	}
	v := c.findRepeat(all, window)
	c.repeat = &v
	return v
}

func (c *slowCall) findRepeat(all []*slowCall, window time.Duration) bool {
	for _, r := range all {
		if !r.start.After(c.start) || r.start.Sub(c.start) > window {
			continue
		}
		if r.direction != "inbound" && r.direction != "callback" {
			continue
		}
		num := r.customerNumber()
		if num == c.caller || (c.customer != 0 && r.customer == c.customer) {
			return true
		}
	}
	return false
}

// slowSegment is an agent in a state for a span.
type slowSegment struct {
	agent         int64
	from, to      time.Time
	state, reason string
}

func slowSegments(t *testing.T, ctx context.Context, db *store.DB, until time.Time) []slowSegment {
	rows, err := db.QueryContext(ctx, `SELECT agent_id, at, to_state, reason FROM agent_events ORDER BY agent_id, at, id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []slowSegment
	var cur *slowSegment
	for rows.Next() {
		var agent, at int64
		var st, reason string
		rows.Scan(&agent, &at, &st, &reason)
		when := time.UnixMilli(at)
		if cur != nil && cur.agent == agent {
			cur.to = when
			out = append(out, *cur)
		} else if cur != nil {
			cur.to = until
			out = append(out, *cur)
		}
		cur = &slowSegment{agent: agent, from: when, state: st, reason: reason}
	}
	if cur != nil {
		cur.to = until
		out = append(out, *cur)
	}
	return out
}

func overlapMS(a0, a1, b0, b1 time.Time) int64 {
	s, e := a0, a1
	if b0.After(s) {
		s = b0
	}
	if b1.Before(e) {
		e = b1
	}
	if !e.After(s) {
		return 0
	}
	return e.Sub(s).Milliseconds()
}

// slowRow computes a row's figures by brute force: inCall/inLeg/inAgent
// select what belongs to the row.
type slowRow struct {
	from, to time.Time
	inCall   func(*slowCall) bool
	inLeg    func(*slowCall, *slowLeg) bool
	inAgent  func(agent int64) bool
}

type fv struct {
	v  float64
	ok bool
}

func frac(num, den float64, scale float64) fv {
	if den <= 0 {
		return fv{}
	}
	return fv{num * scale / den, true}
}

// figures returns the call and agent figures of the row.
func (r slowRow) figures(calls []*slowCall, segs []slowSegment, shifts []shift.Shift, set report.Settings,
	lim func(string) slowLimits) map[string]float64 {
	out := map[string]float64{}
	var n, inbound, blocked, queued, answeredQ, inSL, aband, short, longWithin, over, answered, ivr float64
	var waitAns, waitAb, waitQ, hold, held, fcrBase, fcrFail, rated, sat float64
	var legs, legTalk, legHold, legWrap, legRing, legXfer float64
	for _, c := range calls {
		if c.start.Before(r.from) || !c.start.Before(r.to) {
			continue
		}
		if r.inCall(c) {
			n++
			l := lim(c.queue)
			in := c.direction == "inbound"
			if in {
				inbound++
			}
			switch c.outcome {
			case "blocked":
				blocked++
			case "ivr":
				ivr++
			case "answered":
				answered++
			}
			if c.holds > 0 {
				held++
			}
			hold += float64(c.hold)
			if in && c.queued {
				queued++
				waitQ += float64(c.wait)
				switch c.outcome {
				case "answered":
					answeredQ++
					waitAns += float64(c.wait)
					if c.wait <= l.sl {
						inSL++
					}
				case "abandoned":
					aband++
					waitAb += float64(c.wait)
					if c.wait < l.short {
						short++
					} else if c.wait <= l.sl {
						longWithin++
					}
				case "overflow", "callback":
					over++
				}
			}
			if in && c.outcome == "answered" {
				fcrBase++
				if c.unresolved || c.repeated(calls, time.Duration(set.FCRWindowHours)*time.Hour) {
					fcrFail++
				}
			}
			if c.score > 0 {
				rated++
				scale := c.scale
				if scale < 2 {
					scale = 5
				}
				top := scale - 1
				if scale <= 3 {
					top = scale
				}
				if c.score >= top {
					sat++
				}
			}
		}
		for _, l := range c.legs {
			if !r.inLeg(c, l) || l.outcome != "answered" {
				continue
			}
			legs++
			legTalk += float64(l.talk)
			legHold += float64(l.hold)
			legWrap += float64(l.wrap)
			legRing += float64(l.ring)
			if l.transferred {
				legXfer++
			}
		}
	}
	put := func(k string, x fv) {
		if x.ok {
			out[k] = x.v
		}
	}
	out["total_calls"] = n
	put("blocked_rate", frac(blocked, inbound, 100))
	put("queue_placement", frac(queued, inbound, 100))
	put("answer_rate", frac(answeredQ, queued, 100))
	put("abandon_rate", frac(aband-short, queued-short, 100))
	put("asa", frac(waitAns, answeredQ, 0.001))
	put("queue_time", frac(waitQ, queued, 0.001))
	put("ata", frac(waitAb, aband, 0.001))
	put("acw", frac(legWrap, legs, 0.001))
	put("aht", frac(legTalk+legHold+legWrap, legs, 0.001))
	put("talk_time", frac(legTalk, legs, 0.001))
	put("hold_time", frac(hold, held, 0.001))
	put("rings", frac(legRing, legs, 0.001/set.RingCycleSec))
	put("transfer_rate", frac(legXfer, legs, 100))
	put("fcr", frac(fcrBase-fcrFail, fcrBase, 100))
	put("csat", frac(sat, rated, 100))
	long := aband - short
	switch set.AbandonMode {
	case report.AbandonIgnored:
		put("service_level", frac(inSL, answeredQ+over, 100))
	case report.AbandonForWithin:
		put("service_level", frac(inSL+longWithin, answeredQ+long+over, 100))
	default:
		put("service_level", frac(inSL, answeredQ+long+over, 100))
	}
	if r.inAgent == nil {
		return out
	}
	var loggedIn, onCall, onHold, ready, ringing float64
	for _, s := range segs {
		if !r.inAgent(s.agent) || s.state == "logged_out" {
			continue
		}
		d := float64(overlapMS(s.from, s.to, r.from, r.to))
		loggedIn += d
		switch s.state {
		case "on_call":
			onCall += d
		case "on_hold":
			onHold += d
		case "ready":
			ready += d
		case "ringing":
			ringing += d
		}
	}
	var sched, adhered float64
	for _, sh := range shifts {
		if !r.inAgent(sh.AgentID) {
			continue
		}
		for _, p := range sh.PhoneTime() {
			sched += float64(overlapMS(p.Start, p.End, r.from, r.to))
			for _, s := range segs {
				if s.agent == sh.AgentID && s.state != "logged_out" && s.state != "not_ready" {
					a0, a1 := p.Start, p.End
					if r.from.After(a0) {
						a0 = r.from
					}
					if r.to.Before(a1) {
						a1 = r.to
					}
					adhered += float64(overlapMS(s.from, s.to, a0, a1))
				}
			}
		}
	}
	put("calls_per_hour", frac(legs, loggedIn, 3600000))
	put("occupancy", frac(onCall+onHold, onCall+onHold+ready+ringing, 100))
	put("adherence", frac(adhered, sched, 100))
	return out
}

func idOf(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

// slowLimits are a queue's thresholds in ms, read independently of the
// engine: the queue's own when set, else the settings'.
type slowLimits struct{ sl, short int64 }
