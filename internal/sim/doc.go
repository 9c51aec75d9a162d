// Package sim generates realistic call-center traffic into the call event
// log, for demo data, tests and benchmarks (`hotline simulate`,
// docs/simulate.md).
//
// It is a discrete-event simulation of the same call floor the live
// system runs: Poisson arrivals per 15-minute interval shaped by a daily
// and a weekly profile, the inbound numbers' routes and IVR flows as they
// are stored, the queues' settings (ring timeout, no-answer policy, max
// wait, overflow, survey), agents on scheduled shifts with breaks who are
// offered calls longest-idle first, exponential talk, hold and wrap-up
// times, caller patience, transfers, ratings, callbacks and repeat
// callers. It emits exactly the events internal/call emits for those
// steps (calllog.Event and calllog.AgentEvent), so that CDRs are derived
// from them by calllog.Derive like any other call, and reports cannot tell
// simulated traffic from real traffic except by its call IDs ("sim-").
//
// Everything is drawn from seeded PCG generators in a deterministic event
// order: the same seed, period, options and stored configuration give the
// same events, byte for byte.
package sim
