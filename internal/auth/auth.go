// Package auth logs users in and tells who a request acts as: server-side
// sessions in HttpOnly SameSite cookies (with a per-session CSRF token for
// state-changing browser requests), API tokens for machine clients, and the
// lock-out after repeated wrong passwords.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/password"
	"github.com/hotline-cc/hotline/internal/store"
)

// Service authenticates users.
type Service struct {
	DB          *store.DB
	Org         *org.Service
	SessionTTL  time.Duration
	MaxFailures int
	LockFor     time.Duration
	Now         func() time.Time
	Log         *slog.Logger

	dummyHash string // verified for unknown users so that timing does not reveal them
}

// New returns a service with the given policy.
func New(db *store.DB, o *org.Service, ttl time.Duration, maxFailures int, lockFor time.Duration) *Service {
	h, _ := o.Hasher.Hash(randomToken(12))
	return &Service{DB: db, Org: o, SessionTTL: ttl, MaxFailures: maxFailures, LockFor: lockFor,
		Now: time.Now, Log: slog.Default(), dummyHash: h}
}

// Session is a login session. Token is only known right after Login; the
// database keeps its SHA-256.
type Session struct {
	Token     string
	UserID    int64
	CSRF      string
	ExpiresAt time.Time
}

// ErrSessionExpired is returned for a session token that is unknown or past
// its expiry; the UI sends the user back to the login page saying so.
var ErrSessionExpired = apperr.Unauthorized("session_expired", "your session has expired; please log in again")

// Login checks username and password and opens a session.
func (s *Service) Login(ctx context.Context, username, pw, ip, userAgent string) (*Session, error) {
	bad := apperr.Unauthorized("bad_credentials", "wrong username or password")
	c, err := s.Org.CredentialFor(ctx, username)
	if errors.Is(err, org.ErrNoSuchUser) {
		password.Verify(pw, s.dummyHash)
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	now := s.Now()
	if now.Before(c.LockedUntil) {
		return nil, lockedErr(c.LockedUntil)
	}
	ok, err := password.Verify(pw, c.Hash)
	if err != nil {
		return nil, fmt.Errorf("auth: verify: %w", err)
	}
	if !ok {
		until, left, err := s.Org.LoginFailed(ctx, c.UserID, s.MaxFailures, s.LockFor)
		if err != nil {
			return nil, err
		}
		if !until.IsZero() {
			s.Log.Warn("user locked after failed logins", "user", c.Username, "ip", ip, "until", until)
			return nil, lockedErr(until)
		}
		return nil, apperr.Unauthorized("bad_credentials", "wrong username or password (%d attempts left before the account is locked)", left)
	}
	if !c.Active {
		return nil, apperr.Unauthorized("inactive", "this account is deactivated")
	}
	if err := s.Org.LoginSucceeded(ctx, c.UserID); err != nil {
		return nil, err
	}
	return s.openSession(ctx, c.UserID, ip, userAgent)
}

func lockedErr(until time.Time) error {
	e := apperr.Locked("too many wrong passwords: the account is locked until %s", until.Local().Format("2006-01-02 15:04:05 MST"))
	e.(*apperr.Error).Field = "password"
	return e
}

func (s *Service) openSession(ctx context.Context, userID int64, ip, ua string) (*Session, error) {
	now := s.Now()
	sess := &Session{Token: randomToken(32), UserID: userID, CSRF: randomToken(24), ExpiresAt: now.Add(s.SessionTTL)}
	if len(ua) > 300 {
		ua = ua[:300]
	}
	_, err := s.DB.ExecContext(ctx, `INSERT INTO sessions (id, user_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent)
		VALUES ($1, $2, $3, $4, $4, $5, $6, $7)`, hashToken(sess.Token), userID, sess.CSRF, now.UnixMilli(), sess.ExpiresAt.UnixMilli(), ip, ua)
	if err != nil {
		return nil, fmt.Errorf("auth: open session: %w", err)
	}
	return sess, nil
}

// Logout ends the session of token.
func (s *Service) Logout(ctx context.Context, token string) error {
	_, err := s.DB.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1`, hashToken(token))
	return err
}

// SessionActor returns the actor and session of a session token, sliding the
// expiry forward (at most once a minute, to spare the database).
func (s *Service) SessionActor(ctx context.Context, token string) (*org.Actor, *Session, error) {
	if token == "" {
		return nil, nil, ErrSessionExpired
	}
	var sess Session
	var exp, seen int64
	id := hashToken(token)
	err := s.DB.QueryRowContext(ctx, `SELECT user_id, csrf_token, expires_at, last_seen_at FROM sessions WHERE id = $1`, id).
		Scan(&sess.UserID, &sess.CSRF, &exp, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, ErrSessionExpired
	}
	if err != nil {
		return nil, nil, fmt.Errorf("auth: session: %w", err)
	}
	now := s.Now()
	if now.UnixMilli() >= exp {
		s.DB.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1`, id)
		return nil, nil, ErrSessionExpired
	}
	sess.Token = token
	sess.ExpiresAt = time.UnixMilli(exp)
	if now.UnixMilli()-seen > time.Minute.Milliseconds() {
		sess.ExpiresAt = now.Add(s.SessionTTL)
		s.DB.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id = $3`,
			now.UnixMilli(), sess.ExpiresAt.UnixMilli(), id)
	}
	a, err := s.Org.LoadActor(ctx, sess.UserID)
	if err != nil {
		return nil, nil, err
	}
	return a, &sess, nil
}

// PurgeExpired deletes sessions past their expiry.
func (s *Service) PurgeExpired(ctx context.Context) (int64, error) {
	r, err := s.DB.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, s.Now().UnixMilli())
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("auth: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}
