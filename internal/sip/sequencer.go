package sip

import (
	"sync"
	"time"
)

// sequencer restores per-dialog order of the far end's requests. sipgo hands
// every message to its own goroutine, so an INFO carrying digit "2" can
// overtake the INFO carrying "1", or a BYE the re-INVITE before it. Within a
// dialog the far end numbers its requests contiguously (RFC 3261 12.2.1.1),
// so a request waits until the one numbered just before it has been handled,
// and requests are handled one at a time. A gap that does not fill within
// reorderWait (a lost datagram, or a peer that skips numbers) is given up.
type sequencer struct {
	mu      sync.Mutex
	known   bool
	last    int64 // highest CSeq handled
	busy    bool
	changed chan struct{}
}

const reorderWait = time.Second

// start initializes the expectation: the next request is after cseq.
func (q *sequencer) start(cseq uint32) {
	q.mu.Lock()
	q.known, q.last = true, int64(cseq)
	q.mu.Unlock()
}

// acquire blocks until the request numbered cseq may be handled. It
// returns false for a request older than one already handled, which the
// caller answers 500 as RFC 3261 12.2.2 asks.
func (q *sequencer) acquire(cseq uint32) bool {
	var timeout <-chan time.Time
	expired := false
	for {
		q.mu.Lock()
		if q.changed == nil {
			q.changed = make(chan struct{})
		}
		if !q.known {
			q.known, q.last = true, int64(cseq)-1
		}
		if int64(cseq) <= q.last {
			q.mu.Unlock()
			return false
		}
		if !q.busy && (int64(cseq) == q.last+1 || expired) {
			q.busy = true
			q.mu.Unlock()
			return true
		}
		ch := q.changed
		q.mu.Unlock()
		if timeout == nil && !expired {
			t := time.NewTimer(reorderWait)
			defer t.Stop()
			timeout = t.C
		}
		select {
		case <-ch:
		case <-timeout:
			expired, timeout = true, nil
		}
	}
}

// release marks cseq handled and wakes waiters.
func (q *sequencer) release(cseq uint32) {
	q.mu.Lock()
	q.busy = false
	if int64(cseq) > q.last {
		q.last = int64(cseq)
	}
	if q.changed != nil {
		close(q.changed)
	}
	q.changed = make(chan struct{})
	q.mu.Unlock()
}
