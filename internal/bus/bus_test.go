package bus_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/bus"
	"github.com/hotline-cc/hotline/internal/bus/bustest"
)

func TestLocal(t *testing.T)     { bustest.Run(t, bustest.Local()) }
func TestJetStream(t *testing.T) { bustest.Run(t, bustest.NATS()) }

func BenchmarkLocal(b *testing.B)     { bustest.Bench(b, bustest.Local()) }
func BenchmarkJetStream(b *testing.B) { bustest.Bench(b, bustest.NATS()) }

func TestOpenChoosesImplementation(t *testing.T) {
	ctx := context.Background()
	b, err := bus.Open(ctx, "", bus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, ok := b.(*bus.Local); !ok {
		t.Errorf("Open(\"\") = %T, want *bus.Local", b)
	}

	url, ns, stream := bustest.NATSStream(t)
	nb, err := bus.Open(ctx, url, bus.Options{Stream: stream, Namespace: ns})
	if err != nil {
		t.Fatal(err)
	}
	defer nb.Close()
	if js, ok := nb.(*bus.JetStream); !ok || js.Stream() != stream {
		t.Errorf("Open(url) = %T, want *bus.JetStream on %s", nb, stream)
	}
}

func TestOpenUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	ctx, cancel := context.WithTimeout(context.Background(), bustest.Wait)
	defer cancel()
	b, err := bus.Open(ctx, "nats://"+addr, bus.Options{})
	if err == nil || b != nil {
		t.Fatalf("Open on a closed port = %v, %v; want an error and a nil Bus", b, err)
	}
}

func TestOpenBadNamespace(t *testing.T) {
	for _, ns := range []string{"a.b", "a*", "a b", "é"} {
		_, err := bus.OpenJetStream(context.Background(), "nats://127.0.0.1:1", bus.Options{Namespace: ns})
		if err == nil {
			t.Errorf("namespace %q accepted", ns)
		}
	}
}

func TestNewEvent(t *testing.T) {
	ev, err := bus.NewEvent("hotline.queue.q1", "live", map[string]int{"waiting": 3})
	if err != nil {
		t.Fatal(err)
	}
	if ev.ID == "" || ev.At.IsZero() || ev.At.Nanosecond()%int(time.Millisecond) != 0 || string(ev.Data) != `{"waiting":3}` {
		t.Errorf("NewEvent = %+v", ev)
	}
	if _, err := bus.NewEvent("hotline.queue.q1", "live", func() {}); !errors.Is(err, bus.ErrInvalidEvent) {
		t.Errorf("unencodable data: %v", err)
	}
	if _, err := bus.NewEvent("queue.q1", "live", nil); !errors.Is(err, bus.ErrInvalidSubject) {
		t.Errorf("bad subject: %v", err)
	}
	var v struct{ Waiting int }
	if err := ev.Decode(&v); err != nil || v.Waiting != 3 {
		t.Errorf("Decode = %+v, %v", v, err)
	}
	if err := (bus.Event{}).Decode(&v); !errors.Is(err, bus.ErrInvalidEvent) {
		t.Errorf("Decode without data: %v", err)
	}
}
