package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/valid"
)

// Role is a set of operation permissions plus a data scope.
type Role struct {
	ID          int64        `json:"id"`
	Name        string       `json:"name"`
	Builtin     string       `json:"builtin,omitempty"` // key of a built-in role; those are read-only
	Description string       `json:"description"`
	DataScope   DataScope    `json:"data_scope"`
	Permissions []Permission `json:"permissions"`
	CreatedAt   time.Time    `json:"created_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
}

// RoleInput creates or changes a custom role. Permissions are written
// "resource:action".
type RoleInput struct {
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	DataScope   DataScope `json:"data_scope"`
	Permissions []string  `json:"permissions"`
}

const roleCols = `id, name, COALESCE(builtin, ''), description, data_scope, created_at, updated_at`

func (s *Service) getRole(ctx context.Context, q store.Querier, id int64) (*Role, error) {
	var r Role
	var c, u int64
	err := q.QueryRowContext(ctx, `SELECT `+roleCols+` FROM roles WHERE id = $1`, id).
		Scan(&r.ID, &r.Name, &r.Builtin, &r.Description, &r.DataScope, &c, &u)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("role")
	}
	if err != nil {
		return nil, fmt.Errorf("org: get role: %w", err)
	}
	r.CreatedAt, r.UpdatedAt = store.Time(c), store.Time(u)
	if r.Permissions, err = rolePerms(ctx, q, id); err != nil {
		return nil, err
	}
	return &r, nil
}

func rolePerms(ctx context.Context, q store.Querier, id int64) ([]Permission, error) {
	rows, err := q.QueryContext(ctx, `SELECT resource, action FROM role_permissions WHERE role_id = $1 ORDER BY resource, action`, id)
	if err != nil {
		return nil, fmt.Errorf("org: role permissions: %w", err)
	}
	defer rows.Close()
	ps := []Permission{}
	for rows.Next() {
		var p Permission
		if err := rows.Scan(&p.Resource, &p.Action); err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return ps, rows.Err()
}

// Role returns one role with its permissions.
func (s *Service) Role(ctx context.Context, id int64) (*Role, error) { return s.getRole(ctx, s.DB, id) }

// RoleByKey returns a built-in role by its key.
func (s *Service) RoleByKey(ctx context.Context, key string) (*Role, error) {
	var id int64
	err := s.DB.QueryRowContext(ctx, `SELECT id FROM roles WHERE builtin = $1`, key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("role " + key)
	}
	if err != nil {
		return nil, err
	}
	return s.getRole(ctx, s.DB, id)
}

// Roles lists every role with its permissions.
func (s *Service) Roles(ctx context.Context) ([]Role, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id FROM roles ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("org: list roles: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	out := make([]Role, 0, len(ids))
	for _, id := range ids {
		r, err := s.getRole(ctx, s.DB, id)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, nil
}

// SyncBuiltinRoles creates the built-in roles and resets their permissions
// and scope to the code's definition, so modules that add permissions reach
// them. Custom roles are left alone.
func (s *Service) SyncBuiltinRoles(ctx context.Context) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now().UnixMilli()
		for _, b := range BuiltinRoles {
			var id int64
			err := tx.QueryRowContext(ctx, `SELECT id FROM roles WHERE builtin = $1`, b.Key).Scan(&id)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				err = tx.QueryRowContext(ctx, `INSERT INTO roles (name, builtin, description, data_scope, created_at, updated_at)
					VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, b.Name, b.Key, b.Description, string(b.Scope), now).Scan(&id)
			case err == nil:
				_, err = tx.ExecContext(ctx, `UPDATE roles SET name = $1, description = $2, data_scope = $3 WHERE id = $4`,
					b.Name, b.Description, string(b.Scope), id)
			}
			if err != nil {
				return fmt.Errorf("org: sync role %s: %w", b.Key, err)
			}
			if err := writePerms(ctx, tx, id, b.Perms().List()); err != nil {
				return err
			}
		}
		return nil
	})
}

func writePerms(ctx context.Context, tx *sql.Tx, roleID int64, ps []Permission) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM role_permissions WHERE role_id = $1`, roleID); err != nil {
		return fmt.Errorf("org: clear permissions: %w", err)
	}
	for _, p := range ps {
		if _, err := tx.ExecContext(ctx, `INSERT INTO role_permissions (role_id, resource, action) VALUES ($1, $2, $3)`,
			roleID, p.Resource, p.Action); err != nil {
			return fmt.Errorf("org: write permission %s: %w", p, err)
		}
	}
	return nil
}

// checkRoleInput validates in and returns its permission set. An actor can
// only hand out what it holds itself: no permission it lacks and no data
// scope wider than its own.
func checkRoleInput(a *Actor, in *RoleInput) (PermSet, error) {
	in.Name = strings.TrimSpace(in.Name)
	if err := valid.Text("name", in.Name, 1, 64); err != nil {
		return nil, err
	}
	if err := valid.Text("description", in.Description, 0, 500); err != nil {
		return nil, err
	}
	if !in.DataScope.Valid() {
		return nil, apperr.Invalid("data_scope", "must be one of own, team, department, all")
	}
	set := PermSet{}
	for i, s := range in.Permissions {
		p, ok := ParsePermission(s)
		if !ok {
			return nil, apperr.Invalid(fmt.Sprintf("permissions[%d]", i), "unknown permission %q", s)
		}
		set[p] = true
	}
	if !a.System {
		if !a.Perms.Covers(set) {
			return nil, apperr.Forbidden("you cannot grant permissions you do not hold")
		}
		if !a.Scope.Kind.Covers(in.DataScope) {
			return nil, apperr.Forbidden("you cannot grant a data scope wider than your own (%s)", a.Scope.Kind)
		}
	}
	return set, nil
}

// CreateRole adds a custom role.
func (s *Service) CreateRole(ctx context.Context, a *Actor, in RoleInput) (*Role, error) {
	set, err := checkRoleInput(a, &in)
	if err != nil {
		return nil, err
	}
	var r *Role
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now().UnixMilli()
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO roles (name, description, data_scope, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $4) RETURNING id`, in.Name, in.Description, string(in.DataScope), now).Scan(&id)
		if err := roleWriteErr(err, in.Name); err != nil {
			return err
		}
		if err := writePerms(ctx, tx, id, set.List()); err != nil {
			return err
		}
		if r, err = s.getRole(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), "create", "roles", id, "role "+r.Name, nil, r)
	})
	if err != nil {
		return nil, err
	}
	s.notify(ctx, "hotline.org.role", "role.created", r)
	return r, nil
}

// UpdateRole changes a custom role; built-in roles are read-only.
func (s *Service) UpdateRole(ctx context.Context, a *Actor, id int64, in RoleInput) (*Role, error) {
	set, err := checkRoleInput(a, &in)
	if err != nil {
		return nil, err
	}
	var after *Role
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.getRole(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.Builtin != "" {
			return apperr.Conflict("builtin", "built-in role %q cannot be changed; create a custom role instead", before.Name)
		}
		_, err = tx.ExecContext(ctx, `UPDATE roles SET name = $1, description = $2, data_scope = $3, updated_at = $4 WHERE id = $5`,
			in.Name, in.Description, string(in.DataScope), s.now().UnixMilli(), id)
		if err := roleWriteErr(err, in.Name); err != nil {
			return err
		}
		if err := writePerms(ctx, tx, id, set.List()); err != nil {
			return err
		}
		if after, err = s.getRole(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, who(a), "update", "roles", id, "role "+after.Name, before, after)
	})
	if err != nil {
		return nil, err
	}
	s.notify(ctx, "hotline.org.role", "role.updated", after)
	return after, nil
}

// DeleteRole removes a custom role that no user holds.
func (s *Service) DeleteRole(ctx context.Context, a *Actor, id int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.getRole(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.Builtin != "" {
			return apperr.Conflict("builtin", "built-in role %q cannot be deleted", before.Name)
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE role_id = $1`, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return apperr.Conflict("in_use", "role %q is held by %d users", before.Name, n)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM roles WHERE id = $1`, id); err != nil {
			return fmt.Errorf("org: delete role: %w", err)
		}
		return audit.Record(ctx, tx, who(a), "delete", "roles", id, "role "+before.Name, before, nil)
	})
}

func roleWriteErr(err error, name string) error {
	if err == nil {
		return nil
	}
	if errors.Is(store.Classify(err), store.ErrConflict) {
		return apperr.Duplicate("name", "a role named %q already exists", name)
	}
	return fmt.Errorf("org: write role: %w", err)
}

// canAssign reports whether the actor may give role r to a user: the role
// must not exceed the actor's own permissions or scope.
func canAssign(a *Actor, r *Role) error {
	if a.System {
		return nil
	}
	if !a.Perms.Covers(NewPermSet(r.Permissions...)) || !a.Scope.Kind.Covers(r.DataScope) {
		return apperr.Forbidden("you cannot assign role %q: it grants more than your own role", r.Name)
	}
	return nil
}

// sortedKeys is used for stable output of permission sets in tests and UI.
func sortedKeys(ps []Permission) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	sort.Strings(out)
	return out
}
