// Package bus is Hotline's domain event bus: every domain event (a user
// changed, an agent changed state, a call step, a queue's live figures) is
// published here once and read by everyone who needs it: the live desktop
// and wallboard hub, CDR writers, reports. Two implementations share one
// interface and one behaviour:
//
//   - Local, in-process (the default): one node, nothing to run.
//   - JetStream, on NATS JetStream (when HOTLINE_NATS_URL is set): several
//     Hotline nodes share the same events.
//
// Open picks one from the configured NATS URL.
//
// # Subjects
//
// A subject is a dot-separated list of tokens whose first token is
// "hotline": hotline.call.<call id>, hotline.agent.<agent id>,
// hotline.queue.<queue id>, hotline.org.user. Tokens are printable ASCII
// without '.', '*' or '>' (Subject builds and checks one). Subscriptions
// take NATS-style patterns: "*" matches exactly one token, ">" (last token
// only) matches one or more tokens, so "hotline.call.*" is every call and
// "hotline.>" is everything.
//
// # Delivery
//
//   - Live only: a subscription sees events published after Subscribe
//     returned; there is no history (the call event log in the store is the
//     record, the bus is the notification).
//   - At most once: an event is delivered to a subscription zero or one
//     time. It is lost if the subscriber is too slow (see below), or, on
//     JetStream, if the node was disconnected before its subscription had
//     received anything.
//   - In order: each subscription gets its events in the bus's order, which
//     is the same for every subscription and follows each publisher's
//     order of successful Publish calls.
//   - Handlers never block publishers: each subscription has a buffer of
//     Options.Buffer events and its own goroutine that calls the handler
//     one event at a time. When the buffer is full the oldest buffered event
//     is dropped (Subscription.Dropped counts them): a live screen wants the
//     newest state, not a stale backlog, and a stuck handler must not stall
//     call handling.
//   - Handlers must treat Event.Data as read-only: subscribers may share it.
//     A handler that panics is logged and the subscription goes on.
//
// Close stops intake, lets every subscription deliver what it already
// buffered (for at most Options.DrainTimeout), and on JetStream drains the
// connection. Unsubscribe instead discards what is buffered.
package bus
