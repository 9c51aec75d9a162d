package sip

import (
	"net"
	"strings"

	gosip "github.com/emiago/sipgo/sip"
)

// allowed lists the methods we implement (Allow header).
const allowed = "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, INFO, REFER, NOTIFY"

// accepted lists the bodies we take (Accept header).
const accepted = "application/sdp, application/dtmf-relay, application/dtmf, message/sipfrag"

// newResponse builds a response and completes the top Via as RFC 3261
// 18.2.1 and RFC 3581 ask: received= when the sent-by host is not the
// packet's source (sipgo only does it when rport was requested).
func (s *Server) newResponse(req *gosip.Request, code int, reason string, body []byte) *gosip.Response {
	res := gosip.NewResponseFromRequest(req, code, reason, body)
	if via := res.Via(); via != nil && !via.Params.Has("received") {
		if host, _, err := net.SplitHostPort(req.Source()); err == nil && host != "" &&
			!strings.EqualFold(strings.Trim(via.Host, "[]"), host) {
			via.Params.Add("received", host)
		}
	}
	res.AppendHeader(gosip.NewHeader("Server", s.cfg.UserAgent))
	return res
}

// reply answers req statelessly-simple: build, add headers, send.
func (s *Server) reply(tx gosip.ServerTransaction, req *gosip.Request, code int, reason string, hdrs ...gosip.Header) {
	res := s.newResponse(req, code, reason, nil)
	for _, h := range hdrs {
		res.AppendHeader(h)
	}
	if err := tx.Respond(res); err != nil {
		s.log.Debug("sip: respond failed", "code", code, "method", string(req.Method), "error", err)
	}
}

func allowHeader() gosip.Header { return gosip.NewHeader("Allow", allowed) }

// header returns a header's value or "".
func header(m gosip.Message, name string) string {
	if hs := m.GetHeaders(name); len(hs) > 0 {
		return hs[0].Value()
	}
	return ""
}

func contentType(m gosip.Message) string { return header(m, "Content-Type") }

// isSDP tells whether a body of content type ct is a session description.
func isSDP(ct string) bool {
	ct, _, _ = strings.Cut(ct, ";")
	return strings.EqualFold(strings.TrimSpace(ct), "application/sdp")
}

func tagOf(p gosip.HeaderParams) string {
	t, _ := p.Get("tag")
	return t
}
