package sim

import (
	"math/rand/v2"
	"strconv"
	"time"
)

// RepeatWindow is how far back a repeat caller's previous call may be:
// inside the 72 hours first-call resolution looks at, with a margin for
// the length of the calls.
const RepeatWindow = 70 * time.Hour

// callers is the caller pool. A share of calls comes from someone who
// called within RepeatWindow (the recent ones more likely, and those left
// unsatisfied — abandoned, blocked, unresolved, waiting for a callback —
// four times as likely as the others); the rest are new callers: CRM
// customers' numbers when there are customers, otherwise fresh mobile
// numbers.
type callers struct {
	r         *rand.Rand
	repeat    float64
	custShare float64
	customers []string
	happy     recentList
	unhappy   recentList
}

type recent struct {
	number string
	queue  int // the queue of their last call (-1: none)
	at     int64
}

// recentList holds callers in the order their calls ended.
type recentList struct {
	items []recent
	head  int
}

func (l *recentList) add(x recent) { l.items = append(l.items, x) }

func (l *recentList) expire(before int64) {
	for l.head < len(l.items) && l.items[l.head].at < before {
		l.head++
	}
	if l.head > 4096 && l.head > len(l.items)/2 {
		l.items = append(l.items[:0], l.items[l.head:]...)
		l.head = 0
	}
}

func (l *recentList) len() int { return len(l.items) - l.head }

// pick draws an item, the recent ones more likely (the offset from the
// newest is the list's length times a cubed uniform number).
func (l *recentList) pick(r *rand.Rand) recent {
	u := r.Float64()
	off := int(u * u * u * float64(l.len()))
	return l.items[len(l.items)-1-off]
}

func newCallers(r *rand.Rand, sh Shares, customers []string) *callers {
	return &callers{r: r, repeat: sh.Repeat, custShare: sh.CustomerCallers, customers: customers}
}

// next returns the number of a call arriving at now, the queue of the
// caller's previous call (-1 for none) and whether it is a repeat call.
func (p *callers) next(now int64) (string, int, bool) {
	cut := now - RepeatWindow.Milliseconds()
	p.happy.expire(cut)
	p.unhappy.expire(cut)
	if nh, nu := p.happy.len(), p.unhappy.len(); nh+nu > 0 && chance(p.r, p.repeat) {
		l := &p.happy
		if p.r.Float64()*float64(nh+4*nu) < float64(4*nu) {
			l = &p.unhappy
		}
		x := l.pick(p.r)
		return x.number, x.queue, true
	}
	if len(p.customers) > 0 && chance(p.r, p.custShare) {
		return p.customers[p.r.IntN(len(p.customers))], -1, false
	}
	return mobile(p.r), -1, false
}

// ended records a finished call of number.
func (p *callers) ended(number string, queue int, at int64, unhappy bool) {
	x := recent{number: number, queue: queue, at: at}
	if unhappy {
		p.unhappy.add(x)
	} else {
		p.happy.add(x)
	}
}

// mobile draws a mainland China mobile number (1[3-9]x xxxx xxxx).
func mobile(r *rand.Rand) string {
	b := make([]byte, 0, 11)
	b = append(b, '1', byte('3'+r.IntN(7)))
	return string(strconv.AppendInt(b, 100_000_000+r.Int64N(900_000_000), 10))
}
