// Package org is the organisation of a call center: departments (a tree),
// teams, users (agents carry an extension), roles with their permission
// matrix and data scope, and the Actor that every request acts as.
//
// Writes go through Service, which validates, checks the actor's data scope,
// writes the change and its audit entry in one transaction, and notifies the
// event bus after commit.
package org

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/password"
	"github.com/hotline-cc/hotline/internal/store"
)

// Notifier receives a domain event after a change is committed (the event bus
// adapter in production; nil disables notification).
type Notifier func(ctx context.Context, subject, typ string, payload any)

// Service is the organisation's domain service.
type Service struct {
	DB     *store.DB
	Hasher password.Params
	Notify Notifier
	Now    func() time.Time
	Log    *slog.Logger
}

// NewService returns a service using argon2id default costs and the wall clock.
func NewService(db *store.DB) *Service {
	return &Service{DB: db, Hasher: password.Default, Now: time.Now, Log: slog.Default()}
}

func (s *Service) now() time.Time { return s.Now() }

func (s *Service) notify(ctx context.Context, subject, typ string, payload any) {
	if s.Notify != nil {
		s.Notify(ctx, subject, typ, payload)
	}
}

// inTx runs fn in a transaction and maps driver constraint errors.
func (s *Service) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.DB.InTx(ctx, fn)
}

func who(a *Actor) audit.Who {
	return audit.Who{ID: a.UserID, Name: a.Username, IP: a.IP}
}
