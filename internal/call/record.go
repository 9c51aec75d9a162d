package call

import (
	"context"
	"sync"
	"time"

	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/media"
	"github.com/hotline-cc/hotline/internal/recording"
)

// recorder is a call's recording: one stereo WAV (caller left, agents
// right) from the first agent's answer to the end, across hold and
// transfers, with who was on each channel when.
type recorder struct {
	mu      sync.Mutex
	w       *media.Recorder
	id      int64
	started time.Time
	parties []recording.Party
	agent   *agentLeg // the agent the recording belongs to (data scope)
	queue   string
}

// startRecording begins the call's recording when the first agent
// answers, and notes each agent who joins.
func (c *Call) startRecording(l *agentLeg) {
	rs := c.m.Recordings
	if rs == nil {
		return
	}
	c.mu.Lock()
	r := c.rec
	if r == nil {
		r = &recorder{started: time.Now(), agent: l}
		c.rec = r
	}
	c.mu.Unlock()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.parties = append(r.parties, recording.Party{Channel: "right", Who: "agent " + l.agent.Extension + " " + l.agent.Name,
		AgentID: l.agent.UserID, From: time.Now()})
	if r.w != nil {
		return
	}
	r.parties = append([]recording.Party{{Channel: "left", Who: "caller " + c.From, From: r.started}}, r.parties...)
	abs, rel, err := rs.NewPath(c.ID, r.started)
	if err == nil {
		r.w, err = media.NewRecorder(abs, c.m.Logger)
	}
	if err != nil {
		c.m.Logger.Error("recording not started", "call", c.ID, "err", err)
		return
	}
	r.queue = c.queueName()
	r.id, err = rs.Start(c.ctx, recording.Recording{CallID: c.ID, Path: rel, StartedAt: r.started, Queue: r.queue,
		AgentID: l.agent.UserID, TeamID: l.agent.TeamID, DepartmentID: l.agent.DepartmentID, Parties: r.parties})
	if err != nil {
		c.m.Logger.Error("recording metadata not stored", "call", c.ID, "err", err)
	}
	c.bridge.SetTap(r.w)
	c.emit(calllog.RecordingStarted, calllog.Event{Data: calllog.Data{Recording: r.id}})
}

// partyLeft notes when an agent left the recording.
func (c *Call) partyLeft(l *agentLeg) {
	c.mu.Lock()
	r := c.rec
	c.mu.Unlock()
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range r.parties {
		p := &r.parties[i]
		if p.AgentID == l.agent.UserID && p.Until.IsZero() {
			p.Until = time.Now()
		}
	}
}

// stopRecording closes the file and stores its duration and parties.
func (c *Call) stopRecording() {
	c.mu.Lock()
	r := c.rec
	c.rec = nil
	c.mu.Unlock()
	if r == nil || r.w == nil {
		return
	}
	c.bridge.SetTap(nil)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.w.Close(); err != nil {
		c.m.Logger.Warn("recording close", "call", c.ID, "err", err)
	}
	now := time.Now()
	for i := range r.parties {
		if r.parties[i].Until.IsZero() {
			r.parties[i].Until = now
		}
	}
	ag := r.agent.agent
	err := c.m.Recordings.Finish(context.Background(), r.id, recording.Recording{EndedAt: now, DurationMS: r.w.Duration().Milliseconds(),
		SizeBytes: r.w.Size(), Parties: r.parties, Queue: r.queue, AgentID: ag.UserID, TeamID: ag.TeamID, DepartmentID: ag.DepartmentID})
	if err != nil {
		c.m.Logger.Warn("recording metadata", "call", c.ID, "err", err)
	}
	c.emit(calllog.RecordingStopped, calllog.Event{Data: calllog.Data{Recording: r.id}})
}
