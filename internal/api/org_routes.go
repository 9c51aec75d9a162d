package api

import (
	"net/http"

	"github.com/hotline-cc/hotline/internal/httpx"
	"github.com/hotline-cc/hotline/internal/org"
)

// PasswordReset is an administrator setting a user's password.
type PasswordReset struct {
	Password string `json:"password"`
}

func idOf(r *http.Request) (int64, error) { return httpx.PathID(r, "id") }

func (api *API) orgRoutes() []Route {
	p := org.P
	pageQuery := []Param{{"limit", "integer", "page size, 1–1000 (default 50)"}, {"offset", "integer", "rows to skip"},
		{"sort", "string", "sort key; prefix - for descending"}, {"order", "string", "asc or desc"}}
	return []Route{
		// Departments
		{Method: "GET", Path: "/departments", Summary: "List departments (a tree by parent_id)", Tag: "org",
			Perm: p("departments", "view"), Resp: []org.Department{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				ds, err := api.Org.Departments(r.Context())
				if err != nil {
					return err
				}
				if ds == nil {
					ds = []org.Department{}
				}
				return ok(w, ds)
			}},
		{Method: "POST", Path: "/departments", Summary: "Create a department", Tag: "org", Perm: p("departments", "create"),
			Body: org.DepartmentInput{}, Resp: org.Department{}, Status: 201,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				var in org.DepartmentInput
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				d, err := api.Org.CreateDepartment(r.Context(), a, in)
				if err != nil {
					return err
				}
				return created(w, d)
			}},
		{Method: "GET", Path: "/departments/{id}", Summary: "Get a department", Tag: "org", Perm: p("departments", "view"),
			Resp: org.Department{}, Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				d, err := api.Org.Department(r.Context(), id)
				if err != nil {
					return err
				}
				return ok(w, d)
			}},
		{Method: "PUT", Path: "/departments/{id}", Summary: "Rename or move a department", Tag: "org", Perm: p("departments", "update"),
			Body: org.DepartmentInput{}, Resp: org.Department{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				var in org.DepartmentInput
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				d, err := api.Org.UpdateDepartment(r.Context(), a, id, in)
				if err != nil {
					return err
				}
				return ok(w, d)
			}},
		{Method: "DELETE", Path: "/departments/{id}", Summary: "Delete an empty department", Tag: "org", Perm: p("departments", "delete"),
			Status: 204, Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				if err := api.Org.DeleteDepartment(r.Context(), a, id); err != nil {
					return err
				}
				return noContent(w)
			}},

		// Teams
		{Method: "GET", Path: "/teams", Summary: "List teams", Tag: "org", Perm: p("teams", "view"), Resp: []org.Team{},
			Query: []Param{{"department_id", "integer", "only teams of this department"}},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				dep, err := httpx.QueryInt64(r, "department_id")
				if err != nil {
					return err
				}
				ts, err := api.Org.Teams(r.Context(), dep)
				if err != nil {
					return err
				}
				if ts == nil {
					ts = []org.Team{}
				}
				return ok(w, ts)
			}},
		{Method: "POST", Path: "/teams", Summary: "Create a team", Tag: "org", Perm: p("teams", "create"),
			Body: org.TeamInput{}, Resp: org.Team{}, Status: 201,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				var in org.TeamInput
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				t, err := api.Org.CreateTeam(r.Context(), a, in)
				if err != nil {
					return err
				}
				return created(w, t)
			}},
		{Method: "GET", Path: "/teams/{id}", Summary: "Get a team", Tag: "org", Perm: p("teams", "view"), Resp: org.Team{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				t, err := api.Org.Team(r.Context(), id)
				if err != nil {
					return err
				}
				return ok(w, t)
			}},
		{Method: "PUT", Path: "/teams/{id}", Summary: "Change a team", Tag: "org", Perm: p("teams", "update"),
			Body: org.TeamInput{}, Resp: org.Team{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				var in org.TeamInput
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				t, err := api.Org.UpdateTeam(r.Context(), a, id, in)
				if err != nil {
					return err
				}
				return ok(w, t)
			}},
		{Method: "DELETE", Path: "/teams/{id}", Summary: "Delete a team without members", Tag: "org", Perm: p("teams", "delete"),
			Status: 204, Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				if err := api.Org.DeleteTeam(r.Context(), a, id); err != nil {
					return err
				}
				return noContent(w)
			}},

		// Users
		{Method: "GET", Path: "/users", Summary: "List users in your data scope", Tag: "org", Perm: p("users", "view"),
			Resp: httpx.List[org.User]{}, Query: append([]Param{{"q", "string", "search username, name, extension"},
				{"department_id", "integer", ""}, {"team_id", "integer", ""}, {"role_id", "integer", ""}, {"active", "boolean", ""}}, pageQuery...),
			Handle: api.listUsers},
		{Method: "POST", Path: "/users", Summary: "Create a user", Tag: "org", Perm: p("users", "create"),
			Body: org.UserInput{}, Resp: org.User{}, Status: 201,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				var in org.UserInput
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				u, err := api.Org.CreateUser(r.Context(), a, in)
				if err != nil {
					return err
				}
				return created(w, u)
			}},
		{Method: "GET", Path: "/users/{id}", Summary: "Get a user in your data scope", Tag: "org", Perm: p("users", "view"),
			Resp: org.User{}, Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				u, err := api.Org.User(r.Context(), a, id)
				if err != nil {
					return err
				}
				return ok(w, u)
			}},
		{Method: "PATCH", Path: "/users/{id}", Summary: "Change some fields of a user", Tag: "org", Perm: p("users", "update"),
			Body: org.UserPatch{}, Resp: org.User{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				var in org.UserPatch
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				u, err := api.Org.UpdateUser(r.Context(), a, id, in)
				if err != nil {
					return err
				}
				return ok(w, u)
			}},
		{Method: "DELETE", Path: "/users/{id}", Summary: "Deactivate a user (history is kept)", Tag: "org", Perm: p("users", "delete"),
			Resp: org.User{}, Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				u, err := api.Org.DeactivateUser(r.Context(), a, id)
				if err != nil {
					return err
				}
				return ok(w, u)
			}},
		{Method: "POST", Path: "/users/{id}/password", Summary: "Reset a user's password (ends their sessions, unlocks)", Tag: "org",
			Perm: p("users", "update"), Body: PasswordReset{}, Status: 204,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				var in PasswordReset
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				if err := api.Org.ResetPassword(r.Context(), a, id, in.Password); err != nil {
					return err
				}
				return noContent(w)
			}},
		{Method: "POST", Path: "/users/{id}/unlock", Summary: "Lift a login lock", Tag: "org", Perm: p("users", "update"), Status: 204,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				if err := api.Org.UnlockUser(r.Context(), a, id); err != nil {
					return err
				}
				return noContent(w)
			}},

		// Roles
		{Method: "GET", Path: "/permissions", Summary: "The permission matrix: resources and their actions", Tag: "org",
			Perm: p("roles", "view"), Resp: []org.ResourceActions{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error { return ok(w, org.Catalog) }},
		{Method: "GET", Path: "/roles", Summary: "List roles with permissions and data scope", Tag: "org", Perm: p("roles", "view"),
			Resp: []org.Role{}, Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				rs, err := api.Org.Roles(r.Context())
				if err != nil {
					return err
				}
				return ok(w, rs)
			}},
		{Method: "POST", Path: "/roles", Summary: "Create a custom role", Tag: "org", Perm: p("roles", "create"),
			Body: org.RoleInput{}, Resp: org.Role{}, Status: 201,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				var in org.RoleInput
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				role, err := api.Org.CreateRole(r.Context(), a, in)
				if err != nil {
					return err
				}
				return created(w, role)
			}},
		{Method: "GET", Path: "/roles/{id}", Summary: "Get a role", Tag: "org", Perm: p("roles", "view"), Resp: org.Role{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				role, err := api.Org.Role(r.Context(), id)
				if err != nil {
					return err
				}
				return ok(w, role)
			}},
		{Method: "PUT", Path: "/roles/{id}", Summary: "Change a custom role", Tag: "org", Perm: p("roles", "update"),
			Body: org.RoleInput{}, Resp: org.Role{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				var in org.RoleInput
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				role, err := api.Org.UpdateRole(r.Context(), a, id, in)
				if err != nil {
					return err
				}
				return ok(w, role)
			}},
		{Method: "DELETE", Path: "/roles/{id}", Summary: "Delete a custom role nobody holds", Tag: "org", Perm: p("roles", "delete"),
			Status: 204, Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				if err := api.Org.DeleteRole(r.Context(), a, id); err != nil {
					return err
				}
				return noContent(w)
			}},
	}
}

func (api *API) listUsers(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	pg, err := httpx.ParsePage(r, org.UserSortKeys())
	if err != nil {
		return err
	}
	q := org.UserQuery{Search: r.URL.Query().Get("q"), Sort: pg.Sort, Desc: pg.Desc, Limit: pg.Limit, Offset: pg.Offset}
	if q.DepartmentID, err = httpx.QueryInt64(r, "department_id"); err != nil {
		return err
	}
	if q.TeamID, err = httpx.QueryInt64(r, "team_id"); err != nil {
		return err
	}
	if q.RoleID, err = httpx.QueryInt64(r, "role_id"); err != nil {
		return err
	}
	if q.Active, err = httpx.QueryBool(r, "active"); err != nil {
		return err
	}
	users, total, err := api.Org.Users(r.Context(), a, q)
	if err != nil {
		return err
	}
	return ok(w, httpx.List[org.User]{Items: users, Total: total, Limit: pg.Limit, Offset: pg.Offset})
}
