package sip

import (
	"strings"
	"testing"
	"time"
)

func TestNonceLifecycle(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	ns, err := newNonceSigner([]byte("k1"), 30*time.Second, clock)
	if err != nil {
		t.Fatal(err)
	}
	n := ns.issue()
	if len(n) != nonceLen {
		t.Fatalf("nonce %q has length %d, want %d", n, len(n), nonceLen)
	}
	if got := ns.check(n); got != nonceFresh {
		t.Fatalf("fresh nonce checked as %v", got)
	}
	clock.Advance(30 * time.Second)
	if got := ns.check(n); got != nonceFresh {
		t.Fatalf("nonce at its lifetime checked as %v", got)
	}
	clock.Advance(time.Millisecond)
	if got := ns.check(n); got != nonceStale {
		t.Fatalf("expired nonce checked as %v, want stale", got)
	}
	if ns.issue() == n {
		t.Fatal("two nonces are equal")
	}
}

func TestNonceRejectsForgeries(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	ns, _ := newNonceSigner([]byte("k1"), time.Minute, clock)
	other, _ := newNonceSigner([]byte("k2"), time.Minute, clock)
	n := ns.issue()
	flipped := []byte(n)
	if flipped[3] == 'A' {
		flipped[3] = 'B'
	} else {
		flipped[3] = 'A'
	}
	future := &fakeClock{t: clock.Now().Add(2 * nonceSkew)}
	fromFuture, _ := newNonceSigner([]byte("k1"), time.Minute, future)
	for name, bad := range map[string]string{
		"other key":   other.issue(),
		"tampered":    string(flipped),
		"short":       n[:10],
		"not base64":  strings.Repeat("*", nonceLen),
		"empty":       "",
		"future time": fromFuture.issue(),
	} {
		if got := ns.check(bad); got != nonceBad {
			t.Errorf("%s: checked as %v, want bad", name, got)
		}
	}
}

func TestNonceSharedKeyAcrossNodes(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	a, _ := newNonceSigner([]byte("shared"), time.Minute, clock)
	b, _ := newNonceSigner([]byte("shared"), time.Minute, clock)
	if b.check(a.issue()) != nonceFresh {
		t.Fatal("a node did not accept a nonce signed by another with the same key")
	}
}
