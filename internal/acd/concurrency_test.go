package acd

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

// TestConcurrentUse drives one engine from many goroutines the way SIP
// events would (run with -race); afterwards every agent's state agrees with
// its event stream and no agent holds two calls.
func TestConcurrentUse(t *testing.T) {
	h := newHarness(t)
	for _, q := range propQueues {
		h.queue(q)
	}
	for id := int64(1); id <= 20; id++ {
		h.agent(id, map[string]int{"en": 5, "fr": 3}, 1, 2, 3, 4, 5)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 1))
			for i := range 1500 {
				switch r.IntN(6) {
				case 0:
					_, _ = h.e.Enqueue(WaitingCall{ID: fmt.Sprintf("g%d-%d", g, i), QueueID: int64(1 + r.IntN(5)), Caller: "1"})
				case 1:
					for _, o := range h.e.Dispatch() {
						if r.IntN(3) == 0 {
							_ = h.e.OfferFailed(o.ID, o.AgentIDs[0], FailBusy)
						} else if _, err := h.e.OfferAnswered(o.ID, o.AgentIDs[0]); err == nil {
							_ = h.e.CallEnded(o.CallID, o.AgentIDs[0])
						}
					}
				case 2:
					h.clk.Advance(time.Duration(r.IntN(3000)) * time.Millisecond)
					h.e.Tick()
				case 3:
					id := int64(1 + r.IntN(20))
					_ = h.e.SetReady(id)
					_ = h.e.EndWrapUp(id)
				case 4:
					_ = h.e.SetReachable(int64(1+r.IntN(20)), r.IntN(4) > 0)
				case 5:
					_ = h.e.Snapshot()
				}
			}
		}()
	}
	wg.Wait()
	m := &propModel{t: t, h: h, offers: map[int64]map[int64]bool{}}
	for _, a := range h.e.Snapshot().Agents {
		if a.State == Ringing {
			m.offers[a.OfferID] = map[int64]bool{a.ID: true}
		}
	}
	s := h.e.Snapshot()
	m.checkEvents(0, s)
	calls := map[string]bool{}
	for _, a := range s.Agents {
		if a.State == OnCall && calls[a.CallID] {
			t.Fatalf("call %s on two agents", a.CallID)
		}
		calls[a.CallID] = true
	}
}
