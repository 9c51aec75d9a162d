package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/valid"
)

// Token is an API token of a machine client. The secret is shown once, at
// creation; the database keeps its SHA-256 and a short prefix to recognise it.
type Token struct {
	ID         int64     `json:"id"`
	UserID     int64     `json:"user_id"`
	Name       string    `json:"name"`
	Prefix     string    `json:"prefix"`
	CreatedAt  time.Time `json:"created_at"`
	LastUsedAt time.Time `json:"last_used_at,omitempty"`
	ExpiresAt  time.Time `json:"expires_at,omitempty"`
	RevokedAt  time.Time `json:"revoked_at,omitempty"`
}

const tokenPrefix = "hl_"

// CreateToken makes a token acting as the actor's user and returns its secret.
func (s *Service) CreateToken(ctx context.Context, a *org.Actor, name string, expires time.Time) (string, *Token, error) {
	name = strings.TrimSpace(name)
	if err := valid.Text("name", name, 1, 100); err != nil {
		return "", nil, err
	}
	if !expires.IsZero() && !expires.After(s.Now()) {
		return "", nil, apperr.Invalid("expires_at", "must be in the future")
	}
	secret := tokenPrefix + randomToken(32)
	t := &Token{UserID: a.UserID, Name: name, Prefix: secret[:10], CreatedAt: s.Now(), ExpiresAt: expires}
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, prefix, hash, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, a.UserID, name, t.Prefix, hashToken(secret),
			t.CreatedAt.UnixMilli(), store.Millis(expires)).Scan(&t.ID)
		if err != nil {
			return fmt.Errorf("auth: create token: %w", err)
		}
		return audit.Record(ctx, tx, audit.Who{ID: a.UserID, Name: a.Username, IP: a.IP}, "create", "api_tokens", t.ID, "API token "+name, nil, t)
	})
	if err != nil {
		return "", nil, err
	}
	return secret, t, nil
}

// Tokens lists the tokens of a user.
func (s *Service) Tokens(ctx context.Context, userID int64) ([]Token, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id, user_id, name, prefix, created_at, last_used_at, expires_at, revoked_at
		FROM api_tokens WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		return nil, fmt.Errorf("auth: list tokens: %w", err)
	}
	defer rows.Close()
	out := []Token{}
	for rows.Next() {
		var t Token
		var c, l, e, r int64
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &c, &l, &e, &r); err != nil {
			return nil, err
		}
		t.CreatedAt, t.LastUsedAt, t.ExpiresAt, t.RevokedAt = store.Time(c), store.Time(l), store.Time(e), store.Time(r)
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken revokes one of the actor's own tokens (or any, for an actor
// allowed to manage users).
func (s *Service) RevokeToken(ctx context.Context, a *org.Actor, id int64) error {
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var owner int64
		var revoked int64
		err := tx.QueryRowContext(ctx, `SELECT user_id, revoked_at FROM api_tokens WHERE id = $1`, id).Scan(&owner, &revoked)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && owner != a.UserID && !a.Can(org.P("users", "update"))) {
			return apperr.NotFound("token")
		}
		if err != nil {
			return err
		}
		if revoked != 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2`, s.Now().UnixMilli(), id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Who{ID: a.UserID, Name: a.Username, IP: a.IP}, "revoke", "api_tokens", id, "API token", nil, nil)
	})
}

// ErrBadToken is returned for an unknown, revoked or expired API token.
var ErrBadToken = apperr.Unauthorized("bad_token", "the API token is unknown, revoked or expired")

// TokenActor returns the actor an API token acts as.
func (s *Service) TokenActor(ctx context.Context, secret string) (*org.Actor, error) {
	if !strings.HasPrefix(secret, tokenPrefix) {
		return nil, ErrBadToken
	}
	var id, user, exp, revoked, used int64
	err := s.DB.QueryRowContext(ctx, `SELECT id, user_id, expires_at, revoked_at, last_used_at FROM api_tokens WHERE hash = $1`,
		hashToken(secret)).Scan(&id, &user, &exp, &revoked, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrBadToken
	}
	if err != nil {
		return nil, fmt.Errorf("auth: token: %w", err)
	}
	now := s.Now().UnixMilli()
	if revoked != 0 || (exp != 0 && now >= exp) {
		return nil, ErrBadToken
	}
	if now-used > time.Minute.Milliseconds() {
		s.DB.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, now, id)
	}
	return s.Org.LoadActor(ctx, user)
}
