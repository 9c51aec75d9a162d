package sip

import (
	"bytes"
	"context"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"
)

// loopbackTrunk trusts 127.0.0.1 as a carrier.
type loopbackTrunk struct{}

func (loopbackTrunk) MatchTrunk(src netip.AddrPort, _ string) (Trunk, bool) {
	if src.Addr() == netip.MustParseAddr("127.0.0.1") {
		return Trunk{ID: "t1", Name: "loopback carrier"}, true
	}
	return Trunk{}, false
}

var holdAnswer = []byte("v=0\r\no=hotline 1 2 IN IP4 127.0.0.1\r\ns=hotline\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
	"m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=recvonly\r\n")

// A carrier call is not challenged; in the dialog the carrier sends two
// DTMF INFOs back to back, holds us with a re-INVITE, transfers with REFER
// (we report progress by NOTIFY) and hangs up.
func TestTrunkCallInDialogRequests(t *testing.T) {
	ts := startServer(t, Config{}, Deps{Trunks: loopbackTrunk{}})
	sdp := testSDP(t)
	var mu sync.Mutex
	var digits []string
	var offers [][]byte
	refers := make(chan *Refer, 1)
	legs := make(chan *InboundLeg, 1)
	ts.OnInvite(func(ctx context.Context, leg *InboundLeg) {
		leg.OnInfo(func(b Body) {
			mu.Lock()
			defer mu.Unlock()
			if b.ContentType == "application/dtmf-relay" {
				sig, _, _ := strings.Cut(strings.TrimPrefix(string(b.Data), "Signal="), "\r\n")
				digits = append(digits, sig)
			}
		})
		leg.OnReinvite(func(ctx context.Context, offer []byte) ([]byte, error) {
			mu.Lock()
			offers = append(offers, offer)
			mu.Unlock()
			return holdAnswer, nil
		})
		leg.OnRefer(func(ctx context.Context, r *Refer) bool {
			refers <- r
			go func() { _ = r.Notify(ctx, 200, "OK") }()
			return true
		})
		legs <- leg
		_ = leg.Ringing()
		if err := leg.Answer(ctx, sdp); err != nil {
			return
		}
		<-leg.Done()
	})
	runSipp(t, "sip_uac_trunk_indialog.xml", ts.Addr("udp"), sippOpts{args: []string{"-s", "95500"}}).mustSucceed(t, 1)
	leg := recvLeg(t, legs)
	waitDone(t, leg.Done(), "leg")
	if tr, ok := leg.Trunk(); !ok || tr.ID != "t1" || leg.Extension() != "" || leg.RequestUser() != "95500" {
		t.Fatalf("trunk %+v %v ext %q ruser %q", tr, ok, leg.Extension(), leg.RequestUser())
	}
	if ts.Stats().AuthChallenges != 0 {
		t.Fatal("trunk call was challenged")
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(digits, "") != "12" {
		t.Fatalf("DTMF digits %q, want \"12\" in order", digits)
	}
	if len(offers) != 1 || !bytes.Contains(offers[0], []byte("a=sendonly")) {
		t.Fatalf("re-INVITE offers %q", offers)
	}
	if !bytes.Contains(leg.RemoteSDP(), []byte("a=sendonly")) {
		t.Fatalf("remote SDP not updated by re-INVITE: %q", leg.RemoteSDP())
	}
	r := <-refers
	if r.TargetUser != "2000" || !strings.Contains(r.ReferredBy, "13800138000") {
		t.Fatalf("refer %+v", r)
	}
	if got := leg.HangupCause(); got.By != ByRemote || got.Kind != CauseBye {
		t.Fatalf("cause %+v", got)
	}
}

// A caller that gives up while it rings: CANCEL ends the leg, sipgo sends
// 487, the owner sees a remote cancel.
func TestTrunkCallCanceledWhileRinging(t *testing.T) {
	ts := startServer(t, Config{}, Deps{Trunks: loopbackTrunk{}})
	legs := make(chan *InboundLeg, 1)
	answerErr := make(chan error, 1)
	ts.OnInvite(func(ctx context.Context, leg *InboundLeg) {
		legs <- leg
		_ = leg.Ringing()
		<-leg.Done()
		answerErr <- leg.Answer(context.Background(), []byte("v=0\r\n"))
	})
	runSipp(t, "sip_uac_trunk_cancel.xml", ts.Addr("udp"), sippOpts{args: []string{"-s", "95500"}}).mustSucceed(t, 1)
	leg := recvLeg(t, legs)
	waitDone(t, leg.Done(), "leg")
	if got := leg.HangupCause(); got != (HangupCause{By: ByRemote, Kind: CauseCancel, Code: 487, Reason: "CANCEL"}) {
		t.Fatalf("cause %+v", got)
	}
	select {
	case err := <-answerErr:
		if err != ErrLegEnded {
			t.Fatalf("answer after cancel: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("handler did not finish")
	}
}
