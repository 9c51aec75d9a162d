package bus_test

import (
	"context"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/hotline-cc/hotline/internal/bus"
	"github.com/hotline-cc/hotline/internal/bus/bustest"
	"github.com/hotline-cc/hotline/internal/testenv"
)

func openJetStream(t *testing.T, url string, opts bus.Options) *bus.JetStream {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), bustest.Wait)
	defer cancel()
	b, err := bus.OpenJetStream(ctx, url, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

func jsClient(t *testing.T, url string) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// TestJetStreamStream: Open creates the stream as documented, and a second
// node opening it (a restart, another node) keeps what it stores.
func TestJetStreamStream(t *testing.T) {
	url, ns, stream := bustest.NATSStream(t)
	opts := bus.Options{Namespace: ns, Stream: stream, MaxAge: time.Hour}
	b := openJetStream(t, url, opts)
	bustest.Publish(t, b, "hotline.org.user", "changed", nil)
	openJetStream(t, url, opts)

	info, err := jsClient(t, url).Stream(context.Background(), stream)
	if err != nil {
		t.Fatal(err)
	}
	cfg := info.CachedInfo().Config
	if len(cfg.Subjects) != 1 || cfg.Subjects[0] != ns+".hotline.>" || cfg.Storage != jetstream.FileStorage ||
		cfg.MaxAge != time.Hour || cfg.MaxBytes != bus.DefaultMaxBytes || cfg.Duplicates == 0 {
		t.Errorf("stream config = %+v", cfg)
	}
	if n := info.CachedInfo().State.Msgs; n != 1 {
		t.Errorf("stream holds %d messages, want 1", n)
	}
}

// TestJetStreamDeduplicates: a publish retried with the same ID (after a
// lost acknowledgement) is stored and delivered once.
func TestJetStreamDeduplicates(t *testing.T) {
	url, ns, stream := bustest.NATSStream(t)
	b := openJetStream(t, url, bus.Options{Namespace: ns, Stream: stream})
	c, _ := bustest.Subscribe(t, b, bus.All)
	ev, _ := bus.NewEvent("hotline.call.1", "answered", nil)
	for range 3 {
		if err := b.Publish(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	last := bustest.Publish(t, b, "hotline.call.1", "ended", nil)
	if got := c.WaitID(t, last.ID); len(got) != 1 {
		t.Errorf("got %d copies of a thrice-published event, want 1", len(got))
	}
}

// TestJetStreamReconnect runs a NATS server of its own, restarts it, and
// checks the bus reports publishing while it is down and that an existing
// subscription resumes afterwards.
func TestJetStreamReconnect(t *testing.T) {
	bin := testenv.Tool(t, "nats-server", "nats-server")
	addr, dir := freeAddr(t), t.TempDir()
	stop := startNATS(t, bin, addr, dir)
	b := openJetStream(t, "nats://"+addr, bus.Options{DrainTimeout: time.Second})
	c, _ := bustest.Subscribe(t, b, bus.All)
	c.WaitID(t, bustest.Publish(t, b, "hotline.call.1", "before", nil).ID)

	stop()
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	ev, _ := bus.NewEvent("hotline.call.1", "down", nil)
	if err := b.Publish(ctx, ev); err == nil {
		t.Error("Publish succeeded with the server down")
	}
	cancel()

	startNATS(t, bin, addr, dir)
	after := publishUntilUp(t, b)
	c.WaitID(t, after.ID)
	if err := b.Close(); err != nil { // before the cleanup stops the server
		t.Error(err)
	}
}

// publishUntilUp retries one event (same ID, so it is stored once) until
// the reconnected server accepts it.
func publishUntilUp(t *testing.T, b bus.Bus) bus.Event {
	t.Helper()
	ev, _ := bus.NewEvent("hotline.call.1", "after", nil)
	deadline := time.Now().Add(bustest.Wait)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := b.Publish(ctx, ev)
		cancel()
		if err == nil {
			return ev
		}
		if time.Now().After(deadline) {
			t.Fatalf("publishing after the restart: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startNATS runs nats-server with JetStream on addr and waits until it
// accepts connections; the returned func (also run at cleanup) kills it.
func startNATS(t *testing.T, bin, addr, dir string) (stop func()) {
	t.Helper()
	host, port, _ := strings.Cut(addr, ":")
	cmd := exec.Command(bin, "-a", host, "-p", port, "-js", "-sd", dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}
	t.Cleanup(stop)
	deadline := time.Now().Add(bustest.Wait)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return stop
		}
		if time.Now().After(deadline) {
			t.Fatalf("nats-server on %s did not start: %v", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
