package sim

import "github.com/hotline-cc/hotline/internal/calllog"

// cutoff ends a call still going on when the period ends: the caller
// hangs up wherever they are (the last moments of the period are the
// only ones whose calls this shortens).
func (e *engine) cutoff(c *callState) {
	c.intent.Cutoff = true
	switch c.state {
	case csQueued, csRinging:
		e.abandon(c)
	case csDirect:
		b := c.ring
		c.ring, b.reserved = nil, false
		e.emitAgent(c, calllog.QueueOfferFailed, b, calllog.Data{Reason: "cancelled", RingMS: e.now - c.offerAt})
		e.endCall(c, "caller", "bye")
	case csTalking, csHeld:
		e.callerHangup(c)
	case csCbRinging:
		a := c.ring
		c.ring = nil
		c.cbQueue.remove(c.entry)
		e.settle(a, "call_removed", c.acdID)
		e.endCall(c, "system", "agent_no_answer")
	case csCbDialling:
		a := c.agent
		c.agent = nil
		e.startWrap(a, c)
		e.endCall(c, "system", "customer_no_answer")
	default: // in the IVR, hearing a last message, in the survey
		e.endCall(c, "caller", "bye")
	}
}
