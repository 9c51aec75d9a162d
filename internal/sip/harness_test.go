package sip

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"testing"
	"time"
)

const testRealm = "hotline.test"

// testAccounts is an in-memory Accounts keyed by username, HA1s computed
// from plain test passwords.
type testAccounts struct {
	mu sync.Mutex
	m  map[string]Account
}

func newTestAccounts(t testing.TB, realm string, users map[string]string) *testAccounts {
	t.Helper()
	a := &testAccounts{m: map[string]Account{}}
	for u, p := range users {
		a.set(t, realm, u, p, true)
	}
	return a
}

func (a *testAccounts) set(t testing.TB, realm, user, pass string, enabled bool) {
	t.Helper()
	md5, err := HA1(algMD5, user, realm, pass)
	if err != nil {
		t.Fatal(err)
	}
	sha, _ := HA1(algSHA256, user, realm, pass)
	a.mu.Lock()
	a.m[user] = Account{Username: user, HA1MD5: md5, HA1SHA256: sha, Enabled: enabled}
	a.mu.Unlock()
}

func (a *testAccounts) SIPAccount(_ context.Context, user string) (Account, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	acc, ok := a.m[user]
	if !ok {
		return Account{}, fmt.Errorf("lookup %q: %w", user, ErrUnknownAccount)
	}
	return acc, nil
}

// eventLog records observer events and lets tests wait for one.
type eventLog struct {
	mu     sync.Mutex
	events []Event
	notify chan struct{}
}

func newEventLog() *eventLog { return &eventLog{notify: make(chan struct{})} }

func (e *eventLog) SIPEvent(ev Event) {
	e.mu.Lock()
	e.events = append(e.events, ev)
	close(e.notify)
	e.notify = make(chan struct{})
	e.mu.Unlock()
}

// wait returns the first event (from index from on) matching pred, or
// fails the test after timeout.
func (e *eventLog) wait(t testing.TB, timeout time.Duration, pred func(Event) bool) Event {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		e.mu.Lock()
		for _, ev := range e.events {
			if pred(ev) {
				e.mu.Unlock()
				return ev
			}
		}
		ch := e.notify
		e.mu.Unlock()
		select {
		case <-ch:
		case <-deadline.C:
			t.Fatalf("no matching event within %s; have %v", timeout, e.kinds())
			return Event{}
		}
	}
}

func (e *eventLog) snapshot() []Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Event(nil), e.events...)
}

func (e *eventLog) kinds() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, ev := range e.events {
		out = append(out, ev.Kind.String()+":"+ev.User)
	}
	return out
}

func (e *eventLog) count(kind EventKind) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, ev := range e.events {
		if ev.Kind == kind {
			n++
		}
	}
	return n
}

func isKind(k EventKind) func(Event) bool { return func(e Event) bool { return e.Kind == k } }

// testLogger is quiet unless HOTLINE_SIP_TEST_LOG=debug: sipgo goroutines
// may log after a test ended, when t.Log would panic.
func testLogger() *slog.Logger {
	if os.Getenv("HOTLINE_SIP_TEST_LOG") == "debug" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

type testServer struct {
	*Server
	events   *eventLog
	accounts *testAccounts
	stop     func() // cancels Run and waits for it; also run at cleanup
}

// startServer runs a Server on loopback ephemeral ports until the test ends.
func startServer(t testing.TB, cfg Config, deps Deps) *testServer {
	t.Helper()
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if cfg.Realm == "" {
		cfg.Realm = testRealm
	}
	if cfg.QualifyInterval == 0 {
		cfg.QualifyInterval = -1
	}
	ev := newEventLog()
	if deps.Observer == nil {
		deps.Observer = ev
	}
	acc, _ := deps.Accounts.(*testAccounts)
	if deps.Accounts == nil {
		acc = newTestAccounts(t, cfg.Realm, map[string]string{"1001": "s3cret-1001", "1002": "s3cret-1002"})
		deps.Accounts = acc
	}
	if deps.Logger == nil {
		deps.Logger = testLogger()
	}
	s, err := New(cfg, deps)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(15 * time.Second):
				t.Errorf("Run did not return after cancel")
			}
		})
	}
	t.Cleanup(stop)
	select {
	case <-s.Ready():
	case <-time.After(5 * time.Second):
		t.Fatal("server not ready")
	}
	return &testServer{Server: s, events: ev, accounts: acc, stop: stop}
}

// freePort returns a UDP port that was free a moment ago (for sipp's -p
// and baresip, which must be told their port).
func freePort(t testing.TB) int {
	t.Helper()
	for i := 0; i < 20; i++ {
		pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		p := pc.LocalAddr().(*net.UDPAddr).Port
		pc.Close()
		if ln, err := net.Listen("tcp4", fmt.Sprintf("127.0.0.1:%d", p)); err == nil {
			ln.Close()
			return p
		}
	}
	t.Fatal("no free port")
	return 0
}

// eventually polls cond until it holds or timeout passes.
func eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
