package web

import (
	"net/http"

	"github.com/hotline-cc/hotline/internal/org"
)

// homeView is the home page: who the user is and what their role can use.
type homeView struct {
	User       *org.User
	Department string
	Team       string
	Links      []NavItem
	Grants     []grantRow
}

// grantRow is one resource and the actions the actor's role grants on it.
type grantRow struct {
	Resource string
	Actions  []string
}

func (u *UI) home(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	v := homeView{Grants: grants(a)}
	if !a.System {
		usr, err := u.Org.User(r.Context(), a, a.UserID)
		if err != nil {
			return err
		}
		v.User = usr
		v.Department, v.Team = u.orgNames(r, usr.DepartmentID, usr.TeamID)
	}
	for _, it := range u.nav {
		if it.Path != "/" && it.allowed(a) {
			v.Links = append(v.Links, it)
		}
	}
	sortNav(v.Links)
	u.Render(w, r, "home", v)
	return nil
}

// orgNames returns the names of a department and a team ("" for none).
func (u *UI) orgNames(r *http.Request, deptID, teamID int64) (string, string) {
	var dept, team string
	if deptID != 0 {
		if d, err := u.Org.Department(r.Context(), deptID); err == nil {
			dept = d.Name
		}
	}
	if teamID != 0 {
		if t, err := u.Org.Team(r.Context(), teamID); err == nil {
			team = t.Name
		}
	}
	return dept, team
}

// grants lists, in catalog order, the actions the actor holds per resource.
func grants(a *org.Actor) []grantRow {
	var out []grantRow
	for _, ra := range org.Catalog {
		var acts []string
		for _, act := range ra.Actions {
			if a.Can(org.P(ra.Resource, act)) {
				acts = append(acts, act)
			}
		}
		if len(acts) > 0 {
			out = append(out, grantRow{Resource: ra.Resource, Actions: acts})
		}
	}
	return out
}
