package sip

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emiago/sipgo"
	gosip "github.com/emiago/sipgo/sip"
)

// InviteHandler receives each new inbound call. It runs in its own
// goroutine and owns the leg: when it returns with the leg neither answered
// nor rejected, the leg is rejected with 480. ctx ends when the leg ends.
type InviteHandler func(ctx context.Context, leg *InboundLeg)

// Server is the SIP endpoint of Hotline: registrar, B2BUA leg factory and
// trunk registration client on one set of sockets.
type Server struct {
	cfg      Config
	log      *slog.Logger
	clock    Clock
	accounts Accounts
	trunks   Trunks
	registry Registry
	observer Observer

	ua      *sipgo.UserAgent
	srv     *sipgo.Server
	client  *sipgo.Client
	dialogs map[string]*sipgo.DialogUA // by transport: UDP, TCP, TLS

	lis      *listeners
	host     string
	ports    map[string]int // by transport
	udpLaddr gosip.Addr

	nonces  *nonceSigner
	limiter *authLimiter
	stats   counters
	legs    legTable
	trunkRs trunkRegs

	onInvite atomic.Pointer[InviteHandler]

	ctx       context.Context // parent of handler contexts; canceled at shutdown
	cancel    context.CancelFunc
	ready     chan struct{} // closed once the listeners serve
	running   atomic.Bool
	closing   atomic.Bool
	closeOnce sync.Once
	wg        sync.WaitGroup // goroutines that must end before Run returns
}

// New checks cfg, binds the sockets and builds the SIP stack. Serve them
// with Run; a server that is never run must be closed with Close.
func New(cfg Config, deps Deps) (*Server, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if deps.Accounts == nil {
		return nil, errors.New("sip: Deps.Accounts is required")
	}
	deps = deps.withDefaults()
	nonces, err := newNonceSigner(cfg.NonceKey, cfg.NonceLifetime, deps.Clock)
	if err != nil {
		return nil, fmt.Errorf("sip: nonce key: %w", err)
	}
	lis, err := listen(cfg)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg: cfg, log: deps.Logger.With("component", "sip"), clock: deps.Clock,
		accounts: deps.Accounts, trunks: deps.Trunks, registry: deps.Registry, observer: deps.Observer,
		lis: lis, nonces: nonces,
		limiter: newAuthLimiter(cfg.AuthMaxFailures, cfg.AuthFailureWindow, cfg.AuthBanDuration, deps.Clock),
	}
	s.legs.init()
	s.trunkRs.init()
	s.ready = make(chan struct{})
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.addresses()
	if err := s.buildStack(); err != nil {
		lis.close()
		return nil, err
	}
	return s, nil
}

func (s *Server) addresses() {
	s.host = advertisedHost(s.cfg, s.lis.udp.LocalAddr())
	s.ports = map[string]int{"UDP": portOf(s.lis.udp.LocalAddr()), "TCP": portOf(s.lis.tcp.Addr())}
	if s.lis.tls != nil {
		s.ports["TLS"] = portOf(s.lis.tls.Addr())
	}
	ua := s.lis.udp.LocalAddr().(*net.UDPAddr)
	s.udpLaddr = gosip.Addr{IP: ua.IP, Port: ua.Port, Hostname: ua.IP.String()}
}

func (s *Server) buildStack() error {
	sipLog := slog.New(&sipgoLogHandler{next: s.log.Handler(), unparsable: func() { s.stats.unparsable.Add(1) }}).
		With("layer", "sipgo")
	parser := gosip.NewParser()
	parser.MaxMessageLength = s.cfg.MaxMessageSize
	ua, err := sipgo.NewUA(
		sipgo.WithUserAgent(s.cfg.UserAgent),
		sipgo.WithUserAgentHostname(s.host),
		sipgo.WithUserAgentParser(parser),
		sipgo.WithUserAgentTransactionLayerOptions(
			gosip.WithTransactionLayerLogger(sipLog),
			gosip.WithTransactionLayerUnhandledResponseHandler(func(*gosip.Response) { s.stats.stray.Add(1) }),
			gosip.WithTransactionLayerTerminateOnConnClose(),
		),
		sipgo.WithUserAgentTransportLayerOptions(gosip.WithTransportLayerLogger(sipLog)),
	)
	if err != nil {
		return fmt.Errorf("sip: user agent: %w", err)
	}
	s.ua = ua
	if s.srv, err = sipgo.NewServer(ua, sipgo.WithServerLogger(sipLog)); err != nil {
		return fmt.Errorf("sip: server: %w", err)
	}
	// Every method goes through one handler: it validates, then routes.
	s.srv.OnNoRoute(s.handleRequest)
	if s.client, err = sipgo.NewClient(ua, sipgo.WithClientHostname(s.host), sipgo.WithClientLogger(sipLog)); err != nil {
		return fmt.Errorf("sip: client: %w", err)
	}
	s.dialogs = make(map[string]*sipgo.DialogUA, len(s.ports))
	for tp := range s.ports {
		s.dialogs[tp] = &sipgo.DialogUA{Client: s.client, ContactHDR: s.contact(tp, ""), RewriteContact: true}
	}
	return nil
}

// contact is our Contact header for transport tp.
func (s *Server) contact(tp, user string) gosip.ContactHeader {
	u := gosip.Uri{Scheme: "sip", User: user, Host: s.host, Port: s.ports[tp]}
	if tp != "UDP" {
		u.UriParams = gosip.HeaderParams{{K: "transport", V: lowerTransport(tp)}}
	}
	return gosip.ContactHeader{Address: u}
}

// OnInvite sets the handler for new inbound calls. Without one, INVITEs
// are answered 480.
func (s *Server) OnInvite(h InviteHandler) {
	s.onInvite.Store(&h)
}

// Addr returns the local address of transport "udp", "tcp" or "tls", or
// an invalid AddrPort when it is not served.
func (s *Server) Addr(transport string) netip.AddrPort {
	var a net.Addr
	switch upperTransport(transport) {
	case "UDP":
		a = s.lis.udp.LocalAddr()
	case "TCP":
		a = s.lis.tcp.Addr()
	case "TLS":
		if s.lis.tls != nil {
			a = s.lis.tls.Addr()
		}
	}
	if a == nil {
		return netip.AddrPort{}
	}
	return parseAddrPort(a.String())
}

// Host is the host written into our Contact and Via headers.
func (s *Server) Host() string { return s.host }

// Realm is the digest realm accounts' HA1 values must be computed over.
func (s *Server) Realm() string { return s.cfg.Realm }

// Stats returns the counters.
func (s *Server) Stats() Stats { return s.stats.snapshot() }

// Contacts returns the user's registered, unexpired contacts.
func (s *Server) Contacts(ctx context.Context, user string) ([]Contact, error) {
	return s.registry.Contacts(ctx, user)
}

// Run serves until ctx is canceled, then shuts down gracefully: trunks are
// unregistered, live legs hung up (both bounded by ShutdownTimeout), sockets
// closed. It returns nil after a requested stop, or the listener error that
// stopped it.
func (s *Server) Run(ctx context.Context) error {
	if !s.running.CompareAndSwap(false, true) {
		return errors.New("sip: Run called twice")
	}
	errc := make(chan error, 3)
	serve := func(name string, f func() error) {
		err := f()
		if err != nil && !s.closing.Load() {
			errc <- fmt.Errorf("sip: %s listener: %w", name, err)
		}
	}
	go serve("udp", func() error { return s.srv.ServeUDP(s.lis.udp) })
	go serve("tcp", func() error { return s.srv.ServeTCP(s.lis.tcp) })
	if s.lis.tls != nil {
		go serve("tls", func() error { return s.srv.ServeTLS(s.lis.tls) })
	}
	s.awaitListening()
	bg, stopBG := context.WithCancel(s.ctx)
	var bgWG sync.WaitGroup
	bgWG.Add(2)
	go func() { defer bgWG.Done(); s.maintain(bg) }()
	go func() { defer bgWG.Done(); s.qualifyLoop(bg) }()
	s.trunkRs.start(s)

	var err error
	select {
	case <-ctx.Done():
	case <-s.ctx.Done(): // Close
	case err = <-errc:
	}
	stopBG()
	bgWG.Wait()
	s.shutdown()
	return err
}

// awaitListening closes ready once sipgo has taken the UDP socket into its
// connection pool: until then a request bound to it would make sipgo try
// to bind the port a second time.
func (s *Server) awaitListening() {
	pool := s.ua.TransportLayer().Pool("udp")
	for i := 0; i < 1000 && pool.Size() == 0; i++ {
		time.Sleep(time.Millisecond)
	}
	close(s.ready)
}

// Ready is closed once Run serves the sockets. Dial waits for it.
func (s *Server) Ready() <-chan struct{} { return s.ready }

// shutdown stops trunk registrations and legs, then closes the stack.
func (s *Server) shutdown() {
	s.closing.Store(true)
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	s.trunkRs.stopAll(ctx)
	s.legs.hangupAll(ctx)
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		s.log.Warn("sip: shutdown timed out waiting for call handlers")
	}
	s.Close()
}

// Close releases the sockets and the SIP stack at once, without the
// graceful steps of Run (which it also stops). Safe to call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.closing.Store(true)
		s.cancel()
		s.lis.close()
		_ = s.srv.Close()
		_ = s.client.Close()
		_ = s.ua.Close()
	})
	return nil
}

// maintain expires bindings and forgets old rate-limit entries.
func (s *Server) maintain(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.expireBindings(ctx)
			s.limiter.sweep()
		}
	}
}

func (s *Server) emit(e Event) {
	if e.Time.IsZero() {
		e.Time = s.clock.Now()
	}
	s.observer.SIPEvent(e)
}

func upperTransport(tp string) string {
	switch tp {
	case "udp", "UDP", "":
		return "UDP"
	case "tcp", "TCP":
		return "TCP"
	case "tls", "TLS":
		return "TLS"
	}
	return gosip.ASCIIToUpper(tp)
}

func lowerTransport(tp string) string { return gosip.ASCIIToLower(upperTransport(tp)) }
