// Package satisfactionui is the web UI of the satisfaction review
// (满意度管理): the review queue of very-unsatisfied ratings with its
// filters, the case page with the call's recording and one form per step
// of the workflow, the reason categories, and the report of the process.
// CSAT itself is the report module's; these pages link to it. It is a
// web.Module (ui.AddModule(satisfactionui.New(...))); texts are in zh-CN and
// English (i18n/*.json); every page checks the API's permission and the
// satisfaction service applies the data scope.
package satisfactionui

import (
	"context"
	"embed"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/recording"
	"github.com/hotline-cc/hotline/internal/satisfaction"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/web"
)

//go:embed templates/*.html i18n/*.json static/*
var assets embed.FS

// files are the module\'s templates, catalogs and static files.
var files = web.ModuleFiles{Name: "satisfactionui", FS: assets}

// Base is where the pages live.
const Base = "/satisfaction"

// Deps are what the pages use.
type Deps struct {
	UI         *web.UI
	Svc        *satisfaction.Service
	Org        *org.Service
	Recordings *recording.Service // the case page plays the call's recording
}

// UI serves the pages.
type UI struct{ Deps }

// New returns the module.
func New(d Deps) web.Module {
	u := &UI{Deps: d}
	return web.Module{Name: "satisfaction", Nav: nav(), Pages: files.Pages(), Messages: files.Messages(), Routes: u.routes}
}

func nav() []web.NavItem {
	sec, view := "satisfaction.nav.section", satisfaction.PermView
	return []web.NavItem{
		{Section: sec, Label: "satisfaction.nav.queue", Desc: "satisfaction.desc.queue", Path: Base, Perm: view, Order: 500},
		{Section: sec, Label: "satisfaction.nav.report", Desc: "satisfaction.desc.report", Path: Base + "/report", Perm: view, Order: 505},
		{Section: sec, Label: "satisfaction.nav.reasons", Desc: "satisfaction.desc.reasons", Path: Base + "/reasons", Perm: view, Order: 510},
	}
}

func (u *UI) routes(mux *http.ServeMux) {
	view, review := satisfaction.PermView, satisfaction.PermReview
	mux.Handle("GET "+Base, u.UI.Protect(view, u.queue))
	mux.Handle("GET "+Base+"/cases/{id}", u.UI.Protect(view, u.casePage))
	for _, step := range []string{satisfaction.StepReview, satisfaction.StepAssign, satisfaction.StepCallback, satisfaction.StepClose} {
		mux.Handle("POST "+Base+"/cases/{id}/"+step, u.UI.Protect(review, u.stepPost(step)))
	}
	mux.Handle("GET "+Base+"/report", u.UI.Protect(view, u.report))
	mux.Handle("GET "+Base+"/reasons", u.UI.Protect(view, u.reasons))
	mux.Handle("POST "+Base+"/reasons", u.UI.Protect(review, u.reasonCreate))
	mux.Handle("POST "+Base+"/reasons/{id}", u.UI.Protect(review, u.reasonUpdate))
	mux.Handle("POST "+Base+"/reasons/{id}/delete", u.UI.Protect(review, u.reasonDelete))
	mux.Handle("GET "+Base+"/assets/", http.StripPrefix(Base+"/assets/", files.Static()))
}

// strOpt is an option of a select with string values.
type strOpt struct {
	Value string
	Label string
}

// names resolves user and team IDs to names for display.
type names struct {
	users, teams, depts map[int64]string
}

// lookup loads the names of the given users and of every team and
// department (a handful; the pages need them for filters anyway).
func (u *UI) lookup(ctx context.Context, userIDs ...int64) (*names, error) {
	n := &names{users: map[int64]string{}, teams: map[int64]string{}, depts: map[int64]string{}}
	var ids []int64
	for _, id := range userIDs {
		if id != 0 {
			ids = append(ids, id)
		}
	}
	if len(ids) > 0 {
		var args store.Args
		rows, err := u.Svc.DB.QueryContext(ctx, `SELECT id, display_name FROM users WHERE id IN `+args.In(ids...), args.Values()...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				return nil, err
			}
			n.users[id] = name
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	teams, err := u.Org.Teams(ctx, 0)
	if err != nil {
		return nil, err
	}
	for _, t := range teams {
		n.teams[t.ID] = t.Name
	}
	depts, err := u.Org.Departments(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range depts {
		n.depts[d.ID] = d.Name
	}
	return n, nil
}

func (n *names) User(id int64) string { return n.users[id] }
func (n *names) Team(id int64) string { return n.teams[id] }
func (n *names) Dept(id int64) string { return n.depts[id] }

// reasonNames maps reason IDs to their names in lang.
func (u *UI) reasonNames(ctx context.Context, lang string) (map[int64]string, []satisfaction.Reason, error) {
	rs, err := u.Svc.Reasons(ctx)
	if err != nil {
		return nil, nil, err
	}
	m := map[int64]string{}
	for _, r := range rs {
		m[r.ID] = r.Label(lang)
	}
	return m, rs, nil
}

func queryID(r *http.Request, name string) int64 {
	n, err := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// localInput is the format of <input type="datetime-local">.
const localInput = "2006-01-02T15:04"

func parseLocal(s string) (time.Time, bool) {
	t, err := time.ParseInLocation(localInput, strings.TrimSpace(s), time.Local)
	return t, err == nil
}

// fmtDuration shows a duration the way a supervisor reads it: 3d 4h,
// 2h 05m, 12m.
func fmtDuration(ms int64) string {
	d := time.Duration(ms) * time.Millisecond
	switch {
	case ms <= 0:
		return "—"
	case d >= 24*time.Hour:
		return fmt.Sprintf("%dd %dh", int(d.Hours())/24, int(d.Hours())%24)
	case d >= time.Hour:
		return fmt.Sprintf("%dh %02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dm", max(int(d.Minutes()), 1))
}
