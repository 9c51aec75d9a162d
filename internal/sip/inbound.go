package sip

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gosip "github.com/emiago/sipgo/sip"
)

// InboundLeg is a call that reached us: from a trunk (a customer calling
// the hotline) or from a registered phone (an agent dialling out). The
// owner answers or rejects it; the leg then lives until either side hangs
// up. All methods are safe for concurrent use.
type InboundLeg struct {
	*legCore
	req    *gosip.Request // the INVITE as received
	tx     gosip.ServerTransaction
	from   Party
	to     Party
	ruser  string
	source netip.AddrPort
	trunk  *Trunk
	ext    string
	maxFwd int
	cseq   uint32

	respMu    sync.Mutex // responses to the INVITE leave one at a time, in call order
	final     bool       // a final response went out (under respMu)
	finalSent chan struct{}
	finalOnce sync.Once
	timer     atomic.Pointer[time.Timer] // InviteTimeout; stopped at the final response
}

// identity is who placed an inbound call.
type identity struct {
	trunk *Trunk
	user  string
}

func (s *Server) newInboundLeg(req *gosip.Request, tx gosip.ServerTransaction, id identity) (*InboundLeg, error) {
	tp := upperTransport(req.Transport())
	ua := s.dialogs[tp]
	if ua == nil {
		return nil, fmt.Errorf("sip: no dialog agent for transport %s", tp)
	}
	d, err := ua.ReadInvite(req, tx)
	if err != nil {
		return nil, err
	}
	l := &InboundLeg{
		legCore: newLegCore(s, req.CallID().Value(), tp),
		req:     req, tx: tx,
		from:   partyOf(req.From().DisplayName, req.From().Address),
		to:     partyOf(req.To().DisplayName, req.To().Address),
		ruser:  req.Recipient.User,
		source: parseAddrPort(req.Source()),
		trunk:  id.trunk, ext: id.user,
		maxFwd: 70, cseq: req.CSeq().SeqNo,
		finalSent: make(chan struct{}),
	}
	if mf := req.MaxForwards(); mf != nil {
		l.maxFwd = int(mf.Val())
	}
	l.uas = d
	l.remoteSDP = bodyIfSDP(req)
	l.seq.start(l.cseq)
	l.hangup = l.Hangup
	l.earlyBye = l.remoteEarlyBye
	s.legs.track(l.legCore)
	s.legs.route(l.legCore, dialogKey{callID: l.callID, local: tagOf(d.InviteRequest.To().Params), remote: tagOf(req.From().Params)})
	// Both callbacks run inside sipgo's transaction lock: they must not
	// call back into the transaction, and end() does not.
	if !tx.OnCancel(func(*gosip.Request) { l.remoteCancel() }) {
		l.remoteCancel() // CANCEL won the race against us
	}
	if !tx.OnTerminate(func(string, error) { l.txTerminated() }) {
		l.txTerminated()
	}
	l.timer.Store(time.AfterFunc(s.cfg.InviteTimeout, func() { _ = l.Reject(480, "Temporarily Unavailable") }))
	return l, nil
}

func partyOf(display string, u gosip.Uri) Party {
	return Party{User: u.User, Display: display, URI: u.Addr()}
}

func bodyIfSDP(m gosip.Message) []byte {
	if len(m.Body()) > 0 && isSDP(contentType(m)) {
		return m.Body()
	}
	return nil
}

// From is the caller as the INVITE names it (caller ID; not verified).
func (l *InboundLeg) From() Party { return l.from }

// To is the To header's party.
func (l *InboundLeg) To() Party { return l.to }

// RequestUser is the user part of the Request-URI: the dialled number.
func (l *InboundLeg) RequestUser() string { return l.ruser }

// Source is the address the INVITE came from.
func (l *InboundLeg) Source() netip.AddrPort { return l.source }

// Trunk is the trusted trunk the call came from, if it did.
func (l *InboundLeg) Trunk() (Trunk, bool) {
	if l.trunk == nil {
		return Trunk{}, false
	}
	return *l.trunk, true
}

// Extension is the authenticated account that placed the call; empty for
// trunk calls.
func (l *InboundLeg) Extension() string { return l.ext }

// MaxForwards is the INVITE's Max-Forwards. A B2BUA passes one less to the
// outbound leg so a routing loop through several nodes dies out.
func (l *InboundLeg) MaxForwards() int { return l.maxFwd }

// Header returns the first value of a header of the INVITE ("" if absent),
// for things like P-Asserted-Identity or Diversion.
func (l *InboundLeg) Header(name string) string { return header(l.req, name) }

// Ringing sends 180 Ringing.
func (l *InboundLeg) Ringing() error { return l.provisional(180, "Ringing", nil) }

// Progress sends 183 Session Progress with early media SDP.
func (l *InboundLeg) Progress(sdp []byte) error {
	return l.provisional(183, "Session Progress", sdp)
}

func (l *InboundLeg) provisional(code int, reason string, sdp []byte) error {
	l.respMu.Lock()
	defer l.respMu.Unlock()
	if err := l.checkEarly(); err != nil {
		return err
	}
	return l.tx.Respond(l.response(code, reason, sdp))
}

// checkEarly must be called with respMu held.
func (l *InboundLeg) checkEarly() error {
	if l.isEnded() {
		return ErrLegEnded
	}
	if l.final {
		return ErrAlreadyAnswered
	}
	return nil
}

// response builds a response to the INVITE carrying our To tag.
func (l *InboundLeg) response(code int, reason string, sdp []byte) *gosip.Response {
	res := l.s.newResponse(l.uas.InviteRequest, code, reason, sdp)
	if code < 300 && code > 100 {
		res.AppendHeader(gosip.HeaderClone(&l.s.dialogs[l.tp].ContactHDR))
		res.AppendHeader(allowHeader())
	}
	if len(sdp) > 0 {
		res.AppendHeader(gosip.NewHeader("Content-Type", "application/sdp"))
	}
	return res
}

func (l *InboundLeg) markFinal() {
	l.finalOnce.Do(func() {
		if t := l.timer.Load(); t != nil {
			t.Stop()
		} // else the timer fires later and its Reject finds the call final
		close(l.finalSent)
	})
}

// Answer sends 200 OK with our SDP and waits for the ACK, retransmitting
// the 200 over UDP as RFC 3261 13.3.1.4 asks. It returns nil once
// acknowledged (or if the caller hung up meanwhile), ErrNoACK after 64*T1
// without ACK (the leg is then hung up), or ctx's error (the leg stays).
func (l *InboundLeg) Answer(ctx context.Context, sdp []byte) error {
	l.respMu.Lock()
	if err := l.checkEarly(); err != nil {
		l.respMu.Unlock()
		return err
	}
	res := l.response(200, "OK", sdp)
	l.uas.InviteResponse = res
	l.mu.Lock()
	l.answered, l.localSDP = true, sdp
	l.mu.Unlock()
	err := l.tx.Respond(res)
	l.final = true
	l.markFinal()
	l.respMu.Unlock()
	if err != nil {
		l.end(HangupCause{By: ByNetwork, Kind: CauseTransport, Code: 500, Reason: err.Error()})
		return fmt.Errorf("sip: sending 200 OK: %w", err)
	}
	return l.waitAck(ctx, res)
}

func (l *InboundLeg) waitAck(ctx context.Context, res *gosip.Response) error {
	ack := l.ackChan(l.cseq)
	interval := gosip.T1
	var retransmit *time.Timer
	var tick <-chan time.Time
	if l.tp == "UDP" { // reliable transports do not retransmit
		retransmit = time.NewTimer(interval)
		defer retransmit.Stop()
		tick = retransmit.C
	}
	giveUp := time.NewTimer(64 * gosip.T1)
	defer giveUp.Stop()
	for {
		select {
		case <-ack:
			return nil
		case r := <-l.tx.Acks(): // an ACK that reused the INVITE's branch
			l.gotAck(r)
			return nil
		case <-l.done:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		case <-tick:
			_ = l.tx.Respond(res)
			interval = min(2*interval, gosip.T2)
			retransmit.Reset(interval)
		case <-giveUp.C:
			go l.noAck()
			return ErrNoACK
		}
	}
}

// noAck ends a session whose 200 was never acknowledged (RFC 3261 13.3.1.4).
func (l *InboundLeg) noAck() {
	if !l.end(HangupCause{By: ByNetwork, Kind: CauseTimeout, Code: 408, Reason: "no ACK"}) {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 64*gosip.T1)
	defer cancel()
	_, _ = l.do(ctx, gosip.NewRequest(gosip.BYE, l.remoteTarget()))
}

// Reject refuses the call with a final status code 300-699.
func (l *InboundLeg) Reject(code int, reason string) error {
	if code < 300 || code > 699 {
		return fmt.Errorf("sip: reject code %d is not a final error status", code)
	}
	if strings.TrimSpace(reason) == "" {
		reason = "Rejected"
	}
	l.respMu.Lock()
	if err := l.checkEarly(); err != nil {
		l.respMu.Unlock()
		return err
	}
	err := l.tx.Respond(l.response(code, reason, nil))
	l.final = true
	l.markFinal()
	l.respMu.Unlock()
	l.end(HangupCause{By: ByLocal, Kind: CauseRejected, Code: code, Reason: reason})
	return err
}

// Hangup ends the call from our side: 480 before answer, BYE after (once
// the caller acknowledged the 200, as RFC 3261 15 asks).
func (l *InboundLeg) Hangup(ctx context.Context) error {
	if l.isEnded() {
		return nil
	}
	l.respMu.Lock()
	final := l.final
	l.respMu.Unlock()
	if !final {
		if err := l.Reject(480, "Temporarily Unavailable"); err != ErrAlreadyAnswered {
			return err
		}
	}
	if !l.isAnswered() {
		return nil
	}
	giveUp := time.NewTimer(64 * gosip.T1)
	defer giveUp.Stop()
	select {
	case <-l.ackChan(l.cseq):
	case <-l.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-giveUp.C:
	}
	if l.isEnded() {
		return nil
	}
	return l.sendBye(ctx)
}

// remoteCancel runs when the caller CANCELs; sipgo answers 487 itself.
func (l *InboundLeg) remoteCancel() {
	l.markFinal()
	l.end(HangupCause{By: ByRemote, Kind: CauseCancel, Code: 487, Reason: "CANCEL"})
}

// remoteEarlyBye handles a BYE on the early dialog: the INVITE gets 487.
func (l *InboundLeg) remoteEarlyBye() {
	l.respMu.Lock()
	if !l.final {
		_ = l.tx.Respond(l.response(487, "Request Terminated", nil))
		l.final = true
		l.markFinal()
	}
	l.respMu.Unlock()
	l.end(HangupCause{By: ByRemote, Kind: CauseBye, Code: 487, Reason: "BYE before answer"})
}

// txTerminated ends a leg whose INVITE transaction died before a final
// response (transport failure).
func (l *InboundLeg) txTerminated() {
	select {
	case <-l.finalSent:
		return
	default:
	}
	l.markFinal()
	l.end(HangupCause{By: ByNetwork, Kind: CauseTransport, Code: 500, Reason: "INVITE transaction ended"})
}

// run calls the owner's handler and cleans up after it.
func (l *InboundLeg) run(h InviteHandler) {
	defer l.s.wg.Done()
	defer func() {
		if v := recover(); v != nil {
			l.s.stats.panics.Add(1)
			l.log.Error("sip: invite handler panicked", "panic", fmt.Sprint(v))
			_ = l.Reject(500, "Server Internal Error")
		}
	}()
	h(l.ctx, l)
	if err := l.Reject(480, "Temporarily Unavailable"); err == nil {
		l.log.Warn("sip: invite handler returned without answering; rejected 480")
	}
}
