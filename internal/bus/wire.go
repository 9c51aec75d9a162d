package bus

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// NATS headers carrying the event's fields besides subject and data.
const (
	hdrType = "Hotline-Type"
	hdrNode = "Hotline-Node"
	hdrAt   = "Hotline-At" // unix milliseconds
)

// encodeMsg turns a prepared event into a message for prefix+subject.
func encodeMsg(prefix string, ev Event) *nats.Msg {
	m := nats.NewMsg(prefix + ev.Subject)
	m.Header.Set(jetstream.MsgIDHeader, ev.ID)
	m.Header.Set(hdrType, ev.Type)
	m.Header.Set(hdrNode, ev.Node)
	m.Header.Set(hdrAt, strconv.FormatInt(ev.At.UnixMilli(), 10))
	m.Data = ev.Data
	return m
}

// decodeMsg is encodeMsg's inverse. Whatever is on the stream is checked
// as outside input: another program may publish there.
func decodeMsg(prefix, subject string, h nats.Header, data []byte) (Event, error) {
	sub, ok := strings.CutPrefix(subject, prefix)
	if !ok {
		return Event{}, fmt.Errorf("%w: %q is outside namespace %q", ErrInvalidSubject, subject, prefix)
	}
	if h == nil {
		return Event{}, errors.New("bus: message has no headers")
	}
	ms, err := strconv.ParseInt(h.Get(hdrAt), 10, 64)
	if err != nil {
		return Event{}, fmt.Errorf("%w: header %s: %w", ErrInvalidEvent, hdrAt, err)
	}
	ev := Event{
		ID:      h.Get(jetstream.MsgIDHeader),
		Subject: sub,
		Type:    h.Get(hdrType),
		At:      time.UnixMilli(ms).UTC(),
		Node:    h.Get(hdrNode),
	}
	if len(data) > 0 {
		ev.Data = json.RawMessage(data)
	}
	if err := ev.check(); err != nil {
		return Event{}, err
	}
	return ev, nil
}
