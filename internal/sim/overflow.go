package sim

import (
	"time"

	"github.com/hotline-cc/hotline/internal/calllog"
)

// maxWait: the caller has waited the queue's maximum.
func (e *engine) maxWait(c *callState) {
	switch c.state {
	case csRinging:
		c.maxWaitDue = true // the ACD overflows it if this ring fails
	case csQueued:
		e.overflow(c, c.q, "max wait", true)
	}
}

// overflow sends a call that cannot wait where its queue says, as
// internal/call's overflow and doOverflow do. waited: after the max wait
// (the caller was in the queue), not refused at the door.
func (e *engine) overflow(c *callState, q *queueRT, why string, waited bool) {
	o := q.Overflow
	r := e.rCall
	if waited && o.Action == "callback" {
		// The ACD keeps the call's place as a callback.
		e.emit(c, calllog.QueueOverflow, calllog.Event{Queue: q.Name, Data: calllog.Data{Kind: "callback", WaitMS: e.now - c.queuedAt}})
		e.emit(c, calllog.CallbackAsked, calllog.Event{Leg: "caller", Queue: q.Name, Data: calllog.Data{Target: c.caller}})
		e.keepAsCallback(c)
		e.endLater(c, e.now+uniMS(r, 4*time.Second, 6*time.Second), "system", "callback_overflow")
		return
	}
	if waited {
		e.leaveQueue(c)
	}
	c.state = csIVR
	target := o.Target
	if o.Action == "queue" {
		target = o.Queue
	}
	e.emit(c, calllog.QueueOverflow, calllog.Event{Queue: q.Name, Data: calllog.Data{Kind: o.Action, Target: target, Reason: why}})
	say := e.now + uniMS(r, 4*time.Second, 7*time.Second)
	switch o.Action {
	case "queue":
		if q.overflow != nil && c.overflows < 3 {
			c.overflows++
			e.enqueue(c, q.overflow, 0, nil)
			return
		}
		e.endLater(c, e.now, "system", "overflow_queue_missing")
	case "ivr":
		if c.overflows < 3 {
			c.overflows++
			e.runIVR(c, o.Target)
			return
		}
		e.endLater(c, say, "caller", "bye")
	case "voicemail":
		c.overflowed = true
		c.gen++
		e.schedule(event{at: say + 400, kind: evVoicemail, c: c, gen: c.gen})
	case "callback": // refused at the door: told to expect a call, but nothing is kept
		e.endLater(c, say, "system", "callback_overflow")
	case "hangup":
		c.overflowed = true
		e.endLater(c, say, "system", "overflow_hangup")
	default: // busy
		e.endLater(c, say, "system", "queue_busy")
	}
}

// voicemailDone: after the prompt and the tone the caller leaves a
// message (up to two minutes), then hears thanks.
func (e *engine) voicemailDone(c *callState) {
	r := e.rCall
	if !c.vmOpen {
		c.vmOpen = true
		e.emit(c, calllog.RecordingStarted, calllog.Event{Queue: c.queueName(), Data: calllog.Data{Kind: "voicemail"}})
		c.gen++
		e.schedule(event{at: e.now + 5000 + min(expMS(r, 25*time.Second), 115000), kind: evVoicemail, c: c, gen: c.gen})
		return
	}
	c.vmOpen = false
	e.emit(c, calllog.RecordingStopped, calllog.Event{Queue: c.queueName(), Data: calllog.Data{Kind: "voicemail"}})
	e.endLater(c, e.now+uniMS(r, 3*time.Second, 4*time.Second), "system", "voicemail_left")
}
