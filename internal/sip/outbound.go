package sip

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/emiago/sipgo"
	gosip "github.com/emiago/sipgo/sip"
)

// DialRequest describes an outbound INVITE.
type DialRequest struct {
	// Contact, when set, is a registered phone (from Server.Contacts): the
	// INVITE carries its URI but is sent to its observed address and
	// transport, which is what reaches a phone behind NAT.
	Contact *Contact
	// URI is the Request-URI when Contact is nil, for a trunk or any SIP
	// address: "sip:13800138000@carrier.example:5060;transport=tcp".
	URI string
	// Destination overrides where the INVITE goes ("ip:port"); default
	// from the URI (DNS as needed).
	Destination string
	// Transport overrides "udp", "tcp" or "tls"; default from the URI.
	Transport string

	FromUser    string // caller ID number; default "hotline"
	FromDisplay string // caller ID name
	FromHost    string // default our public host
	ToUser      string // default the Request-URI user (or Contact.User)

	SDP         []byte   // our offer
	Headers     []Header // extra headers (not the dialog's own)
	Auth        *Credentials
	MaxForwards int // default 70

	// OnProgress is called for each provisional response (100, 180, 183
	// with early media SDP), in order, from the leg's goroutine. It must
	// not block.
	OnProgress func(Progress)
}

// Credentials answer a trunk's digest challenge.
type Credentials struct {
	Username, Password string
}

// Progress is a provisional response to our INVITE (100, 180, 183 with
// early media SDP).
type Progress struct {
	Code   int
	Reason string
	SDP    []byte
}

// OutboundLeg is a call we placed. Dial returns it while the far end is
// still being alerted; Wait tells how that ends.
type OutboundLeg struct {
	*legCore
	to         Party
	onProgress func(Progress)
	auth       *Credentials

	waitCtx  context.Context
	stopWait context.CancelFunc
	canceled atomic.Bool
	resolved chan struct{}
	outcome  error
}

// headers the dialog owns; DialRequest.Headers may not set them.
var reservedHeaders = map[string]bool{
	"via": true, "from": true, "to": true, "call-id": true, "cseq": true, "contact": true,
	"content-length": true, "max-forwards": true, "content-type": true, "route": true,
}

// Dial sends an INVITE and returns at once; the far end's answer comes
// through Wait, provisional responses through OnProgress. ctx bounds only
// sending the INVITE (DNS, TCP connect); end the call with Cancel/Hangup.
// It waits until Run serves the sockets.
func (s *Server) Dial(ctx context.Context, r DialRequest) (*OutboundLeg, error) {
	select {
	case <-s.ready:
	case <-ctx.Done():
		return nil, fmt.Errorf("sip: waiting for the server to run: %w", ctx.Err())
	}
	if s.closing.Load() {
		return nil, ErrServerClosed
	}
	req, tp, to, err := s.buildInvite(r)
	if err != nil {
		return nil, err
	}
	l := &OutboundLeg{
		legCore:    newLegCore(s, req.CallID().Value(), tp),
		to:         to,
		onProgress: r.OnProgress,
		auth:       r.Auth,
		resolved:   make(chan struct{}),
	}
	l.waitCtx, l.stopWait = context.WithCancel(context.Background())
	l.localSDP = r.SDP
	l.hangup = l.Hangup
	s.legs.track(l.legCore)
	d, err := s.dialogs[tp].WriteInvite(ctx, req)
	if err != nil {
		l.outcome = err
		close(l.resolved)
		l.stopWait()
		l.end(HangupCause{By: ByNetwork, Kind: CauseTransport, Code: 503, Reason: err.Error()})
		return nil, fmt.Errorf("sip: sending INVITE: %w", err)
	}
	l.uac = d
	go l.run()
	return l, nil
}

// To is the party we called.
func (l *OutboundLeg) To() Party { return l.to }

// Wait blocks until the far end answers (nil; the ACK is sent and
// RemoteSDP is set), refuses (*DialError), or the call is canceled
// (ErrCanceled). ctx bounds only the waiting.
func (l *OutboundLeg) Wait(ctx context.Context) error {
	select {
	case <-l.resolved:
		return l.outcome
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Cancel abandons the call before answer (CANCEL). After answer it
// returns ErrAlreadyAnswered: use Hangup.
func (l *OutboundLeg) Cancel() error {
	if l.isAnswered() {
		return ErrAlreadyAnswered
	}
	l.canceled.Store(true)
	l.stopWait()
	return nil
}

// Hangup ends the call: CANCEL before answer, BYE after.
func (l *OutboundLeg) Hangup(ctx context.Context) error {
	select {
	case <-l.resolved:
	default:
		if err := l.Cancel(); err == nil {
			if err := l.Wait(ctx); err == ctx.Err() {
				return err
			}
			return nil
		}
		<-l.resolved // answered: run is finishing the ACK
	}
	if l.outcome != nil || l.isEnded() {
		return nil
	}
	return l.sendBye(ctx)
}

// run waits for the final response. sipgo's WaitAnswer gives up after
// eleven responses; a carrier that repeats 183 would hit that, so a still
// running transaction is simply waited on again.
func (l *OutboundLeg) run() {
	defer close(l.resolved)
	defer l.stopWait()
	opts := sipgo.AnswerOptions{OnResponse: l.onResponse}
	if l.auth != nil {
		opts.Username, opts.Password = l.auth.Username, l.auth.Password
	}
	var err error
	for {
		err = l.uac.WaitAnswer(l.waitCtx, opts)
		if err == nil || l.waitCtx.Err() != nil || !strings.Contains(err.Error(), "more than 10 responses") {
			break
		}
	}
	if err == nil && !l.canceled.Load() {
		l.onAnswer()
		return
	}
	l.failed(err)
}

func (l *OutboundLeg) onResponse(res *gosip.Response) error {
	if !res.IsProvisional() {
		return nil
	}
	sdp := bodyIfSDP(res)
	if sdp != nil {
		l.setRemoteSDP(Body{ContentType: "application/sdp", Data: sdp})
	}
	if l.onProgress != nil {
		l.onProgress(Progress{Code: res.StatusCode, Reason: res.Reason, SDP: sdp})
	}
	return nil
}

// onAnswer routes the dialog, sends the ACK and reports success.
func (l *OutboundLeg) onAnswer() {
	res := l.uac.InviteResponse
	l.s.legs.route(l.legCore, dialogKey{callID: l.callID,
		local: tagOf(l.uac.InviteRequest.From().Params), remote: tagOf(res.To().Params)})
	l.buildMu.Lock()
	err := l.uac.Ack(context.Background())
	l.buildMu.Unlock()
	if err != nil {
		l.log.Warn("sip: ACK failed", "error", err)
	}
	l.setRemoteSDP(Body{ContentType: contentType(res), Data: res.Body()})
	l.mu.Lock()
	l.answered = true
	l.mu.Unlock()
}

// failed maps why WaitAnswer stopped to the outcome and hangup cause.
func (l *OutboundLeg) failed(err error) {
	var de *sipgo.ErrDialogResponse
	switch {
	case l.canceled.Load():
		if res := l.uac.InviteResponse; res != nil && res.IsSuccess() {
			l.hangUpLateAnswer()
		}
		l.outcome = ErrCanceled
		l.end(HangupCause{By: ByLocal, Kind: CauseCancel, Code: 487, Reason: "CANCEL"})
	case errors.As(err, &de):
		l.outcome = &DialError{Code: de.Res.StatusCode, Reason: de.Res.Reason}
		l.end(HangupCause{By: ByRemote, Kind: CauseRejected, Code: de.Res.StatusCode, Reason: de.Res.Reason})
	case errors.Is(err, gosip.ErrTransactionTimeout):
		l.outcome = &DialError{Code: 408, Reason: "Request Timeout"}
		l.end(HangupCause{By: ByNetwork, Kind: CauseTimeout, Code: 408, Reason: "no final response"})
	default:
		l.outcome = fmt.Errorf("%w: %w", &DialError{Code: 503, Reason: "Service Unavailable"}, err)
		l.end(HangupCause{By: ByNetwork, Kind: CauseTransport, Code: 503, Reason: err.Error()})
	}
}

// hangUpLateAnswer handles a 200 that crossed our CANCEL: RFC 3261 9.1
// says the call is up and must be ACKed, then ended with BYE.
func (l *OutboundLeg) hangUpLateAnswer() {
	ctx, cancel := context.WithTimeout(context.Background(), 64*gosip.T1)
	defer cancel()
	l.buildMu.Lock()
	_ = l.uac.Ack(ctx)
	l.buildMu.Unlock()
	_, _ = l.do(ctx, gosip.NewRequest(gosip.BYE, l.remoteTarget()))
}
