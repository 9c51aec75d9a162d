package sip

import (
	"net/netip"
	"time"
)

// EventKind says what an Event reports.
type EventKind int

const (
	// EventRegistered: new bindings for User (Contacts).
	EventRegistered EventKind = iota + 1
	// EventRefreshed: existing bindings re-registered (Contacts).
	EventRefreshed
	// EventUnregistered: bindings removed by the phone or by expiry
	// (Contacts; Reason "unregister" or "expired").
	EventUnregistered
	// EventAuthFailed: a request from Source carried wrong credentials or
	// named an unknown or disabled user (User, Reason).
	EventAuthFailed
	// EventSourceBanned: Source is refused until Until.
	EventSourceBanned
	// EventReachability: a contact started or stopped answering OPTIONS
	// (Contacts has the one contact, Reachable the new state).
	EventReachability
	// EventTrunkRegistration: an outbound trunk registration changed state
	// (Trunk).
	EventTrunkRegistration
)

var eventKindNames = map[EventKind]string{
	EventRegistered:        "registered",
	EventRefreshed:         "refreshed",
	EventUnregistered:      "unregistered",
	EventAuthFailed:        "auth_failed",
	EventSourceBanned:      "source_banned",
	EventReachability:      "reachability",
	EventTrunkRegistration: "trunk_registration",
}

func (k EventKind) String() string {
	if s, ok := eventKindNames[k]; ok {
		return s
	}
	return "unknown"
}

// Event is one thing the SIP layer reports to its owner. Fields not
// relevant to Kind are zero.
type Event struct {
	Kind      EventKind
	Time      time.Time
	User      string
	Contacts  []Contact
	Source    netip.AddrPort
	Reason    string
	Until     time.Time
	Reachable bool
	Trunk     *TrunkRegStatus
}

// Observer receives events. It is called synchronously from SIP
// processing, in the order things happened, so it must return quickly
// (hand the event to a channel or bus).
type Observer interface {
	SIPEvent(Event)
}

// ObserverFunc adapts a function to Observer.
type ObserverFunc func(Event)

// SIPEvent calls f.
func (f ObserverFunc) SIPEvent(e Event) { f(e) }
