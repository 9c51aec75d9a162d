// Package pbx is the telephone configuration of a call center: extensions
// (the SIP accounts agents' phones register with), carrier trunks (trusted by
// source address, or registering to the carrier with credentials), and inbound
// numbers (DIDs) with where each routes: an IVR flow, a queue or an extension.
//
// SIP passwords are never stored: an extension keeps the digest HA1 values
// (MD5 and SHA-256 of "number:realm:password") that the registrar verifies.
// Trunk passwords are stored because Hotline must answer the carrier's
// challenge with them.
package pbx

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"time"

	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// Realm is the SIP digest realm of every extension. Changing it invalidates
// the stored HA1 values, so it is a constant.
const Realm = "hotline"

// RouteChecker verifies that a number's route target exists (an IVR flow, a
// queue); the owner of those objects provides it. Extensions are checked here.
type RouteChecker func(ctx context.Context, kind RouteKind, target string) error

// Service manages extensions, trunks and numbers.
type Service struct {
	DB     *store.DB
	Check  RouteChecker
	Notify org.Notifier
	Now    func() time.Time
	Log    *slog.Logger
}

// NewService returns a service on db.
func NewService(db *store.DB) *Service {
	return &Service{DB: db, Now: time.Now, Log: slog.Default()}
}

func (s *Service) notify(ctx context.Context, subject, typ string, payload any) {
	if s.Notify != nil {
		s.Notify(ctx, subject, typ, payload)
	}
}

func who(a *org.Actor) audit.Who { return audit.Who{ID: a.UserID, Name: a.Username, IP: a.IP} }

// HA1 returns the digest HA1 values of user:realm:password for MD5 and SHA-256.
func HA1(user, realm, password string) (md5hex, sha256hex string) {
	m := md5.Sum([]byte(user + ":" + realm + ":" + password))
	s := sha256.Sum256([]byte(user + ":" + realm + ":" + password))
	return hex.EncodeToString(m[:]), hex.EncodeToString(s[:])
}
