package bus

import (
	"context"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// Subscribe implements Bus with an ordered ephemeral consumer that starts
// at new messages; after a reconnect it resumes after the last message it
// delivered.
func (b *JetStream) Subscribe(ctx context.Context, pattern string, handler func(Event)) (Subscription, error) {
	if err := checkSubscribe(ctx, pattern, handler); err != nil {
		return nil, err
	}
	b.mu.RLock()
	shut := b.shut
	b.mu.RUnlock()
	if shut {
		return nil, ErrClosed
	}
	s := newSubscription(pattern, handler, b.opts.Buffer, b.opts.Logger)
	cc, err := b.consume(ctx, s)
	if err != nil {
		return nil, err
	}
	s.detach = func() {
		cc.Stop()
		b.mu.Lock()
		delete(b.subs, s)
		b.mu.Unlock()
	}
	b.mu.Lock()
	if b.shut {
		b.mu.Unlock()
		cc.Stop()
		return nil, ErrClosed
	}
	b.subs[s] = cc
	b.mu.Unlock()
	s.start(ctx)
	return s, nil
}

// consume creates the consumer and feeds s from it.
func (b *JetStream) consume(ctx context.Context, s *subscription) (jetstream.ConsumeContext, error) {
	cons, err := b.js.OrderedConsumer(ctx, b.opts.Stream, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{b.prefix + s.pattern},
		DeliverPolicy:  jetstream.DeliverNewPolicy,
	})
	if err != nil {
		return nil, fmt.Errorf("bus: subscribe %s: create consumer on stream %s: %w", s.pattern, b.opts.Stream, err)
	}
	log := s.log
	cc, err := cons.Consume(func(m jetstream.Msg) {
		ev, err := decodeMsg(b.prefix, m.Subject(), m.Headers(), m.Data())
		if err != nil {
			log.Warn("bus: skipping malformed message", "subject", m.Subject(), "err", err)
			return
		}
		s.push(ev)
	}, jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
		log.Debug("bus: consumer", "err", err)
	}))
	if err != nil {
		return nil, fmt.Errorf("bus: subscribe %s: consume: %w", s.pattern, err)
	}
	return cc, nil
}
