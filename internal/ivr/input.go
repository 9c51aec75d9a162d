package ivr

import (
	"context"
	"time"
)

// playNode plays a play node. An interruptible one stops at the first key
// (kept for the next collect or menu) and is skipped when keys are already
// pending; the others play to the end while keys queue up.
func (r *runner) playNode(ctx context.Context, n *Node) error {
	if !n.Interruptible {
		return r.playThrough(ctx, n.Prompt)
	}
	if err := r.drain(); err != nil || len(r.pending) > 0 {
		return err
	}
	pb, err := r.play(ctx, n.Prompt)
	if err != nil || pb == nil {
		return hangupIf(err)
	}
	defer pb.Stop()
	for {
		ev, err := r.wait(ctx, pb.Done(), nil)
		if err != nil || ev == evPlayed || ev == evKey && len(r.pending) > 0 {
			return err
		}
	}
}

// failure is why an attempt at a menu or collect failed.
type failure int

const (
	noFailure failure = iota
	failTimeout
	failInvalid
)

// retryPrompts is what an attempt plays: the node's prompt, after the
// timeout or invalid prompt when the previous attempt failed.
func retryPrompts(n *Node, why failure) Prompts {
	var pre Prompts
	switch why {
	case failTimeout:
		pre = n.TimeoutPrompt
	case failInvalid:
		pre = n.InvalidPrompt
	}
	if len(pre) == 0 {
		return n.Prompt
	}
	return append(append(Prompts{}, pre...), n.Prompt...)
}

// menu asks for one key and returns the chosen node; after the retries it
// returns on_fail. The next node starts as soon as the key is seen: the
// prompt is stopped and nothing else waits.
func (r *runner) menu(ctx context.Context, n *Node) (string, error) {
	timeout := orDefault(n.Timeout, DefaultMenuTimeout).D()
	why := noFailure
	for attempt := 0; ; attempt++ {
		r.waitedForInput()
		k, err := r.askKey(ctx, retryPrompts(n, why), timeout)
		if err != nil {
			return "", err
		}
		if next, ok := n.Choices[string(k)]; ok && k != 0 {
			return next, nil
		}
		why = failInvalid
		if k == 0 {
			why = failTimeout
		}
		if attempt >= n.retries() {
			return n.OnFail, nil
		}
	}
}

// askKey returns the first pending key at once; otherwise it plays prompts
// (a key interrupts them) and waits up to timeout after they end. It returns
// 0 on timeout.
func (r *runner) askKey(ctx context.Context, ps Prompts, timeout time.Duration) (rune, error) {
	if err := r.drain(); err != nil {
		return 0, err
	}
	if k, ok := r.pop(); ok {
		return k, nil
	}
	pb, err := r.play(ctx, ps)
	if err != nil {
		return 0, hangupIf(err)
	}
	var t Timer
	if pb == nil {
		t = r.clock.NewTimer(timeout)
	}
	defer func() { stopAll(pb, t) }()
	for {
		ev, err := r.wait(ctx, doneOf(pb), timerOf(t))
		if err != nil {
			return 0, err
		}
		switch ev {
		case evKey:
			if k, ok := r.pop(); ok {
				return k, nil
			}
		case evPlayed:
			pb, t = nil, r.clock.NewTimer(timeout)
		case evTimeout:
			return 0, nil
		}
	}
}

// collect reads digits into the node's variable and returns next; after the
// retries it returns on_timeout or on_invalid (each falls back to the other).
func (r *runner) collect(ctx context.Context, n *Node) (string, error) {
	why := noFailure
	for attempt := 0; ; attempt++ {
		r.waitedForInput()
		digits, got, err := r.readDigits(ctx, n, retryPrompts(n, why))
		if err != nil {
			return "", err
		}
		if got == noFailure {
			r.vars[n.variable()] = digits
			return n.Next, nil
		}
		why = got
		if attempt >= n.retries() {
			return collectFallback(n, why), nil
		}
	}
}

func collectFallback(n *Node, why failure) string {
	if why == failTimeout && n.OnTimeout != "" || n.OnInvalid == "" {
		return n.OnTimeout
	}
	return n.OnInvalid
}

// readDigits runs one attempt of a collect. Pending keys are used first and
// skip the prompt; a key stops the prompt. The first-digit timeout runs from
// the end of the prompt, the inter-digit timeout from each digit; input ends
// at the terminator, at max_digits, or at the inter-digit timeout.
func (r *runner) readDigits(ctx context.Context, n *Node, ps Prompts) (string, failure, error) {
	first := orDefault(n.FirstDigitTimeout, DefaultFirstDigitTimeout).D()
	inter := orDefault(n.InterDigitTimeout, DefaultInterDigitTimeout).D()
	var pb Playback
	var t Timer
	defer func() { stopAll(pb, t) }()
	if err := r.drain(); err != nil {
		return "", 0, err
	}
	if len(r.pending) == 0 {
		var err error
		if pb, err = r.play(ctx, ps); err != nil {
			return "", 0, hangupIf(err)
		}
	}
	if pb == nil {
		t = r.clock.NewTimer(first)
	}
	var buf []rune
	for {
		for len(r.pending) > 0 {
			k, _ := r.pop()
			if pb != nil {
				pb.Stop()
				pb = nil
			}
			switch {
			case n.Terminator != "" && k == rune(n.Terminator[0]):
				return r.finish(n, buf)
			case k < '0' || k > '9':
				return string(buf), failInvalid, nil
			}
			if buf = append(buf, k); len(buf) >= n.MaxDigits {
				return r.finish(n, buf)
			}
			if t != nil {
				t.Stop()
			}
			t = r.clock.NewTimer(inter)
		}
		ev, err := r.wait(ctx, doneOf(pb), timerOf(t))
		switch {
		case err != nil:
			return "", 0, err
		case ev == evPlayed:
			pb, t = nil, r.clock.NewTimer(first)
		case ev == evTimeout && len(buf) == 0:
			return "", failTimeout, nil
		case ev == evTimeout:
			return r.finish(n, buf)
		}
	}
}

// finish judges complete input against min_digits and the pattern.
func (r *runner) finish(n *Node, buf []rune) (string, failure, error) {
	s := string(buf)
	if len(buf) < n.minDigits() {
		return s, failInvalid, nil
	}
	if n.Pattern != "" {
		re := r.patterns[n.Pattern]
		if re == nil {
			var err error
			if re, err = compilePattern(n.Pattern); err != nil {
				return s, 0, err
			}
			r.patterns[n.Pattern] = re
		}
		if !re.MatchString(s) {
			return s, failInvalid, nil
		}
	}
	return s, noFailure, nil
}
