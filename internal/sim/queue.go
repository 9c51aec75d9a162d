package sim

import "time"

// queueRT is a queue while the simulation runs: its waiting calls in
// arrival order (callbacks keep their place) and its free agents.
type queueRT struct {
	Queue
	idx      int
	fifo     []*waitEntry
	head     int
	count    int // entries waiting, callbacks included (the caller's position)
	live     int // callers on the line (MaxWaiting does not count callbacks)
	ready    readyHeap
	loggedIn int // agents of the queue logged in
	overflow *queueRT
}

// waitEntry is a call waiting in a queue: a caller on the line, or a
// callback request keeping its place.
type waitEntry struct {
	c         *callState
	cb        *callbackReq
	entered   int64
	notBefore int64 // a callback retry is not made before
	offered   bool
	gone      bool
}

// callbackReq is a caller's request to be called back (or its retry).
type callbackReq struct {
	acdID  string // the ID the ACD knows it by: the original call's, "~rN" for a retry
	number string
	retry  int
}

func (e *engine) setupQueues() {
	for i, q := range e.w.Queues {
		if q.RingTimeout <= 0 {
			q.RingTimeout = 20 * time.Second
		}
		if q.SurveyScale < 2 {
			q.SurveyScale = 5
		}
		rt := &queueRT{Queue: q, idx: i}
		e.queues = append(e.queues, rt)
		e.byName[q.Name] = rt
	}
	for _, q := range e.queues {
		if q.Overflow.Action == "queue" {
			q.overflow = e.byName[q.Overflow.Queue]
		}
	}
}

func (q *queueRT) add(en *waitEntry) {
	q.fifo = append(q.fifo, en)
	q.count++
	if en.cb == nil {
		q.live++
	}
}

func (q *queueRT) remove(en *waitEntry) {
	if en == nil || en.gone {
		return
	}
	en.gone = true
	q.count--
	if en.cb == nil {
		q.live--
	}
	for q.head < len(q.fifo) && q.fifo[q.head].gone {
		q.fifo[q.head] = nil
		q.head++
	}
	if q.head > 1024 && q.head > len(q.fifo)/2 {
		q.fifo = append(q.fifo[:0], q.fifo[q.head:]...)
		q.head = 0
	}
}

// toCallback turns a waiting caller into a callback request that keeps
// its place.
func (q *queueRT) toCallback(en *waitEntry, req *callbackReq) {
	en.c, en.cb = nil, req
	q.live--
}

// first is the call at the head of the queue that agent a (nil: anyone)
// may be offered now: not ringing already, due, and not one a just let
// ring out.
func (q *queueRT) first(a *agentState, now int64) *waitEntry {
	seen := 0
	for i := q.head; i < len(q.fifo) && seen < 64; i++ {
		en := q.fifo[i]
		if en.gone {
			continue
		}
		seen++
		if en.offered || en.notBefore > now {
			continue
		}
		if a != nil && en.c != nil && en.c.excluded(a, now) {
			continue
		}
		return en
	}
	return nil
}
