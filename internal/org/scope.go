package org

import (
	"strings"

	"github.com/hotline-cc/hotline/internal/store"
)

// DataScope is how much of the scoped data (customers, calls, recordings,
// reports, users) a role sees: its own rows, its team's, its department's
// (with sub-departments), or all.
type DataScope string

const (
	ScopeOwn        DataScope = "own"
	ScopeTeam       DataScope = "team"
	ScopeDepartment DataScope = "department"
	ScopeAll        DataScope = "all"
)

// Valid reports whether s is a known scope.
func (s DataScope) Valid() bool {
	switch s {
	case ScopeOwn, ScopeTeam, ScopeDepartment, ScopeAll:
		return true
	}
	return false
}

// rank orders scopes from narrowest to widest.
func (s DataScope) rank() int {
	return map[DataScope]int{ScopeOwn: 1, ScopeTeam: 2, ScopeDepartment: 3, ScopeAll: 4}[s]
}

// Covers reports whether s sees at least what o sees.
func (s DataScope) Covers(o DataScope) bool { return s.rank() >= o.rank() }

// Scope is an actor's data scope resolved to concrete IDs. It is the one
// filter every list and read of scoped data goes through (see Filter).
type Scope struct {
	Kind    DataScope
	UserID  int64
	TeamID  int64   // 0 when the user has no team
	DeptIDs []int64 // the user's department and all its descendants
}

// Columns names the columns of a scoped table that the filter compares.
// A table leaves a column empty when it has none (e.g. no team column).
type Columns struct {
	Owner      string // the user who owns the row
	Team       string
	Department string
}

// Filter returns a SQL boolean expression restricting rows to the scope,
// adding its arguments to args. Rows owned by the user are always visible.
// An empty scope (zero value) sees nothing, so a forgotten scope fails closed.
func (s Scope) Filter(c Columns, args *store.Args) string {
	if s.Kind == ScopeAll {
		return "1=1"
	}
	var or []string
	if c.Owner != "" && s.UserID != 0 {
		or = append(or, c.Owner+" = "+args.Add(s.UserID))
	}
	switch s.Kind {
	case ScopeTeam:
		if c.Team != "" && s.TeamID != 0 {
			or = append(or, c.Team+" = "+args.Add(s.TeamID))
		}
	case ScopeDepartment:
		if c.Department != "" && len(s.DeptIDs) > 0 {
			or = append(or, c.Department+" IN "+args.In(s.DeptIDs...))
		}
	}
	if len(or) == 0 {
		return "1=0"
	}
	return "(" + strings.Join(or, " OR ") + ")"
}

// Allows reports in Go what Filter expresses in SQL, for a row already
// loaded (ownerID, teamID, deptID of the row).
func (s Scope) Allows(ownerID, teamID, deptID int64) bool {
	switch {
	case s.Kind == ScopeAll:
		return true
	case ownerID != 0 && ownerID == s.UserID:
		return true
	case s.Kind == ScopeTeam:
		return teamID != 0 && teamID == s.TeamID
	case s.Kind == ScopeDepartment:
		for _, d := range s.DeptIDs {
			if d == deptID && deptID != 0 {
				return true
			}
		}
	}
	return false
}
