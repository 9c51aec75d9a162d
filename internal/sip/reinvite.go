package sip

import (
	"context"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/emiago/sipgo"
	gosip "github.com/emiago/sipgo/sip"
)

// handleReinvite answers a target-refresh INVITE from the far end: hold,
// unhold, codec change or a session-timer refresh.
func (l *legCore) handleReinvite(req *gosip.Request, tx gosip.ServerTransaction) {
	if !l.isAnswered() {
		// RFC 3261 14.2: a second INVITE before the first is answered.
		l.s.reply(tx, req, 500, "Server Internal Error",
			gosip.NewHeader("Retry-After", strconv.Itoa(rand.IntN(10))))
		return
	}
	if l.outReinvite.Load() {
		l.s.reply(tx, req, 491, "Request Pending")
		return
	}
	offer := bodyIfSDP(req)
	l.mu.Lock()
	h, answer := l.onReinvite, l.localSDP
	l.mu.Unlock()
	if h != nil {
		var err error
		if answer, err = h(l.ctx, offer); err != nil {
			l.log.Info("sip: re-INVITE refused by owner", "error", err)
			l.s.reply(tx, req, 488, "Not Acceptable Here")
			return
		}
	}
	res := l.s.newResponse(req, 200, "OK", answer)
	res.AppendHeader(gosip.HeaderClone(&l.s.dialogs[l.tp].ContactHDR))
	if len(answer) > 0 {
		res.AppendHeader(gosip.NewHeader("Content-Type", "application/sdp"))
	}
	l.mu.Lock()
	l.localSDP = answer
	if offer != nil {
		l.remoteSDP = offer
	}
	l.mu.Unlock()
	if err := tx.Respond(res); err != nil {
		l.log.Debug("sip: re-INVITE 200 failed", "error", err)
		return
	}
	if l.tp == "UDP" {
		go l.retransmitUntilAck(tx, res, req.CSeq().SeqNo)
	}
}

// retransmitUntilAck repeats a 2xx to a re-INVITE until its ACK arrives;
// the transaction layer leaves 2xx retransmission to us (RFC 6026).
func (l *legCore) retransmitUntilAck(tx gosip.ServerTransaction, res *gosip.Response, cseq uint32) {
	ack := l.ackChan(cseq)
	interval := gosip.T1
	t := time.NewTimer(interval)
	defer t.Stop()
	giveUp := time.NewTimer(64 * gosip.T1)
	defer giveUp.Stop()
	for {
		select {
		case <-ack:
			return
		case r := <-tx.Acks():
			l.gotAck(r)
			return
		case <-l.done:
			return
		case <-giveUp.C:
			l.log.Warn("sip: no ACK for re-INVITE 200")
			return
		case <-t.C:
			_ = tx.Respond(res)
			interval = min(2*interval, gosip.T2)
			t.Reset(interval)
		}
	}
}

// Reinvite sends a re-INVITE with our new SDP (hold, unhold, new media)
// and returns the far end's answer SDP. ErrGlare means both sides
// re-INVITEd at once; retry after a short random pause.
func (l *legCore) Reinvite(ctx context.Context, sdp []byte) ([]byte, error) {
	if !l.isAnswered() {
		return nil, ErrNotAnswered
	}
	l.reinviteMu.Lock()
	defer l.reinviteMu.Unlock()
	if l.isEnded() {
		return nil, ErrLegEnded
	}
	l.outReinvite.Store(true)
	defer l.outReinvite.Store(false)
	req := gosip.NewRequest(gosip.INVITE, l.remoteTarget())
	if len(sdp) > 0 {
		req.AppendHeader(gosip.NewHeader("Content-Type", "application/sdp"))
	}
	req.SetBody(sdp)
	tx, err := l.send(ctx, req)
	if err != nil {
		return nil, err
	}
	res, err := finalResponse(ctx, tx)
	if err != nil {
		tx.Terminate()
		return nil, err
	}
	switch {
	case res.StatusCode == 491:
		return nil, ErrGlare
	case !res.IsSuccess():
		return nil, &ResponseError{Method: "INVITE", Code: res.StatusCode, Reason: res.Reason}
	}
	l.ackReinvite(req, tx)
	answer := bodyIfSDP(res)
	l.mu.Lock()
	l.localSDP = sdp
	if answer != nil {
		l.remoteSDP = answer
	}
	l.mu.Unlock()
	return answer, nil
}

// ackReinvite acknowledges a 2xx to our re-INVITE, and again for each
// retransmitted 2xx. The ACK is the INVITE with its own method and Via:
// same dialog headers, same CSeq number, same destination.
func (l *legCore) ackReinvite(inv *gosip.Request, tx gosip.ClientTransaction) {
	ack := inv.Clone()
	ack.Method = gosip.ACK
	ack.CSeq().MethodName = gosip.ACK
	ack.RemoveHeader("Via")
	ack.RemoveHeader("Content-Type")
	ack.SetBody(nil)
	write := func() {
		if err := l.s.client.WriteRequest(ack.Clone(), sipgo.ClientRequestAddVia); err != nil {
			l.log.Debug("sip: ACK for re-INVITE failed", "error", err)
		}
	}
	write()
	tx.OnRetransmission(func(r *gosip.Response) {
		if r.IsSuccess() {
			write()
		}
	})
}
