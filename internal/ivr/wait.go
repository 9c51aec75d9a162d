package ivr

import (
	"context"
	"errors"
	"time"
)

// waitEvent is what ended a wait.
type waitEvent int

const (
	evKey     waitEvent = iota + 1 // a key arrived (now at the end of r.pending)
	evPlayed                       // the playback finished
	evTimeout                      // the timer fired
)

// wait blocks until a key arrives, done is closed, timeout fires, or the
// caller hangs up (ErrHangup). Nil channels are never ready. Keys are always
// read, whatever the node, which is what keeps type-ahead: a key pressed
// during a prompt that cannot be interrupted lands in r.pending.
func (r *runner) wait(ctx context.Context, done <-chan struct{}, timeout <-chan time.Time) (waitEvent, error) {
	select {
	case <-ctx.Done():
		return 0, ErrHangup
	case k, ok := <-r.digits:
		return r.received(k, ok)
	case <-done:
		return evPlayed, nil
	case <-timeout:
		// A key that arrived together with the timeout wins: the caller
		// pressed it in time, we merely saw the timer first.
		select {
		case k, ok := <-r.digits:
			return r.received(k, ok)
		default:
			return evTimeout, nil
		}
	}
}

func (r *runner) received(k rune, ok bool) (waitEvent, error) {
	if !ok {
		return 0, ErrHangup
	}
	if !isDTMF(k) {
		r.log.Warn("ivr: ignoring a key that is not DTMF", "key", k, "flow", r.flow.Name, "node", r.nodeID)
		return evKey, nil
	}
	r.emit(Event{Type: EventKey, Node: r.nodeID, NodeType: r.node.Type, Key: string(k)})
	if len(r.pending) >= maxPending {
		r.log.Warn("ivr: type-ahead buffer full, key dropped", "key", string(k), "flow", r.flow.Name, "node", r.nodeID)
		return evKey, nil
	}
	r.pending = append(r.pending, k)
	return evKey, nil
}

// drain moves the keys already waiting in the channel into r.pending without
// blocking, so that a node sees all type-ahead before deciding to play.
func (r *runner) drain() error {
	for {
		select {
		case k, ok := <-r.digits:
			if _, err := r.received(k, ok); err != nil {
				return err
			}
		default:
			return nil
		}
	}
}

// pop takes the oldest pending key.
func (r *runner) pop() (rune, bool) {
	if len(r.pending) == 0 {
		return 0, false
	}
	k := r.pending[0]
	r.pending = r.pending[1:]
	return k, true
}

// play starts prompts after expanding their templates. It returns a nil
// Playback when there is nothing to play or the channel could not play (the
// failure is logged: a missing prompt must not strand the caller).
func (r *runner) play(ctx context.Context, ps Prompts) (Playback, error) {
	if len(ps) == 0 {
		return nil, nil
	}
	out := make([]Prompt, len(ps))
	for i, p := range ps {
		if p.IsTTS() {
			p.Text = expand(p.Text, r.vars)
			if p.Lang == "" {
				p.Lang = r.vars[VarLanguage]
			}
		}
		out[i] = p
	}
	pb, err := r.ch.Play(ctx, out)
	switch {
	case errors.Is(err, ErrHangup):
		return nil, err
	case err != nil:
		r.log.Warn("ivr: play failed; continuing as if played", "flow", r.flow.Name, "node", r.nodeID, "err", err)
		return nil, ctx.Err()
	}
	return pb, nil
}

func doneOf(pb Playback) <-chan struct{} {
	if pb == nil {
		return nil
	}
	return pb.Done()
}

func timerOf(t Timer) <-chan time.Time {
	if t == nil {
		return nil
	}
	return t.C()
}

func stopAll(pb Playback, t Timer) {
	if pb != nil {
		pb.Stop()
	}
	if t != nil {
		t.Stop()
	}
}

// playThrough plays prompts to the end; keys pressed meanwhile are kept.
func (r *runner) playThrough(ctx context.Context, ps Prompts) error {
	pb, err := r.play(ctx, ps)
	if err != nil || pb == nil {
		return hangupIf(err)
	}
	for {
		ev, err := r.wait(ctx, pb.Done(), nil)
		if err != nil {
			pb.Stop()
			return err
		}
		if ev == evPlayed {
			return nil
		}
	}
}

// hangupIf maps a context error from play to ErrHangup.
func hangupIf(err error) error {
	if err != nil && !errors.Is(err, ErrHangup) {
		return ErrHangup
	}
	return err
}
