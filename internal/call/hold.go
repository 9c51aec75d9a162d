package call

import (
	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/media"
)

// Hold puts the caller on hold: they leave the call's bridge for a bridge
// of their own with music, so the agent (and a consulted colleague) can
// talk without being heard.
func (c *Call) Hold(agentID int64) error {
	c.mu.Lock()
	if c.state != StateTalking {
		c.mu.Unlock()
		return apperr.Conflict("not_talking", "the call is not in conversation")
	}
	l := c.agents[agentID]
	if l == nil {
		c.mu.Unlock()
		return apperr.Forbidden("you are not on this call")
	}
	c.state, c.heldBy = StateHeld, agentID
	c.mu.Unlock()
	c.bridge.Remove("caller")
	hb := media.NewBridge(c.ctx, c.m.Logger)
	hb.Add("caller", callerParticipant(c.caller))
	hb.Add("moh", media.Participant{Source: media.NewPlayer(holdMusic(), true)})
	c.mu.Lock()
	c.holdBridge = hb
	c.mu.Unlock()
	c.m.ACD.Hold(agentID)
	c.emitAgent(calllog.CallHold, l.agent, calllog.Data{By: "agent"})
	return nil
}

// Unhold brings the caller back into the conversation.
func (c *Call) Unhold(agentID int64) error {
	c.mu.Lock()
	if c.state != StateHeld {
		c.mu.Unlock()
		return apperr.Conflict("not_held", "the call is not on hold")
	}
	l := c.agents[agentID]
	if l == nil {
		l = c.agents[c.heldBy]
	}
	hb := c.holdBridge
	c.holdBridge = nil
	holder := c.heldBy
	c.state, c.heldBy = StateTalking, 0
	c.mu.Unlock()
	if hb != nil {
		hb.Close()
	}
	c.bridge.Add("caller", callerParticipant(c.caller))
	c.m.ACD.Resume(holder)
	if l != nil {
		c.emitAgent(calllog.CallUnhold, l.agent, calllog.Data{By: "agent"})
	}
	return nil
}

// resumeCaller brings a held caller back into the call's bridge without
// an agent (the holding agent left): the unhold is logged as by the system.
func (c *Call) resumeCaller() {
	c.mu.Lock()
	hb := c.holdBridge
	c.holdBridge = nil
	holder := c.heldBy
	wasHeld := c.state == StateHeld
	if wasHeld {
		c.state, c.heldBy = StateTalking, 0
	}
	c.mu.Unlock()
	if !wasHeld {
		return
	}
	if hb != nil {
		hb.Close()
	}
	c.bridge.Add("caller", callerParticipant(c.caller))
	c.emit(calllog.CallUnhold, calllog.Event{Leg: "caller", AgentID: holder, Data: calllog.Data{By: "system"}})
}
