package sip

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"syscall"
)

// listeners are the sockets the server owns. UDP and TCP share one port so a
// phone can be told a single address.
type listeners struct {
	udp net.PacketConn
	tcp net.Listener
	tls net.Listener // nil when TLS is off
}

func (l *listeners) close() {
	if l.udp != nil {
		_ = l.udp.Close()
	}
	if l.tcp != nil {
		_ = l.tcp.Close()
	}
	if l.tls != nil {
		_ = l.tls.Close()
	}
}

// listen binds UDP and TCP on one port (retrying when port 0 picked a port
// TCP cannot have) and TLS when configured.
func listen(cfg Config) (*listeners, error) {
	host, portStr, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("sip: listen address %q: %w", cfg.Addr, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return nil, fmt.Errorf("sip: listen port %q: %w", portStr, err)
	}
	l := &listeners{}
	for attempt := 0; ; attempt++ {
		l.udp, l.tcp, err = listenPair(host, port)
		if err == nil || port != 0 || attempt >= 20 || !errors.Is(err, syscall.EADDRINUSE) {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	if cfg.TLSCertFile != "" {
		if l.tls, err = listenTLS(cfg, host); err != nil {
			l.close()
			return nil, err
		}
	}
	return l, nil
}

func listenPair(host string, port int) (net.PacketConn, net.Listener, error) {
	udpNet, tcpNet := "udp", "tcp"
	if ip, err := netip.ParseAddr(host); err == nil && ip.Is4() {
		udpNet, tcpNet = "udp4", "tcp4"
	}
	pc, err := net.ListenPacket(udpNet, net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		return nil, nil, fmt.Errorf("sip: listen udp: %w", err)
	}
	bound := pc.LocalAddr().(*net.UDPAddr).Port
	ln, err := net.Listen(tcpNet, net.JoinHostPort(host, strconv.Itoa(bound)))
	if err != nil {
		pc.Close()
		return nil, nil, fmt.Errorf("sip: listen tcp: %w", err)
	}
	return pc, ln, nil
}

func listenTLS(cfg Config, host string) (net.Listener, error) {
	cert, err := tls.LoadX509KeyPair(cfg.TLSCertFile, cfg.TLSKeyFile)
	if err != nil {
		return nil, fmt.Errorf("sip: tls certificate: %w", err)
	}
	addr := cfg.TLSAddr
	if addr == "" {
		addr = net.JoinHostPort(host, "0")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("sip: listen tls: %w", err)
	}
	conf := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	return tls.NewListener(ln, conf), nil
}

func portOf(a net.Addr) int {
	switch v := a.(type) {
	case *net.UDPAddr:
		return v.Port
	case *net.TCPAddr:
		return v.Port
	}
	_, p, _ := net.SplitHostPort(a.String())
	n, _ := strconv.Atoi(p)
	return n
}

// advertisedHost picks the host written into Contact and Via.
func advertisedHost(cfg Config, bound net.Addr) string {
	if cfg.PublicHost != "" {
		return cfg.PublicHost
	}
	if ua, ok := bound.(*net.UDPAddr); ok && ua.IP != nil && !ua.IP.IsUnspecified() {
		return ua.IP.String()
	}
	return primaryIP()
}

// primaryIP is the source address the host would use to reach the world.
// Connecting a UDP socket sends nothing; it only asks the routing table.
func primaryIP() string {
	c, err := net.Dial("udp4", "192.0.2.1:9")
	if err == nil {
		defer c.Close()
		if ua, ok := c.LocalAddr().(*net.UDPAddr); ok && !ua.IP.IsUnspecified() {
			return ua.IP.String()
		}
	}
	return "127.0.0.1"
}

// parseAddrPort reads sipgo's "host:port" source strings.
func parseAddrPort(s string) netip.AddrPort {
	ap, err := netip.ParseAddrPort(s)
	if err != nil {
		return netip.AddrPort{}
	}
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
}
