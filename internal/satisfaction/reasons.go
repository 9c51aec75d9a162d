package satisfaction

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/valid"
)

// Reason is a reason category of very-unsatisfied ratings (等待时间长,
// 问题未解决, ...): data, with defaults, edited by a manager. Inactive
// reasons stay on the cases that use them but are no longer offered.
type Reason struct {
	ID        int64     `json:"id"`
	Code      string    `json:"code"`
	Name      string    `json:"name"`    // Chinese
	NameEn    string    `json:"name_en"` // English ("" shows Name)
	Active    bool      `json:"active"`
	Sort      int       `json:"sort"`
	Used      int       `json:"used"` // cases with this reason
	UpdatedAt time.Time `json:"updated_at"`
}

// Label is the reason's name in lang ("en" or "zh-CN").
func (r Reason) Label(lang string) string {
	if lang == "en" && r.NameEn != "" {
		return r.NameEn
	}
	return r.Name
}

// ReasonInput creates or changes a reason. Code is optional on create
// (reason_<id> then); Active nil keeps the current value (true on create).
type ReasonInput struct {
	Code   string `json:"code,omitempty"`
	Name   string `json:"name"`
	NameEn string `json:"name_en,omitempty"`
	Active *bool  `json:"active,omitempty"`
	Sort   int    `json:"sort,omitempty"`
}

var codeRE = regexp.MustCompile(`^[a-z][a-z0-9_]{1,31}$`)

func (in *ReasonInput) check() error {
	in.Code, in.Name, in.NameEn = strings.TrimSpace(in.Code), strings.TrimSpace(in.Name), strings.TrimSpace(in.NameEn)
	if in.Code != "" && !codeRE.MatchString(in.Code) {
		return apperr.Invalid("code", "use 2–32 lower-case letters, digits and _, starting with a letter")
	}
	if err := valid.Text("name", in.Name, 1, 40); err != nil {
		return err
	}
	return valid.Text("name_en", in.NameEn, 0, 60)
}

const reasonCols = `r.id, r.code, r.name, r.name_en, r.active, r.sort, r.updated_at,
	(SELECT count(*) FROM sat_cases c WHERE c.reason_id = r.id)`

func scanReason(row interface{ Scan(...any) error }) (*Reason, error) {
	var r Reason
	var upd int64
	if err := row.Scan(&r.ID, &r.Code, &r.Name, &r.NameEn, &r.Active, &r.Sort, &upd, &r.Used); err != nil {
		return nil, err
	}
	r.UpdatedAt = store.Time(upd)
	return &r, nil
}

// Reasons lists the reason categories in display order.
func (s *Service) Reasons(ctx context.Context) ([]Reason, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT `+reasonCols+` FROM sat_reasons r ORDER BY r.sort, r.id`)
	if err != nil {
		return nil, fmt.Errorf("satisfaction: reasons: %w", err)
	}
	defer rows.Close()
	out := []Reason{}
	for rows.Next() {
		r, err := scanReason(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

func getReason(ctx context.Context, q store.Querier, id int64) (*Reason, error) {
	r, err := scanReason(q.QueryRowContext(ctx, `SELECT `+reasonCols+` FROM sat_reasons r WHERE r.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("reason")
	}
	return r, err
}

// CreateReason adds a reason category.
func (s *Service) CreateReason(ctx context.Context, a *org.Actor, in ReasonInput) (*Reason, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	var out *Reason
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		now := s.now().UnixMilli()
		code := in.Code
		if code == "" {
			code = fmt.Sprintf("pending_%d", now) // renamed to reason_<id> below
		}
		active := in.Active == nil || *in.Active
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO sat_reasons (code, name, name_en, active, sort, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, code, in.Name, in.NameEn, active, in.Sort, now).Scan(&id)
		if err != nil {
			return reasonErr(err)
		}
		if in.Code == "" {
			if _, err := tx.ExecContext(ctx, `UPDATE sat_reasons SET code = $1 WHERE id = $2`, fmt.Sprintf("reason_%d", id), id); err != nil {
				return reasonErr(err)
			}
		}
		if out, err = getReason(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), "create", "satisfaction_reasons", id, "reason "+out.Name, nil, out)
	})
	return out, err
}

// UpdateReason changes a reason category (its code only when given).
func (s *Service) UpdateReason(ctx context.Context, a *org.Actor, id int64, in ReasonInput) (*Reason, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	var out *Reason
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := getReason(ctx, tx, id)
		if err != nil {
			return err
		}
		code, active := before.Code, before.Active
		if in.Code != "" {
			code = in.Code
		}
		if in.Active != nil {
			active = *in.Active
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sat_reasons SET code = $1, name = $2, name_en = $3, active = $4, sort = $5,
			updated_at = $6 WHERE id = $7`, code, in.Name, in.NameEn, active, in.Sort, s.now().UnixMilli(), id); err != nil {
			return reasonErr(err)
		}
		if out, err = getReason(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), "update", "satisfaction_reasons", id, "reason "+out.Name, before, out)
	})
	return out, err
}

// DeleteReason removes a reason no case uses; one in use can only be
// deactivated, so that closed cases keep their reason.
func (s *Service) DeleteReason(ctx context.Context, a *org.Actor, id int64) error {
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := getReason(ctx, tx, id)
		if err != nil {
			return err
		}
		// A case's steps keep the reason it had when reviewed, even if
		// the case was closed with another one.
		var used int
		if err := tx.QueryRowContext(ctx, `SELECT count(DISTINCT case_id) FROM sat_case_steps WHERE reason_id = $1`, id).Scan(&used); err != nil {
			return err
		}
		if used = max(used, before.Used); used > 0 {
			return apperr.Conflict("in_use", "reason %q is used by %d cases; deactivate it instead", before.Name, used)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sat_reasons WHERE id = $1`, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), "delete", "satisfaction_reasons", id, "reason "+before.Name, before, nil)
	})
}

// activeReason checks that id names a reason that is offered.
func activeReason(ctx context.Context, q store.Querier, field string, id int64) error {
	if id == 0 {
		return apperr.Invalid(field, "choose a reason")
	}
	var active bool
	err := q.QueryRowContext(ctx, `SELECT active FROM sat_reasons WHERE id = $1`, id).Scan(&active)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !active) {
		return apperr.Invalid(field, "reason %d does not exist or is inactive", id)
	}
	return err
}

func reasonErr(err error) error {
	if errors.Is(store.Classify(err), store.ErrConflict) {
		return apperr.Duplicate("code", "another reason has this code")
	}
	return fmt.Errorf("satisfaction: write reason: %w", err)
}
