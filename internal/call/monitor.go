package call

import (
	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/media"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/sip"
)

// MonitorMode is how a supervisor joins a live call.
type MonitorMode string

const (
	Listen  MonitorMode = "listen"  // hears both, heard by nobody (监听)
	Whisper MonitorMode = "whisper" // the agent hears the supervisor, the caller does not (耳语)
	Barge   MonitorMode = "barge"   // all three talk (强插)
)

// monitor is a supervisor's leg on a call.
type monitor struct {
	sup  org.AgentInfo
	ep   *endpoint
	mode MonitorMode
}

func monitorPID(id int64) string { return "monitor-" + agentPIDSuffix(id) }

func agentPIDSuffix(id int64) string { return agentPID(id)[len("agent-"):] }

func (c *Call) participantFor(mode MonitorMode) (media.Participant, error) {
	c.mu.Lock()
	primary := c.primary
	c.mu.Unlock()
	switch mode {
	case Listen:
		return media.Participant{Mode: media.ModeListen}, nil
	case Whisper:
		return media.Participant{Mode: media.ModeWhisper, To: []string{agentPID(primary)}}, nil
	case Barge:
		return media.Participant{Side: media.SideRight}, nil
	}
	return media.Participant{}, apperr.Invalid("mode", "must be listen, whisper or barge")
}

// Monitor rings the supervisor's phone and joins them to the call in mode.
// The caller is checked against the supervisor's data scope by the API.
func (c *Call) Monitor(sup org.AgentInfo, mode MonitorMode) error {
	p, err := c.participantFor(mode)
	if err != nil {
		return err
	}
	if st := c.State(); st != StateTalking && st != StateHeld {
		return apperr.Conflict("not_talking", "only a call in conversation can be monitored")
	}
	c.mu.Lock()
	if _, on := c.monitors[sup.UserID]; on {
		c.mu.Unlock()
		return c.SetMonitorMode(sup.UserID, mode)
	}
	c.mu.Unlock()
	contact, err := c.m.reachableContact(c.ctx, sup.Extension)
	if err != nil {
		return apperr.Conflict("phone_unreachable", "your phone (extension %q) is not registered", sup.Extension)
	}
	go func() {
		ep, sdp, err := c.m.offerEndpoint(nil)
		if err != nil {
			return
		}
		out, err := c.m.SIP.Dial(c.ctx, sip.DialRequest{Contact: contact, SDP: sdp, FromUser: c.From, FromDisplay: "monitor " + c.From})
		if err == nil {
			ep.leg = out
			err = out.Wait(c.ctx)
		}
		if err == nil {
			err = ep.applyAnswer(out.RemoteSDP())
		}
		if err != nil {
			ep.hangup()
			return
		}
		mon := &monitor{sup: sup, ep: ep, mode: mode}
		c.mu.Lock()
		if c.state == StateEnded {
			c.mu.Unlock()
			ep.hangup()
			return
		}
		c.monitors[sup.UserID] = mon
		c.mu.Unlock()
		p.Source, p.Sink = ep.stream, ep.stream
		c.bridge.Add(monitorPID(sup.UserID), p)
		c.emit(calllog.MonitorStarted, calllog.Event{Leg: "supervisor:" + sup.Extension, AgentID: sup.UserID,
			Data: calllog.Data{Kind: string(mode), Extension: sup.Extension}})
		select {
		case <-out.Done():
		case <-c.done:
			return
		}
		c.StopMonitor(sup.UserID)
	}()
	return nil
}

// SetMonitorMode switches a supervisor between listen, whisper and barge.
func (c *Call) SetMonitorMode(supID int64, mode MonitorMode) error {
	p, err := c.participantFor(mode)
	if err != nil {
		return err
	}
	c.mu.Lock()
	mon := c.monitors[supID]
	if mon != nil {
		mon.mode = mode
	}
	c.mu.Unlock()
	if mon == nil {
		return apperr.NotFound("monitoring session")
	}
	if err := c.bridge.SetMode(monitorPID(supID), p.Mode, p.To...); err != nil {
		return err
	}
	c.bridge.SetSide(monitorPID(supID), p.Side)
	c.emit(calllog.MonitorStarted, calllog.Event{Leg: "supervisor:" + mon.sup.Extension, AgentID: supID, Data: calllog.Data{Kind: string(mode)}})
	return nil
}

// StopMonitor takes a supervisor off the call.
func (c *Call) StopMonitor(supID int64) error {
	c.mu.Lock()
	mon := c.monitors[supID]
	delete(c.monitors, supID)
	c.mu.Unlock()
	if mon == nil {
		return apperr.NotFound("monitoring session")
	}
	c.bridge.Remove(monitorPID(supID))
	mon.ep.hangup()
	c.emit(calllog.MonitorEnded, calllog.Event{Leg: "supervisor:" + mon.sup.Extension, AgentID: supID})
	return nil
}
