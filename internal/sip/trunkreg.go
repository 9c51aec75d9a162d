package sip

import (
	"context"
	"fmt"
	"sync"
	"time"

	gosip "github.com/emiago/sipgo/sip"
)

// TrunkRegistration is an outward registration to a carrier that wants
// one before it sends calls.
type TrunkRegistration struct {
	Name      string // unique key
	Registrar string // registrar SIP URI: "sip:sip.carrier.example;transport=tcp"
	Username  string // AOR user and Contact user
	Password  string
	// AuthUsername is the digest username when it differs from Username.
	AuthUsername string
	// Domain is the AOR host; default the registrar's host.
	Domain string
	// Expiry asked for; default 1 hour. Refreshed at 3/4 of what the
	// registrar grants.
	Expiry time.Duration
	// RetryInterval after a failure; default 30 s.
	RetryInterval time.Duration
}

// TrunkRegState is where a trunk registration stands.
type TrunkRegState int

const (
	TrunkRegistering TrunkRegState = iota + 1
	TrunkRegistered
	TrunkFailed
	TrunkStopped
)

func (s TrunkRegState) String() string {
	switch s {
	case TrunkRegistering:
		return "registering"
	case TrunkRegistered:
		return "registered"
	case TrunkFailed:
		return "failed"
	case TrunkStopped:
		return "stopped"
	}
	return "unknown"
}

// TrunkRegStatus reports a trunk registration.
type TrunkRegStatus struct {
	Name    string
	State   TrunkRegState
	Code    int       // last final status from the registrar, 0 if none
	Reason  string    // its reason phrase or the error
	Expires time.Time // when the current registration lapses
	Since   time.Time // when State last changed
}

type trunkReg struct {
	cfg    TrunkRegistration
	callID string
	cseq   uint32
	cancel context.CancelFunc
	done   chan struct{}

	mu     sync.Mutex
	status TrunkRegStatus
}

type trunkRegs struct {
	mu      sync.Mutex
	started bool
	stopped bool
	regs    map[string]*trunkReg
}

func (t *trunkRegs) init() { t.regs = make(map[string]*trunkReg) }

// RegisterTrunk starts (or restarts with new settings) an outward
// registration. It begins when Run does; status is reported through
// EventTrunkRegistration and TrunkStatus.
func (s *Server) RegisterTrunk(tr TrunkRegistration) error {
	if tr.Name == "" || tr.Username == "" {
		return fmt.Errorf("%w: trunk registration needs Name and Username", ErrBadRequest)
	}
	var u gosip.Uri
	if err := gosip.ParseUri(tr.Registrar, &u); err != nil || u.Host == "" {
		return fmt.Errorf("%w: registrar %q is not a SIP URI", ErrBadRequest, tr.Registrar)
	}
	if tr.Expiry <= 0 {
		tr.Expiry = time.Hour
	}
	if tr.RetryInterval <= 0 {
		tr.RetryInterval = 30 * time.Second
	}
	if tr.Domain == "" {
		tr.Domain = u.Host
	}
	s.StopTrunk(context.Background(), tr.Name)
	r := &trunkReg{cfg: tr, callID: randomHex(16) + "@" + s.host, cseq: 1, done: make(chan struct{})}
	r.status = TrunkRegStatus{Name: tr.Name, State: TrunkRegistering, Since: s.clock.Now()}
	s.trunkRs.mu.Lock()
	defer s.trunkRs.mu.Unlock()
	if s.trunkRs.stopped {
		return ErrServerClosed
	}
	s.trunkRs.regs[tr.Name] = r
	if s.trunkRs.started {
		r.launch(s)
	}
	return nil
}

// StopTrunk ends a trunk registration, unregistering (Expires: 0) within
// ctx. Unknown names are ignored.
func (s *Server) StopTrunk(ctx context.Context, name string) {
	s.trunkRs.mu.Lock()
	r := s.trunkRs.regs[name]
	delete(s.trunkRs.regs, name)
	s.trunkRs.mu.Unlock()
	if r != nil {
		r.stop(ctx)
	}
}

// TrunkStatus returns a trunk registration's status.
func (s *Server) TrunkStatus(name string) (TrunkRegStatus, bool) {
	s.trunkRs.mu.Lock()
	r := s.trunkRs.regs[name]
	s.trunkRs.mu.Unlock()
	if r == nil {
		return TrunkRegStatus{}, false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.status, true
}

func (t *trunkRegs) start(s *Server) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.started = true
	for _, r := range t.regs {
		r.launch(s)
	}
}

func (t *trunkRegs) stopAll(ctx context.Context) {
	t.mu.Lock()
	t.stopped = true
	regs := t.regs
	t.regs = map[string]*trunkReg{}
	t.mu.Unlock()
	var wg sync.WaitGroup
	for _, r := range regs {
		wg.Add(1)
		go func() { defer wg.Done(); r.stop(ctx) }()
	}
	wg.Wait()
}

func (r *trunkReg) launch(s *Server) {
	ctx, cancel := context.WithCancel(s.ctx)
	r.cancel = cancel
	go r.loop(ctx, s)
}

func (r *trunkReg) stop(ctx context.Context) {
	if r.cancel == nil {
		return
	}
	r.cancel()
	select {
	case <-r.done:
	case <-ctx.Done():
	}
}

// loop registers, refreshes before expiry, retries after failures and
// unregisters when stopped.
func (r *trunkReg) loop(ctx context.Context, s *Server) {
	defer close(r.done)
	for {
		granted, err := r.register(ctx, s, r.cfg.Expiry)
		wait := r.cfg.RetryInterval
		if err == nil {
			wait = max(granted*3/4, time.Second)
		}
		select {
		case <-ctx.Done():
			if err == nil {
				uctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				_, _ = r.register(uctx, s, 0)
				cancel()
			}
			r.setStatus(s, TrunkRegStatus{State: TrunkStopped})
			return
		case <-time.After(wait):
		}
	}
}
