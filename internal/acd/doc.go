// Package acd is Hotline's automatic call distributor: queues, routing
// strategies, skills, caller priority, callbacks and the agent state
// machine. It is pure, deterministic logic over an injected Clock; the SIP
// and media side (internal/call) drives it and does the ringing.
//
// # Driving the engine
//
// The owner reports what happens and carries out what the engine decides:
//
//	res, err := e.Enqueue(acd.WaitingCall{ID: id, QueueID: q, Priority: p})
//	// ErrQueueFull / ErrNoAgents: send the call to res.Overflow instead.
//	for _, o := range e.Dispatch() { ring o.AgentIDs for o.CallID until o.Deadline }
//	e.OfferAnswered(o.ID, agent) // returns ring-all losers to cancel
//	e.OfferFailed(o.ID, agent, acd.FailBusy)
//	e.CallEnded(callID, agent) // → wrap-up
//	acts := e.Tick()            // at e.NextDeadline(), or every ~250 ms
//
// After any call that may free an agent or add a call (Enqueue, OfferFailed,
// CallEnded, SetReady, EndWrapUp, SetReachable, Login, Tick...) call
// Dispatch and ring what it returns. Dispatch marks the chosen agents
// ringing, so they are never offered twice.
//
// # Routing
//
// Every strategy offers only to members of the queue who are ready,
// reachable (SetReachable), have every required skill at its minimum level,
// and did not fail an offer of this call within Options.RetryAfter. Among
// them the lowest membership penalty tier is used; then the strategy picks:
// longest idle, round robin (rotation kept in State), fewest calls answered
// since local midnight, ring-all (every candidate at once, first answer
// wins), or skills-based (highest total level over the required skills).
// Ties always fall to the longest idle, then the lowest agent ID.
//
// Required skills are the call's override, else the queue's; widening steps
// lower every minimum level (never below 1) or drop a skill once the call
// has waited long enough (ActionWidened reports each step).
//
// # Caller priority and fairness
//
// A call is ordered in its queue by its virtual entry time
//
//	key = entered_at − priority × B      (B = Queue.PriorityBoostSec, default 30 s)
//
// i.e. by effective wait = wait + priority × B. A caller of priority p is
// therefore overtaken only by callers who arrived less than (9 − p) × B
// after them; once a caller has waited 9 × B (4.5 min by default), nobody
// arriving later is served first, so low-priority callers are not starved.
//
// When an agent is free and member of several queues, the engine serves
// the head call of the highest Queue.Priority first, then the longest
// effective wait (smallest key) across queues of equal priority.
//
// # Agent states
//
//	logged_out → ready
//	ready      → not_ready, logged_out, ringing, on_call (direct call)
//	not_ready  → ready, not_ready (new reason), logged_out, on_call (direct call)
//	ringing    → on_call, ready, not_ready (no-answer policy)
//	on_call    ↔ on_hold; on_call/on_hold → wrap_up, or ready/not_ready without wrap-up
//	wrap_up    → ready, not_ready, logged_out
//
// Not-ready asked for while ringing, on a call or in wrap-up is kept as
// pending and applied when the wrap-up ends. Every change emits an
// AgentEvent (with a unix-millisecond timestamp) to the EventSink.
//
// # Estimated wait
//
// EWT = max(0, position − ready members) × AHT ÷ max(1, staffed members),
// AHT being the mean talk + wrap-up time of the queue's last 20 calls.
//
// # Concurrency and state
//
// One mutex guards the engine; every operation is O(members of the queues
// involved) or better, and Dispatch touches only queues with waiting calls.
// Mutable routing state (agent records, waiting calls, rotation pointers)
// lives behind the State interface so a shared implementation (NATS
// JetStream KV) can replace NewMemState; offers, timers and indexes are
// derived and local to the engine.
package acd
