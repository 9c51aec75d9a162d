package sip

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"
)

// A real softphone registers (MD5 only: it is a legacy client), is
// reached at the address it registered from, rings, auto-answers the call
// placed with Dial, and is hung up by us.
func TestBaresipReceivesDialedCall(t *testing.T) {
	for _, tp := range []string{"udp", "tcp"} {
		t.Run(tp, func(t *testing.T) {
			ts := startServer(t, Config{}, Deps{})
			phone := startBaresip(t, ts.Addr(tp), tp, "1001", "s3cret-1001")
			ev := ts.events.wait(t, 10*time.Second, isKind(EventRegistered))
			c := ev.Contacts[0]
			if upperTransport(tp) != c.Transport || c.Source.Addr().String() != "127.0.0.1" {
				t.Fatalf("binding %+v", c)
			}
			if tp == "udp" && int(c.Source.Port()) != phone.port {
				t.Fatalf("binding source %s, phone listens on %d", c.Source, phone.port)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			var mu sync.Mutex
			var progress []int
			out, err := ts.Dial(ctx, DialRequest{Contact: &c, FromUser: "4000", FromDisplay: "Hotline",
				SDP: testSDP(t), OnProgress: func(p Progress) {
					mu.Lock()
					progress = append(progress, p.Code)
					mu.Unlock()
				}})
			if err != nil {
				t.Fatal(err)
			}
			if err := out.Wait(ctx); err != nil {
				t.Fatalf("call not answered: %v", err)
			}
			if !bytes.Contains(out.RemoteSDP(), []byte("m=audio")) {
				t.Fatalf("answer SDP %q", out.RemoteSDP())
			}
			if out.HangupCause() != (HangupCause{}) {
				t.Fatalf("answered leg already has a cause %+v", out.HangupCause())
			}
			if err := out.Hangup(ctx); err != nil {
				t.Fatalf("hangup: %v", err)
			}
			<-out.Done()
			if got := out.HangupCause(); got.By != ByLocal || got.Kind != CauseBye || got.Code != 200 {
				t.Fatalf("cause %+v", got)
			}
			mu.Lock()
			t.Logf("provisional responses: %v", progress)
			mu.Unlock()
			if ts.Stats().ActiveLegs != 0 {
				t.Fatalf("%d legs still active", ts.Stats().ActiveLegs)
			}
		})
	}
}

// Qualify: a registered phone answers OPTIONS; once it is gone (killed,
// no unregistration) the periodic qualify marks it unreachable and says so.
func TestQualifyMarksDeadPhoneUnreachable(t *testing.T) {
	ts := startServer(t, Config{QualifyInterval: 300 * time.Millisecond, QualifyTimeout: 700 * time.Millisecond}, Deps{})
	phone := startBaresip(t, ts.Addr("udp"), "udp", "1002", "s3cret-1002")
	reg := ts.events.wait(t, 10*time.Second, isKind(EventRegistered))
	if !ts.Qualify(context.Background(), reg.Contacts[0]) {
		t.Fatal("a live phone did not answer OPTIONS")
	}
	if n := ts.events.count(EventReachability); n != 0 {
		t.Fatalf("%d reachability events while the phone was alive", n)
	}
	phone.kill()
	ev := ts.events.wait(t, 10*time.Second, isKind(EventReachability))
	if ev.Reachable || ev.User != "1002" || len(ev.Contacts) != 1 || ev.Contacts[0].Reachable {
		t.Fatalf("event %+v", ev)
	}
	cs, _ := ts.Contacts(context.Background(), "1002")
	if len(cs) != 1 || cs[0].Reachable {
		t.Fatalf("registry after qualify: %+v", cs)
	}
}
