package acd

import "time"

const ahtWindow = 20 // handle times averaged for estimates

// queueStats are a queue's figures since local midnight plus a window of
// recent handle times (kept across midnight).
type queueStats struct {
	dayMs                                 int64
	entered, answered, answeredInSL       int
	abandoned, shortAbandoned, overflowed int
	blocked, callbacksAnswered            int
	waitAnsweredMs                        int64
	handle                                [ahtWindow]int64
	handleN, handleI                      int
}

// qstats returns q's figures, reset first if the local day changed.
func (e *Engine) qstats(q *queueRT, now int64) *queueStats {
	if day := e.day.today(now); q.stats.dayMs != day {
		q.stats = queueStats{dayMs: day, handle: q.stats.handle, handleN: q.stats.handleN, handleI: q.stats.handleI}
	}
	return &q.stats
}

// answer counts an answered call; callbacks are counted apart and stay out
// of the service level (their wait includes the time after the caller hung up).
func (s *queueStats) answer(waitMs, slMs int64, callback bool) {
	if callback {
		s.callbacksAnswered++
		return
	}
	s.answered++
	s.waitAnsweredMs += waitMs
	if waitMs <= slMs {
		s.answeredInSL++
	}
}

func (s *queueStats) addHandle(ms int64) {
	s.handle[s.handleI] = ms
	s.handleI = (s.handleI + 1) % ahtWindow
	if s.handleN < ahtWindow {
		s.handleN++
	}
}

// aht is the mean of the recent handle times, def without history.
func (s *queueStats) aht(def time.Duration) time.Duration {
	if s.handleN == 0 {
		return def
	}
	var sum int64
	for _, v := range s.handle[:s.handleN] {
		sum += v
	}
	return time.Duration(sum/int64(s.handleN)) * time.Millisecond
}

// serviceLevel is answered within the threshold ÷ (answered + abandoned
// after the short-abandon threshold + overflowed on max wait), in percent;
// 100 before any call is counted.
func (s *queueStats) serviceLevel() float64 {
	offered := s.answered + s.abandoned - s.shortAbandoned + s.overflowed
	if offered <= 0 {
		return 100
	}
	return float64(s.answeredInSL) * 100 / float64(offered)
}

// estimate is the expected wait of the caller at position pos:
//
//	EWT = max(0, pos − ready) × AHT ÷ max(1, staffed)
//
// where ready counts members ready now, staffed counts reachable members
// ready, ringing, on a call or in wrap-up, and AHT is the mean handle time
// (talk + wrap-up) of the queue's last 20 calls (Options.DefaultHandleTime
// before any).
func (e *Engine) estimate(q *queueRT, pos int) time.Duration {
	staffed, ready := 0, 0
	for _, m := range q.members {
		a := m.a
		if !a.Reachable || !a.State.loggedIn() || a.State == NotReady {
			continue
		}
		staffed++
		if a.State == Ready {
			ready++
		}
	}
	ahead := pos - ready
	if ahead <= 0 {
		return 0
	}
	return q.stats.aht(e.opts.DefaultHandleTime) * time.Duration(ahead) / time.Duration(max(1, staffed))
}
