package sip

import (
	"net/netip"
	"testing"
	"time"
)

func TestAuthLimiterBansAfterMaxFailuresInWindow(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	l := newAuthLimiter(3, time.Minute, 10*time.Minute, clock)
	ip := netip.MustParseAddr("198.51.100.7")
	for i := 0; i < 2; i++ {
		if _, banned := l.fail(ip); banned {
			t.Fatalf("banned after %d failures", i+1)
		}
		clock.Advance(10 * time.Second)
	}
	until, banned := l.fail(ip)
	if !banned || !until.Equal(clock.Now().Add(10*time.Minute)) {
		t.Fatalf("third failure: banned=%v until=%v", banned, until)
	}
	if _, b := l.bannedUntil(ip); !b {
		t.Fatal("source not reported banned")
	}
	if _, b := l.bannedUntil(netip.MustParseAddr("198.51.100.8")); b {
		t.Fatal("another source is banned")
	}
	if _, again := l.fail(ip); again {
		t.Fatal("a failure during the ban started a new ban")
	}
	clock.Advance(10*time.Minute - time.Second)
	if _, b := l.bannedUntil(ip); !b {
		t.Fatal("ban ended early")
	}
	clock.Advance(time.Second)
	if _, b := l.bannedUntil(ip); b {
		t.Fatal("ban did not end")
	}
}

func TestAuthLimiterSlidingWindow(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	l := newAuthLimiter(3, time.Minute, time.Hour, clock)
	ip := netip.MustParseAddr("2001:db8::1")
	// Failures spread wider than the window never ban.
	for i := 0; i < 10; i++ {
		if _, banned := l.fail(ip); banned {
			t.Fatalf("banned at failure %d although at most 2 fell in any window", i+1)
		}
		clock.Advance(31 * time.Second)
	}
}

func TestAuthLimiterUnmapsIPv4(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	l := newAuthLimiter(1, time.Minute, time.Minute, clock)
	if _, banned := l.fail(netip.MustParseAddr("::ffff:192.0.2.1")); !banned {
		t.Fatal("not banned")
	}
	if _, b := l.bannedUntil(netip.MustParseAddr("192.0.2.1")); !b {
		t.Fatal("IPv4-mapped and plain IPv4 are different sources")
	}
}

func TestAuthLimiterSweepForgetsIdle(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	l := newAuthLimiter(5, time.Minute, time.Minute, clock)
	l.fail(netip.MustParseAddr("192.0.2.1"))
	clock.Advance(2 * time.Minute)
	l.sweep()
	if n := len(l.entries); n != 0 {
		t.Fatalf("%d entries left after sweep", n)
	}
}

func TestAuthLimiterDisabled(t *testing.T) {
	l := newAuthLimiter(0, time.Minute, time.Minute, &fakeClock{})
	for i := 0; i < 100; i++ {
		if _, banned := l.fail(netip.MustParseAddr("192.0.2.1")); banned {
			t.Fatal("a limiter with max 0 banned")
		}
	}
}
