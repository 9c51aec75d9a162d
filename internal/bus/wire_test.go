package bus

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

func TestWireRoundTrip(t *testing.T) {
	ev, err := Event{Subject: "hotline.call.1", Type: "answered", Data: json.RawMessage(`{"a":1}`)}.prepare("n1")
	if err != nil {
		t.Fatal(err)
	}
	for _, prefix := range []string{"", "ns1."} {
		m := encodeMsg(prefix, ev)
		got, err := decodeMsg(prefix, m.Subject, m.Header, m.Data)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != ev.ID || got.Subject != ev.Subject || got.Type != ev.Type || got.Node != ev.Node ||
			!got.At.Equal(ev.At) || !bytes.Equal(got.Data, ev.Data) {
			t.Errorf("prefix %q: got %+v, want %+v", prefix, got, ev)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	good := func() nats.Header {
		h := nats.Header{}
		h.Set(hdrType, "t")
		h.Set(hdrAt, "1700000000000")
		return h
	}
	noAt := good()
	noAt.Del(hdrAt)
	noType := good()
	noType.Del(hdrType)
	cases := []struct {
		name, subject string
		h             nats.Header
		data          string
	}{
		{"outside namespace", "other.hotline.x", good(), ""},
		{"no headers", "ns.hotline.x", nil, ""},
		{"no time", "ns.hotline.x", noAt, ""},
		{"no type", "ns.hotline.x", noType, ""},
		{"bad subject", "ns.hotline.*", good(), ""},
		{"bad json", "ns.hotline.x", good(), "{"},
	}
	for _, c := range cases {
		if _, err := decodeMsg("ns.", c.subject, c.h, []byte(c.data)); err == nil {
			t.Errorf("%s: accepted", c.name)
		}
	}
	if ev, err := decodeMsg("ns.", "ns.hotline.x", good(), nil); err != nil || !ev.At.Equal(time.UnixMilli(1700000000000)) {
		t.Errorf("minimal message: %+v, %v", ev, err)
	}
}

// FuzzDecodeMsg: whatever another program puts on the stream gives an
// event that passes Publish's checks, or an error; never a panic.
func FuzzDecodeMsg(f *testing.F) {
	f.Add("ns.hotline.call.1", "answered", "1700000000123", "id1", "node", []byte(`{"a":1}`))
	f.Add("ns.hotline.>", "", "x", "", "", []byte("{"))
	f.Fuzz(func(t *testing.T, subject, typ, at, id, node string, data []byte) {
		h := nats.Header{}
		h.Set(hdrType, typ)
		h.Set(hdrAt, at)
		h.Set(nats.MsgIdHdr, id)
		h.Set(hdrNode, node)
		ev, err := decodeMsg("ns.", subject, h, data)
		if err != nil {
			return
		}
		if err := ev.check(); err != nil {
			t.Fatalf("decoded an event that fails check: %v", err)
		}
		m := encodeMsg("ns.", ev)
		if again, err := decodeMsg("ns.", m.Subject, m.Header, m.Data); err != nil || again.ID != ev.ID || !again.At.Equal(ev.At) {
			t.Fatalf("re-encoding changed the event: %+v, %v", again, err)
		}
	})
}
