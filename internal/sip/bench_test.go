package sip

import (
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkRegisterThroughput measures authenticated REGISTERs per second
// over UDP loopback: 16 phones, each refreshing its binding as fast as the
// server answers. Every REGISTER is fully verified (nonce HMAC, digest,
// account lookup) and stored; the stateless nonce lets a phone reuse one
// challenge, as real phones do for refreshes.
//
//	go test -run xxx -bench RegisterThroughput -benchtime 20000x ./internal/sip/
func BenchmarkRegisterThroughput(b *testing.B) {
	ts := startServer(b, Config{DigestAlgorithms: []string{algMD5}}, Deps{Observer: ObserverFunc(func(Event) {})})
	const phones = 16
	for i := 0; i < phones; i++ {
		ts.accounts.set(b, testRealm, fmt.Sprintf("b%d", i), "pw", true)
	}
	server := net.UDPAddrFromAddrPort(ts.Addr("udp"))
	nonce := benchNonce(b, server)
	var wg sync.WaitGroup
	per := b.N/phones + 1
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < phones; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := benchPhone(server, fmt.Sprintf("b%d", i), nonce, per); err != nil {
				b.Error(err)
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(per*phones)/time.Since(start).Seconds(), "registers/s")
}

func benchNonce(b *testing.B, server *net.UDPAddr) string {
	b.Helper()
	c, err := net.DialUDP("udp4", nil, server)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	res, err := benchExchange(c, benchRegister(c, "b0", 1, ""))
	if err != nil {
		b.Fatal(err)
	}
	_, after, ok := strings.Cut(res, `nonce="`)
	if !ok {
		b.Fatalf("no challenge in %q", res)
	}
	nonce, _, _ := strings.Cut(after, `"`)
	return nonce
}

func benchPhone(server *net.UDPAddr, user, nonce string, n int) error {
	c, err := net.DialUDP("udp4", nil, server)
	if err != nil {
		return err
	}
	defer c.Close()
	ha1, _ := HA1(algMD5, user, testRealm, "pw")
	h, _ := newHash(algMD5)
	uri := "sip:" + server.String()
	auth := fmt.Sprintf(`Authorization: Digest username="%s", realm="%s", nonce="%s", uri="%s", response="%s", `+
		`algorithm=MD5, qop=auth, nc=00000001, cnonce="bench"`, user, testRealm, nonce, uri,
		digestResponse(h, ha1, nonce, "00000001", "bench", "auth", "REGISTER", uri))
	for i := 0; i < n; i++ {
		res, err := benchExchange(c, benchRegister(c, user, i+2, auth))
		if err != nil {
			return err
		}
		if !strings.HasPrefix(res, "SIP/2.0 200") {
			return fmt.Errorf("REGISTER answered %q", strings.SplitN(res, "\r\n", 2)[0])
		}
	}
	return nil
}

func benchRegister(c *net.UDPConn, user string, cseq int, auth string) string {
	la := c.LocalAddr().String()
	ra := c.RemoteAddr().String()
	if auth != "" {
		auth += "\r\n"
	}
	return fmt.Sprintf("REGISTER sip:%s SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK%s%d;rport\r\n"+
		"From: <sip:%s@%s>;tag=%s\r\nTo: <sip:%s@%s>\r\nCall-ID: %s-%s\r\nCSeq: %d REGISTER\r\n"+
		"Contact: <sip:%s@%s>\r\nExpires: 600\r\nMax-Forwards: 70\r\n%sContent-Length: 0\r\n\r\n",
		ra, la, user, cseq, user, ra, user, user, ra, user, la, cseq, user, la, auth)
}

func benchExchange(c *net.UDPConn, msg string) (string, error) {
	if _, err := c.Write([]byte(msg)); err != nil {
		return "", err
	}
	buf := make([]byte, 4096)
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, err := c.Read(buf)
	if err != nil {
		return "", err
	}
	return string(buf[:n]), nil
}
