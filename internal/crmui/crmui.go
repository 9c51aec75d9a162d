// Package crmui is the web UI of the customer side of Hotline: the customer
// list with search and filters, the customer page with its timeline, notes
// and tasks, the import wizard (upload, column mapping, progress, report),
// allocation and the allocation log, quotas, the public pool, recycle rules,
// the agent's tasks, and the CRM settings. It is a web.Module: the app adds
// it with ui.AddModule(crmui.New(ui, svc)). Texts are in zh-CN and English
// (i18n/*.json); every page checks the same permission as the JSON API and
// the crm service applies the data scope.
package crmui

import (
	"embed"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/web"
)

//go:embed templates/*.html i18n/*.json static/*
var assets embed.FS

// files are the module\'s templates, catalogs and static files.
var files = web.ModuleFiles{Name: "crmui", FS: assets}

// UI serves the CRM pages.
type UI struct {
	web *web.UI
	svc *crm.Service
}

// New returns the CRM's web module.
func New(ui *web.UI, svc *crm.Service) web.Module {
	u := &UI{web: ui, svc: svc}
	return web.Module{
		Name:     "crm",
		Nav:      nav(),
		Pages:    files.Pages(),
		Messages: files.Messages(),
		Routes:   u.routes,
	}
}

func nav() []web.NavItem {
	p := org.P
	sec := "nav.section.crm"
	return []web.NavItem{
		{Section: sec, Label: "nav.crm.customers", Desc: "crm.desc.customers", Path: "/customers", Perm: p("customers", "view"), Order: 200},
		{Section: sec, Label: "nav.crm.tasks", Desc: "crm.desc.tasks", Path: "/crm/tasks", Perm: p("customers", "view"), Order: 205},
		{Section: sec, Label: "nav.crm.pool", Desc: "crm.desc.pool", Path: "/crm/pool", Perm: p("pool", "claim"), Order: 210},
		{Section: sec, Label: "nav.crm.imports", Desc: "crm.desc.imports", Path: "/crm/imports", Perm: p("customers", "import"), Order: 215},
		{Section: sec, Label: "nav.crm.allocate", Desc: "crm.desc.allocate", Path: "/crm/allocate", Perm: p("customers", "allocate"), Order: 220},
		{Section: sec, Label: "nav.crm.allocations", Desc: "crm.desc.allocations", Path: "/crm/allocations", Perm: p("customers", "allocate"), Order: 225},
		{Section: sec, Label: "nav.crm.quotas", Desc: "crm.desc.quotas", Path: "/crm/quotas", Perm: p("customers", "allocate"), Order: 230},
		{Section: sec, Label: "nav.crm.rules", Desc: "crm.desc.rules", Path: "/crm/rules", Perm: p("pool", "rules"), Order: 235},
		{Section: sec, Label: "nav.crm.settings", Desc: "crm.desc.settings", Path: "/crm/settings", Perm: p("settings", "update"), Order: 240},
	}
}

func (u *UI) routes(mux *http.ServeMux) {
	u.customerRoutes(mux)
	u.importRoutes(mux)
	u.poolRoutes(mux)
	u.adminRoutes(mux)
	mux.Handle("GET /crm/assets/", http.StripPrefix("/crm/assets/", files.Static()))
}

// protect wraps a handler with the permission check of the web UI.
func (u *UI) protect(perm org.Permission, h web.Handler) http.Handler { return u.web.Protect(perm, h) }

// strOpt is an option of a select with string values.
type strOpt struct {
	Value string
	Label string
}

func listOpts(opts []crm.Option) []strOpt {
	out := make([]strOpt, len(opts))
	for i, o := range opts {
		out[i] = strOpt{o.Key, o.Label}
	}
	return out
}

func idStr(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
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

func inputTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format(localInput)
}

func parseInputTime(s string) (time.Time, bool) {
	t, err := time.ParseInLocation(localInput, strings.TrimSpace(s), time.Local)
	return t, err == nil
}
