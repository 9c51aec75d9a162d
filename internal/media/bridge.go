package media

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"
)

// Source yields audio, one frame per mixer tick: a Stream (what the peer
// says), a Player (prompt, music on hold), a tone.
type Source interface {
	// ReadFrame fills dst (FrameSamples long) and reports whether it
	// holds audio; false means silence this tick.
	ReadFrame(dst []int16) bool
}

// Sink takes one mixed frame per tick: a Stream (what the peer hears).
// pcm is only valid during the call.
type Sink interface {
	WriteFrame(pcm []int16) error
}

// Tap receives both sides of the call every tick: the sum of the SideLeft
// participants (the caller) and of the SideRight ones (the agent). It must
// not block (the Recorder queues and writes in its own goroutine) and must
// not keep the slices.
type Tap interface {
	WriteStereo(left, right []int16)
}

// Mode says who hears a participant. Every participant hears everyone it
// is allowed to hear; modes only restrict who hears it.
type Mode uint8

const (
	ModeNormal  Mode = iota // heard by everyone: the parties of a call, barge-in
	ModeListen              // heard by nobody: silent monitoring by a supervisor
	ModeWhisper             // heard only by the participants named in To: coaching, a prompt for one leg
	ModeMuted               // heard by nobody: a muted party, a party on hold
)

func (m Mode) String() string {
	switch m {
	case ModeListen:
		return "listen"
	case ModeWhisper:
		return "whisper"
	case ModeMuted:
		return "muted"
	}
	return "normal"
}

// Side puts a participant on a channel of the recording.
type Side uint8

// Recording channels.
const (
	SideNone  Side = iota // not recorded
	SideLeft              // left channel: the caller's side
	SideRight             // right channel: the agent's side
)

// Participant is one member of a Bridge. Source and Sink may be the same
// Stream (a call leg); a Player has only a Source.
type Participant struct {
	Source Source
	Sink   Sink
	Mode   Mode
	To     []string // for ModeWhisper: the ids that hear this participant
	Side   Side     // for the Tap
}

// Errors of the Bridge.
var (
	ErrBridgeClosed       = errors.New("media: bridge closed")
	ErrParticipantExists  = errors.New("media: participant id already in the bridge")
	ErrUnknownParticipant = errors.New("media: no such participant")
)

// Bridge mixes the audio of one call. Every 20 ms its goroutine reads a
// frame from each participant's Source and writes to each Sink the sum
// (clipped to 16 bits) of the frames it may hear, not counting its own.
// With one audible speaker the frame is passed through unchanged, so the
// two-party case costs no mixing. Participants can be added, changed and
// removed at any time; a change takes effect at the next tick, and once
// Remove returns the participant is not touched again.
type Bridge struct {
	log    *slog.Logger
	mu     sync.Mutex // held for each tick
	parts  []*member
	tap    Tap
	closed bool
	stop   chan struct{}
	done   chan struct{}
	left   [FrameSamples]int16
	right  [FrameSamples]int16
	acc    [FrameSamples]int32
	zero   [FrameSamples]int16
}

type member struct {
	id      string
	p       Participant
	frame   [FrameSamples]int16
	mixed   [FrameSamples]int16
	ok      bool // frame holds audio this tick
	errSeen bool
}

// NewBridge starts a bridge; it runs until Close or until ctx ends.
func NewBridge(ctx context.Context, logger *slog.Logger) *Bridge {
	if logger == nil {
		logger = slog.Default()
	}
	b := &Bridge{log: logger, stop: make(chan struct{}), done: make(chan struct{})}
	go b.run(ctx)
	return b
}

func (b *Bridge) run(ctx context.Context) {
	defer close(b.done)
	t := time.NewTicker(FrameDuration)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			b.mu.Lock()
			b.closed = true
			b.mu.Unlock()
			return
		case <-b.stop:
			return
		case <-t.C:
			b.tick()
		}
	}
}

// Close stops the bridge; participants are not closed.
func (b *Bridge) Close() {
	b.mu.Lock()
	already := b.closed
	b.closed = true
	b.mu.Unlock()
	if !already {
		close(b.stop)
	}
	<-b.done
}

// Add puts a participant into the bridge under a unique id.
func (b *Bridge) Add(id string, p Participant) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return ErrBridgeClosed
	}
	if b.find(id) >= 0 {
		return fmt.Errorf("%w: %q", ErrParticipantExists, id)
	}
	p.To = slices.Clone(p.To)
	b.parts = append(b.parts, &member{id: id, p: p})
	return nil
}

// Remove takes a participant out; it reports whether it was there.
func (b *Bridge) Remove(id string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	i := b.find(id)
	if i < 0 {
		return false
	}
	b.parts = slices.Delete(b.parts, i, i+1)
	return true
}

// SetMode changes who hears a participant (to: for ModeWhisper).
func (b *Bridge) SetMode(id string, mode Mode, to ...string) error {
	return b.update(id, func(p *Participant) { p.Mode, p.To = mode, slices.Clone(to) })
}

// SetSide changes the recording channel of a participant.
func (b *Bridge) SetSide(id string, side Side) error {
	return b.update(id, func(p *Participant) { p.Side = side })
}

func (b *Bridge) update(id string, f func(*Participant)) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	i := b.find(id)
	if i < 0 {
		return fmt.Errorf("%w: %q", ErrUnknownParticipant, id)
	}
	f(&b.parts[i].p)
	return nil
}

// SetTap sets (or with nil removes) the recording tap.
func (b *Bridge) SetTap(t Tap) {
	b.mu.Lock()
	b.tap = t
	b.mu.Unlock()
}

// IDs lists the participants in the order they were added.
func (b *Bridge) IDs() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	ids := make([]string, len(b.parts))
	for i, m := range b.parts {
		ids[i] = m.id
	}
	return ids
}

func (b *Bridge) find(id string) int {
	return slices.IndexFunc(b.parts, func(m *member) bool { return m.id == id })
}
