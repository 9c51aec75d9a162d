package sip

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"

	gosip "github.com/emiago/sipgo/sip"
)

// buildInvite turns a DialRequest into the INVITE to send.
func (s *Server) buildInvite(r DialRequest) (*gosip.Request, string, Party, error) {
	target, dest, tp, toUser, err := s.dialTarget(r)
	if err != nil {
		return nil, "", Party{}, err
	}
	req := gosip.NewRequest(gosip.INVITE, target)
	req.SetTransport(tp)
	if dest != "" {
		req.SetDestination(dest)
	}
	if tp == "UDP" {
		req.Laddr = s.udpLaddr
	}
	fromUser, fromHost := r.FromUser, r.FromHost
	if fromUser == "" {
		fromUser = "hotline"
	}
	if fromHost == "" {
		fromHost = s.host
	}
	from := &gosip.FromHeader{DisplayName: r.FromDisplay,
		Address: gosip.Uri{Scheme: "sip", User: fromUser, Host: fromHost}, Params: gosip.NewParams()}
	from.Params.Add("tag", randomHex(8))
	if r.ToUser != "" {
		toUser = r.ToUser
	}
	to := &gosip.ToHeader{Address: gosip.Uri{Scheme: target.Scheme, User: toUser, Host: target.Host, Port: target.Port}}
	callID := gosip.CallIDHeader(randomHex(16) + "@" + s.host)
	mf := r.MaxForwards
	if mf <= 0 {
		mf = 70
	}
	maxFwd := gosip.MaxForwardsHeader(mf)
	req.AppendHeader(from)
	req.AppendHeader(to)
	req.AppendHeader(&callID)
	req.AppendHeader(&maxFwd)
	req.AppendHeader(gosip.HeaderClone(&s.dialogs[tp].ContactHDR))
	req.AppendHeader(gosip.NewHeader("User-Agent", s.cfg.UserAgent))
	req.AppendHeader(allowHeader())
	for _, h := range r.Headers {
		if reservedHeaders[strings.ToLower(h.Name)] || strings.ContainsAny(h.Name+h.Value, "\r\n") {
			return nil, "", Party{}, fmt.Errorf("sip: header %q cannot be set on a dial request", h.Name)
		}
		req.AppendHeader(gosip.NewHeader(h.Name, h.Value))
	}
	if len(r.SDP) > 0 {
		req.AppendHeader(gosip.NewHeader("Content-Type", "application/sdp"))
	}
	req.SetBody(r.SDP)
	return req, tp, partyOf("", to.Address), nil
}

// dialTarget resolves Request-URI, destination and transport.
func (s *Server) dialTarget(r DialRequest) (target gosip.Uri, dest, tp, toUser string, err error) {
	raw, dest, tp := r.URI, r.Destination, r.Transport
	if r.Contact != nil {
		raw = r.Contact.URI
		toUser = r.Contact.User
		if dest == "" {
			dest = r.Contact.Destination()
		}
		if tp == "" {
			tp = r.Contact.Transport
		}
	}
	if raw == "" {
		return target, "", "", "", fmt.Errorf("%w: dial request has neither Contact nor URI", ErrBadRequest)
	}
	if err := gosip.ParseUri(raw, &target); err != nil || (target.Scheme != "sip" && target.Scheme != "sips") || target.Host == "" {
		return target, "", "", "", fmt.Errorf("%w: dial URI %q is not a SIP URI", ErrBadRequest, raw)
	}
	target.Headers = nil
	if tp == "" {
		tp, _ = target.UriParams.Get("transport")
		if target.Scheme == "sips" {
			tp = "TLS"
		}
	}
	tp = upperTransport(tp)
	if s.dialogs[tp] == nil {
		return target, "", "", "", fmt.Errorf("%w: transport %s is not served", ErrBadRequest, tp)
	}
	if toUser == "" {
		toUser = target.User
	}
	return target, dest, tp, toUser, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
