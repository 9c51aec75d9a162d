package call

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/tts"
)

// skillsOf parses an IVR "skill" variable: "english" or "english:5,billing".
func skillsOf(v string) []acd.SkillReq {
	if strings.TrimSpace(v) == "" {
		return nil
	}
	var out []acd.SkillReq
	for _, part := range strings.Split(v, ",") {
		name, lvl, _ := strings.Cut(strings.TrimSpace(part), ":")
		if name == "" {
			continue
		}
		n, err := strconv.Atoi(lvl)
		if err != nil || n < 1 || n > 10 {
			n = 1
		}
		out = append(out, acd.SkillReq{Skill: name, MinLevel: n})
	}
	return out
}

// enqueue puts the caller in a queue with music on hold; the ACD offers
// the call to an agent (Manager.offer) when one is free.
func (c *Call) enqueue(name string, priority int, skills []acd.SkillReq) {
	q, err := c.m.Queues.ByName(c.ctx, name)
	if err != nil {
		c.m.Logger.Error("queue missing", "call", c.ID, "queue", name, "err", err)
		c.end("system", "queue_missing")
		return
	}
	c.mu.Lock()
	if c.state == StateEnded { // the caller hung up meanwhile
		c.mu.Unlock()
		return
	}
	c.queue, c.state, c.queuedAt = q, StateQueued, time.Now()
	c.mu.Unlock()
	res, err := c.m.ACD.Enqueue(acd.WaitingCall{ID: c.acdID(), QueueID: q.ID, Caller: c.From, Priority: priority, Skills: skills})
	var names []string
	for _, s := range skills {
		names = append(names, s.Skill)
	}
	c.emit(calllog.QueueEntered, calllog.Event{Leg: "caller", Queue: q.Name, Data: calllog.Data{Priority: priority,
		Skills: names, Position: res.Position, DeptID: q.DepartmentID}})
	if err != nil {
		if errors.Is(err, acd.ErrQueueFull) {
			c.emit(calllog.CallBlocked, calllog.Event{Queue: q.Name, Data: calllog.Data{Reason: "queue_full"}})
		}
		c.setState(StateIVR) // not waiting in the ACD any more
		c.doOverflow(q, res.Overflow, "refused: "+err.Error())
		return
	}
	keys := make(chan rune, 16)
	c.keySink(keys)
	go c.queueKeys(keys)
	c.holdMusic(q)
	c.m.Kick()
}

// holdMusic plays the queue's music on hold (or the built-in one).
func (c *Call) holdMusic(q *queues.Queue) {
	c.play(c.queueMusic(q), true)
}

// queueMusic is the queue's music on hold, or the built-in one.
func (c *Call) queueMusic(q *queues.Queue) []int16 {
	if q != nil && q.MusicOnHold != "" {
		if p := c.m.Audio.PCM(c.ctx, promptsNamed(q.MusicOnHold)); len(p) > 0 {
			return p
		}
	}
	return holdMusic()
}

// queueKeys: while waiting, 1 asks for a callback that keeps the place.
func (c *Call) queueKeys(keys chan rune) {
	for k := range keys {
		if k != '1' || c.State() != StateQueued {
			continue
		}
		if err := c.m.ACD.RequestCallback(c.acdID(), acd.CallbackRequest{Number: c.From}); err != nil {
			continue
		}
		c.emit(calllog.CallbackAsked, calllog.Event{Leg: "caller", Queue: c.queueName(), Data: calllog.Data{Target: c.From}})
		c.leaveForCallback()
		c.sayThenEnd("callback_requested", c.lang(), callbackText(c.lang()))
		return
	}
}

func (c *Call) lang() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if l := c.vars["language"]; l != "" {
		return langOf(l)
	}
	if c.queue != nil {
		return langOf(c.queue.Language)
	}
	return "zh-CN"
}

func callbackText(lang string) string {
	if lang == "en" {
		return "Thank you. We will call you back as soon as an agent is free. Goodbye."
	}
	return "好的，坐席空闲时我们会尽快给您回电，再见。"
}

// leaveForCallback: the caller keeps their place as a callback the ACD
// holds, so hanging up now is neither an abandon nor a reason to remove
// the call from the ACD.
func (c *Call) leaveForCallback() {
	c.keySink(nil)
	c.setState(StateIVR)
}

// announce tells a waiting caller their place and estimated wait, then
// resumes the music.
func (c *Call) announce(position int, wait time.Duration) {
	if c.State() != StateQueued {
		return
	}
	lang := c.lang()
	pos, err1 := tts.Position(lang, position)
	ewt, err2 := tts.EstimatedWait(lang, wait)
	if err1 != nil || err2 != nil {
		return
	}
	text := pos + "，" + ewt + "。按1，我们稍后给您回电。"
	if lang == "en" {
		text = pos + ". " + ewt + ". Press 1 to be called back instead."
	}
	pcm := c.m.Audio.Say(c.ctx, lang, text)
	if len(pcm) == 0 || c.State() != StateQueued {
		return
	}
	p := c.play(pcm, false)
	if p == nil {
		return
	}
	select {
	case <-p.Done():
	case <-c.done:
		return
	}
	c.mu.Lock()
	still := c.state == StateQueued && c.sound == p
	q := c.queue
	c.mu.Unlock()
	if still && !p.Stopped() {
		c.holdMusic(q)
	}
}

// overflow handles the ACD's max-wait decision.
func (c *Call) overflow(ctx context.Context, a acd.Action) {
	c.mu.Lock()
	q := c.queue
	c.mu.Unlock()
	if a.Overflow != nil && a.Overflow.Action == acd.OverflowCallback {
		// The ACD keeps the call's place as a callback.
		c.emit(calllog.QueueOverflow, calllog.Event{Queue: q.Name, Data: calllog.Data{Kind: "callback", WaitMS: a.Waited.Milliseconds()}})
		c.emit(calllog.CallbackAsked, calllog.Event{Leg: "caller", Queue: q.Name, Data: calllog.Data{Target: c.From}})
		c.leaveForCallback()
		c.sayThenEnd("callback_overflow", c.lang(), callbackText(c.lang()))
		return
	}
	c.setState(StateIVR) // no longer in the ACD
	c.doOverflow(q, a.Overflow, "max wait")
}

// doOverflow sends a call that cannot wait where its queue says.
func (c *Call) doOverflow(q *queues.Queue, o *acd.Overflow, why string) {
	kind := ""
	if o != nil {
		kind = string(o.Action)
	}
	target := ""
	if o != nil {
		target = o.Target
	}
	c.emit(calllog.QueueOverflow, calllog.Event{Queue: q.Name, Data: calllog.Data{Kind: kind, Target: target, Reason: why}})
	c.keySink(nil)
	switch {
	case o == nil || o.Action == acd.OverflowNone:
		c.sayThenEnd("queue_busy", c.lang(), busyText(c.lang()))
	case o.Action == acd.OverflowQueue:
		next, err := c.m.Queues.Queue(c.ctx, o.QueueID)
		if err != nil {
			c.end("system", "overflow_queue_missing")
			return
		}
		c.enqueue(next.Name, 0, nil)
	case o.Action == acd.OverflowIVR:
		c.runIVR(o.Target)
	case o.Action == acd.OverflowVoicemail:
		c.voicemail(q)
	case o.Action == acd.OverflowCallback:
		c.sayThenEnd("callback_overflow", c.lang(), callbackText(c.lang()))
	default: // hangup, with its message
		if o.Message != "" {
			c.playThenEnd("overflow_hangup", promptsNamed(o.Message))
			return
		}
		c.sayThenEnd("overflow_hangup", c.lang(), busyText(c.lang()))
	}
}

func busyText(lang string) string {
	if lang == "en" {
		return "All our agents are busy. Please call again later. Goodbye."
	}
	return "坐席全忙，请稍后再拨，再见。"
}
