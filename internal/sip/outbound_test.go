package sip

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

var holdOffer = []byte("v=0\r\no=hotline 1 2 IN IP4 127.0.0.1\r\ns=hotline\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
	"m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendonly\r\n")

// We call a phone by URI; it rings and answers; we put it on hold with a
// re-INVITE and send it an INFO; then the phone hangs up.
func TestOutboundCallHoldInfoRemoteBye(t *testing.T) {
	ts := startServer(t, Config{}, Deps{})
	port, done := startSipp(t, "sip_uas_answer_bye.xml", sippOpts{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var mu sync.Mutex
	var progress []Progress
	out, err := ts.Dial(ctx, DialRequest{URI: fmt.Sprintf("sip:agent@127.0.0.1:%d", port), FromUser: "13800138000",
		FromDisplay: "Customer", SDP: testSDP(t), OnProgress: func(p Progress) {
			mu.Lock()
			progress = append(progress, p)
			mu.Unlock()
		}})
	if err != nil {
		t.Fatal(err)
	}
	if err := out.Wait(ctx); err != nil {
		t.Fatalf("wait: %v", err)
	}
	answer, err := out.Reinvite(ctx, holdOffer)
	if err != nil {
		t.Fatalf("re-INVITE: %v", err)
	}
	if !bytes.Contains(answer, []byte("a=recvonly")) || !bytes.Equal(out.RemoteSDP(), answer) {
		t.Fatalf("hold answer %q", answer)
	}
	if err := out.SendInfo(ctx, Body{ContentType: "application/dtmf-relay", Data: []byte("Signal=7\r\nDuration=100\r\n")}); err != nil {
		t.Fatalf("INFO: %v", err)
	}
	waitDone(t, out.Done(), "outbound leg")
	if got := out.HangupCause(); got.By != ByRemote || got.Kind != CauseBye || got.Code != 200 {
		t.Fatalf("cause %+v", got)
	}
	waitSipp(t, done).mustSucceed(t, 1)
	mu.Lock()
	defer mu.Unlock()
	if len(progress) != 1 || progress[0].Code != 180 {
		t.Fatalf("progress %+v", progress)
	}
	if _, err := out.Reinvite(ctx, holdOffer); !errors.Is(err, ErrLegEnded) {
		t.Fatalf("re-INVITE after hangup: %v", err)
	}
}

// The phone rings; we give up: CANCEL, 487, Wait reports ErrCanceled.
func TestOutboundCallCanceled(t *testing.T) {
	ts := startServer(t, Config{}, Deps{})
	port, done := startSipp(t, "sip_uas_ring_cancel.xml", sippOpts{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ringing := make(chan struct{}, 1)
	out, err := ts.Dial(ctx, DialRequest{URI: fmt.Sprintf("sip:agent@127.0.0.1:%d", port), SDP: testSDP(t),
		OnProgress: func(p Progress) {
			if p.Code == 180 {
				ringing <- struct{}{}
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-ringing:
	case <-ctx.Done():
		t.Fatal("phone never rang")
	}
	if err := out.Cancel(); err != nil {
		t.Fatal(err)
	}
	if err := out.Wait(ctx); !errors.Is(err, ErrCanceled) {
		t.Fatalf("wait: %v", err)
	}
	waitDone(t, out.Done(), "outbound leg")
	if got := out.HangupCause(); got.By != ByLocal || got.Kind != CauseCancel || got.Code != 487 {
		t.Fatalf("cause %+v", got)
	}
	waitSipp(t, done).mustSucceed(t, 1)
}

func TestOutboundCallBusy(t *testing.T) {
	ts := startServer(t, Config{}, Deps{})
	port, done := startSipp(t, "sip_uas_busy.xml", sippOpts{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := ts.Dial(ctx, DialRequest{URI: fmt.Sprintf("sip:agent@127.0.0.1:%d", port), SDP: testSDP(t)})
	if err != nil {
		t.Fatal(err)
	}
	var de *DialError
	if err := out.Wait(ctx); !errors.As(err, &de) || de.Code != 486 {
		t.Fatalf("wait: %v", err)
	}
	if got := out.HangupCause(); got.By != ByRemote || got.Kind != CauseRejected || got.Code != 486 {
		t.Fatalf("cause %+v", got)
	}
	waitSipp(t, done).mustSucceed(t, 1)
}
