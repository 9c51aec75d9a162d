package media

import (
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtp"
)

// ErrNoTelephoneEvent: digits cannot be sent as RFC 4733 events because the
// peer did not negotiate telephone-event.
var ErrNoTelephoneEvent = errors.New("media: telephone-event not negotiated")

// StreamConfig configures a Stream. The zero value works: an ephemeral
// port on all interfaces, no inactivity timer.
type StreamConfig struct {
	Pool   *PortPool    // where the RTP port comes from; nil: any free port
	IP     netip.Addr   // local address to bind; zero: all interfaces
	Logger *slog.Logger // default slog.Default()

	// InactivityTimeout > 0 calls OnInactive when no valid RTP packet has
	// arrived for that long while the peer is meant to send (the timer is
	// paused while our direction says we do not receive, e.g. on hold).
	InactivityTimeout time.Duration
	OnInactive        func(idle time.Duration)

	// InbandDTMF runs the Goertzel detector on the received audio. It
	// switches itself off when the first RFC 4733 event arrives, so a
	// gateway sending both does not produce every digit twice.
	InbandDTMF bool

	JitterFrames int // jitter buffer delay in 20 ms frames; default 2
	LatchPackets int // packets in sequence from a new source before we send there; default 3
	DigitBuffer  int // capacity of the Digits channel; default 64

	// OnClose, when set, receives the stream's final counters once, when
	// it closes (for totals such as a node's RTP loss).
	OnClose func(StreamStats)

	received func() // test hook: called after each datagram is handled
}

// Stream is one RTP endpoint: a UDP port, the peer's address, the codec,
// the receive jitter buffer and the DTMF receivers. Receiving runs in its own
// goroutine; ReadFrame and WriteFrame are called by the Bridge tick.
type Stream struct {
	log   *slog.Logger
	conn  *net.UDPConn
	pool  *PortPool
	local netip.AddrPort
	cfg   StreamConfig

	mu        sync.Mutex // receive-side state
	media     Media
	hasMedia  bool
	jitter    *jitterBuffer
	latch     latchState
	srcSSRC   uint32
	haveSSRC  bool
	events    eventReceiver
	inband    *dtmfDetector // nil when off
	pcm       [maxPacketSamples]int16
	pktBuffer rtp.Packet

	sendMu  sync.Mutex // send-side state
	ssrc    uint32
	seq     uint16
	ts      uint32
	sentAny bool
	sender  eventSender
	hdr     rtp.Header
	out     []byte

	digits    chan DTMF
	digMu     sync.Mutex
	digClosed bool

	lastRecv  atomic.Int64 // unix nanoseconds of the last accepted packet
	idleSince atomic.Int64 // start of the period the idle timer measures
	idleFired atomic.Bool
	idle      atomic.Int64 // timeout in nanoseconds, 0 = off
	timer     *time.Timer

	stats     streamCounters
	closed    atomic.Bool
	closeOnce sync.Once
	done      chan struct{}
}

type streamCounters struct {
	packetsIn, packetsOut, bytesIn, bytesOut atomic.Uint64
	malformed, ignored                       atomic.Uint64
	digitsIn, digitsDropped                  atomic.Uint64
}

// StreamStats are a Stream's counters.
type StreamStats struct {
	PacketsIn, PacketsOut uint64 // accepted RTP packets in, packets sent
	BytesIn, BytesOut     uint64 // UDP payload bytes (in: every datagram)
	Lost                  uint64 // audio packets missing at their turn
	Late                  uint64 // audio packets that arrived after their turn
	Duplicate             uint64 // second copies of audio packets
	Overrun               uint64 // audio dropped because the peer's clock runs fast
	Malformed             uint64 // datagrams that are not valid RTP, or bad payloads
	Ignored               uint64 // valid RTP we do not use: unknown payload type, RTCP, foreign source
	DigitsIn              uint64 // digits reported
	DigitsDropped         uint64 // digits lost because nobody read Digits()
	LastPacket            time.Time
	Target                netip.AddrPort // where we send now
	Latched               bool           // Target was learnt from the peer's packets
}

// NewStream opens an RTP endpoint and starts receiving.
func NewStream(cfg StreamConfig) (*Stream, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	cfg.LatchPackets = max(cfg.LatchPackets, 0)
	if cfg.LatchPackets == 0 {
		cfg.LatchPackets = 3
	}
	if cfg.DigitBuffer <= 0 {
		cfg.DigitBuffer = 64
	}
	conn, err := listenRTP(cfg.Pool, cfg.IP)
	if err != nil {
		return nil, err
	}
	local := conn.LocalAddr().(*net.UDPAddr).AddrPort()
	s := &Stream{
		log:    cfg.Logger.With("rtp_port", local.Port()),
		conn:   conn,
		pool:   cfg.Pool,
		local:  netip.AddrPortFrom(local.Addr().Unmap(), local.Port()),
		cfg:    cfg,
		jitter: newJitterBuffer(cfg.JitterFrames),
		ssrc:   rand.Uint32(),
		seq:    uint16(rand.Uint32()),
		ts:     rand.Uint32(),
		digits: make(chan DTMF, cfg.DigitBuffer),
		done:   make(chan struct{}),
	}
	s.media.Codec = PCMU
	if cfg.InbandDTMF {
		s.inband = &dtmfDetector{}
	}
	now := time.Now().UnixNano()
	s.lastRecv.Store(now)
	s.idleSince.Store(now)
	s.idle.Store(int64(cfg.InactivityTimeout))
	if cfg.InactivityTimeout > 0 {
		s.timer = time.AfterFunc(cfg.InactivityTimeout, s.checkIdle)
	} else {
		s.timer = time.AfterFunc(time.Hour, s.checkIdle) // armed by SetInactivityTimeout
		s.timer.Stop()
	}
	go s.readLoop()
	return s, nil
}

// listenRTP binds a UDP socket, on a pool port when there is a pool. A
// port another program holds is skipped (it goes to the back of the queue).
func listenRTP(pool *PortPool, ip netip.Addr) (*net.UDPConn, error) {
	network := "udp"
	if ip.Is4() {
		network = "udp4"
	}
	if pool == nil {
		return net.ListenUDP(network, net.UDPAddrFromAddrPort(netip.AddrPortFrom(ip, 0)))
	}
	var lastErr error
	for range pool.Size() {
		port, err := pool.Acquire()
		if err != nil {
			return nil, err
		}
		conn, err := net.ListenUDP(network, net.UDPAddrFromAddrPort(netip.AddrPortFrom(ip, uint16(port))))
		if err == nil {
			return conn, nil
		}
		pool.Release(port)
		lastErr = err
	}
	return nil, fmt.Errorf("%w: no port of the pool could be bound: %w", ErrNoPorts, lastErr)
}

// LocalAddr is the bound address; its port goes into our SDP.
func (s *Stream) LocalAddr() netip.AddrPort { return s.local }

// SetMedia applies a (re-)negotiation: codec, telephone-event payload type,
// the peer's address and our direction. If the peer's address changed, the
// latch is dropped and packets go to the new SDP address until the peer's
// real source is learnt again. SSRC, sequence numbers and timestamps we
// send continue across the change.
func (s *Stream) SetMedia(m Media) {
	s.mu.Lock()
	if !s.hasMedia || m.Remote != s.media.Remote {
		s.latch = latchState{}
	}
	s.media, s.hasMedia = m, true
	s.mu.Unlock()
	// A period in which the peer did not send (hold) must not count.
	s.idleSince.Store(time.Now().UnixNano())
	s.idleFired.Store(false)
}

// Media returns the media in use.
func (s *Stream) Media() Media {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.media
}

// Digits delivers every key press once, whichever way it came. It is
// closed by Close.
func (s *Stream) Digits() <-chan DTMF { return s.digits }

// DeliverDigit hands in a digit received outside RTP (SIP INFO, see
// ParseInfoDTMF) so that consumers read all digits from Digits().
func (s *Stream) DeliverDigit(d DTMF) {
	if d.At.IsZero() {
		d.At = time.Now()
	}
	s.digMu.Lock()
	defer s.digMu.Unlock()
	if s.digClosed {
		return
	}
	select {
	case s.digits <- d:
		s.stats.digitsIn.Add(1)
	default:
		s.stats.digitsDropped.Add(1)
		s.log.Warn("DTMF digit dropped: nobody reads the digits channel", "digit", string(d.Digit))
	}
}

// Stats returns a snapshot of the counters.
func (s *Stream) Stats() StreamStats {
	s.mu.Lock()
	st := StreamStats{
		Lost: s.jitter.lost, Late: s.jitter.late, Duplicate: s.jitter.dup, Overrun: s.jitter.overrun,
		Target: s.targetLocked(), Latched: s.latch.addr.IsValid(),
	}
	s.mu.Unlock()
	st.PacketsIn, st.PacketsOut = s.stats.packetsIn.Load(), s.stats.packetsOut.Load()
	st.BytesIn, st.BytesOut = s.stats.bytesIn.Load(), s.stats.bytesOut.Load()
	st.Malformed, st.Ignored = s.stats.malformed.Load(), s.stats.ignored.Load()
	st.DigitsIn, st.DigitsDropped = s.stats.digitsIn.Load(), s.stats.digitsDropped.Load()
	if st.PacketsIn > 0 {
		st.LastPacket = time.Unix(0, s.lastRecv.Load())
	}
	return st
}

// Close stops receiving, releases the port and closes Digits(). It is safe
// to call more than once and concurrently with everything else.
func (s *Stream) Close() error {
	var err error
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		s.timer.Stop()
		err = s.conn.Close()
		<-s.done
		if s.pool != nil {
			s.pool.Release(int(s.local.Port()))
		}
		s.digMu.Lock()
		s.digClosed = true
		close(s.digits)
		s.digMu.Unlock()
		if s.cfg.OnClose != nil {
			s.cfg.OnClose(s.Stats())
		}
	})
	return err
}
