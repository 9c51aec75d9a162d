package sip

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/emiago/sipgo"
	gosip "github.com/emiago/sipgo/sip"
)

// legCore is what inbound and outbound legs share once a dialog exists:
// state, in-dialog request handling and sending.
type legCore struct {
	s      *Server
	callID string
	tp     string // UDP, TCP, TLS
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	seq    sequencer

	uas *sipgo.DialogServerSession // set for inbound legs
	uac *sipgo.DialogClientSession // set for outbound legs once sent

	buildMu     sync.Mutex  // one in-dialog request built and sent at a time
	reinviteMu  sync.Mutex  // one outgoing re-INVITE at a time
	outReinvite atomic.Bool // ours is pending: a crossing one gets 491

	mu         sync.Mutex
	answered   bool
	ended      bool
	cause      HangupCause
	remoteSDP  []byte
	localSDP   []byte
	onReinvite ReinviteHandler
	onInfo     InfoHandler
	onRefer    ReferHandler
	acks       map[uint32]chan struct{}
	hangup     func(ctx context.Context) error // the leg type's Hangup, for shutdown
	earlyBye   func()                          // BYE before answer (inbound only)
}

func newLegCore(s *Server, callID, tp string) *legCore {
	l := &legCore{s: s, callID: callID, tp: tp, done: make(chan struct{}), acks: map[uint32]chan struct{}{}}
	l.ctx, l.cancel = context.WithCancel(s.ctx)
	l.log = s.log.With("call_id", callID)
	return l
}

// CallID is the leg's SIP Call-ID.
func (l *legCore) CallID() string { return l.callID }

// Transport is UDP, TCP or TLS.
func (l *legCore) Transport() string { return l.tp }

// Done is closed when the leg has ended.
func (l *legCore) Done() <-chan struct{} { return l.done }

// Context is canceled when the leg ends.
func (l *legCore) Context() context.Context { return l.ctx }

// HangupCause tells how the leg ended; zero while it is alive.
func (l *legCore) HangupCause() HangupCause {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cause
}

// RemoteSDP is the far end's latest session description.
func (l *legCore) RemoteSDP() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.remoteSDP
}

// OnReinvite sets the handler for re-INVITEs from the far end. Without
// one, a re-INVITE is answered with our current SDP (a session refresh).
func (l *legCore) OnReinvite(h ReinviteHandler) { l.mu.Lock(); l.onReinvite = h; l.mu.Unlock() }

// OnInfo sets the handler for INFO requests. Without one they are
// acknowledged and dropped.
func (l *legCore) OnInfo(h InfoHandler) { l.mu.Lock(); l.onInfo = h; l.mu.Unlock() }

// OnRefer sets the handler for REFER. Without one REFER gets 603.
func (l *legCore) OnRefer(h ReferHandler) { l.mu.Lock(); l.onRefer = h; l.mu.Unlock() }

func (l *legCore) isAnswered() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.answered
}

func (l *legCore) isEnded() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.ended
}

func (l *legCore) setRemoteSDP(b Body) {
	if len(b.Data) == 0 || !isSDP(b.ContentType) {
		return
	}
	l.mu.Lock()
	l.remoteSDP = b.Data
	l.mu.Unlock()
}

// end records the cause and releases everything; the first call wins.
func (l *legCore) end(c HangupCause) bool {
	l.mu.Lock()
	if l.ended {
		l.mu.Unlock()
		return false
	}
	l.ended, l.cause = true, c
	l.mu.Unlock()
	l.s.legs.remove(l)
	l.cancel()
	close(l.done)
	l.log.Debug("sip: leg ended", "by", c.By.String(), "kind", c.Kind.String(), "code", c.Code)
	return true
}

// ackChan returns the channel closed when the ACK for our 2xx to the
// INVITE numbered cseq arrives.
func (l *legCore) ackChan(cseq uint32) chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	ch, ok := l.acks[cseq]
	if !ok {
		ch = make(chan struct{})
		l.acks[cseq] = ch
	}
	return ch
}

func (l *legCore) gotAck(req *gosip.Request) {
	ch := l.ackChan(req.CSeq().SeqNo)
	l.mu.Lock()
	select {
	case <-ch:
	default:
		close(ch)
	}
	l.mu.Unlock()
	l.setRemoteSDP(Body{ContentType: contentType(req), Data: req.Body()})
}

// bindUDP makes UDP requests leave from the listening socket: the port the
// far end knows and the one its NAT pinhole lets in.
func (l *legCore) bindUDP(req *gosip.Request) {
	if l.tp == "UDP" {
		req.Laddr = l.s.udpLaddr
	}
}

// send builds an in-dialog request (dialog headers, CSeq, route, NAT
// destination) and starts its transaction. Building and first
// transmission happen under buildMu so CSeq order is wire order.
func (l *legCore) send(ctx context.Context, req *gosip.Request) (gosip.ClientTransaction, error) {
	l.bindUDP(req)
	req.AppendHeader(gosip.NewHeader("User-Agent", l.s.cfg.UserAgent))
	l.buildMu.Lock()
	defer l.buildMu.Unlock()
	if l.uas != nil {
		return l.uas.TransactionRequest(ctx, req)
	}
	return l.uac.TransactionRequest(ctx, req)
}

// do sends an in-dialog request and waits for its final response.
func (l *legCore) do(ctx context.Context, req *gosip.Request) (*gosip.Response, error) {
	tx, err := l.send(ctx, req)
	if err != nil {
		return nil, err
	}
	defer tx.Terminate()
	return finalResponse(ctx, tx)
}

func finalResponse(ctx context.Context, tx gosip.ClientTransaction) (*gosip.Response, error) {
	for {
		select {
		case res := <-tx.Responses():
			if res.IsProvisional() {
				continue
			}
			return res, nil
		case <-tx.Done():
			if err := tx.Err(); err != nil {
				return nil, err
			}
			return nil, gosip.ErrTransactionTerminated
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// remoteTarget is where in-dialog requests are addressed (the far end's
// Contact); the transport destination is its observed address.
func (l *legCore) remoteTarget() gosip.Uri {
	if l.uas != nil {
		if c := l.uas.InviteRequest.Contact(); c != nil {
			return *c.Address.Clone()
		}
		return *l.uas.InviteRequest.From().Address.Clone()
	}
	if res := l.uac.InviteResponse; res != nil && res.Contact() != nil {
		return *res.Contact().Address.Clone()
	}
	return *l.uac.InviteRequest.Recipient.Clone()
}

// sendBye ends an answered leg from our side.
func (l *legCore) sendBye(ctx context.Context) error {
	res, err := l.do(ctx, gosip.NewRequest(gosip.BYE, l.remoteTarget()))
	c := HangupCause{By: ByLocal, Kind: CauseBye, Code: 200, Reason: "BYE"}
	if res != nil && res.StatusCode != 200 {
		c.Code, c.Reason = res.StatusCode, res.Reason
	}
	l.end(c)
	return err
}

// SendInfo sends an INFO (DTMF relay) and waits for its answer.
func (l *legCore) SendInfo(ctx context.Context, b Body) error {
	if !l.isAnswered() {
		return ErrNotAnswered
	}
	if l.isEnded() {
		return ErrLegEnded
	}
	req := gosip.NewRequest(gosip.INFO, l.remoteTarget())
	if b.ContentType != "" {
		req.AppendHeader(gosip.NewHeader("Content-Type", b.ContentType))
	}
	req.SetBody(b.Data)
	res, err := l.do(ctx, req)
	if err != nil {
		return err
	}
	if !res.IsSuccess() {
		return &ResponseError{Method: "INFO", Code: res.StatusCode, Reason: res.Reason}
	}
	return nil
}
