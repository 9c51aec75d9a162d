package org

import (
	"sort"
	"strings"
)

// Permission is one operation on one resource, written "resource:action".
type Permission struct {
	Resource string `json:"resource"`
	Action   string `json:"action"`
}

func (p Permission) String() string { return p.Resource + ":" + p.Action }

// P builds a Permission.
func P(resource, action string) Permission { return Permission{resource, action} }

// ResourceActions is one row of the permission matrix.
type ResourceActions struct {
	Resource string   `json:"resource"`
	Actions  []string `json:"actions"`
}

// Catalog is the permission matrix: every resource and the actions that
// exist on it. Routes name one of these; roles grant a subset. Modules that
// add endpoints add their resources here so that the matrix, the role editor
// and the endpoint test stay complete.
var Catalog = []ResourceActions{
	{"users", []string{"view", "create", "update", "delete"}},
	{"departments", []string{"view", "create", "update", "delete"}},
	{"teams", []string{"view", "create", "update", "delete"}},
	{"roles", []string{"view", "create", "update", "delete"}},
	{"audit", []string{"view"}},
	{"settings", []string{"view", "update"}},
	{"telephony", []string{"view", "manage"}},
	{"queues", []string{"view", "manage"}},
	{"agents", []string{"view", "control"}},
	{"calls", []string{"view", "control", "monitor"}},
	{"recordings", []string{"view", "delete"}},
	{"customers", []string{"view", "create", "update", "delete", "import", "export", "allocate"}},
	{"pool", []string{"claim", "release", "distribute", "rules"}},
	{"campaigns", []string{"view", "manage", "dial"}},
	{"reports", []string{"view", "export", "manage"}},
	{"alerts", []string{"view", "manage"}},
	{"appraisal", []string{"view", "score", "manage"}},
	{"satisfaction", []string{"view", "review"}},
	{"complaints", []string{"view", "create", "manage"}},
	{"qa", []string{"view", "score", "manage"}},
	{"kb", []string{"view", "manage"}},
	{"wfm", []string{"view", "manage"}},
}

// Known reports whether p is in the catalog.
func Known(p Permission) bool {
	for _, ra := range Catalog {
		if ra.Resource != p.Resource {
			continue
		}
		for _, a := range ra.Actions {
			if a == p.Action {
				return true
			}
		}
	}
	return false
}

// AllPermissions lists every permission in the catalog.
func AllPermissions() []Permission {
	var ps []Permission
	for _, ra := range Catalog {
		for _, a := range ra.Actions {
			ps = append(ps, P(ra.Resource, a))
		}
	}
	return ps
}

// PermSet is a set of permissions.
type PermSet map[Permission]bool

// NewPermSet builds a set.
func NewPermSet(ps ...Permission) PermSet {
	s := PermSet{}
	for _, p := range ps {
		s[p] = true
	}
	return s
}

// Has reports whether the set grants p.
func (s PermSet) Has(p Permission) bool { return s[p] }

// Covers reports whether s grants everything in o.
func (s PermSet) Covers(o PermSet) bool {
	for p := range o {
		if !s[p] {
			return false
		}
	}
	return true
}

// List returns the permissions sorted by resource then action.
func (s PermSet) List() []Permission {
	ps := make([]Permission, 0, len(s))
	for p := range s {
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].String() < ps[j].String() })
	return ps
}

// ParsePermission parses "resource:action".
func ParsePermission(s string) (Permission, bool) {
	r, a, ok := strings.Cut(s, ":")
	p := P(r, a)
	return p, ok && Known(p)
}

// Built-in role keys.
const (
	RoleAdmin      = "admin"
	RoleSupervisor = "supervisor"
	RoleTeamLeader = "team_leader"
	RoleQA         = "qa"
	RoleAgent      = "agent"
)

// BuiltinRole is a role shipped with Hotline. Built-in roles are synced from
// this table at every start (so modules that add permissions reach them) and
// cannot be edited; operators copy them into custom roles instead.
type BuiltinRole struct {
	Key         string
	Name        string
	Description string
	Scope       DataScope
	Perms       func() PermSet
}

func perms(spec ...string) func() PermSet {
	return func() PermSet {
		s := PermSet{}
		for _, item := range spec {
			res, acts, _ := strings.Cut(item, ":")
			for _, a := range strings.Split(acts, ",") {
				if a == "*" {
					for _, ra := range Catalog {
						if ra.Resource == res {
							for _, x := range ra.Actions {
								s[P(res, x)] = true
							}
						}
					}
					continue
				}
				s[P(res, a)] = true
			}
		}
		return s
	}
}

// BuiltinRoles are the roles of a call center as the documents describe
// them: 管理员, 主管, 组长, 质检员, 坐席.
var BuiltinRoles = []BuiltinRole{
	{RoleAdmin, "Administrator 管理员", "Everything, every department.", ScopeAll,
		func() PermSet { return NewPermSet(AllPermissions()...) }},
	{RoleSupervisor, "Supervisor 主管", "Runs a department: people, customers, calls, reports.", ScopeDepartment,
		perms("users:view,create,update", "departments:view", "teams:*", "roles:view",
			"telephony:view", "queues:view", "agents:*", "calls:*", "recordings:view",
			"customers:*", "pool:*", "campaigns:*", "reports:*", "alerts:*", "appraisal:*", "satisfaction:*",
			"complaints:*", "qa:view", "kb:*", "wfm:*")},
	{RoleTeamLeader, "Team leader 组长", "Leads a team: its agents, customers and figures.", ScopeTeam,
		perms("users:view", "departments:view", "teams:view", "queues:view", "agents:*",
			"calls:view,control,monitor", "recordings:view", "customers:view,create,update,export,allocate",
			"pool:claim,release,distribute", "campaigns:view,dial", "reports:view,export", "alerts:view",
			"appraisal:view,score", "satisfaction:view,review", "complaints:view,create", "qa:view", "kb:view", "wfm:view")},
	{RoleQA, "QA inspector 质检员", "Listens to calls and scores them.", ScopeAll,
		perms("users:view", "departments:view", "teams:view", "calls:view", "recordings:view",
			"qa:*", "reports:view", "appraisal:view", "satisfaction:view", "complaints:view", "kb:view")},
	{RoleAgent, "Agent 坐席", "Takes calls; sees own customers, calls and figures.", ScopeOwn,
		perms("users:view", "calls:view,control", "recordings:view", "customers:view,create,update",
			"pool:claim,release", "campaigns:dial", "reports:view", "appraisal:view", "complaints:view,create",
			"kb:view", "wfm:view")},
}

// Builtin returns the built-in role with key, or false.
func Builtin(key string) (BuiltinRole, bool) {
	for _, b := range BuiltinRoles {
		if b.Key == key {
			return b, true
		}
	}
	return BuiltinRole{}, false
}
