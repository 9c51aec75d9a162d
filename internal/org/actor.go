package org

import (
	"context"
	"fmt"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/store"
)

// Actor is who a request acts as: a logged-in user with their role's
// permissions and resolved data scope, or the system itself.
type Actor struct {
	UserID      int64
	Username    string
	DisplayName string
	RoleID      int64
	RoleName    string
	RoleKey     string // built-in key, "" for custom roles
	Perms       PermSet
	Scope       Scope
	Locale      string
	IP          string
	System      bool // CLI and start-up work: every permission, scope all
}

// System returns the actor used by the CLI and start-up provisioning.
func System() *Actor {
	return &Actor{Username: "system", Perms: NewPermSet(AllPermissions()...), Scope: Scope{Kind: ScopeAll}, System: true}
}

// Can reports whether the actor holds permission p.
func (a *Actor) Can(p Permission) bool { return a != nil && (a.System || a.Perms.Has(p)) }

// Require returns a forbidden error unless the actor holds p.
func (a *Actor) Require(p Permission) error {
	if a.Can(p) {
		return nil
	}
	return apperr.Forbidden("your role does not allow %s", p)
}

// LoadActor builds the actor for user id: role, permissions and scope, with
// the department subtree resolved. Inactive users get an error.
func (s *Service) LoadActor(ctx context.Context, id int64) (*Actor, error) {
	u, err := s.getUser(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if !u.Active {
		return nil, apperr.Unauthorized("inactive", "user %s is deactivated", u.Username)
	}
	r, err := s.getRole(ctx, s.DB, u.RoleID)
	if err != nil {
		return nil, fmt.Errorf("org: role of user %d: %w", id, err)
	}
	a := &Actor{
		UserID: u.ID, Username: u.Username, DisplayName: u.DisplayName,
		RoleID: r.ID, RoleName: r.Name, RoleKey: r.Builtin, Perms: NewPermSet(r.Permissions...),
		Locale: u.Locale,
	}
	a.Scope, err = s.resolveScope(ctx, s.DB, r.DataScope, u)
	return a, err
}

func (s *Service) resolveScope(ctx context.Context, q store.Querier, kind DataScope, u *User) (Scope, error) {
	sc := Scope{Kind: kind, UserID: u.ID, TeamID: u.TeamID}
	if kind == ScopeDepartment && u.DepartmentID != 0 {
		ids, err := s.subtree(ctx, q, u.DepartmentID)
		if err != nil {
			return sc, err
		}
		sc.DeptIDs = ids
	}
	return sc, nil
}

// subtree returns root and all its descendant department IDs.
func (s *Service) subtree(ctx context.Context, q store.Querier, root int64) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, COALESCE(parent_id, 0) FROM departments`)
	if err != nil {
		return nil, fmt.Errorf("org: departments: %w", err)
	}
	defer rows.Close()
	children := map[int64][]int64{}
	for rows.Next() {
		var id, parent int64
		if err := rows.Scan(&id, &parent); err != nil {
			return nil, err
		}
		children[parent] = append(children[parent], id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := []int64{root}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out, nil
}
