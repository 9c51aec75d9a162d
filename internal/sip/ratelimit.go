package sip

import (
	"net/netip"
	"sync"
	"time"
)

// authLimiter bans an IP after max failed authentications within window.
// It keys by IP, not IP:port: scanners rotate ports. The flip side is that
// phones behind one NAT share fate, and over UDP a forged source can get an
// innocent IP banned; both are the usual trade-offs of fail2ban-style bans.
type authLimiter struct {
	max    int
	window time.Duration
	ban    time.Duration
	clock  Clock

	mu      sync.Mutex
	entries map[netip.Addr]*limitEntry
}

type limitEntry struct {
	fails  []time.Time // most recent failures, oldest first, at most max
	banned time.Time   // refused until this instant
}

// maxLimiterEntries bounds memory under a flood from many sources.
const maxLimiterEntries = 100_000

func newAuthLimiter(max int, window, ban time.Duration, clock Clock) *authLimiter {
	return &authLimiter{max: max, window: window, ban: ban, clock: clock,
		entries: make(map[netip.Addr]*limitEntry)}
}

// bannedUntil reports whether ip is refused now and until when.
func (l *authLimiter) bannedUntil(ip netip.Addr) (time.Time, bool) {
	ip = ip.Unmap()
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.entries[ip]
	if e == nil || !e.banned.After(now) {
		return time.Time{}, false
	}
	return e.banned, true
}

// fail records one failure; it returns the ban end when this failure
// started a ban.
func (l *authLimiter) fail(ip netip.Addr) (time.Time, bool) {
	if l.max <= 0 {
		return time.Time{}, false
	}
	ip = ip.Unmap()
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.entries[ip]
	if e == nil {
		if len(l.entries) >= maxLimiterEntries {
			l.evictLocked(now)
		}
		e = &limitEntry{}
		l.entries[ip] = e
	}
	if e.banned.After(now) {
		return time.Time{}, false
	}
	e.fails = append(e.fails, now)
	if len(e.fails) > l.max {
		e.fails = e.fails[len(e.fails)-l.max:]
	}
	if len(e.fails) == l.max && now.Sub(e.fails[0]) <= l.window {
		e.banned = now.Add(l.ban)
		e.fails = e.fails[:0]
		return e.banned, true
	}
	return time.Time{}, false
}

// sweep forgets entries with no ban and no failure inside the window.
func (l *authLimiter) sweep() {
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	for ip, e := range l.entries {
		if l.idle(e, now) {
			delete(l.entries, ip)
		}
	}
}

func (l *authLimiter) idle(e *limitEntry, now time.Time) bool {
	if e.banned.After(now) {
		return false
	}
	return len(e.fails) == 0 || now.Sub(e.fails[len(e.fails)-1]) > l.window
}

// evictLocked makes room: idle entries first, then any unbanned one.
func (l *authLimiter) evictLocked(now time.Time) {
	for ip, e := range l.entries {
		if l.idle(e, now) {
			delete(l.entries, ip)
		}
	}
	for ip, e := range l.entries {
		if len(l.entries) < maxLimiterEntries {
			return
		}
		if !e.banned.After(now) {
			delete(l.entries, ip)
		}
	}
}
