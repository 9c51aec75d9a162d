// Package appraisalui is the web UI of performance appraisal (绩效考核):
// a scheme's month with every agent's score, bonus and flags (closed
// and reopened there), an agent's appraisal with the items' raw values,
// sources and points and the form to enter manual values, and the
// schemes with their versions and an editing form for items, tier
// tables, bonus tiers, rules and commission. It is a web.Module; the app
// adds it with ui.AddModule(appraisalui.New(ui, svc)). Texts are in
// zh-CN and English; every page checks the same permission as the JSON
// API, and the appraisal service applies the data scope.
package appraisalui

import (
	"embed"
	"net/http"

	"github.com/hotline-cc/hotline/internal/appraisal"
	"github.com/hotline-cc/hotline/internal/web"
)

//go:embed templates/*.html i18n/*.json static/*
var assets embed.FS

// files are the module\'s templates, catalogs and static files.
var files = web.ModuleFiles{Name: "appraisalui", FS: assets}

// Base is where the module's pages live.
const Base = "/appraisal"

// UI serves the appraisal pages.
type UI struct {
	web *web.UI
	svc *appraisal.Service
}

// New returns the module. The embedded templates and catalogs are part of
// the program: a broken one panics here (the package tests load them).
func New(ui *web.UI, svc *appraisal.Service) web.Module {
	u := &UI{web: ui, svc: svc}
	return web.Module{Name: "appraisal", Nav: nav(), Pages: files.Pages(), Messages: files.Messages(), Routes: u.routes}
}

// nav puts the pages in their own section after satisfaction (500).
func nav() []web.NavItem {
	sec := "appraisal.nav.section"
	return []web.NavItem{
		{Section: sec, Label: "appraisal.nav.month", Desc: "appraisal.desc.month", Path: Base, Perm: appraisal.PermView, Order: 600},
		{Section: sec, Label: "appraisal.nav.schemes", Desc: "appraisal.desc.schemes", Path: Base + "/schemes", Perm: appraisal.PermView, Order: 610},
	}
}

func (u *UI) routes(mux *http.ServeMux) {
	view, score, manage := appraisal.PermView, appraisal.PermScore, appraisal.PermManage
	mux.Handle("GET "+Base+"/static/", http.StripPrefix(Base+"/static/", files.Static()))
	mux.Handle("GET "+Base, u.web.Protect(view, u.month))
	mux.Handle("POST "+Base+"/close", u.web.Protect(manage, u.closeMonth))
	mux.Handle("POST "+Base+"/reopen", u.web.Protect(manage, u.reopenMonth))
	mux.Handle("GET "+Base+"/agents/{id}", u.web.Protect(view, u.agent))
	mux.Handle("POST "+Base+"/agents/{id}/manual", u.web.Protect(score, u.manualSave))
	mux.Handle("POST "+Base+"/agents/{id}/manual/delete", u.web.Protect(score, u.manualDelete))
	mux.Handle("GET "+Base+"/schemes", u.web.Protect(view, u.schemes))
	mux.Handle("GET "+Base+"/schemes/new", u.web.Protect(manage, u.schemeNew))
	mux.Handle("POST "+Base+"/schemes", u.web.Protect(manage, u.schemeCreate))
	mux.Handle("GET "+Base+"/schemes/{id}", u.web.Protect(view, u.schemeView))
	mux.Handle("GET "+Base+"/schemes/{id}/edit", u.web.Protect(manage, u.schemeEdit))
	mux.Handle("POST "+Base+"/schemes/{id}", u.web.Protect(manage, u.schemeUpdate))
	mux.Handle("POST "+Base+"/schemes/{id}/delete", u.web.Protect(manage, u.schemeDelete))
}
