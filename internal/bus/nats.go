package bus

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// JetStream is the bus on NATS JetStream. Events are stored in one stream
// (Options.Stream, subjects "[<ns>.]hotline.>", file storage, limited by
// age and size) so a subscriber that briefly loses its connection resumes
// where it stopped; each subscription is an ordered ephemeral consumer
// starting at new messages. The event travels as the message's payload
// (Data) plus headers (ID as Nats-Msg-Id for de-duplication, type, node,
// time).
type JetStream struct {
	opts   Options
	prefix string // "<ns>." or ""
	nc     *nats.Conn
	js     jetstream.JetStream
	closed chan struct{} // closed by the connection's ClosedHandler

	mu       sync.RWMutex // Publish holds it shared, Close exclusively
	shut     bool
	subs     map[*subscription]jetstream.ConsumeContext
	stopOnce sync.Once
}

var _ Bus = (*JetStream)(nil)

// OpenJetStream connects to url, creates or updates the stream and returns
// the bus. The connection reconnects forever; publishing fails while it is
// down, and subscriptions resume once it is back.
func OpenJetStream(ctx context.Context, url string, opts Options) (*JetStream, error) {
	opts = opts.withDefaults()
	b := &JetStream{opts: opts, closed: make(chan struct{}), subs: make(map[*subscription]jetstream.ConsumeContext)}
	if opts.Namespace != "" {
		if !validToken(opts.Namespace) {
			return nil, fmt.Errorf("bus: namespace %q must be one subject token (printable ASCII without space, '.', '*', '>')", opts.Namespace)
		}
		b.prefix = opts.Namespace + "."
	}
	nc, err := nats.Connect(url, b.connOptions()...)
	if err != nil {
		return nil, fmt.Errorf("bus: connect to NATS at %s: %w", url, err)
	}
	b.nc = nc
	if b.js, err = jetstream.New(nc); err != nil {
		nc.Close()
		return nil, fmt.Errorf("bus: JetStream: %w", err)
	}
	if err := b.ensureStream(ctx); err != nil {
		nc.Close()
		return nil, err
	}
	return b, nil
}

func (b *JetStream) connOptions() []nats.Option {
	log := b.opts.Logger
	return []nats.Option{
		nats.Name("hotline " + b.opts.Node),
		nats.Timeout(5 * time.Second),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(500 * time.Millisecond),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("bus: NATS disconnected", "err", err)
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			log.Info("bus: NATS reconnected", "server", nc.ConnectedUrlRedacted())
		}),
		nats.ClosedHandler(func(*nats.Conn) { close(b.closed) }),
	}
}

// ensureStream creates the stream or brings its configuration up to date.
func (b *JetStream) ensureStream(ctx context.Context) error {
	cfg := jetstream.StreamConfig{
		Name:        b.opts.Stream,
		Description: "Hotline domain events",
		Subjects:    []string{b.prefix + All},
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		Discard:     jetstream.DiscardOld,
		MaxAge:      b.opts.MaxAge,
		MaxBytes:    b.opts.MaxBytes,
		Duplicates:  2 * time.Minute,
	}
	var err error
	for wait := 50 * time.Millisecond; ; wait *= 2 {
		if _, err = b.js.CreateOrUpdateStream(ctx, cfg); err == nil || !transient(err) || wait > time.Second {
			break
		}
		b.opts.Logger.Warn("bus: creating the JetStream stream failed, retrying", "stream", cfg.Name, "err", err)
		select {
		case <-ctx.Done():
			return fmt.Errorf("bus: create JetStream stream %s: %w (after %w)", cfg.Name, ctx.Err(), err)
		case <-time.After(wait):
		}
	}
	if err != nil {
		return fmt.Errorf("bus: create or update JetStream stream %s for %s: %w", cfg.Name, cfg.Subjects[0], err)
	}
	return nil
}

// transient reports a server-side failure worth retrying: nats-server 2.9
// answers 500 "error creating store for stream" when another client deletes
// the last stream at the same moment (it removes the streams directory).
func transient(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && apiErr.Code >= 500
}

// Stream returns the name of the stream holding the events.
func (b *JetStream) Stream() string { return b.opts.Stream }

// Publish implements Bus; it returns after JetStream acknowledged storing
// the event, or with ctx's error.
func (b *JetStream) Publish(ctx context.Context, ev Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	ev, err := ev.prepare(b.opts.Node)
	if err != nil {
		return err
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.shut {
		return ErrClosed
	}
	msg := encodeMsg(b.prefix, ev)
	if _, err := b.js.PublishMsg(ctx, msg, jetstream.WithExpectStream(b.opts.Stream)); err != nil {
		return fmt.Errorf("bus: publish %s %s: %w", ev.Subject, ev.Type, err)
	}
	return nil
}

// Close implements Bus: it stops the consumers, lets handlers take what is
// buffered, then drains the connection (flushing what is in flight).
func (b *JetStream) Close() error {
	b.mu.Lock()
	if b.shut {
		b.mu.Unlock()
		return nil
	}
	b.shut = true
	subs := make([]*subscription, 0, len(b.subs))
	ccs := make([]jetstream.ConsumeContext, 0, len(b.subs))
	for s, cc := range b.subs {
		subs = append(subs, s)
		ccs = append(ccs, cc)
	}
	b.mu.Unlock()
	deadline := time.Now().Add(b.opts.DrainTimeout)
	b.drainConsumers(ccs, deadline)
	drainAll(subs, time.Until(deadline), b.opts.Logger)
	return b.closeConn()
}

// drainConsumers waits until the consumers handed over every message they
// had received, so that drainAll can deliver them.
func (b *JetStream) drainConsumers(ccs []jetstream.ConsumeContext, deadline time.Time) {
	for _, cc := range ccs {
		cc.Drain()
	}
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	for _, cc := range ccs {
		select {
		case <-cc.Closed():
		case <-timer.C:
			b.opts.Logger.Warn("bus: JetStream consumers did not drain in time")
			return
		}
	}
}

// closeConn drains the connection, waiting at most DrainTimeout.
func (b *JetStream) closeConn() error {
	if err := b.nc.Drain(); err != nil {
		b.nc.Close()
		return fmt.Errorf("bus: drain NATS connection: %w", err)
	}
	select {
	case <-b.closed:
	case <-time.After(b.opts.DrainTimeout):
		b.opts.Logger.Warn("bus: NATS drain timed out, closing")
		b.nc.Close()
	}
	return nil
}
