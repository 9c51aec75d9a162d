package sim

// readyItem is an agent waiting for a call in a queue's heap, longest
// idle first.
type readyItem struct {
	idle  int64
	id    int64
	epoch uint32
	a     *agentState
}

type readyHeap []readyItem

func (x readyItem) before(o readyItem) bool {
	return x.idle < o.idle || (x.idle == o.idle && x.id < o.id)
}

func (h *readyHeap) push(it readyItem) {
	*h = append(*h, it)
	s := *h
	for i := len(s) - 1; i > 0; {
		p := (i - 1) / 2
		if !s[i].before(s[p]) {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
}

func (h *readyHeap) pop() readyItem {
	s := *h
	top := s[0]
	last := len(s) - 1
	s[0] = s[last]
	s[last] = readyItem{}
	s = s[:last]
	for i := 0; ; {
		l, m := 2*i+1, i
		if l < len(s) && s[l].before(s[m]) {
			m = l
		}
		if r := l + 1; r < len(s) && s[r].before(s[m]) {
			m = r
		}
		if m == i {
			break
		}
		s[i], s[m] = s[m], s[i]
		i = m
	}
	*h = s
	return top
}

// popReady takes the longest-idle available agent of q that may take
// c (nil: any), or nil.
func (e *engine) popReady(q *queueRT, c *callState) *agentState {
	var skipped []readyItem
	defer func() {
		for _, it := range skipped {
			q.ready.push(it)
		}
	}()
	for len(q.ready) > 0 {
		it := q.ready.pop()
		if it.a.epoch != it.epoch || !it.a.available() {
			continue
		}
		if c != nil && c.excluded(it.a, e.now) {
			skipped = append(skipped, it)
			continue
		}
		return it.a
	}
	return nil
}

// dispatchAgent offers a free agent the call that has waited longest in
// the highest-priority queue they serve.
func (e *engine) dispatchAgent(a *agentState) {
	if e.closing || !a.available() {
		return
	}
	var best *waitEntry
	var bestQ *queueRT
	for _, q := range a.queues {
		en := q.first(a, e.now)
		if en == nil {
			continue
		}
		if best == nil || q.Priority > bestQ.Priority || (q.Priority == bestQ.Priority && en.entered < best.entered) {
			best, bestQ = en, q
		}
	}
	if best != nil {
		e.offer(best, a, bestQ)
	}
}

// dispatchQueue offers q's waiting calls to its free agents, in order.
func (e *engine) dispatchQueue(q *queueRT) {
	for range 64 {
		if e.closing {
			return
		}
		en := q.first(nil, e.now)
		if en == nil {
			return
		}
		a := e.popReady(q, en.c)
		if a == nil {
			return
		}
		e.offer(en, a, q)
	}
}
