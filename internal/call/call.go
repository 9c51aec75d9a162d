package call

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/media"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/sip"
)

// State is where a call is in its life.
type State string

const (
	StateIVR     State = "ivr"
	StateQueued  State = "queued"
	StateRinging State = "ringing" // ringing an agent directly (extension, transfer)
	StateTalking State = "talking"
	StateHeld    State = "held"
	StateSurvey  State = "survey"
	StateEnded   State = "ended"
)

// agentLeg is an agent's part of a call: offered (ringing) or connected.
type agentLeg struct {
	agent     org.AgentInfo
	ep        *endpoint
	offerID   int64 // ACD offer, 0 for direct calls
	offeredAt time.Time
	answered  time.Time
	cancel    context.CancelFunc // stops the ringing
	consult   bool               // an attended transfer's consultation, not yet joined
	acdCall   string             // the call the ACD has the agent on: the call's own, or its consultation's
	out       atomic.Pointer[sip.OutboundLeg]
}

// Call is one live call through Hotline.
type Call struct {
	ID        string
	m         *Manager
	ctx       context.Context
	cancel    context.CancelFunc
	Direction string
	From      string // caller number
	FromName  string
	To        string // dialled number
	Trunk     string
	StartedAt time.Time

	caller *endpoint
	bridge *media.Bridge

	mu         sync.Mutex
	state      State
	queue      *queues.Queue
	queuedAt   time.Time
	vars       map[string]string
	agents     map[int64]*agentLeg  // connected agents
	externals  map[string]*endpoint // outside parties (transfer or conference to a number)
	ringing    map[int64]*agentLeg  // agents being offered the call
	primary    int64                // the agent handling the call
	monitors   map[int64]*monitor
	heldBy     int64
	keys       chan rune // where the caller's key presses go now; nil = nowhere
	sound      *media.Player
	soundID    string
	rec        *recorder
	surveyed   bool
	lastKey    time.Time // when the caller's last key press was recognised
	campaign   *campaignState
	ivrStop    func()         // ends a running IVR flow and waits until it has logged how it ended
	origID     string         // a callback's original call (its ACD id)
	cbQueue    int64          // a callback's queue         // a callback's original call
	holdBridge *media.Bridge  // the caller's own bridge while on hold
	lastAgent  *org.AgentInfo // the last agent who talked to the caller (for the rating)
	consult    *agentLeg      // an attended transfer's consulted agent, answered
	consultExt *endpoint      // or consulted outside number
	consultNum string
	consultQ   *queues.Queue // a consultation waiting in this queue for an agent
	consultTo  string        // the consultation's target, as asked for ("queue:support")
	consultMOH *media.Player // what the consulting agent hears meanwhile
	endedOnce  sync.Once
	done       chan struct{}
}

func (m *Manager) newCall(direction, from, fromName, to string) *Call {
	ctx, cancel := context.WithCancel(m.ctx)
	c := &Call{ID: newID(), m: m, ctx: ctx, cancel: cancel, Direction: direction, From: from, FromName: fromName, To: to,
		StartedAt: time.Now(), vars: map[string]string{"caller": from, "dialled": to},
		agents: map[int64]*agentLeg{}, ringing: map[int64]*agentLeg{}, externals: map[string]*endpoint{}, monitors: map[int64]*monitor{}, done: make(chan struct{})}
	c.bridge = media.NewBridge(ctx, m.Logger)
	m.add(c)
	m.Metrics.Calls.WithLabelValues(direction).Inc()
	return c
}

// emit appends an event of this call to the log.
func (c *Call) emit(typ calllog.Type, e calllog.Event) calllog.Event {
	e.CallID, e.Type = c.ID, typ
	return c.m.Log.Append(c.ctx, e)
}

// emitAgent appends an event about one agent, with their team and department
// (the CDR's data scope comes from them).
func (c *Call) emitAgent(typ calllog.Type, a org.AgentInfo, d calllog.Data) {
	d.TeamID, d.DeptID, d.Extension = a.TeamID, a.DepartmentID, a.Extension
	c.emit(typ, calllog.Event{Leg: "agent:" + a.Extension, AgentID: a.UserID, Queue: c.queueName(), Data: d})
}

func (c *Call) queueName() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.queue == nil {
		return ""
	}
	return c.queue.Name
}

// acdID is the ID the ACD knows the call by: its own, or for a callback
// the original call's.
func (c *Call) acdID() string {
	if c.origID != "" {
		return c.origID
	}
	return c.ID
}

// consultSuffix marks a consultation's ID in the ACD: an attended transfer
// to a queue waits there as a call of its own, and the consulted agent is
// on that call until the transfer completes and the call ends.
const consultSuffix = "#consult"

func (c *Call) consultID() string { return c.acdID() + consultSuffix }

// acdCallOf is the ACD call an agent's leg belongs to.
func (c *Call) acdCallOf(l *agentLeg) string {
	if l.acdCall != "" {
		return l.acdCall
	}
	return c.acdID()
}

// callerParticipant is the caller in the bridge: heard by everyone,
// recorded on the left channel.
func callerParticipant(ep *endpoint) media.Participant {
	return media.Participant{Source: ep.stream, Sink: ep.stream, Side: media.SideLeft}
}

// State returns the call's state.
func (c *Call) State() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

func (c *Call) setState(s State) {
	c.mu.Lock()
	c.state = s
	c.mu.Unlock()
}

// Done is closed when the call has ended.
func (c *Call) Done() <-chan struct{} { return c.done }

// watchCaller ends the call when the caller's leg ends (BYE, CANCEL, a dead
// RTP stream) and routes the caller's key presses.
func (c *Call) watchCaller() {
	go func() {
		select {
		case <-c.caller.leg.Done():
			c.callerGone()
		case <-c.done:
		}
	}()
	go func() {
		for d := range c.caller.stream.Digits() {
			// Sent under the lock so that end cannot close the channel
			// between the check and the send.
			c.mu.Lock()
			c.lastKey = d.At
			if c.keys != nil {
				select {
				case c.keys <- rune(d.Digit):
				default:
				}
			}
			c.mu.Unlock()
		}
	}()
}

// keySink directs the caller's key presses to ch (nil: drop them).
func (c *Call) keySink(ch chan rune) {
	c.mu.Lock()
	c.keys = ch
	c.mu.Unlock()
}

// callerGone handles the caller hanging up, whatever the call was doing.
func (c *Call) callerGone() {
	c.mu.Lock()
	st, stopIVR := c.state, c.ivrStop
	c.mu.Unlock()
	if stopIVR != nil {
		stopIVR() // the flow logs where the caller left it before the call ends
	}
	if st == StateQueued {
		if waited, err := c.m.ACD.Abandon(c.ID); err == nil {
			c.emit(calllog.QueueAbandoned, calllog.Event{Queue: c.queueName(), Data: calllog.Data{WaitMS: waited.Milliseconds()}})
		}
	}
	c.end("caller", "bye")
}

// play replaces what the caller hears from us (a prompt, music, a tone)
// with pcm; loop for music. It returns the player (nil for no sound).
func (c *Call) play(pcm []int16, loop bool) *media.Player {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.playLocked(pcm, loop)
}

func (c *Call) playLocked(pcm []int16, loop bool) *media.Player {
	// A sound started within a second of a key press is that key's answer
	// (the menu's next prompt, or the queue's music): measure the latency.
	var key time.Time
	if len(pcm) > 0 && !c.lastKey.IsZero() && time.Since(c.lastKey) < time.Second {
		key, c.lastKey = c.lastKey, time.Time{}
	}
	return c.playTimed(pcm, loop, key)
}

// playTimed is playLocked that, given the time of the key press the
// prompt answers, measures the IVR's key-to-prompt latency.
func (c *Call) playTimed(pcm []int16, loop bool, key time.Time) *media.Player {
	if c.sound != nil {
		c.sound.Stop()
		c.bridge.Remove(c.soundID)
		c.sound = nil
	}
	if len(pcm) == 0 || c.state == StateEnded {
		return nil
	}
	p := media.NewPlayer(pcm, loop)
	c.soundID = "sound-" + newID()
	var src media.Source = p
	if !key.IsZero() {
		src = &timedSource{Player: p, since: key, obs: c.m.Metrics.KeyToPrompt}
	}
	// The sound is whispered to the caller only: agents and the recording
	// (which taps the caller's own audio) do not hear it.
	if err := c.bridge.Add(c.soundID, media.Participant{Source: src, Mode: media.ModeWhisper, To: []string{"caller"}}); err != nil {
		return nil
	}
	c.sound = p
	return p
}

// silence stops any prompt or music.
func (c *Call) silence() { c.play(nil, false) }

// end finishes the call: every leg is hung up, the ACD told, the recording
// closed and the end logged, exactly once.
func (c *Call) end(by, cause string) {
	c.endedOnce.Do(func() {
		c.mu.Lock()
		prev := c.state
		c.state = StateEnded
		agents := c.agents
		ringing := c.ringing
		monitors := c.monitors
		c.agents, c.ringing, c.monitors = map[int64]*agentLeg{}, map[int64]*agentLeg{}, map[int64]*monitor{}
		if c.keys != nil {
			close(c.keys) // an IVR or survey waiting for keys sees the hang-up
			c.keys = nil
		}
		c.mu.Unlock()
		if prev == StateQueued {
			c.m.ACD.Remove(c.ID)
		}
		c.endConsultation(by)
		for _, l := range ringing {
			c.cancelOffer(l, "cancelled")
		}
		for _, l := range agents {
			c.agentLegEnded(l, by)
		}
		for _, mon := range monitors {
			mon.ep.hangup()
		}
		c.mu.Lock()
		exts := c.externals
		c.externals = map[string]*endpoint{}
		c.mu.Unlock()
		for _, ep := range exts {
			ep.hangup()
		}
		c.stopRecording()
		c.caller.hangup()
		c.bridge.Close()
		c.mu.Lock()
		if c.holdBridge != nil {
			c.holdBridge.Close()
		}
		c.mu.Unlock()
		c.emit(calllog.CallEnded, calllog.Event{Leg: "caller", Data: calllog.Data{By: by, Cause: cause}})
		c.campaignDone()
		c.cancel()
		close(c.done)
		c.m.remove(c)
		c.m.Kick()
	})
}
