package sip

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/emiago/sipgo"
	gosip "github.com/emiago/sipgo/sip"
)

// register sends one REGISTER (answering a challenge) and returns the
// expiry the registrar granted.
func (r *trunkReg) register(ctx context.Context, s *Server, expiry time.Duration) (time.Duration, error) {
	req, err := r.request(s, expiry)
	if err != nil {
		return 0, err
	}
	res, err := s.client.Do(ctx, req)
	if err == nil && (res.StatusCode == 401 || res.StatusCode == 407) {
		user := r.cfg.AuthUsername
		if user == "" {
			user = r.cfg.Username
		}
		res, err = s.client.DoDigestAuth(ctx, req, res, sipgo.DigestAuth{Username: user, Password: r.cfg.Password})
	}
	r.cseq = req.CSeq().SeqNo + 1
	if expiry == 0 {
		return 0, err
	}
	return r.outcome(s, req, res, err, expiry)
}

func (r *trunkReg) outcome(s *Server, req *gosip.Request, res *gosip.Response, err error, asked time.Duration) (time.Duration, error) {
	if err != nil {
		r.setStatus(s, TrunkRegStatus{State: TrunkFailed, Reason: err.Error()})
		return 0, err
	}
	if !res.IsSuccess() {
		r.setStatus(s, TrunkRegStatus{State: TrunkFailed, Code: res.StatusCode, Reason: res.Reason})
		return 0, fmt.Errorf("sip: trunk %s registration refused: %d %s", r.cfg.Name, res.StatusCode, res.Reason)
	}
	granted := grantedExpiry(res, req.Contact(), asked)
	if granted <= 0 {
		err := errors.New("registrar granted no expiry")
		r.setStatus(s, TrunkRegStatus{State: TrunkFailed, Code: res.StatusCode, Reason: err.Error()})
		return 0, err
	}
	r.setStatus(s, TrunkRegStatus{State: TrunkRegistered, Code: res.StatusCode, Reason: res.Reason,
		Expires: s.clock.Now().Add(granted)})
	return granted, nil
}

func (r *trunkReg) request(s *Server, expiry time.Duration) (*gosip.Request, error) {
	var ruri gosip.Uri
	if err := gosip.ParseUri(r.cfg.Registrar, &ruri); err != nil {
		return nil, err
	}
	ruri.User = ""
	tp := upperTransport(ruri.UriParams.GetOr("transport", "udp"))
	if ruri.Scheme == "sips" {
		tp = "TLS"
	}
	if s.dialogs[tp] == nil {
		return nil, fmt.Errorf("sip: transport %s is not served", tp)
	}
	req := gosip.NewRequest(gosip.REGISTER, ruri)
	req.SetTransport(tp)
	if tp == "UDP" {
		req.Laddr = s.udpLaddr
	}
	aor := gosip.Uri{Scheme: "sip", User: r.cfg.Username, Host: r.cfg.Domain}
	from := &gosip.FromHeader{Address: aor, Params: gosip.NewParams()}
	from.Params.Add("tag", randomHex(8))
	callID := gosip.CallIDHeader(r.callID)
	contact := s.contact(tp, r.cfg.Username)
	exp := gosip.ExpiresHeader(uint32(expiry / time.Second))
	req.AppendHeader(from)
	req.AppendHeader(&gosip.ToHeader{Address: aor})
	req.AppendHeader(&callID)
	req.AppendHeader(&gosip.CSeqHeader{SeqNo: r.cseq, MethodName: gosip.REGISTER})
	req.AppendHeader(&contact)
	req.AppendHeader(&exp)
	req.AppendHeader(gosip.NewHeader("User-Agent", s.cfg.UserAgent))
	return req, nil
}

// grantedExpiry reads what the registrar granted for our contact: its
// expires parameter in the 200, else the Expires header, else what we asked.
func grantedExpiry(res *gosip.Response, ours *gosip.ContactHeader, asked time.Duration) time.Duration {
	for _, h := range res.GetHeaders("Contact") {
		c, ok := h.(*gosip.ContactHeader)
		if !ok || ours == nil || c.Address.User != ours.Address.User ||
			!strings.EqualFold(c.Address.Host, ours.Address.Host) || c.Address.Port != ours.Address.Port {
			continue
		}
		if v, ok := c.Params.Get("expires"); ok {
			if n, err := strconv.Atoi(v); err == nil {
				return time.Duration(n) * time.Second
			}
		}
	}
	if v := header(res, "Expires"); v != "" {
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
			return time.Duration(n) * time.Second
		}
	}
	return asked
}

func (r *trunkReg) setStatus(s *Server, st TrunkRegStatus) {
	r.mu.Lock()
	st.Name = r.cfg.Name
	st.Since = r.status.Since
	if st.State != r.status.State {
		st.Since = s.clock.Now()
	}
	changed := st.State != r.status.State || st.Code != r.status.Code
	r.status = st
	r.mu.Unlock()
	if changed {
		cp := st
		s.emit(Event{Kind: EventTrunkRegistration, Trunk: &cp, Reason: st.Reason})
	}
}
