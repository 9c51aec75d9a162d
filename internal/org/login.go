package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/password"
)

// Credential is what a login checks.
type Credential struct {
	UserID       int64
	Username     string
	Hash         string
	Active       bool
	FailedLogins int
	LockedUntil  time.Time
}

// ErrNoSuchUser is returned by CredentialFor for unknown usernames.
var ErrNoSuchUser = errors.New("org: no such user")

// CredentialFor loads the login record of username (case-insensitive).
func (s *Service) CredentialFor(ctx context.Context, username string) (*Credential, error) {
	var c Credential
	var locked int64
	err := s.DB.QueryRowContext(ctx, `SELECT id, username, password_hash, active, failed_logins, locked_until
		FROM users WHERE lower(username) = $1`, strings.ToLower(strings.TrimSpace(username))).
		Scan(&c.UserID, &c.Username, &c.Hash, &c.Active, &c.FailedLogins, &locked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoSuchUser
	}
	if err != nil {
		return nil, fmt.Errorf("org: credential: %w", err)
	}
	if locked != 0 {
		c.LockedUntil = time.UnixMilli(locked)
	}
	return &c, nil
}

// LoginFailed counts a wrong password; at max failures the user is locked
// for lockFor and the count starts again. It returns the lock end (zero when
// not locked) and how many attempts remain before a lock.
func (s *Service) LoginFailed(ctx context.Context, id int64, max int, lockFor time.Duration) (time.Time, int, error) {
	var until time.Time
	remaining := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins`, id).Scan(&n); err != nil {
			return err
		}
		if n < max {
			remaining = max - n
			return nil
		}
		until = s.now().Add(lockFor)
		_, err := tx.ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = $1 WHERE id = $2`, until.UnixMilli(), id)
		return err
	})
	if err != nil {
		return time.Time{}, 0, fmt.Errorf("org: count failed login: %w", err)
	}
	return until, remaining, nil
}

// LoginSucceeded clears the failure count.
func (s *Service) LoginSucceeded(ctx context.Context, id int64) error {
	_, err := s.DB.ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = $1`, id)
	return err
}

// ChangeOwnPassword lets a user change their password by giving the old one.
// Other sessions and API tokens of the user stay valid; the caller decides
// whether to end other sessions.
func (s *Service) ChangeOwnPassword(ctx context.Context, a *Actor, old, new string) error {
	c, err := s.CredentialFor(ctx, a.Username)
	if err != nil {
		return err
	}
	ok, err := password.Verify(old, c.Hash)
	if err != nil || !ok {
		return apperr.Invalid("old_password", "is not your current password")
	}
	if err := CheckPassword("new_password", new); err != nil {
		return err
	}
	if old == new {
		return apperr.Invalid("new_password", "must differ from the current password")
	}
	return s.setPassword(ctx, a, a.UserID, new, "change_password", false)
}

// ResetPassword is an administrator setting another user's password; it
// unlocks the user and ends their sessions.
func (s *Service) ResetPassword(ctx context.Context, a *Actor, id int64, new string) error {
	if _, err := s.User(ctx, a, id); err != nil {
		return err
	}
	if err := CheckPassword("password", new); err != nil {
		return err
	}
	return s.setPassword(ctx, a, id, new, "reset_password", true)
}

func (s *Service) setPassword(ctx context.Context, a *Actor, id int64, pw, action string, endSessions bool) error {
	hash, err := s.Hasher.Hash(pw)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		u, err := s.getUser(ctx, tx, id)
		if err != nil {
			return err
		}
		now := s.now().UnixMilli()
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, password_changed_at = $2, failed_logins = 0,
			locked_until = 0, updated_at = $2 WHERE id = $3`, hash, now, id); err != nil {
			return fmt.Errorf("org: set password: %w", err)
		}
		if endSessions {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, who(a), action, "users", id, "password of "+u.Username, nil, nil)
	})
}

// UnlockUser lifts a login lock early.
func (s *Service) UnlockUser(ctx context.Context, a *Actor, id int64) error {
	u, err := s.User(ctx, a, id)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = $1`, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), "unlock", "users", id, "unlock "+u.Username, nil, nil)
	})
}

// EnsureAdmin creates the first administrator when no user exists yet. It
// returns the password it set, and whether it created anyone.
func (s *Service) EnsureAdmin(ctx context.Context, pw string) (string, bool, error) {
	var n int
	if err := s.DB.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		return "", false, err
	}
	if n > 0 {
		return "", false, nil
	}
	if pw == "" {
		pw = password.Random(16)
	}
	role, err := s.RoleByKey(ctx, RoleAdmin)
	if err != nil {
		return "", false, err
	}
	_, err = s.CreateUser(ctx, System(), UserInput{Username: "admin", DisplayName: "Administrator", Password: pw,
		RoleID: role.ID, HireDate: s.now().Format(time.DateOnly)})
	if err != nil {
		return "", false, fmt.Errorf("org: create first admin: %w", err)
	}
	return pw, true, nil
}
