package sip

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// registerWith sends a REGISTER answering nonce with password pass and
// returns the whole response text.
func registerWith(t *testing.T, p *rawPeer, nonce, pass string, cseq int) string {
	t.Helper()
	ruri := "sip:" + p.to.String()
	ha1, _ := HA1(algMD5, "1001", testRealm, pass)
	h, _ := newHash(algMD5)
	resp := digestResponse(h, ha1, nonce, "00000001", "cn", "auth", "REGISTER", ruri)
	auth := fmt.Sprintf(`Authorization: Digest username="1001", realm="%s", nonce="%s", uri="%s", response="%s", `+
		`algorithm=MD5, qop=auth, nc=00000001, cnonce="cn"`, testRealm, nonce, ruri, resp)
	msg := p.request("REGISTER", ruri, auth+fmt.Sprintf("\nContact: <sip:1001@127.0.0.1:%d>", p.port()), "")
	msg = strings.Replace(msg, "To: <"+ruri+">", "To: <sip:1001@127.0.0.1>", 1)
	msg = strings.Replace(msg, "CSeq: 1 REGISTER", fmt.Sprintf("CSeq: %d REGISTER", cseq), 1)
	p.send(msg)
	res := p.response(2 * time.Second)
	if res == nil {
		t.Fatal("no answer to REGISTER")
	}
	return res.String()
}

// A correct response to an expired nonce earns a stale=true challenge, not
// a failure; the phone retries with the new nonce and gets in.
func TestStaleNonceGetsStaleChallenge(t *testing.T) {
	clock := &fakeClock{t: time.Now()}
	ts := startServer(t, Config{NonceLifetime: time.Minute, DigestAlgorithms: []string{algMD5}}, Deps{Clock: clock})
	p := newRawPeer(t, ts.Addr("udp"))
	old := ts.nonces.issue()
	clock.Advance(2 * time.Minute)
	res := registerWith(t, p, old, "s3cret-1001", 1)
	if !strings.HasPrefix(res, "SIP/2.0 401") || !strings.Contains(res, "stale=true") {
		t.Fatalf("expired nonce answered:\n%s", res)
	}
	_, after, _ := strings.Cut(res, `nonce="`)
	fresh, _, _ := strings.Cut(after, `"`)
	if res := registerWith(t, p, fresh, "s3cret-1001", 2); !strings.HasPrefix(res, "SIP/2.0 200") {
		t.Fatalf("fresh nonce answered:\n%s", res)
	}
	if st := ts.Stats(); st.AuthFailures != 0 {
		t.Fatalf("stale nonce counted as a failure: %+v", st)
	}
	// A wrong password with an expired nonce is a failure, not stale.
	clock.Advance(2 * time.Minute)
	if res := registerWith(t, p, fresh, "wrong", 3); !strings.HasPrefix(res, "SIP/2.0 403") {
		t.Fatalf("wrong password on stale nonce answered:\n%s", res)
	}
	// A nonce we never signed, with a right response, is only re-challenged.
	forged := strings.Repeat("A", nonceLen)
	if res := registerWith(t, p, forged, "s3cret-1001", 4); !strings.HasPrefix(res, "SIP/2.0 401") {
		t.Fatalf("foreign nonce answered:\n%s", res)
	}
}

// Disabled accounts are refused like wrong passwords.
func TestDisabledAccountRefused(t *testing.T) {
	ts := startServer(t, Config{DigestAlgorithms: []string{algMD5}}, Deps{})
	ts.accounts.set(t, testRealm, "1001", "s3cret-1001", false)
	p := newRawPeer(t, ts.Addr("udp"))
	if res := registerWith(t, p, ts.nonces.issue(), "s3cret-1001", 1); !strings.HasPrefix(res, "SIP/2.0 403") {
		t.Fatalf("disabled account answered:\n%s", res)
	}
	ev := ts.events.wait(t, time.Second, isKind(EventAuthFailed))
	if ev.Reason != "account disabled" {
		t.Fatalf("event %+v", ev)
	}
}

// A legacy client (libre 1.x) is challenged with MD5 only; others with
// every configured algorithm, SHA-256 first.
func TestChallengeAlgorithmsPerClient(t *testing.T) {
	ts := startServer(t, Config{}, Deps{})
	p := newRawPeer(t, ts.Addr("udp"))
	ruri := "sip:" + ts.Addr("udp").String()
	for ua, want := range map[string][]string{
		"baresip v1.0.0 (x86_64/linux)": {"algorithm=MD5"},
		"Yealink SIP-T46S 66.86.0.15":   {"algorithm=SHA-256", "algorithm=MD5"},
	} {
		p.send(p.request("REGISTER", ruri, "User-Agent: "+ua+"\nContact: <sip:1001@127.0.0.1:5>", ""))
		res := p.response(2 * time.Second)
		if res == nil || res.StatusCode != 401 {
			t.Fatalf("%s: %v", ua, res)
		}
		var got []string
		for _, h := range res.GetHeaders("WWW-Authenticate") {
			_, alg, _ := strings.Cut(h.Value(), "algorithm=")
			alg, _, _ = strings.Cut(alg, ",")
			got = append(got, "algorithm="+alg)
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: challenges %v, want %v", ua, got, want)
		}
	}
}
