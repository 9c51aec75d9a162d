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
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/valid"
)

// Team is a group of agents inside a department, usually led by a team
// leader (组长).
type Team struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	DepartmentID int64     `json:"department_id"`
	LeaderID     int64     `json:"leader_id,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// TeamInput creates or changes a team.
type TeamInput struct {
	Name         string `json:"name"`
	DepartmentID int64  `json:"department_id"`
	LeaderID     int64  `json:"leader_id,omitempty"`
}

const teamCols = `id, name, department_id, COALESCE(leader_id, 0), created_at, updated_at`

func scanTeam(row interface{ Scan(...any) error }) (*Team, error) {
	var t Team
	var c, u int64
	if err := row.Scan(&t.ID, &t.Name, &t.DepartmentID, &t.LeaderID, &c, &u); err != nil {
		return nil, err
	}
	t.CreatedAt, t.UpdatedAt = store.Time(c), store.Time(u)
	return &t, nil
}

// Teams lists teams, optionally of one department.
func (s *Service) Teams(ctx context.Context, departmentID int64) ([]Team, error) {
	var args store.Args
	where := "1=1"
	if departmentID != 0 {
		where = "department_id = " + args.Add(departmentID)
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+teamCols+` FROM teams WHERE `+where+` ORDER BY name, id`, args.Values()...)
	if err != nil {
		return nil, fmt.Errorf("org: list teams: %w", err)
	}
	defer rows.Close()
	var out []Team
	for rows.Next() {
		t, err := scanTeam(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

// Team returns one team.
func (s *Service) Team(ctx context.Context, id int64) (*Team, error) { return s.getTeam(ctx, s.DB, id) }

func (s *Service) getTeam(ctx context.Context, q store.Querier, id int64) (*Team, error) {
	t, err := scanTeam(q.QueryRowContext(ctx, `SELECT `+teamCols+` FROM teams WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("team")
	}
	if err != nil {
		return nil, fmt.Errorf("org: get team: %w", err)
	}
	return t, nil
}

func (s *Service) checkTeamInput(ctx context.Context, q store.Querier, in *TeamInput) error {
	in.Name = strings.TrimSpace(in.Name)
	if err := valid.Text("name", in.Name, 1, 100); err != nil {
		return err
	}
	if in.DepartmentID == 0 {
		return apperr.Invalid("department_id", "is required")
	}
	if _, err := s.getDepartment(ctx, q, in.DepartmentID); err != nil {
		return apperr.Invalid("department_id", "department %d does not exist", in.DepartmentID)
	}
	if in.LeaderID != 0 {
		if _, err := s.getUser(ctx, q, in.LeaderID); err != nil {
			return apperr.Invalid("leader_id", "user %d does not exist", in.LeaderID)
		}
	}
	return nil
}

// CreateTeam adds a team to a department.
func (s *Service) CreateTeam(ctx context.Context, a *Actor, in TeamInput) (*Team, error) {
	var t *Team
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.checkTeamInput(ctx, tx, &in); err != nil {
			return err
		}
		now := s.now().UnixMilli()
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO teams (name, department_id, leader_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $4) RETURNING id`, in.Name, in.DepartmentID, store.NullID(in.LeaderID), now).Scan(&id)
		if err := teamWriteErr(err, in.Name); err != nil {
			return err
		}
		if t, err = s.getTeam(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), "create", "teams", id, "team "+t.Name, nil, t)
	})
	if err != nil {
		return nil, err
	}
	s.notify(ctx, "hotline.org.team", "team.created", t)
	return t, nil
}

// UpdateTeam changes a team.
func (s *Service) UpdateTeam(ctx context.Context, a *Actor, id int64, in TeamInput) (*Team, error) {
	var after *Team
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.getTeam(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.checkTeamInput(ctx, tx, &in); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE teams SET name = $1, department_id = $2, leader_id = $3, updated_at = $4 WHERE id = $5`,
			in.Name, in.DepartmentID, store.NullID(in.LeaderID), s.now().UnixMilli(), id)
		if err := teamWriteErr(err, in.Name); err != nil {
			return err
		}
		if in.DepartmentID != before.DepartmentID {
			// Members follow their team into the new department.
			if _, err := tx.ExecContext(ctx, `UPDATE users SET department_id = $1 WHERE team_id = $2`, in.DepartmentID, id); err != nil {
				return fmt.Errorf("org: move team members: %w", err)
			}
		}
		if after, err = s.getTeam(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), "update", "teams", id, "team "+after.Name, before, after)
	})
	if err != nil {
		return nil, err
	}
	s.notify(ctx, "hotline.org.team", "team.updated", after)
	return after, nil
}

// DeleteTeam removes a team without members.
func (s *Service) DeleteTeam(ctx context.Context, a *Actor, id int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.getTeam(ctx, tx, id)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE team_id = $1`, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return apperr.Conflict("in_use", "team %q still has %d members", before.Name, n)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM teams WHERE id = $1`, id); err != nil {
			return fmt.Errorf("org: delete team: %w", store.Classify(err))
		}
		return audit.Record(ctx, tx, who(a), "delete", "teams", id, "team "+before.Name, before, nil)
	})
}

func teamWriteErr(err error, name string) error {
	if err == nil {
		return nil
	}
	if errors.Is(store.Classify(err), store.ErrConflict) {
		return apperr.Duplicate("name", "a team named %q already exists in this department", name)
	}
	return fmt.Errorf("org: write team: %w", err)
}
