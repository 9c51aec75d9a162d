package sip

import (
	"context"
	"log/slog"
	"net/netip"
	"time"
)

// Account is what the registrar needs of a phone's account. Passwords are
// never stored: only HA1 = H(username:realm:password) per algorithm, hex.
type Account struct {
	Username  string
	HA1MD5    string // hex MD5(username:realm:password); empty = MD5 refused
	HA1SHA256 string // hex SHA-256(username:realm:password); empty = SHA-256 refused
	Enabled   bool
}

// Accounts finds SIP accounts by username. It returns ErrUnknownAccount
// (possibly wrapped) when there is none; other errors are treated as
// temporary and answered with 500, not counted against the source.
type Accounts interface {
	SIPAccount(ctx context.Context, username string) (Account, error)
}

// Trunk is a carrier connection the owner trusts by address.
type Trunk struct {
	ID   string
	Name string
}

// Trunks decides whether a request's source is a trusted trunk. INVITEs
// from a trunk are not challenged.
type Trunks interface {
	MatchTrunk(src netip.AddrPort, transport string) (Trunk, bool)
}

// Clock tells the time; tests pass a fake one.
type Clock interface {
	Now() time.Time
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

// Deps are the Server's collaborators. Accounts is required; the rest
// default to: no trunks, a MemoryRegistry, no observer, slog.Default(),
// the real clock.
type Deps struct {
	Accounts Accounts
	Trunks   Trunks
	Registry Registry
	Observer Observer
	Logger   *slog.Logger
	Clock    Clock
}

type noTrunks struct{}

func (noTrunks) MatchTrunk(netip.AddrPort, string) (Trunk, bool) { return Trunk{}, false }

func (d Deps) withDefaults() Deps {
	if d.Clock == nil {
		d.Clock = realClock{}
	}
	if d.Trunks == nil {
		d.Trunks = noTrunks{}
	}
	if d.Registry == nil {
		d.Registry = NewMemoryRegistry(d.Clock)
	}
	if d.Observer == nil {
		d.Observer = ObserverFunc(func(Event) {})
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	return d
}
