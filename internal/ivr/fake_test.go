package ivr

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
)

// The interpreter tests run inside testing/synctest bubbles: time is
// virtual, so a 5 s menu timeout takes no real time and every assertion on
// when something happened is exact to the nanosecond.

// fakeChannel plays each prompt for promptLen of (virtual) time and records
// every Play with when it started and when it was stopped.
type fakeChannel struct {
	digits    chan rune
	start     time.Time
	promptLen time.Duration
	failing   map[string]bool // stored prompt names whose Play fails

	mu    sync.Mutex
	plays []*playRec
}

type playRec struct {
	at      time.Duration
	prompts []Prompt
	stopped time.Duration // 0: played to the end (or still playing)
}

func newFakeChannel() *fakeChannel {
	return &fakeChannel{digits: make(chan rune, 64), start: time.Now(), promptLen: 2 * time.Second}
}

func (c *fakeChannel) Digits() <-chan rune { return c.digits }

func (c *fakeChannel) Play(ctx context.Context, prompts []Prompt) (Playback, error) {
	for _, p := range prompts {
		if c.failing[p.Name] {
			return nil, fmt.Errorf("prompt %q: no such file", p.Name)
		}
	}
	rec := &playRec{at: time.Since(c.start), prompts: prompts}
	c.mu.Lock()
	c.plays = append(c.plays, rec)
	c.mu.Unlock()
	pb := &fakePlayback{c: c, rec: rec, done: make(chan struct{}), stop: make(chan struct{})}
	go pb.run(ctx, time.Duration(len(prompts))*c.promptLen)
	return pb, nil
}

// log renders the plays as "AT:NAMES" or "AT:NAMES/stopped@T".
func (c *fakeChannel) log() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := []string{}
	for _, r := range c.plays {
		names := make([]string, len(r.prompts))
		for i, p := range r.prompts {
			names[i] = p.Name
			if p.IsTTS() {
				names[i] = p.Lang + ":" + p.Text
			}
		}
		s := fmt.Sprintf("%v:%s", r.at, strings.Join(names, "+"))
		if r.stopped != 0 {
			s += fmt.Sprintf("/stopped@%v", r.stopped)
		}
		out = append(out, s)
	}
	return out
}

type fakePlayback struct {
	c        *fakeChannel
	rec      *playRec
	done     chan struct{}
	stop     chan struct{}
	stopOnce sync.Once
}

func (p *fakePlayback) run(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-p.stop:
		p.stopped()
	case <-ctx.Done():
		p.stopped()
	}
	close(p.done)
}

func (p *fakePlayback) stopped() {
	p.c.mu.Lock()
	p.rec.stopped = time.Since(p.c.start)
	p.c.mu.Unlock()
}

func (p *fakePlayback) Done() <-chan struct{} { return p.done }

func (p *fakePlayback) Stop() { p.stopOnce.Do(func() { close(p.stop) }) }

// act is something the caller does at a virtual time: press keys (each a
// separate key press, in order) or hang up.
type act struct {
	at     time.Duration
	keys   string
	hangup bool
}

func press(at time.Duration, keys string) act { return act{at: at, keys: keys} }
func hangup(at time.Duration) act             { return act{at: at, hangup: true} }

// perform runs the caller's script; it must be started inside the bubble.
func (c *fakeChannel) perform(script []act) {
	for _, a := range script {
		time.Sleep(time.Until(c.start.Add(a.at)))
		if a.hangup {
			close(c.digits)
			return
		}
		for _, k := range a.keys {
			c.digits <- k
		}
	}
}

// testClock is wall-clock time base plus the bubble's elapsed virtual time;
// its timers are real timers, virtual inside the bubble.
type testClock struct{ base, start time.Time }

func (c testClock) Now() time.Time                 { return c.base.Add(time.Since(c.start)) }
func (c testClock) NewTimer(d time.Duration) Timer { return SystemClock().NewTimer(d) }

// recorder collects observer events as compact strings.
type recorder struct {
	mu     sync.Mutex
	events []Event
}

func (r *recorder) observe(e Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

func (r *recorder) keys() string {
	var b strings.Builder
	for _, e := range r.events {
		if e.Type == EventKey {
			b.WriteString(e.Key)
		}
	}
	return b.String()
}
