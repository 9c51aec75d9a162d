// Package alertui is the web UI of early warning (预警管理): the open
// alerts, the alert history with filters, the rules of every queue with a
// form per queue (and one for the defaults), and the alert indicator every
// page shows to users who may see alerts — a chip in the top bar, a banner
// when an alert opens, and a browser notification (Notification API, after
// the user allowed it with the button) once per new episode. It is a
// web.Module; the app adds it with ui.AddModule(alertui.New(ui, svc)).
// Texts are in zh-CN and English; every page checks the same permission as
// the JSON API, and the alert service applies the data scope.
package alertui

import (
	"embed"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/hotline-cc/hotline/internal/alert"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/web"
)

//go:embed templates/*.html i18n/*.json static/*
var assets embed.FS

// files are the module\'s templates, catalogs and static files.
var files = web.ModuleFiles{Name: "alertui", FS: assets}

// Base is where the module's pages live.
const Base = "/alerts"

// UI serves the early-warning pages.
type UI struct {
	web  *web.UI
	svc  *alert.Service
	msgs map[string]map[string]string
}

// New returns the module. The embedded templates and catalogs are part of
// the program: a broken one panics here (the package tests load them).
func New(ui *web.UI, svc *alert.Service) web.Module {
	u := &UI{web: ui, svc: svc, msgs: files.Messages()}
	return web.Module{
		Name:     "alerts",
		Nav:      nav(),
		Pages:    files.Pages(),
		Messages: u.msgs,
		Routes:   u.routes,
		Scripts:  []web.Script{{Src: Base + "/static/notify.js", Perm: alert.PermView}},
	}
}

// nav puts the pages in the desk section, beside the wallboard (160).
func nav() []web.NavItem {
	sec := "desk.nav.section"
	return []web.NavItem{
		{Section: sec, Label: "alerts.nav.active", Desc: "alerts.desc.active", Path: Base, Perm: alert.PermView, Order: 161},
		{Section: sec, Label: "alerts.nav.history", Desc: "alerts.desc.history", Path: Base + "/history", Perm: alert.PermView, Order: 162},
		{Section: sec, Label: "alerts.nav.rules", Desc: "alerts.desc.rules", Path: Base + "/rules", Perm: alert.PermView, Order: 163},
	}
}

func (u *UI) routes(mux *http.ServeMux) {
	mux.Handle("GET "+Base+"/static/", http.StripPrefix(Base+"/static/", files.Static()))
	mux.Handle("GET "+Base+"/texts", u.web.Protect(alert.PermView, u.texts))
	mux.Handle("GET "+Base, u.web.Protect(alert.PermView, u.active))
	mux.Handle("GET "+Base+"/history", u.web.Protect(alert.PermView, u.history))
	mux.Handle("GET "+Base+"/rules", u.web.Protect(alert.PermView, u.rules))
	mux.Handle("GET "+Base+"/rules/default", u.web.Protect(alert.PermManage, u.defaultForm))
	mux.Handle("POST "+Base+"/rules/default", u.web.Protect(alert.PermManage, u.defaultSave))
	mux.Handle("GET "+Base+"/rules/queues/{id}", u.web.Protect(alert.PermManage, u.queueForm))
	mux.Handle("POST "+Base+"/rules/queues/{id}", u.web.Protect(alert.PermManage, u.queueSave))
}

// jsPrefix marks the catalog keys the notifier script uses.
const jsPrefix = "alerts.js."

// texts serves the notifier script its texts in the request's language
// (the script carries none of its own).
func (u *UI) texts(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	m := map[string]string{}
	for k, v := range u.msgs[web.Lang(r)] {
		if name, ok := strings.CutPrefix(k, jsPrefix); ok {
			m[name] = v
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(m)
}
