// Package reportui is the management view of Hotline (统计报表): the report
// page with the 23 operating metrics and the extra figures, their target
// bands and breaches, grouped and per interval, with charts drawn by the
// vendored Apache ECharts; the report settings (the service-level variant,
// windows, targets), the center cost per month, the shift week view and
// form; and the home-page panels that answer "how are we doing" — today's
// figures for a manager's scope, an agent's own day. It is a web.Module;
// the app adds it with ui.AddModule(reportui.New(deps)). Texts are in
// zh-CN and English; every page checks the same permission as the JSON
// API, and the report engine and the shift service apply the data scope.
package reportui

import (
	"embed"
	"log/slog"
	"net/http"
	"time"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/report"
	"github.com/hotline-cc/hotline/internal/shift"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/web"
)

//go:embed templates/*.html i18n/*.json static
var assets embed.FS

// files are the module\'s templates, catalogs and static files.
var files = web.ModuleFiles{Name: "reportui", FS: assets}

// Base is where the module's pages live.
const Base = "/reports"

// Permissions of the pages (the same as the API's).
var (
	permView   = org.P("reports", "view")
	permExport = org.P("reports", "export")
	permManage = org.P("reports", "manage")
	permWFM    = org.P("wfm", "view")
	permWFMSet = org.P("wfm", "manage")
	permCalls  = org.P("calls", "view")
	permAgents = org.P("agents", "view")
	permQueues = org.P("queues", "view")
)

// Deps are the services the pages call. UI, DB, Org and Reports are
// required; without Shifts there is no shift page, without CRM no customer
// filters, without ACD the home page shows agents' state time instead of
// their live state.
type Deps struct {
	UI      *web.UI
	DB      *store.DB
	Org     *org.Service
	Reports *report.Engine
	Shifts  *shift.Service
	Queues  *queues.Service
	CRM     *crm.Service
	ACD     *acd.Engine
	Log     *slog.Logger
	// Now is the clock of "today" (tests); time.Now when nil.
	Now func() time.Time
}

// UI serves the pages.
type UI struct {
	Deps
	web  *web.UI
	msgs map[string]map[string]string
}

// New returns the module. The embedded templates and catalogs are part of
// the program: a broken one panics here (the package tests load them).
func New(d Deps) web.Module {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	u := &UI{Deps: d, web: d.UI, msgs: files.Messages()}
	return web.Module{
		Name:     "reports",
		Nav:      u.nav(),
		Pages:    files.Pages(),
		Messages: u.msgs,
		Routes:   u.routes,
		Home:     []web.HomePanel{{Page: "reports_home", Order: 100, Data: u.homeData}},
	}
}

// nav is the "统计报表 / Reports" section, after the customers (200–240)
// and telephony (210–290) sections.
func (u *UI) nav() []web.NavItem {
	sec := "reports.nav.section"
	items := []web.NavItem{
		{Section: sec, Label: "reports.nav.reports", Desc: "reports.desc.reports", Path: Base, Perm: permView, Order: 400},
		{Section: sec, Label: "reports.nav.settings", Desc: "reports.desc.settings", Path: Base + "/settings", Perm: permManage, Order: 420},
		{Section: sec, Label: "reports.nav.costs", Desc: "reports.desc.costs", Path: Base + "/costs", Perm: permManage, Order: 430},
	}
	if u.Shifts != nil {
		items = append(items, web.NavItem{Section: sec, Label: "reports.nav.shifts", Desc: "reports.desc.shifts", Path: Base + "/shifts",
			Perm: permWFM, Order: 440})
	}
	return items
}

func (u *UI) routes(mux *http.ServeMux) {
	mux.Handle("GET "+Base+"/static/", http.StripPrefix(Base+"/static/", staticHandler()))
	mux.Handle("GET "+Base, u.web.Protect(permView, u.reportPage))
	mux.Handle("GET "+Base+"/settings", u.web.Protect(permManage, u.settingsPage))
	mux.Handle("POST "+Base+"/settings", u.web.Protect(permManage, u.settingsSave))
	mux.Handle("GET "+Base+"/costs", u.web.Protect(permManage, u.costsPage))
	mux.Handle("POST "+Base+"/costs", u.web.Protect(permManage, u.costSave))
	mux.Handle("POST "+Base+"/costs/delete", u.web.Protect(permManage, u.costDelete))
	if u.Shifts != nil {
		mux.Handle("GET "+Base+"/shifts", u.web.Protect(permWFM, u.shiftsPage))
		mux.Handle("GET "+Base+"/shifts/new", u.web.Protect(permWFMSet, u.shiftNew))
		mux.Handle("POST "+Base+"/shifts", u.web.Protect(permWFMSet, u.shiftCreate))
		mux.Handle("GET "+Base+"/shifts/{id}", u.web.Protect(permWFMSet, u.shiftEdit))
		mux.Handle("POST "+Base+"/shifts/{id}", u.web.Protect(permWFMSet, u.shiftUpdate))
		mux.Handle("POST "+Base+"/shifts/{id}/delete", u.web.Protect(permWFMSet, u.shiftDelete))
	}
}

// t translates a key of the module's catalog in the request's language.
func (u *UI) t(r *http.Request, key string, args ...any) string { return u.web.T(r, key, args...) }

// settings are the report settings in force.
func (u *UI) settings(r *http.Request) (report.Settings, error) {
	return u.Reports.Settings(r.Context())
}
