package media

import (
	"errors"
	"fmt"
	"sync"
)

// ErrNoPorts is returned when every RTP port of a pool is in use.
var ErrNoPorts = errors.New("media: no free RTP port")

// PortPool hands out even UDP ports (RTP convention: RTCP would use the
// odd port above) from a configured range. Released ports go to the back of
// the queue, so a port just freed is the last to be reused: late packets of
// an ended call do not land in a new one.
type PortPool struct {
	mu    sync.Mutex
	free  []int // ring buffer of free ports
	head  int   // index of the next port to hand out
	n     int   // free ports in the ring
	inUse map[int]bool
}

// NewPortPool makes a pool of the even ports p with lo ≤ p and p+1 ≤ hi.
func NewPortPool(lo, hi int) (*PortPool, error) {
	if lo < 1 || hi > 65535 || lo > hi {
		return nil, fmt.Errorf("media: bad RTP port range %d-%d", lo, hi)
	}
	p := &PortPool{inUse: map[int]bool{}}
	for port := lo + lo%2; port+1 <= hi; port += 2 {
		p.free = append(p.free, port)
	}
	if len(p.free) == 0 {
		return nil, fmt.Errorf("media: RTP port range %d-%d holds no even port pair", lo, hi)
	}
	p.n = len(p.free)
	return p, nil
}

// Acquire takes a free port.
func (p *PortPool) Acquire() (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.n == 0 {
		return 0, fmt.Errorf("%w: all %d ports in use", ErrNoPorts, len(p.free))
	}
	port := p.free[p.head]
	p.head = (p.head + 1) % len(p.free)
	p.n--
	p.inUse[port] = true
	return port, nil
}

// Release returns a port to the pool. Releasing a port that is not in use
// does nothing, so a double release cannot hand one port to two calls.
func (p *PortPool) Release(port int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.inUse[port] {
		return
	}
	delete(p.inUse, port)
	p.free[(p.head+p.n)%len(p.free)] = port
	p.n++
}

// Size is the number of ports in the pool.
func (p *PortPool) Size() int { return len(p.free) }

// Available is the number of free ports.
func (p *PortPool) Available() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}
