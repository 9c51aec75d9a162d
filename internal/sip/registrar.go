package sip

import (
	"context"
	"net/netip"
	"strconv"
	"strings"
	"time"

	gosip "github.com/emiago/sipgo/sip"
)

// binding is one Contact of a REGISTER with the expiry it asks for.
type binding struct {
	uri     string
	host    string
	port    int
	expires time.Duration
}

// handleRegister implements the registrar of RFC 3261 section 10.3.
func (s *Server) handleRegister(req *gosip.Request, tx gosip.ServerTransaction) {
	user, ok := s.authenticate(req, tx, false)
	if !ok {
		return
	}
	if req.To().Address.User != user {
		s.stats.rejected.Add(1)
		s.reply(tx, req, 403, "Forbidden")
		return
	}
	bs, wildcard, code, reason := s.parseBindings(req)
	if code != 0 {
		if code == 400 {
			s.stats.malformed.Add(1)
		}
		var extra []gosip.Header
		if code == 423 {
			extra = append(extra, gosip.NewHeader("Min-Expires", strconv.Itoa(int(s.cfg.RegisterMinExpiry/time.Second))))
		}
		s.reply(tx, req, code, reason, extra...)
		return
	}
	ctx, cancel := s.requestContext()
	defer cancel()
	var err error
	if wildcard {
		err = s.unregisterAll(ctx, user)
	} else if len(bs) > 0 {
		code, reason, err = s.applyBindings(ctx, req, user, bs)
	}
	if err != nil {
		s.log.Error("sip: registry failed", "user", user, "error", err)
		s.reply(tx, req, 500, "Server Internal Error")
		return
	}
	if code != 0 {
		s.reply(tx, req, code, reason)
		return
	}
	s.replyBindings(ctx, req, tx, user)
}

// parseBindings reads the Contacts and their expiry. It returns a status
// code when the REGISTER must be refused.
func (s *Server) parseBindings(req *gosip.Request) (bs []binding, wildcard bool, code int, reason string) {
	hdrExpires := time.Duration(-1)
	if v := header(req, "Expires"); v != "" {
		n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 32)
		if err != nil {
			return nil, false, 400, "Bad Expires"
		}
		hdrExpires = time.Duration(n) * time.Second
	}
	hs := req.GetHeaders("Contact")
	for _, h := range hs {
		c, ok := h.(*gosip.ContactHeader)
		if !ok {
			return nil, false, 400, "Bad Contact"
		}
		if c.Address.Wildcard {
			if len(hs) != 1 || hdrExpires != 0 {
				return nil, false, 400, "Wildcard Contact Needs Expires 0"
			}
			return nil, true, 0, ""
		}
		b, ok := s.bindingOf(c, hdrExpires)
		if !ok {
			return nil, false, 400, "Bad Contact"
		}
		if b.expires > 0 && b.expires < s.cfg.RegisterMinExpiry {
			return nil, false, 423, "Interval Too Brief"
		}
		bs = append(bs, b)
	}
	return bs, false, 0, ""
}

func (s *Server) bindingOf(c *gosip.ContactHeader, hdrExpires time.Duration) (binding, bool) {
	if c.Address.Scheme != "sip" && c.Address.Scheme != "sips" || c.Address.Host == "" {
		return binding{}, false
	}
	exp := s.cfg.RegisterDefaultExpiry
	if hdrExpires >= 0 {
		exp = hdrExpires
	}
	if v, ok := c.Params.Get("expires"); ok {
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return binding{}, false
		}
		exp = time.Duration(n) * time.Second
	}
	exp = min(exp, s.cfg.RegisterMaxExpiry)
	u := c.Address.Clone()
	u.Headers = nil
	return binding{uri: u.String(), host: u.Host, port: u.Port, expires: exp}, true
}

// applyBindings saves and removes bindings, then reports what changed. A
// status code is returned when the REGISTER must be refused as a whole.
func (s *Server) applyBindings(ctx context.Context, req *gosip.Request, user string, bs []binding) (int, string, error) {
	current, err := s.registry.Contacts(ctx, user)
	if err != nil {
		return 0, "", err
	}
	existing := make(map[string]Contact, len(current))
	for _, c := range current {
		existing[c.URI] = c
	}
	if code, reason := s.checkBindings(req, existing, bs); code != 0 {
		return code, reason, nil
	}
	var reg, ref, unreg []Contact
	for _, b := range bs {
		ex, existed := existing[b.uri]
		if b.expires == 0 {
			c, ok, err := s.registry.Delete(ctx, user, b.uri)
			if err != nil {
				return 0, "", err
			}
			if ok {
				unreg = append(unreg, c)
			}
			continue
		}
		c := s.newBinding(req, user, b)
		if existed {
			c.Registered = ex.Registered
		}
		if err := s.registry.Save(ctx, c); err != nil {
			return 0, "", err
		}
		if !existed {
			reg = append(reg, c)
			continue
		}
		ref = append(ref, c)
		if !ex.Reachable {
			s.emit(Event{Kind: EventReachability, User: user, Contacts: []Contact{c}, Reachable: true})
		}
	}
	s.emitBindings(user, reg, ref, unreg, "unregister")
	return 0, "", nil
}

// checkBindings applies RFC 3261 10.3 step 7 (a REGISTER older than the
// binding it updates fails) and the per-user contact limit.
func (s *Server) checkBindings(req *gosip.Request, existing map[string]Contact, bs []binding) (int, string) {
	callID, cseq := req.CallID().Value(), req.CSeq().SeqNo
	added := 0
	for _, b := range bs {
		ex, ok := existing[b.uri]
		if ok && ex.CallID == callID && cseq <= ex.CSeq {
			return 500, "Out Of Order"
		}
		if !ok && b.expires > 0 {
			added++
		}
	}
	if len(existing)+added > s.cfg.MaxContactsPerUser {
		s.stats.rejected.Add(1)
		return 403, "Too Many Contacts"
	}
	return 0, ""
}

// newBinding records the contact with the address it really came from.
func (s *Server) newBinding(req *gosip.Request, user string, b binding) Contact {
	now := s.clock.Now()
	src := parseAddrPort(req.Source())
	return Contact{
		User: user, URI: b.uri, Source: src, Transport: upperTransport(req.Transport()),
		Expires: now.Add(b.expires), CallID: req.CallID().Value(), CSeq: req.CSeq().SeqNo,
		UserAgent: header(req, "User-Agent"), Registered: now, Reachable: true, NAT: behindNAT(b, src),
	}
}

// behindNAT reports whether the phone's advertised address is not the one
// its request came from. Only the IP counts: a client that registers from
// one socket and takes calls on another (sipp's REGISTER and UAS processes,
// some softphones) advertises its own IP with a different port, and calls
// must go to the advertised port; a phone behind NAT advertises a private
// IP that differs from the observed one.
func behindNAT(b binding, src netip.AddrPort) bool {
	ip, err := netip.ParseAddr(strings.Trim(b.host, "[]"))
	return err != nil || ip.Unmap() != src.Addr().Unmap()
}

func (s *Server) emitBindings(user string, reg, ref, unreg []Contact, why string) {
	if len(reg) > 0 {
		s.emit(Event{Kind: EventRegistered, User: user, Contacts: reg})
	}
	if len(ref) > 0 {
		s.emit(Event{Kind: EventRefreshed, User: user, Contacts: ref})
	}
	if len(unreg) > 0 {
		s.emit(Event{Kind: EventUnregistered, User: user, Contacts: unreg, Reason: why})
	}
}

func (s *Server) unregisterAll(ctx context.Context, user string) error {
	current, err := s.registry.Contacts(ctx, user)
	if err != nil {
		return err
	}
	var gone []Contact
	for _, c := range current {
		if d, ok, err := s.registry.Delete(ctx, user, c.URI); err != nil {
			return err
		} else if ok {
			gone = append(gone, d)
		}
	}
	s.emitBindings(user, nil, nil, gone, "unregister")
	return nil
}

// replyBindings answers 200 with every current binding and its remaining
// lifetime, as RFC 3261 10.3 step 8 asks.
func (s *Server) replyBindings(ctx context.Context, req *gosip.Request, tx gosip.ServerTransaction, user string) {
	current, err := s.registry.Contacts(ctx, user)
	if err != nil {
		s.reply(tx, req, 500, "Server Internal Error")
		return
	}
	now := s.clock.Now()
	hdrs := make([]gosip.Header, 0, len(current)+1)
	for _, c := range current {
		left := int((c.Expires.Sub(now) + time.Second/2) / time.Second)
		hdrs = append(hdrs, gosip.NewHeader("Contact", "<"+c.URI+">;expires="+strconv.Itoa(max(left, 1))))
	}
	hdrs = append(hdrs, gosip.NewHeader("Date", now.UTC().Format("Mon, 02 Jan 2006 15:04:05 GMT")))
	s.reply(tx, req, 200, "OK", hdrs...)
}

// expireBindings removes bindings that ran out and reports them.
func (s *Server) expireBindings(ctx context.Context) {
	gone, err := s.registry.Expire(ctx, s.clock.Now())
	if err != nil {
		s.log.Error("sip: expiring registrations failed", "error", err)
		return
	}
	byUser := map[string][]Contact{}
	var order []string
	for _, c := range gone {
		if _, ok := byUser[c.User]; !ok {
			order = append(order, c.User)
		}
		byUser[c.User] = append(byUser[c.User], c)
	}
	for _, u := range order {
		s.emitBindings(u, nil, nil, byUser[u], "expired")
	}
}
