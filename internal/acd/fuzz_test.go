package acd

import (
	"encoding/json"
	"testing"
)

// FuzzConfig feeds arbitrary JSON queue, agent and call input (as the API
// would) through the engine: it must answer with errors, never panic.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"id":1,"strategy":"ring_all","widening":[{"after_sec":5,"lower_by":2}]}`),
		[]byte(`{"id":2,"skills":{"en":3},"queues":[{"queue_id":1}]}`),
		[]byte(`{"id":"x","queue_id":1,"priority":3,"skills":[{"skill":"en","min_level":2}]}`))
	f.Add([]byte(`{"id":-1}`), []byte(`{"id":0}`), []byte(`{"id":"","queue_id":0}`))
	f.Fuzz(func(t *testing.T, qb, ab, cb []byte) {
		clk := &fakeClock{t: t0}
		e := New(clk, nil, Options{})
		var q Queue
		var a Agent
		var c WaitingCall
		if json.Unmarshal(qb, &q) == nil {
			_ = e.UpsertQueue(q)
		}
		if json.Unmarshal(ab, &a) == nil && e.UpsertAgent(a) == nil {
			_ = e.Login(a.ID)
		}
		if json.Unmarshal(cb, &c) == nil {
			_, _ = e.Enqueue(c)
		}
		for range 3 {
			for _, o := range e.Dispatch() {
				_, _ = e.OfferAnswered(o.ID, o.AgentIDs[0])
			}
			clk.Advance(sec(90))
			e.Tick()
		}
		_ = e.Snapshot()
	})
}
