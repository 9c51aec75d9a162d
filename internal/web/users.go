package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/hotline-cc/hotline/internal/org"
)

const usersPerPage = 25

var userFields = []string{"username", "display_name", "password", "email", "phone", "role_id",
	"department_id", "team_id", "extension", "hire_date", "leave_date", "locale"}

// userRow is a user in the list.
type userRow struct {
	org.User
	Locked bool
}

type userListView struct {
	Rows    []userRow
	Pager   Pager
	Filter  userFilter
	Choices *orgChoices
}

// userFilter is the list's search and filters as given in the query.
type userFilter struct {
	Q      string
	Dept   int64
	Team   int64
	Role   int64
	Active string // "", "true" or "false"
}

type userFormView struct {
	User    *org.User // nil for a new user
	Locked  bool
	Self    bool
	Form    *Form
	PwForm  *Form
	Choices *orgChoices
}

func (u *UI) registerUsers(mux *http.ServeMux) {
	p := org.P
	mux.Handle("GET /admin/users", u.Protect(p("users", "view"), u.userList))
	mux.Handle("GET /admin/users/new", u.Protect(p("users", "create"), func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
		f := u.NewForm(r, userFields...)
		f.Set("hire_date", time.Now().Format(time.DateOnly))
		return u.userForm(w, r, nil, f, nil, http.StatusOK)
	}))
	mux.Handle("POST /admin/users", u.Protect(p("users", "create"), u.userCreate))
	mux.Handle("GET /admin/users/{id}", u.Protect(p("users", "view"), u.userShow))
	mux.Handle("POST /admin/users/{id}", u.Protect(p("users", "update"), u.userUpdate))
	mux.Handle("POST /admin/users/{id}/password", u.Protect(p("users", "update"), u.userResetPassword))
	mux.Handle("POST /admin/users/{id}/unlock", u.Protect(p("users", "update"), u.userUnlock))
	mux.Handle("POST /admin/users/{id}/deactivate", u.Protect(p("users", "delete"), u.userDeactivate))
	mux.Handle("POST /admin/users/{id}/activate", u.Protect(p("users", "update"), u.userActivate))
}

func (u *UI) userList(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	qs := r.URL.Query()
	f := userFilter{Q: qs.Get("q"), Dept: queryID(r, "department_id"), Team: queryID(r, "team_id"),
		Role: queryID(r, "role_id"), Active: qs.Get("active")}
	q := org.UserQuery{Search: f.Q, DepartmentID: f.Dept, TeamID: f.Team, RoleID: f.Role, Sort: "username",
		Limit: usersPerPage, Offset: PageOffset(r, usersPerPage)}
	if b, err := strconv.ParseBool(f.Active); err == nil {
		q.Active = &b
	} else {
		f.Active = ""
	}
	users, total, err := u.Org.Users(r.Context(), a, q)
	if err != nil {
		return err
	}
	ch, err := u.orgChoices(r.Context())
	if err != nil {
		return err
	}
	v := userListView{Pager: NewPager(r, total, usersPerPage), Filter: f, Choices: ch}
	now := time.Now()
	for _, x := range users {
		v.Rows = append(v.Rows, userRow{User: x, Locked: x.LockedUntil.After(now)})
	}
	u.Render(w, r, "users", v)
	return nil
}

// userForm renders the create form (usr nil) or the edit page of usr.
func (u *UI) userForm(w http.ResponseWriter, r *http.Request, usr *org.User, f, pw *Form, status int) error {
	ch, err := u.orgChoices(r.Context())
	if err != nil {
		return err
	}
	v := userFormView{User: usr, Form: f, PwForm: pw, Choices: ch}
	if usr != nil {
		v.Locked = usr.LockedUntil.After(time.Now())
		v.Self = Actor(r) != nil && Actor(r).UserID == usr.ID
		if v.PwForm == nil {
			v.PwForm = u.NewForm(r, "new_password")
		}
	}
	u.RenderStatus(w, r, status, "user", v)
	return nil
}

// userValues fills a form from a user.
func userValues(f *Form, x *org.User) {
	set := map[string]string{"username": x.Username, "display_name": x.DisplayName, "email": x.Email, "phone": x.Phone,
		"role_id": idString(x.RoleID), "department_id": idString(x.DepartmentID), "team_id": idString(x.TeamID),
		"extension": x.Extension, "hire_date": x.HireDate, "leave_date": x.LeaveDate, "locale": x.Locale}
	for k, v := range set {
		f.Set(k, v)
	}
}

func (u *UI) userShow(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	usr, err := u.scopedUser(r, a)
	if err != nil {
		return err
	}
	f := u.NewForm(r, userFields...)
	userValues(f, usr)
	return u.userForm(w, r, usr, f, nil, http.StatusOK)
}

func (u *UI) scopedUser(r *http.Request, a *org.Actor) (*org.User, error) {
	id, err := PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return u.Org.User(r.Context(), a, id)
}

func (u *UI) userCreate(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f := u.ParseForm(r, userFields...)
	in := org.UserInput{Username: f.Get("username"), DisplayName: f.Get("display_name"), Password: f.Values.Get("password"),
		Email: f.Get("email"), Phone: f.Get("phone"), RoleID: f.ID("role_id"), DepartmentID: f.ID("department_id"),
		TeamID: f.ID("team_id"), Extension: f.Get("extension"), HireDate: f.Get("hire_date"),
		LeaveDate: f.Get("leave_date"), Locale: f.Get("locale")}
	var usr *org.User
	status, err := f.Save(func() (err error) {
		usr, err = u.Org.CreateUser(r.Context(), a, in)
		return err
	})
	if err != nil {
		return err
	}
	if status != 0 {
		f.Set("password", "") // never echo a password back into the page
		return u.userForm(w, r, nil, f, nil, status)
	}
	u.Flash(w, FlashOK, "flash.user_created", usr.Username)
	Redirect(w, r, "/admin/users/"+idString(usr.ID))
	return nil
}

func (u *UI) userUpdate(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	usr, err := u.scopedUser(r, a)
	if err != nil {
		return err
	}
	f := u.ParseForm(r, userFields...)
	f.Set("username", usr.Username)
	str := func(k string) *string { v := f.Get(k); return &v }
	id := func(k string) *int64 { v := f.ID(k); return &v }
	p := org.UserPatch{DisplayName: str("display_name"), Email: str("email"), Phone: str("phone"), RoleID: id("role_id"),
		DepartmentID: id("department_id"), TeamID: id("team_id"), Extension: str("extension"),
		HireDate: str("hire_date"), LeaveDate: str("leave_date"), Locale: str("locale")}
	status, err := f.Save(func() error {
		_, err := u.Org.UpdateUser(r.Context(), a, usr.ID, p)
		return err
	})
	if err != nil {
		return err
	}
	if status != 0 {
		return u.userForm(w, r, usr, f, nil, status)
	}
	u.Flash(w, FlashOK, "flash.user_saved", usr.Username)
	Redirect(w, r, "/admin/users/"+idString(usr.ID))
	return nil
}

func (u *UI) userResetPassword(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	usr, err := u.scopedUser(r, a)
	if err != nil {
		return err
	}
	pw := u.ParseForm(r, "new_password")
	status, err := pw.Save(func() error {
		err := u.Org.ResetPassword(r.Context(), a, usr.ID, pw.Values.Get("new_password"))
		return renameField(err, "password", "new_password")
	})
	if err != nil {
		return err
	}
	if status != 0 {
		f := u.NewForm(r, userFields...)
		userValues(f, usr)
		return u.userForm(w, r, usr, f, pw, status)
	}
	u.Flash(w, FlashOK, "flash.password_reset", usr.Username)
	Redirect(w, r, "/admin/users/"+idString(usr.ID))
	return nil
}

// userAction runs a one-button action on user {id} and comes back to the
// user's page with its message, or with the refusal as an error message.
func (u *UI) userAction(w http.ResponseWriter, r *http.Request, a *org.Actor, okKey string,
	fn func(usr *org.User) error) error {
	usr, err := u.scopedUser(r, a)
	if err != nil {
		return err
	}
	if err := fn(usr); err != nil {
		f := u.NewForm(r, userFields...)
		userValues(f, usr)
		status := f.Fail(err)
		if status == 0 {
			return err
		}
		return u.userForm(w, r, usr, f, nil, status)
	}
	u.Flash(w, FlashOK, okKey, usr.Username)
	Redirect(w, r, "/admin/users/"+idString(usr.ID))
	return nil
}

func (u *UI) userUnlock(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	return u.userAction(w, r, a, "flash.user_unlocked", func(usr *org.User) error {
		return u.Org.UnlockUser(r.Context(), a, usr.ID)
	})
}

func (u *UI) userDeactivate(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	return u.userAction(w, r, a, "flash.user_deactivated", func(usr *org.User) error {
		_, err := u.Org.DeactivateUser(r.Context(), a, usr.ID)
		return err
	})
}

func (u *UI) userActivate(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	return u.userAction(w, r, a, "flash.user_activated", func(usr *org.User) error {
		active := true
		_, err := u.Org.UpdateUser(r.Context(), a, usr.ID, org.UserPatch{Active: &active})
		return err
	})
}
