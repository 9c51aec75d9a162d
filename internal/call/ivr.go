package call

import (
	"context"
	"maps"

	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/ivr"
	"github.com/hotline-cc/hotline/internal/media"
)

// ivrChannel is the caller as the IVR interpreter sees them: prompts go to
// the call's bridge (whispered to the caller), keys come from the caller's
// stream (RFC 4733, SIP INFO or in-band tones, each press once).
type ivrChannel struct {
	c    *Call
	keys chan rune
}

func (ch *ivrChannel) Digits() <-chan rune { return ch.keys }

func (ch *ivrChannel) Play(ctx context.Context, prompts []ivr.Prompt) (ivr.Playback, error) {
	if ch.c.State() == StateEnded {
		return nil, ivr.ErrHangup
	}
	pcm := ch.c.m.Audio.PCM(ctx, prompts)
	p := ch.c.play(pcm, false)
	if p == nil {
		return donePlayback{}, nil
	}
	return p, nil
}

// donePlayback is a playback with nothing to play.
type donePlayback struct{}

var closed = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

func (donePlayback) Done() <-chan struct{} { return closed }
func (donePlayback) Stop()                 {}

var _ ivr.Playback = (*media.Player)(nil)

// runIVR runs an IVR flow for the caller and carries out its result.
func (c *Call) runIVR(name string) {
	c.setState(StateIVR)
	flow, err := c.m.Flows.ResolveFlow(c.ctx, name)
	if err != nil {
		c.m.Logger.Error("IVR flow missing", "call", c.ID, "flow", name, "err", err)
		c.end("system", "ivr_missing")
		return
	}
	keys := make(chan rune, 64)
	c.keySink(keys)
	lastFlow := ""
	obs := func(e ivr.Event) {
		switch e.Type {
		case ivr.EventEntered:
			if e.Flow != lastFlow {
				lastFlow = e.Flow
				c.emit(calllog.IVREntered, calllog.Event{Leg: "caller", Data: calllog.Data{Flow: e.Flow, Node: e.Node}})
			}
		case ivr.EventKey:
			c.emit(calllog.IVRKey, calllog.Event{Leg: "caller", Data: calllog.Data{Flow: e.Flow, Node: e.Node, Digit: e.Key}})
		case ivr.EventLeft:
			c.emit(calllog.IVRLeft, calllog.Event{Leg: "caller", Data: calllog.Data{Flow: e.Flow, Path: e.Path,
				Result: string(e.Action), Target: e.Target}})
		}
	}
	ictx, cancel := context.WithCancel(c.ctx)
	done := make(chan struct{})
	c.mu.Lock()
	vars := maps.Clone(c.vars)
	c.ivrStop = func() { cancel(); <-done }
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.ivrStop = nil
		c.mu.Unlock()
		cancel()
	}()
	res, err := ivr.Run(ictx, flow, ivr.Env{Channel: &ivrChannel{c: c, keys: keys}, Flows: c.m.Flows, Vars: vars,
		Observer: obs, Log: c.m.Logger})
	close(done) // ivr.left is logged: a hang-up may now end the call
	c.mu.Lock()
	if c.keys == keys {
		c.keys = nil
	}
	maps.Copy(c.vars, res.Vars)
	c.mu.Unlock()
	c.silence()
	if err != nil {
		c.m.Logger.Warn("IVR failed", "call", c.ID, "flow", name, "err", err)
	}
	switch res.Action {
	case ivr.ActionTransferQueue:
		c.enqueue(res.Target, priorityOf(res.Vars["priority"], 0), skillsOf(res.Vars["skill"]))
	case ivr.ActionTransferExtension:
		c.ringExtension(res.Target, nil, "")
	case ivr.ActionTransferExternal:
		c.dialExternal(res.Target)
	case ivr.ActionCallerHangup:
		// watchCaller ends the call
	default: // hangup, failed
		c.end("system", "ivr_"+string(res.Action))
	}
}
