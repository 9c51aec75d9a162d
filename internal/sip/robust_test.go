package sip

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gosip "github.com/emiago/sipgo/sip"
)

// rawPeer sends hand-written datagrams, as a scanner or a broken phone would.
type rawPeer struct {
	t    *testing.T
	conn *net.UDPConn
	to   *net.UDPAddr
}

func newRawPeer(t *testing.T, to netip.AddrPort) *rawPeer {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &rawPeer{t: t, conn: c, to: net.UDPAddrFromAddrPort(to)}
}

func (p *rawPeer) port() int { return p.conn.LocalAddr().(*net.UDPAddr).Port }

func (p *rawPeer) send(msg string) {
	p.t.Helper()
	if _, err := p.conn.WriteToUDP([]byte(strings.ReplaceAll(msg, "\n", "\r\n")), p.to); err != nil {
		p.t.Fatal(err)
	}
}

// status reads the next response's status line ("" on timeout).
func (p *rawPeer) status(timeout time.Duration) string {
	p.t.Helper()
	buf := make([]byte, 65535)
	_ = p.conn.SetReadDeadline(time.Now().Add(timeout))
	n, _, err := p.conn.ReadFromUDP(buf)
	if err != nil {
		return ""
	}
	line, _, _ := strings.Cut(string(buf[:n]), "\r\n")
	return line
}

// request renders a request with the usual headers; extra lines are added
// and headers named in drop are left out.
func (p *rawPeer) request(method, ruri, extra, body string, drop ...string) string {
	hdrs := []string{
		fmt.Sprintf("Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK%d;rport", p.port(), time.Now().UnixNano()),
		fmt.Sprintf("From: <sip:raw@127.0.0.1:%d>;tag=raw1", p.port()),
		"To: <" + ruri + ">",
		fmt.Sprintf("Call-ID: raw-%d@127.0.0.1", time.Now().UnixNano()),
		"CSeq: 1 " + method,
		"Max-Forwards: 70",
	}
	var b strings.Builder
	b.WriteString(method + " " + ruri + " SIP/2.0\n")
	for _, h := range hdrs {
		name, _, _ := strings.Cut(h, ":")
		skip := false
		for _, d := range drop {
			skip = skip || d == name
		}
		if !skip {
			b.WriteString(h + "\n")
		}
	}
	if extra != "" {
		b.WriteString(extra + "\n")
	}
	fmt.Fprintf(&b, "Content-Length: %d\n\n%s", len(strings.ReplaceAll(body, "\n", "\r\n")), body)
	return b.String()
}

func TestMalformedAndUnsupportedRequests(t *testing.T) {
	ts := startServer(t, Config{MaxBodySize: 1000}, Deps{})
	p := newRawPeer(t, ts.Addr("udp"))
	ruri := "sip:" + ts.Addr("udp").String()
	self := fmt.Sprintf("Via: SIP/2.0/UDP %s:%d;branch=z9hG4bKloop", ts.Host(), ts.Addr("udp").Port())
	for _, tc := range []struct {
		name, msg, want string
	}{
		{"no From", p.request("OPTIONS", ruri, "", "", "From"), "SIP/2.0 400"},
		{"no Call-ID", p.request("OPTIONS", ruri, "", "", "Call-ID"), "SIP/2.0 400"},
		{"CSeq method mismatch", strings.Replace(p.request("OPTIONS", ruri, "", ""), "CSeq: 1 OPTIONS", "CSeq: 1 INVITE", 1), "SIP/2.0 400"},
		{"unknown method", p.request("FROBNICATE", ruri, "", ""), "SIP/2.0 501"},
		{"unsupported method", p.request("SUBSCRIBE", ruri, "Event: presence", ""), "SIP/2.0 405"},
		{"BYE outside a dialog", p.request("BYE", ruri, "", ""), "SIP/2.0 481"},
		{"Max-Forwards 0", strings.Replace(p.request("INVITE", ruri, "Contact: <sip:raw@127.0.0.1>", ""), "Max-Forwards: 70", "Max-Forwards: 0", 1), "SIP/2.0 483"},
		{"body too large", p.request("MESSAGE", ruri, "Content-Type: text/plain", strings.Repeat("x", 1001)), "SIP/2.0 413"},
		{"required extension", p.request("INVITE", ruri, "Require: 100rel\nContact: <sip:raw@127.0.0.1>", ""), "SIP/2.0 420"},
		{"tel URI", p.request("INVITE", "tel:+861234", "Contact: <sip:raw@127.0.0.1>", ""), "SIP/2.0 416"},
		{"loop", p.request("OPTIONS", ruri, self, ""), "SIP/2.0 482"},
		{"in-dialog request for no dialog", strings.Replace(p.request("INFO", ruri, "", ""), "To: <"+ruri+">", "To: <"+ruri+">;tag=nope", 1), "SIP/2.0 481"},
	} {
		p.send(tc.msg)
		if got := p.status(2 * time.Second); !strings.HasPrefix(got, tc.want) {
			t.Errorf("%s: got %q, want %s", tc.name, got, tc.want)
		}
	}
	st := ts.Stats()
	if st.Malformed < 3 || st.Rejected < 6 || st.Panics != 0 {
		t.Fatalf("stats %+v", st)
	}
}

// Messages sipgo cannot parse are dropped without an answer and counted;
// the server keeps serving. This also pins the sipgo log text the counter
// relies on.
func TestUnparsableIsCounted(t *testing.T) {
	ts := startServer(t, Config{}, Deps{})
	p := newRawPeer(t, ts.Addr("udp"))
	for _, junk := range []string{
		"\x00\x01garbage that is not SIP\n\n",
		"INVITE sip:x SIP/2.0\nVia: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bKx\nCSeq: notanumber INVITE\nContent-Length: 0\n\n",
		"SIP/2.0 200\n\n",
	} {
		p.send(junk)
	}
	eventually(t, 2*time.Second, "unparsable messages to be counted", func() bool {
		return ts.Stats().Unparsable >= 2
	})
	p.send(p.request("OPTIONS", "sip:"+ts.Addr("udp").String(), "", ""))
	if got := p.status(2 * time.Second); !strings.HasPrefix(got, "SIP/2.0 200") {
		t.Fatalf("server stopped answering after junk: %q", got)
	}
}

// response reads the next SIP response (nil on timeout), skipping requests.
func (p *rawPeer) response(timeout time.Duration) *gosip.Response {
	p.t.Helper()
	buf := make([]byte, 65535)
	deadline := time.Now().Add(timeout)
	for {
		_ = p.conn.SetReadDeadline(deadline)
		n, _, err := p.conn.ReadFromUDP(buf)
		if err != nil {
			return nil
		}
		msg, err := gosip.ParseMessage(append([]byte(nil), buf[:n]...))
		if res, ok := msg.(*gosip.Response); ok && err == nil {
			return res
		}
	}
}

// A burst of DTMF INFOs sent without waiting for answers reaches the owner
// in CSeq order, although sipgo handles each datagram on its own goroutine.
func TestInfoBurstKeepsOrder(t *testing.T) {
	ts := startServer(t, Config{}, Deps{Trunks: loopbackTrunk{}})
	var mu sync.Mutex
	var digits strings.Builder
	legs := make(chan *InboundLeg, 1)
	ts.OnInvite(func(ctx context.Context, leg *InboundLeg) {
		leg.OnInfo(func(b Body) {
			mu.Lock()
			digits.WriteString(strings.TrimPrefix(string(b.Data), "Signal="))
			mu.Unlock()
		})
		legs <- leg
		if leg.Answer(ctx, testSDP(t)) == nil {
			<-leg.Done()
		}
	})
	p := newRawPeer(t, ts.Addr("udp"))
	ruri := "sip:95500@" + ts.Addr("udp").String()
	invite := p.request("INVITE", ruri, fmt.Sprintf("Contact: <sip:raw@127.0.0.1:%d>", p.port()), "")
	p.send(invite)
	var ok *gosip.Response
	for ok == nil {
		res := p.response(5 * time.Second)
		if res == nil {
			t.Fatal("no 200 to INVITE")
		}
		if res.StatusCode == 200 {
			ok = res
		}
	}
	dialog := func(method string, cseq int, extra, body string) string {
		m := strings.Replace(invite, "INVITE "+ruri, method+" "+ruri, 1)
		m = strings.Replace(m, "CSeq: 1 INVITE", fmt.Sprintf("CSeq: %d %s", cseq, method), 1)
		m = strings.Replace(m, "To: <"+ruri+">", "To: "+ok.To().Value(), 1)
		m = strings.Replace(m, "branch=z9hG4bK", fmt.Sprintf("branch=z9hG4bK%s%d", method, cseq), 1)
		head, _, _ := strings.Cut(m, "Content-Length:")
		return fmt.Sprintf("%s%sContent-Length: %d\n\n%s", head, extra, len(body), body)
	}
	p.send(dialog("ACK", 1, "", ""))
	leg := recvLeg(t, legs)
	for i := 0; i < 10; i++ {
		p.send(dialog("INFO", 2+i, "Content-Type: application/dtmf-relay\n", strconv.Itoa(i)))
	}
	for i := 0; i < 10; i++ {
		if res := p.response(5 * time.Second); res == nil || res.StatusCode != 200 {
			t.Fatalf("INFO answer %d: %v", i, res)
		}
	}
	p.send(dialog("BYE", 12, "", ""))
	waitDone(t, leg.Done(), "leg")
	mu.Lock()
	defer mu.Unlock()
	if digits.String() != "0123456789" {
		t.Fatalf("digits arrived as %q", digits.String())
	}
}
