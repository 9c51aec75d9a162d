package sip

import (
	"context"
	"net/netip"
	"strings"
	"sync"
	"testing"

	gosip "github.com/emiago/sipgo/sip"
)

// fakeTx is a server transaction that records responses: the fuzz target
// drives the request path without sockets.
type fakeTx struct {
	mu        sync.Mutex
	responses []*gosip.Response
	done      chan struct{}
	once      sync.Once
	acks      chan *gosip.Request
}

func newFakeTx() *fakeTx { return &fakeTx{done: make(chan struct{}), acks: make(chan *gosip.Request)} }

func (f *fakeTx) Respond(res *gosip.Response) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.responses = append(f.responses, res)
	return nil
}
func (f *fakeTx) Acks() <-chan *gosip.Request          { return f.acks }
func (f *fakeTx) OnCancel(gosip.FnTxCancel) bool       { return true }
func (f *fakeTx) Terminate()                           { f.once.Do(func() { close(f.done) }) }
func (f *fakeTx) OnTerminate(gosip.FnTxTerminate) bool { return true }
func (f *fakeTx) Done() <-chan struct{}                { return f.done }
func (f *fakeTx) Err() error                           { return nil }
func (f *fakeTx) codes() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []int
	for _, r := range f.responses {
		out = append(out, r.StatusCode)
	}
	return out
}

type trustAll struct{}

func (trustAll) MatchTrunk(netip.AddrPort, string) (Trunk, bool) {
	return Trunk{ID: "t", Name: "fuzz"}, true
}

// FuzzRequestHandling feeds raw datagrams through sipgo's parser into the
// server's own request path (validation, registrar, digest parsing, INVITE
// and leg creation, in-dialog routing). Every request but ACK must get a
// final response, and no handler may panic.
func FuzzRequestHandling(f *testing.F) {
	for _, seed := range []string{
		"OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
		"REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK2;rport\r\nFrom: <sip:1001@h>;tag=2\r\nTo: <sip:1001@h>\r\nCall-ID: r\r\nCSeq: 2 REGISTER\r\nContact: <sip:1001@10.0.0.1>;expires=60, *\r\nAuthorization: Digest username=\"1001\", realm=\"hotline.test\", nonce=\"AAAA\", uri=\"sip:127.0.0.1\", response=\"00\", qop=auth, nc=00000001, cnonce=\"c\"\r\nExpires: 30\r\nContent-Length: 0\r\n\r\n",
		"INVITE sip:4000@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK3\r\nFrom: \"A\" <sip:a@b>;tag=3\r\nTo: <sip:4000@127.0.0.1>\r\nCall-ID: i\r\nCSeq: 1 INVITE\r\nContact: <sip:a@10.0.0.1>\r\nMax-Forwards: 5\r\nContent-Type: application/sdp\r\nContent-Length: 10\r\n\r\nv=0\r\no=x\r\n",
		"BYE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK4\r\nFrom: <sip:a@b>;tag=4\r\nTo: <sip:c@d>;tag=5\r\nCall-ID: i\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n",
		"ACK sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK5\r\nFrom: <sip:a@b>;tag=4\r\nTo: <sip:c@d>;tag=5\r\nCall-ID: i\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n",
		"garbage\r\n\r\n",
	} {
		f.Add([]byte(seed))
	}
	accounts := newTestAccounts(f, testRealm, map[string]string{"1001": "pw"})
	s, err := New(Config{Addr: "127.0.0.1:0", Realm: testRealm, QualifyInterval: -1},
		Deps{Accounts: accounts, Trunks: trustAll{}, Logger: testLogger()})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	s.OnInvite(func(ctx context.Context, leg *InboundLeg) { _ = leg.Reject(486, "Busy Here") })
	parser := gosip.NewParser()
	f.Fuzz(func(t *testing.T, data []byte) {
		msg, err := parser.ParseSIP(data)
		if err != nil {
			return
		}
		req, ok := msg.(*gosip.Request)
		if !ok || req.Via() == nil || req.CSeq() == nil {
			return // sipgo drops these before any handler runs
		}
		req.SetTransport("UDP")
		req.SetSource("10.0.0.1:5060")
		tx := newFakeTx()
		before := s.Stats().Panics
		s.handleRequest(req, tx)
		if s.Stats().Panics != before {
			t.Fatalf("handler panicked on %q", data)
		}
		codes := tx.codes()
		if req.IsAck() {
			return
		}
		if len(codes) == 0 || codes[len(codes)-1] < 200 {
			t.Fatalf("no final response (%v) to %q", codes, strings.SplitN(string(data), "\r\n", 2)[0])
		}
	})
}

// FuzzParseCredentials feeds arbitrary Authorization values to the digest
// parser: it must not panic, and what it accepts must be usable.
func FuzzParseCredentials(f *testing.F) {
	f.Add(rfc7616Header(algSHA256, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"))
	f.Add(`Digest username="a\"b", nonce=n, uri="sip:x", response=r, qop=auth, nc=00000001, cnonce="c"`)
	f.Add(`Digest username=, realm="`)
	f.Fuzz(func(t *testing.T, v string) {
		c, err := parseCredentials(v)
		if err != nil {
			return
		}
		if c.username == "" || c.nonce == "" || c.uri == "" || c.response == "" {
			t.Fatalf("accepted incomplete credentials %+v from %q", c, v)
		}
		_ = c.checkResponse("REGISTER", "00")
	})
}
