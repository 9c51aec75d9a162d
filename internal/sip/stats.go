package sip

import "sync/atomic"

// Stats are counters since the server started, for metrics.
type Stats struct {
	Requests       uint64 // requests that reached the server's handler
	Malformed      uint64 // answered 400 (or dropped ACKs) for bad syntax or missing headers
	Unparsable     uint64 // dropped before parsing succeeded
	Rejected       uint64 // refused by policy: 403 ban, 405, 413, 420, 482, 483, 501
	Panics         uint64 // handler panics recovered (answered 500)
	AuthChallenges uint64 // 401/407 sent
	AuthFailures   uint64 // wrong credentials, unknown or disabled user
	Bans           uint64 // sources banned
	StrayResponses uint64 // responses matching no transaction
	ActiveLegs     int64  // legs not yet ended
}

type counters struct {
	requests, malformed, unparsable, rejected, panics atomic.Uint64
	challenges, authFailures, bans, stray             atomic.Uint64
	activeLegs                                        atomic.Int64
}

func (c *counters) snapshot() Stats {
	return Stats{
		Requests:       c.requests.Load(),
		Malformed:      c.malformed.Load(),
		Unparsable:     c.unparsable.Load(),
		Rejected:       c.rejected.Load(),
		Panics:         c.panics.Load(),
		AuthChallenges: c.challenges.Load(),
		AuthFailures:   c.authFailures.Load(),
		Bans:           c.bans.Load(),
		StrayResponses: c.stray.Load(),
		ActiveLegs:     c.activeLegs.Load(),
	}
}
