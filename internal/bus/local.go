package bus

import (
	"bytes"
	"context"
	"errors"
	"sync"
)

// Local is the in-process bus: one node, events passed by value. Publish
// serialises under one lock, so every subscription sees the same order.
type Local struct {
	opts Options

	mu     sync.Mutex
	closed bool
	subs   map[*subscription]struct{}
}

var _ Bus = (*Local)(nil)

// NewLocal returns an in-process bus.
func NewLocal(opts Options) *Local {
	return &Local{opts: opts.withDefaults(), subs: make(map[*subscription]struct{})}
}

// Publish implements Bus. It only buffers, so it never waits for handlers.
func (b *Local) Publish(ctx context.Context, ev Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	ev, err := ev.prepare(b.opts.Node)
	if err != nil {
		return err
	}
	// The caller may reuse its buffer once Publish returns, as it may with
	// JetStream; subscribers share this copy read-only.
	ev.Data = bytes.Clone(ev.Data)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return ErrClosed
	}
	for s := range b.subs {
		if s.matches(ev.Subject) {
			s.push(ev)
		}
	}
	return nil
}

// Subscribe implements Bus.
func (b *Local) Subscribe(ctx context.Context, pattern string, handler func(Event)) (Subscription, error) {
	if err := checkSubscribe(ctx, pattern, handler); err != nil {
		return nil, err
	}
	s := newSubscription(pattern, handler, b.opts.Buffer, b.opts.Logger)
	s.detach = func() {
		b.mu.Lock()
		delete(b.subs, s)
		b.mu.Unlock()
	}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil, ErrClosed
	}
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	s.start(ctx)
	return s, nil
}

// Close implements Bus.
func (b *Local) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	subs := make([]*subscription, 0, len(b.subs))
	for s := range b.subs {
		subs = append(subs, s)
	}
	b.mu.Unlock()
	drainAll(subs, b.opts.DrainTimeout, b.opts.Logger)
	return nil
}

// checkSubscribe validates Subscribe's arguments for both implementations.
func checkSubscribe(ctx context.Context, pattern string, handler func(Event)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if handler == nil {
		return errors.New("bus: subscribe " + pattern + ": nil handler")
	}
	return ValidatePattern(pattern)
}
