package media

import "sync"

// Player plays PCM (8 kHz 16-bit mono, see LoadWAV) as a bridge Source,
// one frame per tick: a prompt once, or music on hold in a loop. Done is
// closed when it has played to the end or was stopped.
type Player struct {
	mu      sync.Mutex
	pcm     []int16
	pos     int
	loop    bool
	stopped bool
	ended   bool
	done    chan struct{}
}

// NewPlayer returns a player of pcm; loop restarts it at the end. The
// slice is not copied and must not change while playing (a prompt cache
// can share one slice among all players).
func NewPlayer(pcm []int16, loop bool) *Player {
	p := &Player{pcm: pcm, loop: loop, done: make(chan struct{})}
	if len(pcm) == 0 {
		p.finish()
	}
	return p
}

// ReadFrame implements Source: the next 20 ms, the last frame padded with
// silence. After the end or Stop it returns false.
func (p *Player) ReadFrame(dst []int16) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ended {
		clear(dst)
		return false
	}
	n := copy(dst, p.pcm[p.pos:])
	p.pos += n
	for n < len(dst) && p.loop {
		p.pos = copy(dst[n:], p.pcm)
		n += p.pos
	}
	clear(dst[n:])
	if p.pos == len(p.pcm) && !p.loop {
		p.finish()
	}
	return true
}

// Stop ends playback at once (a digit interrupted the prompt, the caller
// left hold). Done is closed; Stopped reports true.
func (p *Player) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.ended {
		p.stopped = true
		p.finish()
	}
}

func (p *Player) finish() {
	p.ended = true
	close(p.done)
}

// Done is closed when playback is over, by reaching the end or by Stop.
func (p *Player) Done() <-chan struct{} { return p.done }

// Stopped reports whether playback was ended by Stop rather than finished.
func (p *Player) Stopped() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stopped
}
