// Package bustest is the conformance suite every bus implementation must
// pass, the harnesses that run it on the in-process bus and on NATS
// JetStream, and helpers for other packages' tests that need a bus.
package bustest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/hotline-cc/hotline/internal/bus"
	"github.com/hotline-cc/hotline/internal/testenv"
)

// NATSEnv names the variable holding the NATS server for tests
// (CI: nats://127.0.0.1:4222).
const NATSEnv = "HOTLINE_TEST_NATS_URL"

// Opener opens a bus ("a node") on one test's backend; the bus is closed
// when the test ends.
type Opener func(t testing.TB, opts bus.Options) bus.Bus

// Harness runs the suite on one implementation.
type Harness struct {
	// Setup prepares an isolated backend for one test and returns how to
	// open buses on it.
	Setup func(t testing.TB) Opener
	// Shared says buses opened on one backend see each other's events.
	Shared bool
}

// Local is the harness for the in-process bus.
func Local() Harness {
	return Harness{Setup: func(testing.TB) Opener {
		return func(t testing.TB, opts bus.Options) bus.Bus {
			b := bus.NewLocal(opts)
			t.Cleanup(func() { _ = b.Close() })
			return b
		}
	}}
}

// NATS is the harness for JetStream on the server named by
// HOTLINE_TEST_NATS_URL. Each Setup gets its own namespace and stream, so
// tests run in parallel without seeing each other; the stream is deleted
// when the test ends.
func NATS() Harness {
	return Harness{Shared: true, Setup: func(t testing.TB) Opener {
		url, ns, stream := NATSStream(t)
		return func(t testing.TB, opts bus.Options) bus.Bus {
			opts.Namespace, opts.Stream = ns, stream
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			b, err := bus.OpenJetStream(ctx, url, opts)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = b.Close() })
			return b
		}
	}}
}

// Each runs fn as a subtest with a fresh bus of each implementation:
// "local" always, "nats" when HOTLINE_TEST_NATS_URL is set (required in CI).
func Each(t *testing.T, fn func(t *testing.T, b bus.Bus)) {
	t.Helper()
	for _, c := range []struct {
		name string
		h    Harness
	}{{"local", Local()}, {"nats", NATS()}} {
		t.Run(c.name, func(t *testing.T) { fn(t, c.h.Setup(t)(t, bus.Options{Node: "test"})) })
	}
}

// NATSStream returns the test NATS server's URL and a fresh namespace and
// stream name for one test; the stream is deleted when the test ends.
func NATSStream(t testing.TB) (url, namespace, stream string) {
	t.Helper()
	url = testenv.Env(t, NATSEnv, "a NATS server with JetStream for the bus tests, e.g. nats://127.0.0.1:4222")
	id := randomHex()
	namespace, stream = "t"+id, "TEST_"+strings.ToUpper(id)
	t.Cleanup(func() { deleteStream(t, url, stream) })
	return url, namespace, stream
}

func deleteStream(t testing.TB, url, stream string) {
	nc, err := nats.Connect(url)
	if err != nil {
		t.Errorf("cleanup: connect to NATS: %v", err)
		return
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Errorf("cleanup: %v", err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := js.DeleteStream(ctx, stream); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		t.Errorf("cleanup: delete stream %s: %v", stream, err)
	}
}

func randomHex() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
