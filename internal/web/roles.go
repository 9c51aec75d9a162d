package web

import (
	"net/http"

	"github.com/hotline-cc/hotline/internal/org"
)

var roleFields = []string{"name", "description", "data_scope", "permissions"}

type roleRow struct {
	org.Role
	Users int // -1 when the actor may not see users
}

type roleListView struct{ Rows []roleRow }

type roleFormView struct {
	Role     *org.Role // nil for a new role
	ReadOnly bool      // built-in, or the actor may not change roles
	Form     *Form
	Matrix   []matrixRow
	Scopes   []org.DataScope
}

// matrixRow is one resource of the permission matrix.
type matrixRow struct {
	Resource string
	Cells    []matrixCell
}

type matrixCell struct {
	Action  string
	Perm    string
	Checked bool
}

func (u *UI) registerRoles(mux *http.ServeMux) {
	p := org.P
	mux.Handle("GET /admin/roles", u.Protect(p("roles", "view"), u.roleList))
	mux.Handle("GET /admin/roles/new", u.Protect(p("roles", "create"), u.roleNew))
	mux.Handle("POST /admin/roles", u.Protect(p("roles", "create"), u.roleCreate))
	mux.Handle("GET /admin/roles/{id}", u.Protect(p("roles", "view"), u.roleShow))
	mux.Handle("POST /admin/roles/{id}", u.Protect(p("roles", "update"), u.roleUpdate))
	mux.Handle("POST /admin/roles/{id}/delete", u.Protect(p("roles", "delete"), u.roleDelete))
}

func (u *UI) roleList(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	rs, err := u.Org.Roles(r.Context())
	if err != nil {
		return err
	}
	var v roleListView
	for _, role := range rs {
		row := roleRow{Role: role, Users: -1}
		if a.Can(org.P("users", "view")) {
			if _, row.Users, err = u.Org.Users(r.Context(), a, org.UserQuery{RoleID: role.ID, Limit: 1}); err != nil {
				return err
			}
		}
		v.Rows = append(v.Rows, row)
	}
	u.Render(w, r, "roles", v)
	return nil
}

// roleValues fills a form from a role.
func roleValues(f *Form, role *org.Role) {
	f.Set("name", role.Name)
	f.Set("description", role.Description)
	f.Set("data_scope", string(role.DataScope))
	f.Values.Del("perm")
	for _, p := range role.Permissions {
		f.Values.Add("perm", p.String())
	}
}

// roleNew is the empty editor, or with ?copy=ID a copy of that role.
func (u *UI) roleNew(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f := u.NewForm(r, roleFields...)
	f.Set("data_scope", string(org.ScopeOwn))
	if id := queryID(r, "copy"); id != 0 {
		src, err := u.Org.Role(r.Context(), id)
		if err != nil {
			return err
		}
		roleValues(f, src)
		lang := Lang(r)
		f.Set("name", u.cat.T(lang, "roles.copy_name", roleLabel(u.cat, lang, src.Builtin, src.Name)))
		if src.Builtin != "" {
			f.Set("description", u.cat.Or(lang, "role.desc."+src.Builtin, src.Description))
		}
	}
	return u.roleForm(w, r, nil, f, false, http.StatusOK)
}

func (u *UI) roleShow(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := PathID(r, "id")
	if err != nil {
		return err
	}
	role, err := u.Org.Role(r.Context(), id)
	if err != nil {
		return err
	}
	f := u.NewForm(r, roleFields...)
	roleValues(f, role)
	return u.roleForm(w, r, role, f, role.Builtin != "" || !a.Can(org.P("roles", "update")), http.StatusOK)
}

func (u *UI) roleForm(w http.ResponseWriter, r *http.Request, role *org.Role, f *Form, readOnly bool, status int) error {
	v := roleFormView{Role: role, ReadOnly: readOnly, Form: f,
		Scopes: []org.DataScope{org.ScopeOwn, org.ScopeTeam, org.ScopeDepartment, org.ScopeAll}}
	for _, ra := range org.Catalog {
		row := matrixRow{Resource: ra.Resource}
		for _, act := range ra.Actions {
			p := org.P(ra.Resource, act).String()
			row.Cells = append(row.Cells, matrixCell{Action: act, Perm: p, Checked: f.Has("perm", p)})
		}
		v.Matrix = append(v.Matrix, row)
	}
	u.RenderStatus(w, r, status, "role", v)
	return nil
}

func roleInput(f *Form) org.RoleInput {
	return org.RoleInput{Name: f.Get("name"), Description: f.Get("description"),
		DataScope: org.DataScope(f.Get("data_scope")), Permissions: append([]string{}, f.Values["perm"]...)}
}

func (u *UI) roleCreate(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f := u.ParseForm(r, roleFields...)
	var role *org.Role
	status, err := f.Save(func() (err error) {
		role, err = u.Org.CreateRole(r.Context(), a, roleInput(f))
		return err
	})
	if err != nil {
		return err
	}
	if status != 0 {
		return u.roleForm(w, r, nil, f, false, status)
	}
	u.Flash(w, FlashOK, "flash.role_created", role.Name)
	Redirect(w, r, "/admin/roles/"+idString(role.ID))
	return nil
}

func (u *UI) roleUpdate(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := PathID(r, "id")
	if err != nil {
		return err
	}
	before, err := u.Org.Role(r.Context(), id)
	if err != nil {
		return err
	}
	f := u.ParseForm(r, roleFields...)
	status, err := f.Save(func() error {
		_, err := u.Org.UpdateRole(r.Context(), a, id, roleInput(f))
		return err
	})
	if err != nil {
		return err
	}
	if status != 0 {
		return u.roleForm(w, r, before, f, before.Builtin != "", status)
	}
	u.Flash(w, FlashOK, "flash.role_saved", f.Get("name"))
	Redirect(w, r, "/admin/roles/"+idString(id))
	return nil
}

func (u *UI) roleDelete(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := PathID(r, "id")
	if err != nil {
		return err
	}
	role, err := u.Org.Role(r.Context(), id)
	if err != nil {
		return err
	}
	if err := u.Org.DeleteRole(r.Context(), a, id); err != nil {
		f := u.NewForm(r, roleFields...)
		roleValues(f, role)
		status := f.Fail(err)
		if status == 0 {
			return err
		}
		return u.roleForm(w, r, role, f, role.Builtin != "", status)
	}
	u.Flash(w, FlashOK, "flash.role_deleted", role.Name)
	Redirect(w, r, "/admin/roles")
	return nil
}
