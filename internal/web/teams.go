package web

import (
	"context"
	"net/http"

	"github.com/hotline-cc/hotline/internal/org"
)

var teamFields = []string{"name", "department_id", "leader_id"}

// teamRow is a team in the list.
type teamRow struct {
	org.Team
	Department string
	Leader     string
	Members    int // -1 when the actor may not see users
}

type teamListView struct {
	Rows        []teamRow
	Departments []Option
	DeptFilter  int64
}

type teamFormView struct {
	Team        *org.Team // nil for a new team
	Form        *Form
	Departments []Option
	Leaders     []Option
	Members     []org.User
	CanSeeUsers bool
}

func (u *UI) registerTeams(mux *http.ServeMux) {
	p := org.P
	mux.Handle("GET /admin/teams", u.Protect(p("teams", "view"), u.teamList))
	mux.Handle("GET /admin/teams/new", u.Protect(p("teams", "create"), func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
		f := u.NewForm(r, teamFields...)
		f.Set("department_id", r.URL.Query().Get("department_id"))
		return u.teamForm(w, r, a, nil, f, http.StatusOK)
	}))
	mux.Handle("POST /admin/teams", u.Protect(p("teams", "create"), u.teamCreate))
	mux.Handle("GET /admin/teams/{id}", u.Protect(p("teams", "view"), u.teamShow))
	mux.Handle("POST /admin/teams/{id}", u.Protect(p("teams", "update"), u.teamUpdate))
	mux.Handle("POST /admin/teams/{id}/delete", u.Protect(p("teams", "delete"), u.teamDelete))
}

func (u *UI) teamList(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	ctx := r.Context()
	dept := queryID(r, "department_id")
	ts, err := u.Org.Teams(ctx, dept)
	if err != nil {
		return err
	}
	ch, err := u.orgChoices(ctx)
	if err != nil {
		return err
	}
	names, err := u.userNames(ctx, a)
	if err != nil {
		return err
	}
	v := teamListView{Departments: ch.Departments, DeptFilter: dept}
	for _, t := range ts {
		row := teamRow{Team: t, Department: ch.DeptPath(t.DepartmentID), Leader: names[t.LeaderID], Members: -1}
		if a.Can(org.P("users", "view")) {
			_, n, err := u.Org.Users(ctx, a, org.UserQuery{TeamID: t.ID, Limit: 1})
			if err != nil {
				return err
			}
			row.Members = n
		}
		v.Rows = append(v.Rows, row)
	}
	u.Render(w, r, "teams", v)
	return nil
}

// userNames maps the IDs of the users the actor may see to their names
// (empty when the role may not see users at all).
func (u *UI) userNames(ctx context.Context, a *org.Actor) (map[int64]string, error) {
	m := map[int64]string{}
	if !a.Can(org.P("users", "view")) {
		return m, nil
	}
	us, _, err := u.Org.Users(ctx, a, org.UserQuery{Limit: 1000})
	if err != nil {
		return nil, err
	}
	for _, x := range us {
		m[x.ID] = x.DisplayName + " (" + x.Username + ")"
	}
	return m, nil
}

func (u *UI) teamShow(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := PathID(r, "id")
	if err != nil {
		return err
	}
	t, err := u.Org.Team(r.Context(), id)
	if err != nil {
		return err
	}
	f := u.NewForm(r, teamFields...)
	f.Set("name", t.Name)
	f.Set("department_id", idString(t.DepartmentID))
	f.Set("leader_id", idString(t.LeaderID))
	return u.teamForm(w, r, a, t, f, http.StatusOK)
}

func (u *UI) teamForm(w http.ResponseWriter, r *http.Request, a *org.Actor, t *org.Team, f *Form, status int) error {
	ctx := r.Context()
	ch, err := u.orgChoices(ctx)
	if err != nil {
		return err
	}
	v := teamFormView{Team: t, Form: f, Departments: ch.Departments, CanSeeUsers: a.Can(org.P("users", "view"))}
	if v.CanSeeUsers {
		active := true
		us, _, err := u.Org.Users(ctx, a, org.UserQuery{Active: &active, Limit: 1000, Sort: "display_name"})
		if err != nil {
			return err
		}
		for _, x := range us {
			v.Leaders = append(v.Leaders, Option{Value: x.ID, Label: x.DisplayName + " (" + x.Username + ")"})
		}
		if t != nil {
			if v.Members, _, err = u.Org.Users(ctx, a, org.UserQuery{TeamID: t.ID, Limit: 1000, Sort: "display_name"}); err != nil {
				return err
			}
		}
	}
	u.RenderStatus(w, r, status, "team", v)
	return nil
}

func teamInput(f *Form) org.TeamInput {
	return org.TeamInput{Name: f.Get("name"), DepartmentID: f.ID("department_id"), LeaderID: f.ID("leader_id")}
}

func (u *UI) teamCreate(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f := u.ParseForm(r, teamFields...)
	in := teamInput(f)
	var t *org.Team
	status, err := f.Save(func() (err error) {
		t, err = u.Org.CreateTeam(r.Context(), a, in)
		return err
	})
	if err != nil {
		return err
	}
	if status != 0 {
		return u.teamForm(w, r, a, nil, f, status)
	}
	u.Flash(w, FlashOK, "flash.team_created", t.Name)
	Redirect(w, r, "/admin/teams?department_id="+idString(t.DepartmentID))
	return nil
}

func (u *UI) teamUpdate(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := PathID(r, "id")
	if err != nil {
		return err
	}
	before, err := u.Org.Team(r.Context(), id)
	if err != nil {
		return err
	}
	f := u.ParseForm(r, teamFields...)
	in := teamInput(f)
	status, err := f.Save(func() error {
		_, err := u.Org.UpdateTeam(r.Context(), a, id, in)
		return err
	})
	if err != nil {
		return err
	}
	if status != 0 {
		return u.teamForm(w, r, a, before, f, status)
	}
	u.Flash(w, FlashOK, "flash.team_saved", in.Name)
	Redirect(w, r, "/admin/teams/"+idString(id))
	return nil
}

func (u *UI) teamDelete(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := PathID(r, "id")
	if err != nil {
		return err
	}
	t, err := u.Org.Team(r.Context(), id)
	if err != nil {
		return err
	}
	if err := u.Org.DeleteTeam(r.Context(), a, id); err != nil {
		f := u.NewForm(r, teamFields...)
		f.Set("name", t.Name)
		f.Set("department_id", idString(t.DepartmentID))
		f.Set("leader_id", idString(t.LeaderID))
		status := f.Fail(err)
		if status == 0 {
			return err
		}
		return u.teamForm(w, r, a, t, f, status)
	}
	u.Flash(w, FlashOK, "flash.team_deleted", t.Name)
	Redirect(w, r, "/admin/teams")
	return nil
}
