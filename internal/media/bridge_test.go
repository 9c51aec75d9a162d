package media

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// level is a Source of a constant level (0: silent), a Sink that keeps the
// last frame it got, or both: pure mixing logic, so a fake is fine here.
type level struct {
	mu   sync.Mutex
	v    int16
	got  []int16
	n    int
	fail error
}

func (l *level) ReadFrame(dst []int16) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := range dst {
		dst[i] = l.v
	}
	return l.v != 0
}

func (l *level) WriteFrame(pcm []int16) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.got = slices.Clone(pcm)
	l.n++
	return l.fail
}

// heard returns the (constant) level of the last frame written to l.
func (l *level) heard() int16 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.got) != FrameSamples {
		return -1
	}
	for _, s := range l.got {
		if s != l.got[0] {
			return -2
		}
	}
	return l.got[0]
}

type stereoTap struct{ left, right []int16 }

func (s *stereoTap) WriteStereo(l, r []int16) { s.left, s.right = slices.Clone(l), slices.Clone(r) }

func newTestBridge(t *testing.T) *Bridge {
	ctx, cancel := context.WithCancel(context.Background())
	b := NewBridge(ctx, testLogger(t))
	t.Cleanup(func() { cancel(); b.Close() })
	return b
}

func leg(v int16) (*level, Participant) {
	l := &level{v: v}
	return l, Participant{Source: l, Sink: l}
}

func TestBridgeModes(t *testing.T) {
	b := &Bridge{log: testLogger(t)} // ticked by hand
	caller, pc := leg(100)
	agent, pa := leg(1000)
	pc.Side, pa.Side = SideLeft, SideRight
	must(t, b.Add("caller", pc))
	must(t, b.Add("agent", pa))
	tap := &stereoTap{}
	b.SetTap(tap)

	check := func(step string, want map[*level]int16) {
		t.Helper()
		b.tick()
		for l, v := range want {
			if got := l.heard(); got != v {
				t.Errorf("%s: participant at level %d hears %d, want %d", step, l.v, got, v)
			}
		}
	}
	check("two parties", map[*level]int16{caller: 1000, agent: 100})
	if tap.left[0] != 100 || tap.right[0] != 1000 {
		t.Errorf("tap %d/%d", tap.left[0], tap.right[0])
	}

	sup, ps := leg(10)
	ps.Mode = ModeListen
	must(t, b.Add("sup", ps))
	check("silent monitoring", map[*level]int16{caller: 1000, agent: 100, sup: 1100})

	must(t, b.SetMode("sup", ModeWhisper, "agent"))
	check("whisper to the agent", map[*level]int16{caller: 1000, agent: 110, sup: 1100})

	must(t, b.SetMode("sup", ModeNormal))
	check("barge-in (three-way)", map[*level]int16{caller: 1010, agent: 110, sup: 1100})

	must(t, b.SetMode("caller", ModeMuted))
	check("caller muted", map[*level]int16{caller: 1010, agent: 10, sup: 1000})

	// Hold: caller hears music, agent and caller do not hear each other.
	must(t, b.SetMode("caller", ModeNormal))
	b.Remove("sup")
	moh := &level{v: 7}
	must(t, b.Add("moh", Participant{Source: moh, Mode: ModeWhisper, To: []string{"caller"}}))
	must(t, b.SetMode("agent", ModeMuted))
	must(t, b.SetMode("caller", ModeMuted))
	check("hold", map[*level]int16{caller: 7, agent: 0})
	if tap.left[0] != 100 || tap.right[0] != 1000 {
		t.Errorf("tap records by side regardless of mode: %d/%d", tap.left[0], tap.right[0])
	}

	agent.v = 0 // agent silent: the recording's right channel is silence
	b.SetTap(tap)
	check("silent agent", map[*level]int16{})
	if tap.right[0] != 0 || len(tap.right) != FrameSamples {
		t.Errorf("tap right %v", tap.right[:2])
	}
}

func TestBridgeClipping(t *testing.T) {
	b := &Bridge{log: testLogger(t)}
	a, pa := leg(30000)
	_, pb := leg(20000)
	_, pc := leg(-30000)
	_, pd := leg(-20000)
	listener := &level{}
	must(t, b.Add("a", pa))
	must(t, b.Add("b", pb))
	must(t, b.Add("l", Participant{Sink: listener}))
	b.tick()
	if got := listener.heard(); got != 32767 {
		t.Errorf("30000+20000 mixed to %d", got)
	}
	b.Remove("a")
	b.Remove("b")
	must(t, b.Add("c", pc))
	must(t, b.Add("d", pd))
	b.tick()
	if got := listener.heard(); got != -32768 {
		t.Errorf("-30000-20000 mixed to %d", got)
	}
	_ = a
}

func TestBridgeErrors(t *testing.T) {
	b := newTestBridge(t)
	_, p := leg(1)
	must(t, b.Add("x", p))
	if err := b.Add("x", p); !errors.Is(err, ErrParticipantExists) {
		t.Errorf("duplicate id: %v", err)
	}
	if err := b.SetMode("nobody", ModeMuted); !errors.Is(err, ErrUnknownParticipant) {
		t.Errorf("unknown id: %v", err)
	}
	if err := b.SetSide("nobody", SideLeft); !errors.Is(err, ErrUnknownParticipant) {
		t.Errorf("unknown id: %v", err)
	}
	if b.Remove("nobody") || !b.Remove("x") || b.Remove("x") {
		t.Error("Remove results wrong")
	}
	b.Close()
	b.Close()
	if err := b.Add("y", p); !errors.Is(err, ErrBridgeClosed) {
		t.Errorf("add after close: %v", err)
	}
	// A failing sink is reported once and does not stop the others.
	b2 := &Bridge{log: testLogger(t)}
	bad, pbad := leg(5)
	bad.fail = errors.New("gone")
	good, pgood := leg(6)
	must(t, b2.Add("bad", pbad))
	must(t, b2.Add("good", pgood))
	b2.tick()
	b2.tick()
	if good.heard() != 5 || good.n != 2 {
		t.Error("a failing participant broke the mix")
	}
}

// TestBridgeConcurrentChanges adds, changes and removes participants from
// several goroutines while the bridge ticks (run with -race), and checks
// that a removed participant is never touched once Remove has returned.
func TestBridgeConcurrentChanges(t *testing.T) {
	b := newTestBridge(t)
	var ticks atomic.Int64
	_, anchor := leg(1)
	anchor.Sink = sinkFunc(func([]int16) error { ticks.Add(1); return nil })
	must(t, b.Add("anchor", anchor))
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for i := range 40 {
				id := fmt.Sprintf("p%d-%d", w, i)
				var removed atomic.Bool
				p := Participant{
					Source: sourceFunc(func(dst []int16) bool {
						if removed.Load() {
							t.Errorf("%s read after Remove", id)
						}
						return true
					}),
					Sink: sinkFunc(func([]int16) error {
						if removed.Load() {
							t.Errorf("%s written after Remove", id)
						}
						return nil
					}),
					Mode: Mode(rng.IntN(4)), To: []string{"anchor"}, Side: Side(rng.IntN(3)),
				}
				if err := b.Add(id, p); err != nil {
					t.Error(err)
					return
				}
				start := ticks.Load()
				for ticks.Load() < start+2 { // live through two ticks
					b.SetMode(id, Mode(rng.IntN(4)), "anchor")
					b.SetSide(id, Side(rng.IntN(3)))
					time.Sleep(time.Millisecond)
				}
				b.Remove(id)
				removed.Store(true)
			}
		})
	}
	wg.Go(func() {
		for range 50 {
			b.SetTap(&stereoTap{})
			time.Sleep(time.Millisecond)
			b.SetTap(nil)
		}
	})
	wg.Wait()
	if ids := b.IDs(); len(ids) != 1 || ids[0] != "anchor" {
		t.Errorf("left over: %v", ids)
	}
}

type sourceFunc func([]int16) bool

func (f sourceFunc) ReadFrame(dst []int16) bool { return f(dst) }

type sinkFunc func([]int16) error

func (f sinkFunc) WriteFrame(pcm []int16) error { return f(pcm) }

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
