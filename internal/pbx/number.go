package pbx

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

// RouteKind is where an inbound number sends its calls.
type RouteKind string

const (
	RouteIVR       RouteKind = "ivr"       // an IVR flow, by name
	RouteQueue     RouteKind = "queue"     // an ACD queue, by name
	RouteExtension RouteKind = "extension" // an extension, by number
)

// Number is an inbound number (DID) and its route. Priority is the caller
// priority a queue route gives its callers (VIP lines jump ahead fairly).
type Number struct {
	ID          int64     `json:"id"`
	Number      string    `json:"number"`
	Description string    `json:"description,omitempty"`
	RouteKind   RouteKind `json:"route_kind"`
	RouteTarget string    `json:"route_target"`
	Priority    int       `json:"priority"`
	Enabled     bool      `json:"enabled"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// NumberInput creates or changes a number.
type NumberInput struct {
	Number      string    `json:"number" yaml:"number"`
	Description string    `json:"description,omitempty" yaml:"description,omitempty"`
	RouteKind   RouteKind `json:"route_kind" yaml:"route_kind"`
	RouteTarget string    `json:"route_target" yaml:"route_target"`
	Priority    int       `json:"priority,omitempty" yaml:"priority,omitempty"`
	Enabled     *bool     `json:"enabled,omitempty" yaml:"enabled,omitempty"`
}

const numberCols = `id, number, description, route_kind, route_target, priority, enabled, created_at, updated_at`

func scanNumber(row interface{ Scan(...any) error }) (*Number, error) {
	var n Number
	var c, u int64
	if err := row.Scan(&n.ID, &n.Number, &n.Description, &n.RouteKind, &n.RouteTarget, &n.Priority, &n.Enabled, &c, &u); err != nil {
		return nil, err
	}
	n.CreatedAt, n.UpdatedAt = store.Time(c), store.Time(u)
	return &n, nil
}

// Numbers lists every inbound number.
func (s *Service) Numbers(ctx context.Context) ([]Number, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT `+numberCols+` FROM numbers ORDER BY number`)
	if err != nil {
		return nil, fmt.Errorf("pbx: list numbers: %w", err)
	}
	defer rows.Close()
	out := []Number{}
	for rows.Next() {
		n, err := scanNumber(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *n)
	}
	return out, rows.Err()
}

// Number returns one number by id.
func (s *Service) Number(ctx context.Context, id int64) (*Number, error) {
	return s.getNumber(ctx, s.DB, `id = $1`, id)
}

// Lookup returns the enabled route of a dialled number, or a NotFound error
// (the SIP layer answers 404 and logs a blocked call).
func (s *Service) Lookup(ctx context.Context, dialled string) (*Number, error) {
	n, err := s.getNumber(ctx, s.DB, `number = $1`, normalizeNumber(dialled))
	if err != nil {
		return nil, err
	}
	if !n.Enabled {
		return nil, apperr.NotFound("number")
	}
	return n, nil
}

func (s *Service) getNumber(ctx context.Context, q store.Querier, cond string, arg any) (*Number, error) {
	n, err := scanNumber(q.QueryRowContext(ctx, `SELECT `+numberCols+` FROM numbers WHERE `+cond, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("number")
	}
	if err != nil {
		return nil, fmt.Errorf("pbx: get number: %w", err)
	}
	return n, nil
}

var numberRE = regexp.MustCompile(`^\+?[0-9]{2,20}$`)

// normalizeNumber strips the spaces, dashes and brackets people type.
func normalizeNumber(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '(', ')', '.':
			return -1
		}
		return r
	}, strings.TrimSpace(s))
}

func (s *Service) checkNumberInput(ctx context.Context, q store.Querier, in *NumberInput) error {
	in.Number = normalizeNumber(in.Number)
	in.RouteTarget = strings.TrimSpace(in.RouteTarget)
	if !numberRE.MatchString(in.Number) {
		return apperr.Invalid("number", "must be 2 to 20 digits, optionally starting with +")
	}
	if err := valid.Text("description", in.Description, 0, 200); err != nil {
		return err
	}
	if in.Priority < 0 || in.Priority > 9 {
		return apperr.Invalid("priority", "must be 0 to 9")
	}
	if in.RouteTarget == "" {
		return apperr.Invalid("route_target", "is required")
	}
	switch in.RouteKind {
	case RouteExtension:
		if _, err := s.getExt(ctx, q, `number = $1`, in.RouteTarget); err != nil {
			return apperr.Invalid("route_target", "extension %s does not exist", in.RouteTarget)
		}
	case RouteIVR, RouteQueue:
		if s.Check != nil {
			if err := s.Check(ctx, in.RouteKind, in.RouteTarget); err != nil {
				return apperr.Invalid("route_target", "%v", err)
			}
		}
	default:
		return apperr.Invalid("route_kind", "must be ivr, queue or extension")
	}
	return nil
}

// CreateNumber adds an inbound number.
func (s *Service) CreateNumber(ctx context.Context, a *org.Actor, in NumberInput) (*Number, error) {
	enabled := in.Enabled == nil || *in.Enabled
	var n *Number
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.checkNumberInput(ctx, tx, &in); err != nil {
			return err
		}
		now := s.Now().UnixMilli()
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO numbers (number, description, route_kind, route_target, priority, enabled, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
			in.Number, in.Description, string(in.RouteKind), in.RouteTarget, in.Priority, enabled, now).Scan(&id)
		if err := dupErr(err, "number", "number "+in.Number+" already exists"); err != nil {
			return err
		}
		if n, err = s.getNumber(ctx, tx, `id = $1`, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), "create", "numbers", id, "number "+n.Number, nil, n)
	})
	if err != nil {
		return nil, err
	}
	s.notify(ctx, "hotline.pbx.number", "number.created", n)
	return n, nil
}

// UpdateNumber changes a number's route.
func (s *Service) UpdateNumber(ctx context.Context, a *org.Actor, id int64, in NumberInput) (*Number, error) {
	var after *Number
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := s.getNumber(ctx, tx, `id = $1`, id)
		if err != nil {
			return err
		}
		if err := s.checkNumberInput(ctx, tx, &in); err != nil {
			return err
		}
		enabled := before.Enabled
		if in.Enabled != nil {
			enabled = *in.Enabled
		}
		_, err = tx.ExecContext(ctx, `UPDATE numbers SET number = $1, description = $2, route_kind = $3, route_target = $4,
			priority = $5, enabled = $6, updated_at = $7 WHERE id = $8`,
			in.Number, in.Description, string(in.RouteKind), in.RouteTarget, in.Priority, enabled, s.Now().UnixMilli(), id)
		if err := dupErr(err, "number", "number "+in.Number+" already exists"); err != nil {
			return err
		}
		if after, err = s.getNumber(ctx, tx, `id = $1`, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), "update", "numbers", id, "number "+after.Number, before, after)
	})
	if err != nil {
		return nil, err
	}
	s.notify(ctx, "hotline.pbx.number", "number.updated", after)
	return after, nil
}

// DeleteNumber removes an inbound number.
func (s *Service) DeleteNumber(ctx context.Context, a *org.Actor, id int64) error {
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := s.getNumber(ctx, tx, `id = $1`, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM numbers WHERE id = $1`, id); err != nil {
			return fmt.Errorf("pbx: delete number: %w", err)
		}
		return audit.Record(ctx, tx, who(a), "delete", "numbers", id, "number "+before.Number, before, nil)
	})
}

// Routes reports whether any number routes to kind/target (used before
// deleting a flow or queue).
func (s *Service) Routes(ctx context.Context, kind RouteKind, target string) (int, error) {
	var n int
	err := s.DB.QueryRowContext(ctx, `SELECT count(*) FROM numbers WHERE route_kind = $1 AND route_target = $2`, string(kind), target).Scan(&n)
	return n, err
}
