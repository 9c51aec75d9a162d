package bus

import (
	"context"
	"log/slog"
	"os"
	"time"
)

// Bus publishes domain events and delivers them to subscriptions. All
// methods are safe for concurrent use. See the package comment for the
// delivery guarantees, which both implementations share.
type Bus interface {
	// Publish checks ev, fills its empty ID, At and Node, and hands it to
	// the bus. On JetStream it returns once the stream has stored it.
	Publish(ctx context.Context, ev Event) error
	// Subscribe calls handler, on a goroutine of the subscription, for each
	// event published after Subscribe returns whose subject matches
	// pattern. The subscription ends on Unsubscribe, when ctx is done, or
	// when the bus closes; ctx also bounds setting it up.
	Subscribe(ctx context.Context, pattern string, handler func(Event)) (Subscription, error)
	// Close stops the bus (see the package comment); later calls return nil.
	Close() error
}

// Subscription is one live subscription.
type Subscription interface {
	// Pattern is the pattern given to Subscribe.
	Pattern() string
	// Unsubscribe discards buffered events and stops delivery: after it
	// returns the handler is not called again, though a call already
	// running finishes. It may be called from the handler, and repeatedly.
	Unsubscribe() error
	// Dropped counts events dropped because the buffer was full.
	Dropped() uint64
	// Pending counts events buffered and not yet handed to the handler.
	Pending() int
	// Done is closed once the subscription has ended (Unsubscribe, its
	// context, or Close) and its handler has returned for the last time.
	Done() <-chan struct{}
}

// Defaults for Options.
const (
	DefaultBuffer       = 1024
	DefaultDrainTimeout = 5 * time.Second
	DefaultStream       = "HOTLINE"
	DefaultMaxAge       = 24 * time.Hour
	DefaultMaxBytes     = 1 << 30
)

// Options configure a bus; the zero value is usable.
type Options struct {
	// Node names this Hotline node in the events it publishes (default:
	// the host name). Bytes outside printable ASCII become '_'.
	Node string
	// Logger gets dropped events, handler panics and NATS connection
	// changes (default slog.Default()).
	Logger *slog.Logger
	// Buffer is each subscription's buffer, in events (default 1024).
	Buffer int
	// DrainTimeout bounds how long Close waits for handlers to take what
	// is buffered (default 5 s).
	DrainTimeout time.Duration

	// JetStream only.

	// Stream is the JetStream stream's name (default HOTLINE). Open creates
	// it or updates its configuration.
	Stream string
	// Namespace, when set, prefixes every subject on the wire
	// ("<ns>.hotline.call.7") so several deployments, or tests, can share
	// one NATS server; each needs its own Stream too. Subscribers still see
	// "hotline.call.7".
	Namespace string
	// MaxAge and MaxBytes limit what the stream keeps (defaults 24 h and
	// 1 GiB); the oldest events go first.
	MaxAge   time.Duration
	MaxBytes int64
}

// withDefaults fills zero fields.
func (o Options) withDefaults() Options {
	if o.Node == "" {
		o.Node, _ = os.Hostname()
	}
	o.Node = sanitizeNode(o.Node)
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Buffer <= 0 {
		o.Buffer = DefaultBuffer
	}
	if o.DrainTimeout <= 0 {
		o.DrainTimeout = DefaultDrainTimeout
	}
	if o.Stream == "" {
		o.Stream = DefaultStream
	}
	if o.MaxAge <= 0 {
		o.MaxAge = DefaultMaxAge
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	return o
}

// Open returns the in-process bus when natsURL is empty, else a JetStream
// bus connected to natsURL.
func Open(ctx context.Context, natsURL string, opts Options) (Bus, error) {
	if natsURL == "" {
		return NewLocal(opts), nil
	}
	b, err := OpenJetStream(ctx, natsURL, opts)
	if err != nil {
		return nil, err // not a typed nil in the interface
	}
	return b, nil
}

// sanitizeNode makes a node name safe for a NATS header: printable ASCII,
// other bytes replaced by '_', at most 64 bytes, "hotline" when empty.
func sanitizeNode(n string) string {
	b := []byte(n)
	if len(b) > 64 {
		b = b[:64]
	}
	for i, c := range b {
		if c <= ' ' || c > '~' {
			b[i] = '_'
		}
	}
	if len(b) == 0 {
		return "hotline"
	}
	return string(b)
}
