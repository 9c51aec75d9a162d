package sip

import (
	gosip "github.com/emiago/sipgo/sip"
)

// handleInvite turns a new INVITE into an InboundLeg for the owner. It
// blocks until the INVITE has a final response, because sipgo ends a server
// transaction when its handler returns.
func (s *Server) handleInvite(req *gosip.Request, tx gosip.ServerTransaction) {
	// 100 at once: it stops the caller's retransmissions while we look up
	// accounts, and it can never arrive after our 180 (sipgo would
	// otherwise send one from a timer).
	s.reply(tx, req, 100, "Trying")
	if s.closing.Load() {
		s.reply(tx, req, 503, "Service Unavailable")
		return
	}
	id, ok := s.inviteIdentity(req, tx)
	if !ok {
		return
	}
	if req.Contact() == nil {
		s.stats.malformed.Add(1)
		s.reply(tx, req, 400, "Missing Contact")
		return
	}
	if len(req.Body()) > 0 && !isSDP(contentType(req)) {
		s.stats.rejected.Add(1)
		s.reply(tx, req, 415, "Unsupported Media Type", gosip.NewHeader("Accept", "application/sdp"))
		return
	}
	h := s.onInvite.Load()
	if h == nil || *h == nil {
		s.reply(tx, req, 480, "Temporarily Unavailable")
		return
	}
	leg, err := s.newInboundLeg(req, tx, id)
	if err != nil {
		s.log.Error("sip: cannot create inbound leg", "error", err)
		s.reply(tx, req, 500, "Server Internal Error")
		return
	}
	s.wg.Add(1)
	go leg.run(*h)
	select {
	case <-leg.finalSent:
	case <-tx.Done():
	}
}

// inviteIdentity trusts trunks by address and challenges everyone else.
func (s *Server) inviteIdentity(req *gosip.Request, tx gosip.ServerTransaction) (identity, bool) {
	src := parseAddrPort(req.Source())
	if t, ok := s.trunks.MatchTrunk(src, upperTransport(req.Transport())); ok {
		return identity{trunk: &t}, true
	}
	user, ok := s.authenticate(req, tx, true)
	return identity{user: user}, ok
}

// routeInDialog hands a request carrying a To tag to its leg, in the far
// end's CSeq order.
func (s *Server) routeInDialog(req *gosip.Request, tx gosip.ServerTransaction) {
	l := s.legs.get(keyOfRequest(req))
	if l == nil {
		if req.Method == gosip.OPTIONS {
			s.handleOptions(req, tx)
			return
		}
		s.reply(tx, req, 481, "Call/Transaction Does Not Exist")
		return
	}
	cseq := req.CSeq().SeqNo
	if !l.seq.acquire(cseq) {
		s.reply(tx, req, 500, "CSeq Out Of Order", gosip.NewHeader("Retry-After", "1"))
		return
	}
	defer l.seq.release(cseq)
	switch req.Method {
	case gosip.BYE:
		l.handleBye(req, tx)
	case gosip.INVITE:
		l.handleReinvite(req, tx)
	case gosip.INFO:
		l.handleInfo(req, tx)
	case gosip.REFER:
		l.handleRefer(req, tx)
	case gosip.NOTIFY, gosip.OPTIONS:
		s.reply(tx, req, 200, "OK")
	default:
		s.stats.rejected.Add(1)
		s.reply(tx, req, 405, "Method Not Allowed", allowHeader())
	}
}

// routeAck delivers an ACK for a 2xx to its leg; ACKs matching nothing
// are dropped (they get no response).
func (s *Server) routeAck(req *gosip.Request) {
	if tagOf(req.To().Params) == "" {
		return
	}
	if l := s.legs.get(keyOfRequest(req)); l != nil {
		l.gotAck(req)
	}
}

func (l *legCore) handleBye(req *gosip.Request, tx gosip.ServerTransaction) {
	l.s.reply(tx, req, 200, "OK")
	if !l.isAnswered() && l.earlyBye != nil {
		l.earlyBye()
		return
	}
	l.end(HangupCause{By: ByRemote, Kind: CauseBye, Code: 200, Reason: "BYE"})
}

func (l *legCore) handleInfo(req *gosip.Request, tx gosip.ServerTransaction) {
	l.s.reply(tx, req, 200, "OK")
	l.mu.Lock()
	h := l.onInfo
	l.mu.Unlock()
	if h != nil {
		h(Body{ContentType: contentType(req), Data: req.Body()})
	}
}
