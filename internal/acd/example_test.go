package acd_test

import (
	"fmt"
	"time"

	"github.com/hotline-cc/hotline/internal/acd"
)

type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

// The owner's loop: enqueue, dispatch, ring, report the outcome, tick.
func Example() {
	clk := &clock{t: time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)}
	sink := acd.SinkFunc(func(ev acd.AgentEvent) {
		fmt.Printf("event: agent %d %s → %s %q\n", ev.AgentID, ev.From, ev.To, ev.Reason)
	})
	e := acd.New(clk, sink, acd.Options{Location: time.UTC})
	_ = e.UpsertQueue(acd.Queue{ID: 1, Name: "sales", Strategy: acd.LongestIdle, WrapUpSec: 10})
	_ = e.UpsertAgent(acd.Agent{ID: 42, Queues: []acd.Membership{{QueueID: 1}}})
	_ = e.Login(42)

	res, _ := e.Enqueue(acd.WaitingCall{ID: "call-1", QueueID: 1, Caller: "+8613800000000"})
	fmt.Println("position", res.Position)
	for _, o := range e.Dispatch() {
		fmt.Println("ring agents", o.AgentIDs, "for", o.CallID, "until", o.Deadline.Format("15:04:05"))
		_, _ = e.OfferAnswered(o.ID, o.AgentIDs[0])
	}
	clk.t = clk.t.Add(2 * time.Minute)
	_ = e.CallEnded("call-1", 42)
	clk.t = clk.t.Add(10 * time.Second)
	e.Tick() // wrap-up over
	// Output:
	// event: agent 42 logged_out → ready ""
	// position 1
	// event: agent 42 ready → ringing ""
	// ring agents [42] for call-1 until 09:00:20
	// event: agent 42 ringing → on_call ""
	// event: agent 42 on_call → wrap_up ""
	// event: agent 42 wrap_up → ready "wrap_up_expired"
}
