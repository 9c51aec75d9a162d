package web

import (
	"bytes"
	"html/template"
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
	Panels     []template.HTML // the modules' home panels (Module.Home)
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
	v.Panels = u.homePanels(r, a)
	u.Render(w, r, "home", v)
	return nil
}

// homePanels renders the modules' panels for the actor.
func (u *UI) homePanels(r *http.Request, a *org.Actor) []template.HTML {
	lang := Lang(r)
	var out []template.HTML
	for _, p := range u.panels {
		data, err := p.Data(r, a)
		if err != nil {
			u.Log.Error("web: home panel", "page", p.Page, "err", err)
			continue
		}
		t := u.tmpl.pages[lang][p.Page]
		if data == nil || t == nil {
			continue
		}
		v := &View{Lang: lang, Actor: a, Path: r.URL.Path, Version: u.Version, CSRF: CSRFToken(r), CSRFField: CSRFField(r), Data: data}
		var buf bytes.Buffer
		if err := t.ExecuteTemplate(&buf, "content", v); err != nil {
			u.Log.Error("web: home panel", "page", p.Page, "err", err)
			continue
		}
		out = append(out, template.HTML(buf.String())) // the module's own escaped template output
	}
	return out
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
