package sip

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	gosip "github.com/emiago/sipgo/sip"
)

// requestTimeout bounds what handling one request may wait on (account
// lookups, registry writes).
const requestTimeout = 5 * time.Second

// handleRequest is the single entry point for every request sipgo passes
// up: validate, then route by dialog and method. It never panics outward.
func (s *Server) handleRequest(req *gosip.Request, tx gosip.ServerTransaction) {
	s.stats.requests.Add(1)
	defer s.recoverPanic(req, tx)
	if code, reason := s.validate(req); code != 0 {
		if code == 400 {
			s.stats.malformed.Add(1)
		} else {
			s.stats.rejected.Add(1)
		}
		if !req.IsAck() {
			var extra []gosip.Header
			if code == 420 {
				extra = append(extra, gosip.NewHeader("Unsupported", header(req, "Require")))
			}
			s.reply(tx, req, code, reason, extra...)
		}
		return
	}
	switch {
	case req.IsAck():
		s.routeAck(req)
	case req.IsCancel():
		// sipgo answers a CANCEL that matches a pending INVITE itself.
		s.reply(tx, req, 481, "Call/Transaction Does Not Exist")
	case tagOf(req.To().Params) != "":
		s.routeInDialog(req, tx)
	default:
		s.outOfDialog(req, tx)
	}
}

func (s *Server) recoverPanic(req *gosip.Request, tx gosip.ServerTransaction) {
	v := recover()
	if v == nil {
		return
	}
	s.stats.panics.Add(1)
	s.log.Error("sip: panic while handling request", "method", string(req.Method),
		"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
	if !req.IsAck() {
		func() {
			defer func() { _ = recover() }()
			s.reply(tx, req, 500, "Server Internal Error")
		}()
	}
}

func (s *Server) outOfDialog(req *gosip.Request, tx gosip.ServerTransaction) {
	switch req.Method {
	case gosip.REGISTER:
		s.handleRegister(req, tx)
	case gosip.INVITE:
		s.handleInvite(req, tx)
	case gosip.OPTIONS:
		s.handleOptions(req, tx)
	case gosip.BYE, gosip.INFO, gosip.REFER, gosip.NOTIFY, gosip.UPDATE, gosip.PRACK:
		s.reply(tx, req, 481, "Call/Transaction Does Not Exist")
	case gosip.SUBSCRIBE, gosip.PUBLISH, gosip.MESSAGE:
		s.stats.rejected.Add(1)
		s.reply(tx, req, 405, "Method Not Allowed", allowHeader())
	default:
		s.stats.rejected.Add(1)
		s.reply(tx, req, 501, "Not Implemented", allowHeader())
	}
}

// validate returns a status code and reason when req must be refused
// before routing, or 0.
func (s *Server) validate(req *gosip.Request) (int, string) {
	if req.Via() == nil || req.From() == nil || req.To() == nil || req.CallID() == nil || req.CSeq() == nil {
		return 400, "Missing Required Header"
	}
	if req.CSeq().MethodName != req.Method {
		return 400, "CSeq Method Mismatch"
	}
	if tagOf(req.From().Params) == "" {
		return 400, "Missing From Tag"
	}
	if sc := req.Recipient.Scheme; sc != "sip" && sc != "sips" {
		return 416, "Unsupported URI Scheme"
	}
	if mf := req.MaxForwards(); mf != nil && mf.Val() == 0 && req.Method != gosip.OPTIONS {
		return 483, "Too Many Hops"
	}
	if len(req.Body()) > s.cfg.MaxBodySize {
		return 413, "Request Entity Too Large"
	}
	if s.looped(req) {
		return 482, "Loop Detected"
	}
	if r := header(req, "Require"); r != "" && !req.IsAck() && !req.IsCancel() {
		return 420, "Bad Extension"
	}
	return 0, ""
}

// looped tells whether req already went through us: a B2BUA never forwards
// Via headers, so our own sent-by in one means the request came back.
func (s *Server) looped(req *gosip.Request) bool {
	for _, h := range req.GetHeaders("Via") {
		via, ok := h.(*gosip.ViaHeader)
		if !ok || !strings.EqualFold(via.Host, s.host) {
			continue
		}
		for _, p := range s.ports {
			if via.Port == p {
				return true
			}
		}
	}
	return false
}

func (s *Server) handleOptions(req *gosip.Request, tx gosip.ServerTransaction) {
	s.reply(tx, req, 200, "OK", allowHeader(),
		gosip.NewHeader("Accept", accepted),
		gosip.NewHeader("Accept-Language", "en"))
}

func (s *Server) requestContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(s.ctx, requestTimeout)
}
