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

// Department is a node of the organisation tree (部门).
type Department struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	ParentID  int64     `json:"parent_id,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// DepartmentInput creates or changes a department.
type DepartmentInput struct {
	Name     string `json:"name"`
	ParentID int64  `json:"parent_id,omitempty"`
}

const departmentCols = `id, name, COALESCE(parent_id, 0), created_at, updated_at`

func scanDepartment(row interface{ Scan(...any) error }) (*Department, error) {
	var d Department
	var c, u int64
	if err := row.Scan(&d.ID, &d.Name, &d.ParentID, &c, &u); err != nil {
		return nil, err
	}
	d.CreatedAt, d.UpdatedAt = store.Time(c), store.Time(u)
	return &d, nil
}

// Departments lists every department ordered by name (the tree is small).
func (s *Service) Departments(ctx context.Context) ([]Department, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT `+departmentCols+` FROM departments ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("org: list departments: %w", err)
	}
	defer rows.Close()
	var out []Department
	for rows.Next() {
		d, err := scanDepartment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *d)
	}
	return out, rows.Err()
}

// Department returns one department.
func (s *Service) Department(ctx context.Context, id int64) (*Department, error) {
	return s.getDepartment(ctx, s.DB, id)
}

func (s *Service) getDepartment(ctx context.Context, q store.Querier, id int64) (*Department, error) {
	d, err := scanDepartment(q.QueryRowContext(ctx, `SELECT `+departmentCols+` FROM departments WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("department")
	}
	if err != nil {
		return nil, fmt.Errorf("org: get department: %w", err)
	}
	return d, nil
}

func (in *DepartmentInput) normalize() error {
	in.Name = strings.TrimSpace(in.Name)
	return valid.Text("name", in.Name, 1, 100)
}

// CreateDepartment adds a department under in.ParentID (0 = top level).
func (s *Service) CreateDepartment(ctx context.Context, a *Actor, in DepartmentInput) (*Department, error) {
	if err := in.normalize(); err != nil {
		return nil, err
	}
	var d *Department
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if in.ParentID != 0 {
			if _, err := s.getDepartment(ctx, tx, in.ParentID); err != nil {
				return apperr.Invalid("parent_id", "department %d does not exist", in.ParentID)
			}
		}
		now := s.now().UnixMilli()
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO departments (name, parent_id, created_at, updated_at)
			VALUES ($1, $2, $3, $3) RETURNING id`, in.Name, store.NullID(in.ParentID), now).Scan(&id)
		if err := departmentWriteErr(err, in.Name); err != nil {
			return err
		}
		if d, err = s.getDepartment(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), "create", "departments", id, "department "+d.Name, nil, d)
	})
	if err != nil {
		return nil, err
	}
	s.notify(ctx, "hotline.org.department", "department.created", d)
	return d, nil
}

// UpdateDepartment renames or moves a department; moving it under itself or
// one of its descendants is refused.
func (s *Service) UpdateDepartment(ctx context.Context, a *Actor, id int64, in DepartmentInput) (*Department, error) {
	if err := in.normalize(); err != nil {
		return nil, err
	}
	var after *Department
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.getDepartment(ctx, tx, id)
		if err != nil {
			return err
		}
		if in.ParentID != 0 {
			if _, err := s.getDepartment(ctx, tx, in.ParentID); err != nil {
				return apperr.Invalid("parent_id", "department %d does not exist", in.ParentID)
			}
			sub, err := s.subtree(ctx, tx, id)
			if err != nil {
				return err
			}
			for _, d := range sub {
				if d == in.ParentID {
					return apperr.Invalid("parent_id", "a department cannot be moved under itself or its sub-departments")
				}
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE departments SET name = $1, parent_id = $2, updated_at = $3 WHERE id = $4`,
			in.Name, store.NullID(in.ParentID), s.now().UnixMilli(), id)
		if err := departmentWriteErr(err, in.Name); err != nil {
			return err
		}
		if after, err = s.getDepartment(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), "update", "departments", id, "department "+after.Name, before, after)
	})
	if err != nil {
		return nil, err
	}
	s.notify(ctx, "hotline.org.department", "department.updated", after)
	return after, nil
}

// DeleteDepartment removes an empty department (no sub-departments, teams or users).
func (s *Service) DeleteDepartment(ctx context.Context, a *Actor, id int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.getDepartment(ctx, tx, id)
		if err != nil {
			return err
		}
		var n int
		err = tx.QueryRowContext(ctx, `SELECT
			(SELECT count(*) FROM departments WHERE parent_id = $1) +
			(SELECT count(*) FROM teams WHERE department_id = $1) +
			(SELECT count(*) FROM users WHERE department_id = $1)`, id).Scan(&n)
		if err != nil {
			return fmt.Errorf("org: department in use: %w", err)
		}
		if n > 0 {
			return apperr.Conflict("in_use", "department %q still has sub-departments, teams or users", before.Name)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM departments WHERE id = $1`, id); err != nil {
			return fmt.Errorf("org: delete department: %w", store.Classify(err))
		}
		return audit.Record(ctx, tx, who(a), "delete", "departments", id, "department "+before.Name, before, nil)
	})
}

func departmentWriteErr(err error, name string) error {
	if err == nil {
		return nil
	}
	if errors.Is(store.Classify(err), store.ErrConflict) {
		return apperr.Duplicate("name", "a department named %q already exists here", name)
	}
	return fmt.Errorf("org: write department: %w", err)
}
