package dialer

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Dialling modes.
const (
	Preview     = "preview"     // the agent sees the customer first, then dials
	Progressive = "progressive" // one dial per free agent, as soon as one is free
	Predictive  = "predictive"  // dials ahead by a ratio that adapts to answers and abandons
)

// Load is what a campaign's queue looks like now.
type Load struct {
	Free    int             // agents who could take a call
	Waiting int             // answered customers already waiting for one of them
	Ringing int             // our dials not yet answered
	Talking []time.Duration // how long each busy agent has been on their call
}

// ToDial is how many new calls to place now. Progressive dials one per
// agent who is free and not already promised to a customer. Predictive
// dials ahead: as many as it can while the chance that more customers
// answer than agents are free stays under its risk — the answers among the
// calls ringing and the new ones follow a binomial law with the learnt
// answer rate — and never more than MaxRatio per free agent. Preview never
// dials by itself.
func (p *Pacer) ToDial(mode string, l Load) int {
	capacity := l.Free - l.Waiting
	switch mode {
	case Progressive:
		return max(capacity-l.Ringing, 0)
	case Predictive:
		// Agents whose call should end by the time a customer dialled now
		// answers count as free: dialling ahead for them is what keeps
		// predictive agents busier than progressive ones.
		progressive := max(capacity-l.Ringing, 0)
		capacity += p.soonFree(l.Talking)
		if capacity <= 0 {
			return 0
		}
		limit := int(math.Floor(float64(capacity)*p.MaxRatio)) - l.Ringing
		n := progressive // never fewer than progressive
		rate, risk := p.AnswerRate(), p.Risk()
		for n < limit && binomialTail(l.Ringing+n+1, rate, capacity) <= risk {
			n++
		}
		return n
	}
	return 0
}

// soonFree counts agents expected to finish within the time a dial takes
// to be answered, from the learnt call length and answer delay.
func (p *Pacer) soonFree(talking []time.Duration) int {
	if p.talks == 0 {
		return 0 // nothing learnt yet
	}
	talk := p.talkSum / time.Duration(p.talks)
	delay := p.delaySum / time.Duration(p.talks)
	n := 0
	for _, d := range talking {
		if d >= talk-delay {
			n++
		}
	}
	return n
}

// ObserveCall learns from a connected call: how long the customer took to
// answer and how long the agent was on the call.
func (p *Pacer) ObserveCall(answerDelay, talk time.Duration) {
	if talk <= 0 {
		return
	}
	p.talks++
	p.talkSum += talk
	p.delaySum += answerDelay
	if p.talks > 200 { // a moving average: halve the history
		p.talks, p.talkSum, p.delaySum = p.talks/2, p.talkSum/2, p.delaySum/2
	}
}

// binomialTail is P(X > k) for X ~ Binomial(n, p).
func binomialTail(n int, p float64, k int) float64 {
	if k >= n {
		return 0
	}
	cdf, pmf := 0.0, math.Pow(1-p, float64(n))
	for i := 0; i <= k; i++ {
		cdf += pmf
		pmf *= float64(n-i) / float64(i+1) * p / (1 - p)
	}
	return max(1-cdf, 0)
}

// Risk is the chance of an abandon the pacer accepts per dialling
// decision: a fifth of the cap (agents freeing up during the connect wait
// rescue most of the rest), lower still after abandons over the cap.
func (p *Pacer) Risk() float64 { return p.Cap * 0.2 * p.scale }

// Pacer adapts the predictive ratio. It estimates the answer rate over the
// last Window dials (starting from a prior of one in two) and dials
// 1/answer-rate calls per free agent, scaled down whenever the abandon rate
// (answered calls no agent took ÷ answered calls) passes the cap and back up
// slowly when it is well under it.
type Pacer struct {
	Cap      float64 // abandon-rate cap, e.g. 0.03
	MaxRatio float64
	Window   int

	outcomes []string // recent dial outcomes, newest last
	scale    float64

	talks             int
	talkSum, delaySum time.Duration
}

// NewPacer returns a pacer for an abandon cap and a maximum ratio.
func NewPacer(cap, maxRatio float64) *Pacer {
	return &Pacer{Cap: cap, MaxRatio: maxRatio, Window: 60, scale: 1}
}

// Observe records one dial's outcome and adjusts the scale.
func (p *Pacer) Observe(outcome string) {
	p.outcomes = append(p.outcomes, outcome)
	if len(p.outcomes) > p.Window {
		p.outcomes = p.outcomes[len(p.outcomes)-p.Window:]
	}
	if outcome != "connected" && outcome != "abandoned" {
		return
	}
	switch ab := p.AbandonRate(); {
	case ab > p.Cap:
		p.scale = max(p.scale*0.7, 0.2)
	case ab < p.Cap/2:
		p.scale = min(p.scale*1.05, 1)
	}
}

// AnswerRate is answered dials ÷ dials over the window, with a prior.
func (p *Pacer) AnswerRate() float64 {
	answered := 0
	for _, o := range p.outcomes {
		if o == "connected" || o == "abandoned" {
			answered++
		}
	}
	const priorDials, priorAnswers = 4, 2
	return float64(answered+priorAnswers) / float64(len(p.outcomes)+priorDials)
}

// AbandonRate is abandoned ÷ answered over the window.
func (p *Pacer) AbandonRate() float64 {
	answered, abandoned := 0, 0
	for _, o := range p.outcomes {
		switch o {
		case "connected":
			answered++
		case "abandoned":
			answered++
			abandoned++
		}
	}
	if answered == 0 {
		return 0
	}
	return float64(abandoned) / float64(answered)
}

// Ratio is the expected dials per answer (1 / answer rate), for the
// figures.
func (p *Pacer) Ratio() float64 { return min(1/max(p.AnswerRate(), 0.05), p.MaxRatio) }

// Hours is when a campaign may call, in its time zone.
type Hours struct {
	Location *time.Location
	Days     map[time.Weekday]bool
	Ranges   [][2]int // minutes since midnight, [from, to)
}

var dayNames = map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}

// ParseHours reads a time zone, days ("mon", "tue", …) and ranges
// ("09:00-12:00").
func ParseHours(tz string, days, ranges []string) (Hours, error) {
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return Hours{}, fmt.Errorf("time zone %q: %w", tz, err)
	}
	h := Hours{Location: loc, Days: map[time.Weekday]bool{}}
	for _, d := range days {
		wd, ok := dayNames[strings.ToLower(strings.TrimSpace(d))]
		if !ok {
			return h, fmt.Errorf("day %q: want mon, tue, wed, thu, fri, sat or sun", d)
		}
		h.Days[wd] = true
	}
	for _, r := range ranges {
		var a, b, c, d int
		if _, err := fmt.Sscanf(r, "%d:%d-%d:%d", &a, &b, &c, &d); err != nil || a > 23 || b > 59 || c > 24 || d > 59 || a*60+b >= c*60+d {
			return h, fmt.Errorf("hours %q: want HH:MM-HH:MM with the end after the start", r)
		}
		h.Ranges = append(h.Ranges, [2]int{a*60 + b, c*60 + d})
	}
	return h, nil
}

// Open reports whether t is within the calling hours.
func (h Hours) Open(t time.Time) bool {
	lt := t.In(h.Location)
	if !h.Days[lt.Weekday()] {
		return false
	}
	m := lt.Hour()*60 + lt.Minute()
	for _, r := range h.Ranges {
		if m >= r[0] && m < r[1] {
			return true
		}
	}
	return false
}
