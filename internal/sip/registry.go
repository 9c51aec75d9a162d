package sip

import (
	"context"
	"net/netip"
	"sort"
	"sync"
	"time"
)

// Contact is one registration binding of a user.
//
// URI is what the phone advertised; behind NAT it is a private address that
// cannot be reached. Source and Transport are where the REGISTER really came
// from, and that is where requests to the phone are sent (RFC 3581 style
// symmetric signalling), over the same TCP/TLS connection when there is one.
type Contact struct {
	User      string
	URI       string         // Contact URI as the phone sent it
	Source    netip.AddrPort // observed address of the phone
	Transport string         // "UDP", "TCP" or "TLS"
	Expires   time.Time
	CallID    string
	CSeq      uint32
	UserAgent string
	// Registered is when the binding was first created.
	Registered time.Time
	// Reachable is false after the phone failed to answer a qualify OPTIONS.
	Reachable bool
	// NAT is true when the advertised host differs from the observed one.
	NAT bool
}

// Destination is where requests to the contact are sent: the observed
// address for phones behind NAT and for connection transports (the
// phone's own TCP/TLS connection), else the advertised Contact ("").
func (c Contact) Destination() string {
	if !c.Source.IsValid() || (!c.NAT && upperTransport(c.Transport) == "UDP") {
		return ""
	}
	return c.Source.String()
}

// Registry stores bindings. The in-memory one serves a single node; a shared
// implementation (database, NATS KV) lets several nodes see every phone.
// Implementations must be safe for concurrent use.
type Registry interface {
	// Contacts returns the user's unexpired bindings.
	Contacts(ctx context.Context, user string) ([]Contact, error)
	// Save inserts or replaces the binding (User, URI).
	Save(ctx context.Context, c Contact) error
	// Delete removes the binding (user, uri) and returns it.
	Delete(ctx context.Context, user, uri string) (Contact, bool, error)
	// All returns every unexpired binding.
	All(ctx context.Context) ([]Contact, error)
	// Expire removes bindings whose Expires is not after now and returns them.
	Expire(ctx context.Context, now time.Time) ([]Contact, error)
	// SetReachable records a qualify result and reports whether it changed
	// the binding's state. A missing binding is not an error (changed=false).
	SetReachable(ctx context.Context, user, uri string, reachable bool) (Contact, bool, error)
}

// MemoryRegistry is a Registry in a map, for one node.
type MemoryRegistry struct {
	clock Clock
	mu    sync.RWMutex
	users map[string]map[string]Contact
}

// NewMemoryRegistry returns an empty registry; clock nil = real time.
func NewMemoryRegistry(clock Clock) *MemoryRegistry {
	if clock == nil {
		clock = realClock{}
	}
	return &MemoryRegistry{clock: clock, users: make(map[string]map[string]Contact)}
}

// Contacts implements Registry.
func (r *MemoryRegistry) Contacts(_ context.Context, user string) ([]Contact, error) {
	now := r.clock.Now()
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []Contact
	for _, c := range r.users[user] {
		if c.Expires.After(now) {
			out = append(out, c)
		}
	}
	sortContacts(out)
	return out, nil
}

// Save implements Registry.
func (r *MemoryRegistry) Save(_ context.Context, c Contact) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := r.users[c.User]
	if m == nil {
		m = make(map[string]Contact)
		r.users[c.User] = m
	}
	m[c.URI] = c
	return nil
}

// Delete implements Registry.
func (r *MemoryRegistry) Delete(_ context.Context, user, uri string) (Contact, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.users[user][uri]
	if ok {
		delete(r.users[user], uri)
		if len(r.users[user]) == 0 {
			delete(r.users, user)
		}
	}
	return c, ok, nil
}

// All implements Registry.
func (r *MemoryRegistry) All(_ context.Context) ([]Contact, error) {
	now := r.clock.Now()
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []Contact
	for _, m := range r.users {
		for _, c := range m {
			if c.Expires.After(now) {
				out = append(out, c)
			}
		}
	}
	sortContacts(out)
	return out, nil
}

// Expire implements Registry.
func (r *MemoryRegistry) Expire(_ context.Context, now time.Time) ([]Contact, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Contact
	for user, m := range r.users {
		for uri, c := range m {
			if !c.Expires.After(now) {
				out = append(out, c)
				delete(m, uri)
			}
		}
		if len(m) == 0 {
			delete(r.users, user)
		}
	}
	sortContacts(out)
	return out, nil
}

// SetReachable implements Registry.
func (r *MemoryRegistry) SetReachable(_ context.Context, user, uri string, reachable bool) (Contact, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.users[user][uri]
	if !ok || c.Reachable == reachable {
		return c, false, nil
	}
	c.Reachable = reachable
	r.users[user][uri] = c
	return c, true, nil
}

// sortContacts gives callers a stable order: oldest binding first.
func sortContacts(cs []Contact) {
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].User != cs[j].User {
			return cs[i].User < cs[j].User
		}
		if !cs[i].Registered.Equal(cs[j].Registered) {
			return cs[i].Registered.Before(cs[j].Registered)
		}
		return cs[i].URI < cs[j].URI
	})
}
