package sip

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// Two Hotline servers: A plays a carrier (registrar, challenges every
// INVITE, SHA-256 only), B is our node. B registers to A as a trunk,
// places a call that A challenges, receives a call from A at the
// registered contact, and unregisters when the trunk is stopped.
func TestTrunkRegistrationAndAuthenticatedDial(t *testing.T) {
	accA := newTestAccounts(t, "carrier.test", map[string]string{"trunk7": "tr-pass"})
	a := startServer(t, Config{Realm: "carrier.test", DigestAlgorithms: []string{algSHA256}}, Deps{Accounts: accA})
	b := startServer(t, Config{}, Deps{Trunks: loopbackTrunk{}})
	sdp := testSDP(t)
	answerAll := func(ctx context.Context, leg *InboundLeg) {
		if leg.Answer(ctx, sdp) == nil {
			<-leg.Done()
		}
	}
	aLegs, bLegs := make(chan *InboundLeg, 2), make(chan *InboundLeg, 2)
	a.OnInvite(func(ctx context.Context, l *InboundLeg) { aLegs <- l; answerAll(ctx, l) })
	b.OnInvite(func(ctx context.Context, l *InboundLeg) { bLegs <- l; answerAll(ctx, l) })

	err := b.RegisterTrunk(TrunkRegistration{Name: "carrier-a", Registrar: "sip:" + a.Addr("udp").String(),
		Username: "trunk7", Password: "tr-pass", Expiry: 120 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ev := b.events.wait(t, 10*time.Second, func(e Event) bool {
		return e.Kind == EventTrunkRegistration && e.Trunk.State == TrunkRegistered
	})
	if left := time.Until(ev.Trunk.Expires); left < 100*time.Second || ev.Trunk.Code != 200 {
		t.Fatalf("trunk status %+v", ev.Trunk)
	}
	if st, ok := b.TrunkStatus("carrier-a"); !ok || st.State != TrunkRegistered {
		t.Fatalf("TrunkStatus %+v %v", st, ok)
	}
	cs, _ := a.Contacts(context.Background(), "trunk7")
	if len(cs) != 1 || cs[0].Source != b.Addr("udp") {
		t.Fatalf("carrier's binding %+v, want source %s", cs, b.Addr("udp"))
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// B calls out through A, answering A's 407 with the trunk credentials.
	out, err := b.Dial(ctx, DialRequest{URI: "sip:95500@" + a.Addr("udp").String(), FromUser: "trunk7", SDP: sdp,
		Auth: &Credentials{Username: "trunk7", Password: "tr-pass"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := out.Wait(ctx); err != nil {
		t.Fatalf("authenticated dial: %v", err)
	}
	inA := recvLeg(t, aLegs)
	if inA.Extension() != "trunk7" || inA.RequestUser() != "95500" {
		t.Fatalf("carrier saw ext %q ruser %q", inA.Extension(), inA.RequestUser())
	}
	if err := out.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
	waitDone(t, inA.Done(), "carrier leg")
	if got := inA.HangupCause(); got.By != ByRemote || got.Kind != CauseBye {
		t.Fatalf("carrier leg cause %+v", got)
	}

	// A calls B at the registered contact; B trusts A as a trunk.
	out2, err := a.Dial(ctx, DialRequest{Contact: &cs[0], FromUser: "13900000000", SDP: sdp})
	if err != nil {
		t.Fatal(err)
	}
	if err := out2.Wait(ctx); err != nil {
		t.Fatalf("call to registered trunk: %v", err)
	}
	inB := recvLeg(t, bLegs)
	if tr, ok := inB.Trunk(); !ok || tr.ID != "t1" || inB.From().User != "13900000000" {
		t.Fatalf("B's leg: trunk %+v %v from %+v", tr, ok, inB.From())
	}
	if err := out2.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
	waitDone(t, inB.Done(), "B's leg")

	b.StopTrunk(ctx, "carrier-a")
	un := a.events.wait(t, 5*time.Second, isKind(EventUnregistered))
	if un.User != "trunk7" || un.Reason != "unregister" {
		t.Fatalf("carrier event %+v", un)
	}
	if _, ok := b.TrunkStatus("carrier-a"); ok {
		t.Fatal("stopped trunk still has a status")
	}
}

func TestTrunkRegistrationRefusedIsReported(t *testing.T) {
	a := startServer(t, Config{Realm: "carrier.test"}, Deps{
		Accounts: newTestAccounts(t, "carrier.test", map[string]string{"trunk7": "tr-pass"})})
	b := startServer(t, Config{}, Deps{})
	if err := b.RegisterTrunk(TrunkRegistration{Name: "x", Registrar: "sip:" + a.Addr("udp").String(),
		Username: "trunk7", Password: "wrong", RetryInterval: time.Hour}); err != nil {
		t.Fatal(err)
	}
	ev := b.events.wait(t, 10*time.Second, func(e Event) bool {
		return e.Kind == EventTrunkRegistration && e.Trunk.State == TrunkFailed
	})
	if ev.Trunk.Code != 403 || !strings.Contains(fmt.Sprint(ev.Trunk.Reason), "Forbidden") {
		t.Fatalf("status %+v", ev.Trunk)
	}
	if err := b.RegisterTrunk(TrunkRegistration{Name: "bad", Registrar: "http://x", Username: "u"}); err == nil {
		t.Fatal("a non-SIP registrar was accepted")
	}
}

// The trunk registration is refreshed before it lapses.
func TestTrunkRegistrationRefreshes(t *testing.T) {
	a := startServer(t, Config{Realm: "carrier.test", RegisterMinExpiry: time.Second}, Deps{
		Accounts: newTestAccounts(t, "carrier.test", map[string]string{"trunk7": "tr-pass"})})
	b := startServer(t, Config{}, Deps{})
	if err := b.RegisterTrunk(TrunkRegistration{Name: "x", Registrar: "sip:" + a.Addr("tcp").String() + ";transport=tcp",
		Username: "trunk7", Password: "tr-pass", Expiry: 2 * time.Second}); err != nil {
		t.Fatal(err)
	}
	reg := a.events.wait(t, 5*time.Second, isKind(EventRegistered))
	if reg.Contacts[0].Transport != "TCP" {
		t.Fatalf("registered over %s, want TCP", reg.Contacts[0].Transport)
	}
	ref := a.events.wait(t, 5*time.Second, isKind(EventRefreshed))
	if ref.User != "trunk7" || time.Until(ref.Contacts[0].Expires) < time.Second {
		t.Fatalf("refresh %+v", ref)
	}
	if n := a.events.count(EventUnregistered); n != 0 {
		t.Fatalf("binding lapsed %d times before refresh", n)
	}
}
