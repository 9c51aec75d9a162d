package pbx

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

// Extension is a SIP account a phone registers as.
type Extension struct {
	ID          int64     `json:"id"`
	Number      string    `json:"number"`
	DisplayName string    `json:"display_name"`
	Enabled     bool      `json:"enabled"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// ExtensionInput creates or changes an extension. Password is required on
// create and optional on update (empty keeps the current one).
type ExtensionInput struct {
	Number      string `json:"number"`
	DisplayName string `json:"display_name,omitempty"`
	Password    string `json:"password,omitempty"`
	Enabled     *bool  `json:"enabled,omitempty"`
}

// Account is what the registrar needs to verify a digest response.
type Account struct {
	Number    string
	HA1MD5    string
	HA1SHA256 string
	Enabled   bool
}

// ErrNoAccount is returned by Account for an unknown extension.
var ErrNoAccount = errors.New("pbx: no such extension")

const extCols = `id, number, display_name, enabled, created_at, updated_at`

func scanExt(row interface{ Scan(...any) error }) (*Extension, error) {
	var e Extension
	var c, u int64
	if err := row.Scan(&e.ID, &e.Number, &e.DisplayName, &e.Enabled, &c, &u); err != nil {
		return nil, err
	}
	e.CreatedAt, e.UpdatedAt = store.Time(c), store.Time(u)
	return &e, nil
}

// Extensions lists every extension by number.
func (s *Service) Extensions(ctx context.Context) ([]Extension, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT `+extCols+` FROM extensions ORDER BY number`)
	if err != nil {
		return nil, fmt.Errorf("pbx: list extensions: %w", err)
	}
	defer rows.Close()
	out := []Extension{}
	for rows.Next() {
		e, err := scanExt(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *e)
	}
	return out, rows.Err()
}

// Extension returns one extension.
func (s *Service) Extension(ctx context.Context, id int64) (*Extension, error) {
	return s.getExt(ctx, s.DB, `id = $1`, id)
}

// ExtensionByNumber returns the extension with number.
func (s *Service) ExtensionByNumber(ctx context.Context, number string) (*Extension, error) {
	return s.getExt(ctx, s.DB, `number = $1`, number)
}

func (s *Service) getExt(ctx context.Context, q store.Querier, cond string, arg any) (*Extension, error) {
	e, err := scanExt(q.QueryRowContext(ctx, `SELECT `+extCols+` FROM extensions WHERE `+cond, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("extension")
	}
	if err != nil {
		return nil, fmt.Errorf("pbx: get extension: %w", err)
	}
	return e, nil
}

// Account returns the digest credentials of extension number.
func (s *Service) Account(ctx context.Context, number string) (Account, error) {
	var a Account
	err := s.DB.QueryRowContext(ctx, `SELECT number, ha1_md5, ha1_sha256, enabled FROM extensions WHERE number = $1`, number).
		Scan(&a.Number, &a.HA1MD5, &a.HA1SHA256, &a.Enabled)
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNoAccount
	}
	if err != nil {
		return a, fmt.Errorf("pbx: account %s: %w", number, err)
	}
	return a, nil
}

func checkExtInput(in *ExtensionInput, create bool) error {
	in.Number = strings.TrimSpace(in.Number)
	in.DisplayName = strings.TrimSpace(in.DisplayName)
	if in.Number == "" {
		return apperr.Invalid("number", "is required")
	}
	if err := valid.Digits("number", in.Number, 2, 10); err != nil {
		return err
	}
	if err := valid.Text("display_name", in.DisplayName, 0, 100); err != nil {
		return err
	}
	if create || in.Password != "" {
		if len(in.Password) < 8 || len(in.Password) > 128 {
			return apperr.Invalid("password", "must be 8 to 128 characters")
		}
	}
	return nil
}

// CreateExtension adds a SIP account.
func (s *Service) CreateExtension(ctx context.Context, a *org.Actor, in ExtensionInput) (*Extension, error) {
	if err := checkExtInput(&in, true); err != nil {
		return nil, err
	}
	md5h, shah := HA1(in.Number, Realm, in.Password)
	enabled := in.Enabled == nil || *in.Enabled
	var e *Extension
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		now := s.Now().UnixMilli()
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO extensions (number, display_name, ha1_md5, ha1_sha256, enabled, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, in.Number, in.DisplayName, md5h, shah, enabled, now).Scan(&id)
		if err := dupErr(err, "number", "extension "+in.Number+" already exists"); err != nil {
			return err
		}
		if e, err = s.getExt(ctx, tx, `id = $1`, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), "create", "extensions", id, "extension "+e.Number, nil, e)
	})
	if err != nil {
		return nil, err
	}
	s.notify(ctx, "hotline.pbx.extension", "extension.created", e)
	return e, nil
}

// UpdateExtension changes an extension; an empty password keeps the old one.
func (s *Service) UpdateExtension(ctx context.Context, a *org.Actor, id int64, in ExtensionInput) (*Extension, error) {
	if err := checkExtInput(&in, false); err != nil {
		return nil, err
	}
	var after *Extension
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := s.getExt(ctx, tx, `id = $1`, id)
		if err != nil {
			return err
		}
		if before.Number != in.Number && in.Password == "" {
			// The HA1 covers the number: a renumbered account needs its password.
			return apperr.Invalid("password", "is required when the number changes")
		}
		enabled := before.Enabled
		if in.Enabled != nil {
			enabled = *in.Enabled
		}
		now := s.Now().UnixMilli()
		_, err = tx.ExecContext(ctx, `UPDATE extensions SET number = $1, display_name = $2, enabled = $3, updated_at = $4 WHERE id = $5`,
			in.Number, in.DisplayName, enabled, now, id)
		if err := dupErr(err, "number", "extension "+in.Number+" already exists"); err != nil {
			return err
		}
		if in.Password != "" {
			md5h, shah := HA1(in.Number, Realm, in.Password)
			if _, err := tx.ExecContext(ctx, `UPDATE extensions SET ha1_md5 = $1, ha1_sha256 = $2 WHERE id = $3`, md5h, shah, id); err != nil {
				return fmt.Errorf("pbx: set password: %w", err)
			}
		}
		if after, err = s.getExt(ctx, tx, `id = $1`, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), "update", "extensions", id, "extension "+after.Number, before, after)
	})
	if err != nil {
		return nil, err
	}
	s.notify(ctx, "hotline.pbx.extension", "extension.updated", after)
	return after, nil
}

// DeleteExtension removes an extension unless a number routes to it.
func (s *Service) DeleteExtension(ctx context.Context, a *org.Actor, id int64) error {
	var before *Extension
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if before, err = s.getExt(ctx, tx, `id = $1`, id); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM numbers WHERE route_kind = 'extension' AND route_target = $1`,
			before.Number).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return apperr.Conflict("in_use", "extension %s is the target of %d inbound numbers", before.Number, n)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM extensions WHERE id = $1`, id); err != nil {
			return fmt.Errorf("pbx: delete extension: %w", err)
		}
		return audit.Record(ctx, tx, who(a), "delete", "extensions", id, "extension "+before.Number, before, nil)
	})
	if err == nil {
		s.notify(ctx, "hotline.pbx.extension", "extension.deleted", before)
	}
	return err
}

func dupErr(err error, field, msg string) error {
	if err == nil {
		return nil
	}
	if errors.Is(store.Classify(err), store.ErrConflict) {
		return apperr.Duplicate(field, "%s", msg)
	}
	return fmt.Errorf("pbx: write: %w", err)
}
