// Package web is Hotline's browser UI: server-rendered html/template pages
// with embedded templates and static files (CSS and a small script, no build
// step), in Simplified Chinese and English.
//
// # Pages
//
// The foundation serves the login page, the home page, the organisation
// administration (departments, teams, users, roles), the audit log and the
// user's own account page. Every page checks the same permission as the JSON
// API before it shows anything and again before it acts; the org service
// enforces the data scope and writes the audit log.
//
// # Adding a module
//
// Later modules (telephony, queues, customers, reports, QA, knowledge base,
// WFM) add their pages without touching this package. Between New and the
// start of serving, call AddModule:
//
//	err := ui.AddModule(web.Module{
//		Name:  "queues",
//		Pages: queuesTemplates, // fs.FS with queues_list.html, ...
//		Messages: map[string]map[string]string{
//			web.LangEN: {"nav.queues": "Queues", "queues.title": "Queues"},
//			web.LangZH: {"nav.queues": "队列", "queues.title": "队列"},
//		},
//		Nav: []web.NavItem{{Section: "nav.section.service", Label: "nav.queues",
//			Path: "/queues", Perm: org.P("queues", "view"), Order: 300}},
//		Routes: func(mux *http.ServeMux) {
//			mux.Handle("GET /queues", ui.Protect(org.P("queues", "view"), h.list))
//		},
//	})
//
// A module may also put a panel on the home page (Module.Home: one of its
// page templates, rendered with the data its Data func returns for the
// actor), above the links.
//
// A page template file defines "title" and "content"; it may use the shared
// partials ("input" and "select" form fields with their error, "field_error",
// "form_error", "pager", "flash") and the template functions t (translate a
// catalog key: {{t "nav.users"}}), tOr, res, act, scope, roleName, fmtTime,
// dict and add. The data a template sees is a *View: .Data is what the
// handler passed, .CSRFField the hidden CSRF input every POST form must
// carry, .Can "resource:action" asks the actor's role.
//
// Handlers wrapped by Protect get the logged-in actor; they render with
// Render (layout, navigation and language switcher included), read forms with
// ParseForm (values survive a failed save; Form.Save and Form.Fail put a
// domain error on its field), page lists with NewPager, say what happened with
// Flash and answer POSTs with Redirect (POST-redirect-GET). T and ErrorText
// translate in handlers, Actor returns the request's actor, Lang its
// language, Forbidden and Error render the 403 and error pages.
//
// # Languages
//
// Texts live in the embedded catalogs i18n/en.json and i18n/zh-CN.json (a
// module adds its own through Module.Messages). A request's language is the
// lang cookie set by the switcher (or, at login, the user's saved
// preference), else the browser's Accept-Language (any zh → zh-CN), else
// English. Domain errors, which are English, are shown translated.
package web

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"sort"

	"github.com/hotline-cc/hotline/internal/auth"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// Deps are the services the UI calls.
type Deps struct {
	DB            *store.DB
	Org           *org.Service
	Auth          *auth.Service
	SecureCookies bool
	Version       string
	Log           *slog.Logger
}

// UI serves the pages.
type UI struct {
	Deps
	cat        catalog
	tmpl       *templates
	nav        []NavItem
	modules    map[string]bool
	routes     []func(mux *http.ServeMux)
	scripts    []Script
	panels     []HomePanel
	registered bool
}

// Module is a part of Hotline that adds pages to the UI.
type Module struct {
	Name     string                       // unique, e.g. "queues"
	Nav      []NavItem                    // entries of the left navigation
	Pages    fs.FS                        // page templates (*.html at its root); page name = file name without .html
	Messages map[string]map[string]string // language → catalog key → text; keys must be new
	Routes   func(mux *http.ServeMux)     // registers the module's handlers (wrap them with Protect)
	Scripts  []Script                     // included by the layout on every page, for users with their permission
	Home     []HomePanel                  // panels on the home page, above the links
}

// HomePanel is a module's panel on the home page, above the links: Data
// returns what the module's page template Page shows (its "content", with
// the data as .Data), or nil to show nothing to this actor. Panels appear
// by Order; one that fails is logged and left out, so the home page always
// opens.
type HomePanel struct {
	Page  string
	Order int
	Data  func(r *http.Request, a *org.Actor) (any, error)
}

// Script is a module's script the layout includes on every page (deferred)
// for logged-in users whose role grants Perm (zero: every logged-in user):
// for what a module shows everywhere, such as notifications.
type Script struct {
	Src  string // a path the module serves, e.g. /alerts/static/notify.js
	Perm org.Permission
}

// New builds the UI: it loads the message catalogs and parses the templates.
func New(d Deps) (*UI, error) {
	if d.Org == nil || d.Auth == nil {
		return nil, errors.New("web: Org and Auth are required")
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	cat, err := loadCatalog()
	if err != nil {
		return nil, err
	}
	u := &UI{Deps: d, cat: cat, nav: builtinNav(), modules: map[string]bool{}}
	if u.tmpl, err = parseTemplates(u); err != nil {
		return nil, err
	}
	return u, nil
}

// AddModule adds a module's navigation, templates, messages and routes. Call
// it after New and before Register (that is, before the server starts).
func (u *UI) AddModule(m Module) error {
	if u.registered {
		return fmt.Errorf("web: module %q added after the routes were registered", m.Name)
	}
	if m.Name == "" || u.modules[m.Name] {
		return fmt.Errorf("web: module name %q is empty or already used", m.Name)
	}
	// Check the messages first and apply them last, so that a module that
	// fails leaves nothing behind.
	if err := u.cat.checkMerge(m.Messages); err != nil {
		return fmt.Errorf("web: module %s: %w", m.Name, err)
	}
	for _, p := range m.Home {
		if p.Data == nil || m.Pages == nil {
			return fmt.Errorf("web: module %s: home panel %q needs its page and a Data func", m.Name, p.Page)
		}
		if _, err := fs.Stat(m.Pages, p.Page+".html"); err != nil {
			return fmt.Errorf("web: module %s: home panel %q: no such page", m.Name, p.Page)
		}
	}
	if m.Pages != nil {
		if err := u.tmpl.addPages(m.Pages); err != nil {
			return fmt.Errorf("web: module %s: %w", m.Name, err)
		}
	}
	if err := u.cat.merge(m.Messages); err != nil {
		return fmt.Errorf("web: module %s: %w", m.Name, err)
	}
	u.modules[m.Name] = true
	u.nav = append(u.nav, m.Nav...)
	u.scripts = append(u.scripts, m.Scripts...)
	u.panels = append(u.panels, m.Home...)
	sort.SliceStable(u.panels, func(i, j int) bool { return u.panels[i].Order < u.panels[j].Order })
	if m.Routes != nil {
		u.routes = append(u.routes, m.Routes)
	}
	return nil
}

// Register adds the UI's routes and those of its modules.
func (u *UI) Register(mux *http.ServeMux) {
	u.registered = true
	u.registerBase(mux)
	u.registerOrg(mux)
	u.registerAccount(mux)
	for _, r := range u.routes {
		r(mux)
	}
}

func (u *UI) registerOrg(mux *http.ServeMux) {
	u.registerDepartments(mux)
	u.registerTeams(mux)
	u.registerUsers(mux)
	u.registerRoles(mux)
	u.registerAudit(mux)
}

func (u *UI) registerBase(mux *http.ServeMux) {
	mux.Handle("GET /static/", u.static())
	mux.HandleFunc("GET /login", u.loginPage)
	mux.HandleFunc("POST /login", u.loginSubmit)
	mux.HandleFunc("POST /logout", u.logout)
	mux.HandleFunc("GET /lang", u.switchLang)
	mux.Handle("GET /{$}", u.Protect(org.Permission{}, u.home))
	// Everything no other pattern claims is a UI page that does not exist.
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		u.RenderStatus(w, r, http.StatusNotFound, "error", errorView{Title: "err.page_not_found"})
	})
}
