package web

import (
	"net/http"
	"strconv"

	"github.com/hotline-cc/hotline/internal/org"
)

var deptFields = []string{"name", "parent_id"}

// deptListView is the department tree with the form to add one.
type deptListView struct {
	Rows    []deptRow
	Parents []Option
	Form    *Form
}

// deptEditView is one department's form.
type deptEditView struct {
	Dept    *org.Department
	Path    string
	Parents []Option
	Teams   []org.Team
	Form    *Form
	Rows    int // sub-departments
}

func (u *UI) registerDepartments(mux *http.ServeMux) {
	p := org.P
	mux.Handle("GET /admin/departments", u.Protect(p("departments", "view"), func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
		return u.deptList(w, r, u.NewForm(r, deptFields...), http.StatusOK)
	}))
	mux.Handle("POST /admin/departments", u.Protect(p("departments", "create"), u.deptCreate))
	mux.Handle("GET /admin/departments/{id}", u.Protect(p("departments", "view"), func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
		return u.deptEdit(w, r, nil, http.StatusOK)
	}))
	mux.Handle("POST /admin/departments/{id}", u.Protect(p("departments", "update"), u.deptUpdate))
	mux.Handle("POST /admin/departments/{id}/delete", u.Protect(p("departments", "delete"), u.deptDelete))
}

func (u *UI) deptList(w http.ResponseWriter, r *http.Request, f *Form, status int) error {
	ds, err := u.Org.Departments(r.Context())
	if err != nil {
		return err
	}
	ts, err := u.Org.Teams(r.Context(), 0)
	if err != nil {
		return err
	}
	rows := deptRows(ds)
	perDept := map[int64]int{}
	for _, t := range ts {
		perDept[t.DepartmentID]++
	}
	for i := range rows {
		rows[i].Teams = perDept[rows[i].ID]
	}
	u.RenderStatus(w, r, status, "departments", deptListView{Rows: rows, Parents: deptOptions(rows, 0), Form: f})
	return nil
}

func (u *UI) deptCreate(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f := u.ParseForm(r, deptFields...)
	in := org.DepartmentInput{Name: f.Get("name"), ParentID: f.ID("parent_id")}
	status, err := f.Save(func() error {
		_, err := u.Org.CreateDepartment(r.Context(), a, in)
		return err
	})
	if err != nil {
		return err
	}
	if status != 0 {
		return u.deptList(w, r, f, status)
	}
	u.Flash(w, FlashOK, "flash.dept_created", in.Name)
	Redirect(w, r, "/admin/departments")
	return nil
}

// deptEdit renders the form of department {id}; f is nil for a fresh form.
func (u *UI) deptEdit(w http.ResponseWriter, r *http.Request, f *Form, status int) error {
	id, err := PathID(r, "id")
	if err != nil {
		return err
	}
	d, err := u.Org.Department(r.Context(), id)
	if err != nil {
		return err
	}
	ds, err := u.Org.Departments(r.Context())
	if err != nil {
		return err
	}
	teams, err := u.Org.Teams(r.Context(), id)
	if err != nil {
		return err
	}
	rows := deptRows(ds)
	v := deptEditView{Dept: d, Parents: deptOptions(rows, id), Teams: teams, Form: f}
	for _, row := range rows {
		if row.ID == id {
			v.Path, v.Rows = row.Path, row.Children
		}
	}
	if f == nil {
		v.Form = u.NewForm(r, deptFields...)
		v.Form.Set("name", d.Name)
		v.Form.Set("parent_id", idString(d.ParentID))
	}
	u.RenderStatus(w, r, status, "department", v)
	return nil
}

func (u *UI) deptUpdate(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := PathID(r, "id")
	if err != nil {
		return err
	}
	f := u.ParseForm(r, deptFields...)
	in := org.DepartmentInput{Name: f.Get("name"), ParentID: f.ID("parent_id")}
	status, err := f.Save(func() error {
		_, err := u.Org.UpdateDepartment(r.Context(), a, id, in)
		return err
	})
	if err != nil {
		return err
	}
	if status != 0 {
		return u.deptEdit(w, r, f, status)
	}
	u.Flash(w, FlashOK, "flash.dept_saved", in.Name)
	Redirect(w, r, "/admin/departments")
	return nil
}

func (u *UI) deptDelete(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := PathID(r, "id")
	if err != nil {
		return err
	}
	d, err := u.Org.Department(r.Context(), id)
	if err != nil {
		return err
	}
	if err := u.Org.DeleteDepartment(r.Context(), a, id); err != nil {
		f := u.NewForm(r, deptFields...)
		f.Set("name", d.Name)
		f.Set("parent_id", idString(d.ParentID))
		status := f.Fail(err)
		if status == 0 {
			return err
		}
		return u.deptEdit(w, r, f, status)
	}
	u.Flash(w, FlashOK, "flash.dept_deleted", d.Name)
	Redirect(w, r, "/admin/departments")
	return nil
}

// idString writes an ID for a form value; 0 (none) is "".
func idString(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}
