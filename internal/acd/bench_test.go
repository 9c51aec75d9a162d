package acd

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// hist is a latency histogram with 100 ns buckets up to 10 ms.
type hist struct {
	buckets [100_001]int
	n       int
	max     time.Duration
}

func (h *hist) add(d time.Duration) {
	i := min(int(d/100), len(h.buckets)-1)
	h.buckets[i]++
	h.n++
	h.max = max(h.max, d)
}

// quantile returns the upper edge of the bucket holding quantile q.
func (h *hist) quantile(q float64) float64 {
	want := int(q * float64(h.n))
	seen := 0
	for i, c := range h.buckets {
		seen += c
		if seen > want {
			return float64((i + 1) * 100)
		}
	}
	return float64(h.max)
}

func (h *hist) report(b *testing.B) {
	b.ReportMetric(h.quantile(0.50), "p50-ns/decision")
	b.ReportMetric(h.quantile(0.99), "p99-ns/decision")
	b.ReportMetric(float64(h.max), "max-ns/decision")
}

// benchCenter builds 200 queues (mixed strategies, 1–2 required skills) and
// 5,000 logged-in agents, each in 5 random queues with 6 random skills
// (levels 1–10) and, to make them eligible, the skills of their queues.
// busyShare of them are put on calls.
func benchCenter(b *testing.B, busyShare float64) (*Engine, *fakeClock, *rand.Rand) {
	const nAgents, nQueues, perAgent, nSkills = 5000, 200, 5, 20
	r := rand.New(rand.NewPCG(1, 2))
	clk := &fakeClock{t: t0}
	e := New(clk, nil, Options{Location: testZone})
	strategies := []Strategy{LongestIdle, SkillsBased, FewestCalls, RoundRobin, SkillsBased}
	skill := func() string { return "s" + strconv.Itoa(r.IntN(nSkills)) }
	queues := make([]Queue, nQueues)
	for i := range queues {
		q := Queue{ID: int64(i + 1), Strategy: strategies[i%len(strategies)], Priority: r.IntN(3)}
		for range 1 + r.IntN(2) {
			s := skill()
			if len(q.Skills) == 0 || q.Skills[0].Skill != s {
				q.Skills = append(q.Skills, SkillReq{Skill: s, MinLevel: 1 + r.IntN(4)})
			}
		}
		queues[i] = q
		if err := e.UpsertQueue(q); err != nil {
			b.Fatal(err)
		}
	}
	for id := int64(1); id <= nAgents; id++ {
		a := Agent{ID: id, Skills: map[string]int{}}
		for range 6 {
			a.Skills[skill()] = 1 + r.IntN(10)
		}
		for _, qi := range r.Perm(nQueues)[:perAgent] {
			a.Queues = append(a.Queues, Membership{QueueID: int64(qi + 1), Penalty: r.IntN(2)})
			for _, req := range queues[qi].Skills {
				a.Skills[req.Skill] = max(a.Skills[req.Skill], 1+r.IntN(10))
			}
		}
		if err := e.UpsertAgent(a); err != nil {
			b.Fatal(err)
		}
		if err := e.Login(id); err != nil {
			b.Fatal(err)
		}
		clk.Advance(time.Millisecond)
		if r.Float64() < busyShare {
			if err := e.StartDirectCall(id, fmt.Sprintf("busy%d", id)); err != nil {
				b.Fatal(err)
			}
		}
	}
	return e, clk, r
}

// BenchmarkDispatch measures one routing decision with 5,000 agents in 200
// queues (about 125 members per queue, 20% of agents free): a call arrives
// and Dispatch picks its agent. ns/op covers the whole cycle (enqueue,
// dispatch, answer, hang-up); the p50/p99/max metrics time Dispatch alone.
func BenchmarkDispatch(b *testing.B) {
	e, clk, r := benchCenter(b, 0.8)
	var h hist
	i := 0
	for b.Loop() {
		i++
		id := "c" + strconv.Itoa(i)
		if _, err := e.Enqueue(WaitingCall{ID: id, QueueID: int64(1 + r.IntN(200)), Priority: r.IntN(10)}); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		offers := e.Dispatch()
		h.add(time.Since(start))
		if len(offers) == 0 {
			_ = e.Remove(id)
		}
		for _, o := range offers {
			if _, err := e.OfferAnswered(o.ID, o.AgentIDs[0]); err != nil {
				b.Fatal(err)
			}
			if err := e.CallEnded(o.CallID, o.AgentIDs[0]); err != nil {
				b.Fatal(err)
			}
		}
		clk.Advance(time.Millisecond)
		if i%1000 == 0 {
			e.Tick() // as the owner would: drops expired timers
		}
	}
	h.report(b)
}

// BenchmarkDispatchBacklog measures the other side: every agent busy, about
// 2,000 calls waiting across the queues, one agent frees up and Dispatch
// picks the call it takes.
func BenchmarkDispatchBacklog(b *testing.B) {
	e, clk, r := benchCenter(b, 1)
	i := 0
	enqueue := func() {
		i++
		_, err := e.Enqueue(WaitingCall{ID: "c" + strconv.Itoa(i), QueueID: int64(1 + r.IntN(200)), Priority: r.IntN(10)})
		if err != nil {
			b.Fatal(err)
		}
	}
	for range 2000 {
		enqueue()
		clk.Advance(time.Millisecond)
	}
	onCall := make([]string, 5001) // agent → current call
	for id := 1; id <= 5000; id++ {
		onCall[id] = fmt.Sprintf("busy%d", id)
	}
	var h hist
	for b.Loop() {
		agent := int64(1 + r.IntN(5000))
		if err := e.CallEnded(onCall[agent], agent); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		offers := e.Dispatch()
		h.add(time.Since(start))
		for _, o := range offers {
			if _, err := e.OfferAnswered(o.ID, o.AgentIDs[0]); err != nil {
				b.Fatal(err)
			}
			onCall[o.AgentIDs[0]] = o.CallID
			enqueue()
		}
		if len(offers) == 0 { // no eligible call: put the agent back on a call
			onCall[agent] = "idle" + strconv.Itoa(i)
			if err := e.StartDirectCall(agent, onCall[agent]); err != nil {
				b.Fatal(err)
			}
		}
		clk.Advance(time.Millisecond)
		if r.IntN(1000) == 0 {
			e.Tick()
		}
	}
	h.report(b)
}
