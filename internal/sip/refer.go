package sip

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	gosip "github.com/emiago/sipgo/sip"
)

// Refer is a transfer request from the far end (RFC 3515). Target is the
// Refer-To URI; for a blind transfer from a phone its user part is the
// number to transfer to.
type Refer struct {
	Target     string // Refer-To URI, with any ?Replaces= of an attended transfer
	TargetUser string
	ReferredBy string

	leg   *legCore
	id    uint32
	mu    sync.Mutex // NOTIFYs leave one at a time, in order
	final bool
}

// ErrReferFinished is returned by Refer.Notify after a final notification.
var ErrReferFinished = errors.New("sip: refer subscription already terminated")

func (l *legCore) handleRefer(req *gosip.Request, tx gosip.ServerTransaction) {
	rt := req.ReferTo()
	if rt == nil {
		l.s.stats.malformed.Add(1)
		l.s.reply(tx, req, 400, "Missing Refer-To")
		return
	}
	l.mu.Lock()
	h := l.onRefer
	l.mu.Unlock()
	r := &Refer{Target: rt.Address.String(), TargetUser: rt.Address.User,
		ReferredBy: header(req, "Referred-By"), leg: l, id: req.CSeq().SeqNo}
	// The first NOTIFY must follow the 202 (RFC 3515 2.4.4). Holding r.mu
	// from before the owner sees r until that NOTIFY is sent keeps the
	// owner's Notify calls behind it without blocking this dialog's
	// request order.
	r.mu.Lock()
	if h == nil || !h(l.ctx, r) {
		r.final = true
		r.mu.Unlock()
		l.s.reply(tx, req, 603, "Decline")
		return
	}
	l.s.reply(tx, req, 202, "Accepted")
	go func() {
		defer r.mu.Unlock()
		ctx, cancel := context.WithTimeout(l.ctx, 64*gosip.T1)
		defer cancel()
		if err := r.notifyLocked(ctx, 100, "Trying"); err != nil {
			l.log.Debug("sip: REFER NOTIFY 100 failed", "error", err)
		}
	}()
}

// Notify reports the transfer's progress to the phone as a sipfrag of
// the status line (100 Trying, 180 Ringing, 200 OK, 486 Busy Here...).
// A code of 200 or more is final and ends the implicit subscription.
func (r *Refer) Notify(ctx context.Context, code int, reason string) error {
	if code < 100 || code > 699 {
		return fmt.Errorf("sip: refer notify code %d out of range", code)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.notifyLocked(ctx, code, reason)
}

func (r *Refer) notifyLocked(ctx context.Context, code int, reason string) error {
	if r.final {
		return ErrReferFinished
	}
	if r.leg.isEnded() {
		return ErrLegEnded
	}
	state := "active;expires=" + strconv.Itoa(int(time.Minute/time.Second))
	if code >= 200 {
		r.final = true
		state = "terminated;reason=noresource"
	}
	req := gosip.NewRequest(gosip.NOTIFY, r.leg.remoteTarget())
	req.AppendHeader(gosip.NewHeader("Event", "refer;id="+strconv.FormatUint(uint64(r.id), 10)))
	req.AppendHeader(gosip.NewHeader("Subscription-State", state))
	req.AppendHeader(gosip.NewHeader("Content-Type", "message/sipfrag;version=2.0"))
	req.SetBody([]byte("SIP/2.0 " + strconv.Itoa(code) + " " + reason + "\r\n"))
	res, err := r.leg.do(ctx, req)
	if err != nil {
		return err
	}
	if !res.IsSuccess() {
		return &ResponseError{Method: "NOTIFY", Code: res.StatusCode, Reason: res.Reason}
	}
	return nil
}
