package testenv

import (
	"net"
	"strconv"
	"testing"
)

// UDPPortBlock returns a loopback UDP port p such that p … p+n-1 were all
// free at once. A sipp given -mp p binds p and p+2 (audio and video
// echo), so a port checked alone, with its neighbours taken by another
// test's media sockets, makes sipp fail to bind (exit 254).
func UDPPortBlock(t testing.TB, n int) int {
	t.Helper()
	for range 100 {
		first, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		p := first.LocalAddr().(*net.UDPAddr).Port
		held := []net.PacketConn{first}
		ok := p+n-1 <= 65535
		for i := 1; ok && i < n; i++ {
			c, err := net.ListenPacket("udp4", "127.0.0.1:"+strconv.Itoa(p+i))
			if ok = err == nil; ok {
				held = append(held, c)
			}
		}
		for _, c := range held {
			c.Close()
		}
		if ok {
			return p
		}
	}
	t.Fatalf("testenv: no block of %d free UDP ports", n)
	return 0
}
