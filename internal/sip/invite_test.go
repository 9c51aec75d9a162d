package sip

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// sippCaller are the sipp arguments of extension 1002 dialling 4000.
func sippCaller() []string {
	return []string{"-s", "4000", "-key", "caller", "1002", "-au", "1002", "-ap", "s3cret-1002"}
}

func recvLeg(t *testing.T, ch <-chan *InboundLeg) *InboundLeg {
	t.Helper()
	select {
	case l := <-ch:
		return l
	case <-time.After(10 * time.Second):
		t.Fatal("no inbound leg")
		return nil
	}
}

func waitDone(t *testing.T, done <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s did not end", what)
	}
}

// A phone calls in with digest auth; the owner rings, answers with its SDP
// and hangs up: sipp sees 407, 180 before 200, and our BYE.
func TestInboundCallAnsweredThenHungUpLocally(t *testing.T) {
	ts := startServer(t, sippConfig(), Deps{})
	sdp := testSDP(t)
	legs := make(chan *InboundLeg, 1)
	result := make(chan error, 1)
	ts.OnInvite(func(ctx context.Context, leg *InboundLeg) {
		legs <- leg
		if err := leg.Ringing(); err != nil {
			result <- err
			return
		}
		if err := leg.Answer(ctx, sdp); err != nil {
			result <- err
			return
		}
		result <- leg.Hangup(ctx)
	})
	port := freePort(t)
	r := runSipp(t, "sip_uac_invite_auth.xml", ts.Addr("udp"), sippOpts{port: port, args: sippCaller()})
	r.mustSucceed(t, 1)
	leg := recvLeg(t, legs)
	if err := <-result; err != nil {
		t.Fatalf("handler: %v", err)
	}
	waitDone(t, leg.Done(), "leg")
	if got := leg.HangupCause(); got != (HangupCause{By: ByLocal, Kind: CauseBye, Code: 200, Reason: "BYE"}) {
		t.Fatalf("cause %+v", got)
	}
	if leg.RequestUser() != "4000" || leg.Extension() != "1002" || leg.From().User != "1002" ||
		leg.From().Display != "Agent 1002" || int(leg.Source().Port()) != port {
		t.Fatalf("leg identity: ruser=%q ext=%q from=%+v source=%s", leg.RequestUser(), leg.Extension(), leg.From(), leg.Source())
	}
	if _, ok := leg.Trunk(); ok {
		t.Fatal("phone call reported as trunk call")
	}
	if !bytes.Contains(leg.RemoteSDP(), []byte("m=audio")) {
		t.Fatalf("remote SDP %q", leg.RemoteSDP())
	}
	if ts.Stats().AuthChallenges < 1 {
		t.Fatalf("INVITE was not challenged: %+v", ts.Stats())
	}
}

// The caller hangs up first: its BYE reaches the leg, Done fires and the
// cause says remote.
func TestInboundCallHungUpByCaller(t *testing.T) {
	ts := startServer(t, sippConfig(), Deps{})
	sdp := testSDP(t)
	legs := make(chan *InboundLeg, 1)
	answered := make(chan error, 1)
	ts.OnInvite(func(ctx context.Context, leg *InboundLeg) {
		legs <- leg
		_ = leg.Ringing()
		answered <- leg.Answer(ctx, sdp)
		<-leg.Done()
	})
	r := runSipp(t, "sip_uac_invite_auth_bye.xml", ts.Addr("udp"), sippOpts{args: sippCaller()})
	r.mustSucceed(t, 1)
	leg := recvLeg(t, legs)
	if err := <-answered; err != nil {
		t.Fatalf("answer: %v", err)
	}
	waitDone(t, leg.Done(), "leg")
	if got := leg.HangupCause(); got.By != ByRemote || got.Kind != CauseBye || got.Code != 200 {
		t.Fatalf("cause %+v", got)
	}
	select {
	case <-leg.Context().Done():
	default:
		t.Fatal("leg context not canceled after hangup")
	}
	if err := leg.Hangup(context.Background()); err != nil {
		t.Fatalf("hangup after remote BYE: %v", err)
	}
}

// Stopping the server hangs up live calls: sipp, waiting in the call,
// receives our BYE and answers it before Run returns.
func TestShutdownHangsUpCalls(t *testing.T) {
	ts := startServer(t, sippConfig(), Deps{})
	sdp := testSDP(t)
	answered := make(chan *InboundLeg, 1)
	ts.OnInvite(func(ctx context.Context, leg *InboundLeg) {
		_ = leg.Ringing()
		if leg.Answer(ctx, sdp) == nil {
			answered <- leg
		}
		<-ctx.Done()
	})
	ch := make(chan sippResult, 1)
	go func() {
		ch <- runSipp(t, "sip_uac_invite_auth.xml", ts.Addr("udp"), sippOpts{args: sippCaller()})
	}()
	leg := recvLeg(t, answered)
	ts.stop()
	waitSipp(t, ch).mustSucceed(t, 1)
	if got := leg.HangupCause(); got.By != ByLocal || got.Kind != CauseBye {
		t.Fatalf("cause %+v", got)
	}
	if _, err := ts.Dial(context.Background(), DialRequest{URI: "sip:x@127.0.0.1:9"}); !errors.Is(err, ErrServerClosed) {
		t.Fatalf("dial after stop: %v", err)
	}
}

// An owner that forgets a call, or never answers, does not leave the
// caller hanging: 480 when the handler returns, 480 after InviteTimeout.
func TestUnansweredCallsAreRejected(t *testing.T) {
	for name, cfg := range map[string]Config{
		"handler returns": {},
		"invite timeout":  {InviteTimeout: 300 * time.Millisecond},
	} {
		t.Run(name, func(t *testing.T) {
			ts := startServer(t, cfg, Deps{Trunks: loopbackTrunk{}})
			legs := make(chan *InboundLeg, 1)
			ts.OnInvite(func(ctx context.Context, leg *InboundLeg) {
				legs <- leg
				if cfg.InviteTimeout > 0 {
					<-leg.Done()
				}
			})
			p := newRawPeer(t, ts.Addr("udp"))
			p.send(p.request("INVITE", "sip:1@"+ts.Addr("udp").String(), fmt.Sprintf("Contact: <sip:raw@127.0.0.1:%d>", p.port()), ""))
			var final int
			for final < 200 {
				res := p.response(5 * time.Second)
				if res == nil {
					t.Fatal("no final response")
				}
				final = res.StatusCode
			}
			if final != 480 {
				t.Fatalf("final response %d, want 480", final)
			}
			leg := recvLeg(t, legs)
			waitDone(t, leg.Done(), "leg")
			if got := leg.HangupCause(); got.By != ByLocal || got.Kind != CauseRejected || got.Code != 480 {
				t.Fatalf("cause %+v", got)
			}
		})
	}
}

// A banned source gets 403 for INVITE as for REGISTER, without a challenge.
func TestBannedSourceInviteRefused(t *testing.T) {
	ts := startServer(t, Config{AuthMaxFailures: 2, AuthBanDuration: time.Minute}, Deps{})
	p := newRawPeer(t, ts.Addr("udp"))
	ruri := "sip:" + ts.Addr("udp").String()
	bad := `Authorization: Digest username="1001", realm="` + testRealm + `", nonce="x", uri="` + ruri +
		`", response="0123456789abcdef0123456789abcdef", qop=auth, nc=00000001, cnonce="c"`
	for i := 0; i < 2; i++ {
		p.send(strings.Replace(p.request("REGISTER", ruri, bad+"\nContact: <sip:1001@127.0.0.1:5>", ""),
			"To: <"+ruri+">", "To: <sip:1001@127.0.0.1>", 1))
		if got := p.status(2 * time.Second); !strings.HasPrefix(got, "SIP/2.0 403") {
			t.Fatalf("bad credentials answered %q", got)
		}
	}
	ts.events.wait(t, time.Second, isKind(EventSourceBanned))
	p.send(p.request("INVITE", "sip:4000@"+ts.Addr("udp").String(), "Contact: <sip:raw@127.0.0.1:5>", ""))
	if res := p.response(2 * time.Second); res == nil || res.StatusCode != 100 {
		t.Fatalf("first response %v", res)
	}
	if res := p.response(2 * time.Second); res == nil || res.StatusCode != 403 {
		t.Fatalf("banned INVITE answered %v", res)
	}
	if ts.Stats().AuthChallenges != 0 {
		t.Fatal("a banned source was challenged")
	}
}

// A Dial that comes back to us is stopped by loop detection (482).
func TestDialLoopDetected(t *testing.T) {
	ts := startServer(t, Config{}, Deps{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := ts.Dial(ctx, DialRequest{URI: "sip:4000@" + ts.Addr("udp").String()})
	if err != nil {
		t.Fatal(err)
	}
	var de *DialError
	if err := out.Wait(ctx); !errors.As(err, &de) || de.Code != 482 {
		t.Fatalf("wait: %v", err)
	}
}
