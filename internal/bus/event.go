package bus

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// Event is one domain event. Publish fills ID, At and Node when they are
// empty; subscribers always see all of them set.
type Event struct {
	// ID is unique per event; JetStream uses it to drop a publish that was
	// retried after a lost acknowledgement.
	ID string `json:"id"`
	// Subject says what the event is about: hotline.call.<id>, ...
	Subject string `json:"subject"`
	// Type says what happened: "answered", "state_changed", ...
	Type string `json:"type"`
	// At is when it happened, in UTC with millisecond precision.
	At time.Time `json:"at"`
	// Node names the Hotline node that published it.
	Node string `json:"node"`
	// Data is the event's JSON payload (optional); read-only for handlers.
	Data json.RawMessage `json:"data,omitempty"`
}

// NewEvent returns an event with a fresh ID, At = now and data encoded as
// JSON (nil data gives no payload).
func NewEvent(subject, typ string, data any) (Event, error) {
	ev := Event{ID: NewID(), Subject: subject, Type: typ, At: Millis(time.Now())}
	if data != nil {
		raw, err := json.Marshal(data)
		if err != nil {
			return Event{}, fmt.Errorf("%w: data of %s %s: %w", ErrInvalidEvent, subject, typ, err)
		}
		ev.Data = raw
	}
	return ev, ev.check()
}

// Decode unmarshals the event's payload into v.
func (e Event) Decode(v any) error {
	if len(e.Data) == 0 {
		return fmt.Errorf("%w: %s %s has no data", ErrInvalidEvent, e.Subject, e.Type)
	}
	if err := json.Unmarshal(e.Data, v); err != nil {
		return fmt.Errorf("bus: decode %s %s: %w", e.Subject, e.Type, err)
	}
	return nil
}

// Millis truncates t to whole milliseconds in UTC, the precision events
// keep on every implementation (and in the store).
func Millis(t time.Time) time.Time {
	return time.UnixMilli(t.UnixMilli()).UTC()
}

// NewID returns a random 128-bit event ID in hex.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand panics instead)
	return hex.EncodeToString(b[:])
}

// maxIDLen bounds IDs, which travel in a NATS header.
const maxIDLen = 128

// check reports what is wrong with an event about to be published.
func (e Event) check() error {
	if err := ValidateSubject(e.Subject); err != nil {
		return err
	}
	if e.Type == "" || !printable(e.Type) {
		return fmt.Errorf("%w: type %q must be non-empty printable ASCII", ErrInvalidEvent, e.Type)
	}
	if len(e.ID) > maxIDLen || !printable(e.ID) {
		return fmt.Errorf("%w: id %q must be at most %d printable ASCII characters", ErrInvalidEvent, e.ID, maxIDLen)
	}
	if !printable(e.Node) {
		return fmt.Errorf("%w: node %q must be printable ASCII", ErrInvalidEvent, e.Node)
	}
	if len(e.Data) > 0 && !json.Valid(e.Data) {
		return fmt.Errorf("%w: data of %s %s is not valid JSON", ErrInvalidEvent, e.Subject, e.Type)
	}
	return nil
}

// prepare checks an event and fills its defaults for node.
func (e Event) prepare(node string) (Event, error) {
	if e.ID == "" {
		e.ID = NewID()
	}
	if e.At.IsZero() {
		e.At = time.Now()
	}
	e.At = Millis(e.At)
	if e.Node == "" {
		e.Node = node
	}
	if err := e.check(); err != nil {
		return Event{}, err
	}
	return e, nil
}

// printable reports whether s is printable ASCII without spaces; such
// strings are safe as NATS header values and subject tokens.
func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}
