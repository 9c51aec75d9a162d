// Package complaintui is the web UI of complaint handling (投诉管理): the
// ticket list with filters, the form that registers a complaint (prefilled
// from a call: the telephony call page links to it), the ticket page with
// the five-step checklist, the judgement of severity and liability, forwards
// to the responsible department and its reply, the result call-back,
// closing, reopening and the timeline; the report and the penalty settings.
// It is a web.Module (ui.AddModule(complaintui.New(...))); texts are in
// zh-CN and English; every page checks the API's permission and the
// complaint service applies the data scope.
package complaintui

import (
	"context"
	"embed"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/complaint"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/recording"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/web"
)

//go:embed templates/*.html i18n/*.json static/*
var assets embed.FS

// files are the module\'s templates, catalogs and static files.
var files = web.ModuleFiles{Name: "complaintui", FS: assets}

// Base is where the pages live.
const Base = "/complaints"

// Deps are what the pages use.
type Deps struct {
	UI         *web.UI
	Svc        *complaint.Service
	Org        *org.Service
	Recordings *recording.Service // the ticket page plays the call's recording
}

// UI serves the pages.
type UI struct{ Deps }

// New returns the module.
func New(d Deps) web.Module {
	u := &UI{Deps: d}
	return web.Module{Name: "complaints", Nav: nav(), Pages: files.Pages(), Messages: files.Messages(), Routes: u.routes}
}

func nav() []web.NavItem {
	sec, view := "complaints.nav.section", complaint.PermView
	return []web.NavItem{
		{Section: sec, Label: "complaints.nav.list", Desc: "complaints.desc.list", Path: Base, Perm: view, Order: 520},
		{Section: sec, Label: "complaints.nav.new", Desc: "complaints.desc.new", Path: Base + "/new", Perm: complaint.PermCreate, Order: 525},
		{Section: sec, Label: "complaints.nav.report", Desc: "complaints.desc.report", Path: Base + "/report", Perm: view, Order: 530},
		{Section: sec, Label: "complaints.nav.penalties", Desc: "complaints.desc.penalties", Path: Base + "/penalties", Perm: view, Order: 535},
	}
}

func (u *UI) routes(mux *http.ServeMux) {
	p := u.UI.Protect
	view, create, manage := complaint.PermView, complaint.PermCreate, complaint.PermManage
	mux.Handle("GET "+Base, p(view, u.list))
	mux.Handle("GET "+Base+"/new", p(create, u.newPage))
	mux.Handle("POST "+Base, p(create, u.create))
	mux.Handle("GET "+Base+"/report", p(view, u.report))
	mux.Handle("GET "+Base+"/penalties", p(view, u.penalties))
	mux.Handle("POST "+Base+"/penalties", p(complaint.PermSettings, u.penaltiesSave))
	mux.Handle("GET "+Base+"/{id}", p(view, u.ticketPage))
	for action, perm := range map[string]org.Permission{"assess": manage, "checklist": create, "forward": manage, "reply": create,
		"callback": manage, "close": manage, "reopen": manage} {
		mux.Handle("POST "+Base+"/{id}/"+action, p(perm, u.actionPost(action)))
	}
	mux.Handle("GET "+Base+"/assets/", http.StripPrefix(Base+"/assets/", files.Static()))
}

// strOpt is an option of a select with string values.
type strOpt struct {
	Value string
	Label string
}

// options translates a list of codes: prefix+code is the catalog key.
func (u *UI) options(r *http.Request, prefix string, codes []string) []strOpt {
	out := make([]strOpt, 0, len(codes))
	for _, c := range codes {
		out = append(out, strOpt{Value: c, Label: u.UI.T(r, prefix+c)})
	}
	return out
}

// names resolves user, team and department IDs for display.
type names struct{ users, teams, depts map[int64]string }

func (n *names) User(id int64) string { return n.users[id] }
func (n *names) Team(id int64) string { return n.teams[id] }
func (n *names) Dept(id int64) string { return n.depts[id] }

// DeptOptions are every department, for the forward and liability pickers.
func (n *names) DeptOptions() []web.Option {
	out := make([]web.Option, 0, len(n.depts))
	for id, name := range n.depts {
		out = append(out, web.Option{Value: id, Label: name})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}

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

// agents are the active users in a's scope (and a), for the agent picker.
func (u *UI) agents(r *http.Request, a *org.Actor) ([]web.Option, error) {
	active := true
	us, _, err := u.Org.Users(r.Context(), a, org.UserQuery{Active: &active, Sort: "display_name", Limit: 1000})
	if err != nil {
		return nil, err
	}
	out := make([]web.Option, 0, len(us))
	for _, x := range us {
		out = append(out, web.Option{Value: x.ID, Label: x.DisplayName})
	}
	return out, nil
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

func idStr(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// fmtDuration shows a duration the way a supervisor reads it.
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
