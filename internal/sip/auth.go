package sip

import (
	"errors"
	"net/netip"
	"strings"

	gosip "github.com/emiago/sipgo/sip"
)

// authenticate checks digest credentials on a REGISTER (proxy=false:
// Authorization, 401) or an INVITE (proxy=true: Proxy-Authorization, 407).
// It returns the authenticated username; when ok is false it has already
// answered the request (challenge, 403 or 500).
func (s *Server) authenticate(req *gosip.Request, tx gosip.ServerTransaction, proxy bool) (string, bool) {
	src := parseAddrPort(req.Source())
	if _, banned := s.limiter.bannedUntil(src.Addr()); banned {
		s.stats.rejected.Add(1)
		s.reply(tx, req, 403, "Forbidden")
		return "", false
	}
	name := "Authorization"
	if proxy {
		name = "Proxy-Authorization"
	}
	cred, found, malformed := s.findCredentials(req, name)
	switch {
	case malformed:
		s.authFailed(req, tx, src, "", "malformed credentials")
		return "", false
	case !found:
		s.challenge(req, tx, proxy, false)
		return "", false
	}
	return s.verify(req, tx, proxy, src, cred)
}

func (s *Server) verify(req *gosip.Request, tx gosip.ServerTransaction, proxy bool, src netip.AddrPort, cred credentials) (string, bool) {
	ctx, cancel := s.requestContext()
	defer cancel()
	acct, err := s.accounts.SIPAccount(ctx, cred.username)
	switch {
	case errors.Is(err, ErrUnknownAccount):
		s.authFailed(req, tx, src, cred.username, "unknown user")
		return "", false
	case err != nil:
		s.log.Error("sip: account lookup failed", "user", cred.username, "error", err)
		s.reply(tx, req, 500, "Server Internal Error")
		return "", false
	case !acct.Enabled:
		s.authFailed(req, tx, src, cred.username, "account disabled")
		return "", false
	}
	ha1, offered := s.ha1For(acct, cred.algorithm, header(req, "User-Agent"))
	if !offered || !cred.checkResponse(string(req.Method), ha1) || !uriMatches(cred.uri, req.Recipient) {
		s.authFailed(req, tx, src, cred.username, "wrong credentials")
		return "", false
	}
	// The response is right, so the client knows the password. A nonce we
	// did not sign lately (expired, or from before a restart) only needs a
	// silent retry: stale=true tells the phone not to ask its user.
	if s.nonces.check(cred.nonce) != nonceFresh {
		s.challenge(req, tx, proxy, true)
		return "", false
	}
	return acct.Username, true
}

// ha1For picks the stored HA1 for the algorithm the client answered with,
// and whether we offered that algorithm at all.
func (s *Server) ha1For(a Account, algorithm, ua string) (string, bool) {
	if algorithm == "" {
		algorithm = algMD5
	}
	offered := algorithm == algMD5 && s.legacyDigestClient(ua)
	for _, alg := range s.cfg.DigestAlgorithms {
		offered = offered || alg == algorithm
	}
	switch algorithm {
	case algMD5:
		return a.HA1MD5, offered
	case algSHA256:
		return a.HA1SHA256, offered
	}
	return "", false
}

// findCredentials returns the first credentials for our realm. Headers for
// other realms are someone else's business and ignored.
func (s *Server) findCredentials(req *gosip.Request, name string) (cred credentials, found, malformed bool) {
	for _, h := range req.GetHeaders(name) {
		c, err := parseCredentials(h.Value())
		if err != nil {
			malformed = true
			continue
		}
		if c.realm == s.cfg.Realm {
			return c, true, false
		}
	}
	return credentials{}, false, malformed
}

// uriMatches checks the digest-uri names the Request-URI, so a response
// captured for a call to one number cannot be replayed to dial another.
// A digest-uri without user part (sipp computes it as sip:host:port) is
// accepted for the same host: only that client's own responses are then
// replayable across numbers.
func uriMatches(digestURI string, r gosip.Uri) bool {
	var u gosip.Uri
	if err := gosip.ParseUri(digestURI, &u); err != nil {
		return false
	}
	return (u.User == "" || u.User == r.User) && strings.EqualFold(u.Host, r.Host) && u.Port == r.Port
}

func (s *Server) challenge(req *gosip.Request, tx gosip.ServerTransaction, proxy, stale bool) {
	s.stats.challenges.Add(1)
	code, reason, name := 401, "Unauthorized", "WWW-Authenticate"
	if proxy {
		code, reason, name = 407, "Proxy Authentication Required", "Proxy-Authenticate"
	}
	nonce := s.nonces.issue()
	algs := s.cfg.DigestAlgorithms
	if s.legacyDigestClient(header(req, "User-Agent")) {
		algs = []string{algMD5}
	}
	hdrs := make([]gosip.Header, 0, len(algs))
	for _, alg := range algs {
		hdrs = append(hdrs, gosip.NewHeader(name, challenge(s.cfg.Realm, nonce, alg, stale)))
	}
	s.reply(tx, req, code, reason, hdrs...)
}

func (s *Server) legacyDigestClient(ua string) bool {
	if ua == "" {
		return false
	}
	ua = strings.ToLower(ua)
	for _, sub := range s.cfg.DigestLegacyUserAgents {
		if sub != "" && strings.Contains(ua, strings.ToLower(sub)) {
			return true
		}
	}
	return false
}

// authFailed counts a failure against the source, may ban it, and refuses
// the request with 403 (no new challenge: a wrong password stays wrong).
func (s *Server) authFailed(req *gosip.Request, tx gosip.ServerTransaction, src netip.AddrPort, user, reason string) {
	s.stats.authFailures.Add(1)
	s.log.Info("sip: authentication failed", "source", src.String(), "user", user, "reason", reason,
		"method", string(req.Method))
	s.emit(Event{Kind: EventAuthFailed, Source: src, User: user, Reason: reason})
	if until, banned := s.limiter.fail(src.Addr()); banned {
		s.stats.bans.Add(1)
		s.log.Warn("sip: source banned after repeated authentication failures",
			"source", src.Addr().String(), "until", until)
		s.emit(Event{Kind: EventSourceBanned, Source: src, Until: until})
	}
	s.reply(tx, req, 403, "Forbidden")
}
