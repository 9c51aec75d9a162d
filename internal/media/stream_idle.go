package media

import (
	"time"
)

// SetInactivityTimeout changes the inactivity timeout; 0 turns it off.
func (s *Stream) SetInactivityTimeout(d time.Duration) {
	s.idle.Store(int64(d))
	s.idleSince.Store(time.Now().UnixNano())
	s.idleFired.Store(false)
	if d > 0 && !s.closed.Load() {
		s.timer.Reset(d)
	} else {
		s.timer.Stop()
	}
}

// checkIdle runs on the inactivity timer.
func (s *Stream) checkIdle() {
	timeout := time.Duration(s.idle.Load())
	if s.closed.Load() || timeout <= 0 {
		return
	}
	s.mu.Lock()
	receiving := !s.hasMedia || s.media.Direction.Receives()
	s.mu.Unlock()
	since := max(s.lastRecv.Load(), s.idleSince.Load())
	idle := time.Since(time.Unix(0, since))
	if !receiving {
		s.idleSince.Store(time.Now().UnixNano())
		idle = 0
	}
	if idle >= timeout && s.idleFired.CompareAndSwap(false, true) {
		s.log.Info("RTP inactivity", "idle", idle.Round(time.Millisecond))
		if s.cfg.OnInactive != nil {
			s.cfg.OnInactive(idle)
		}
	}
	wait := timeout - idle
	if idle >= timeout {
		wait = timeout
	}
	if !s.closed.Load() {
		s.timer.Reset(max(wait, 10*time.Millisecond))
	}
}
