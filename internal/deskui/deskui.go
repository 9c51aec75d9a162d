package deskui

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"

	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/dialer"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/web"
)

// Deps are the services the pages call. All are required.
type Deps struct {
	UI     *web.UI
	Org    *org.Service
	CRM    *crm.Service
	Dialer *dialer.Service
	Queues *queues.Service
	Log    *slog.Logger
}

// Base is the path every page of the module lives under.
const Base = "/desk"

var (
	//go:embed templates/*.html
	templateFS embed.FS
	//go:embed i18n/*.json
	i18nFS embed.FS
	//go:embed static
	staticFS embed.FS
)

var (
	queuesView      = org.P("queues", "view")
	campaignsView   = org.P("campaigns", "view")
	campaignsManage = org.P("campaigns", "manage")
	campaignsDial   = org.P("campaigns", "dial")
	customersView   = org.P("customers", "view")
	customersUpdate = org.P("customers", "update")
)

// handlers serve the pages.
type handlers struct {
	Deps
	ui   *web.UI
	msgs map[string]map[string]string
}

// New builds the module. The embedded templates and catalogs are part of
// the program, so a broken one is a programming error and panics here (the
// package tests load them).
func New(d Deps) web.Module {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	pages, err := pageFS()
	if err != nil {
		panic(err)
	}
	msgs, err := messages()
	if err != nil {
		panic(err)
	}
	h := &handlers{Deps: d, ui: d.UI, msgs: msgs}
	return web.Module{Name: "desk", Nav: nav(), Pages: pages, Messages: msgs, Routes: h.routes}
}

// nav is the "Desk 工作台" section, between the organisation (100–149) and
// the modules (200 and up).
func nav() []web.NavItem {
	sec := "desk.nav.section"
	return []web.NavItem{
		{Section: sec, Label: "desk.nav.desktop", Desc: "desk.desc.desktop", Path: Base, Order: 150},
		{Section: sec, Label: "desk.nav.wall", Desc: "desk.desc.wall", Path: Base + "/wall", Perm: queuesView, Order: 160},
		{Section: sec, Label: "desk.nav.campaigns", Desc: "desk.desc.campaigns", Path: Base + "/campaigns", Perm: campaignsView, Order: 170},
	}
}

func (h *handlers) routes(mux *http.ServeMux) {
	mux.Handle("GET "+Base+"/static/", h.static())
	h.desktopRoutes(mux)
	h.wallRoutes(mux)
	h.campaignRoutes(mux)
	h.dncRoutes(mux)
}

// page registers a protected page.
func (h *handlers) page(mux *http.ServeMux, pattern string, p org.Permission, fn web.Handler) {
	mux.Handle(pattern, h.ui.Protect(p, fn))
}

// pageFS returns the page templates, each with the module's shared
// partials (templates/_*.html) prepended: the UI parses every page file on
// its own, so this is how pages share partials.
func pageFS() (fs.FS, error) {
	return web.PagesWithPartials(templateFS, "templates")
}

// messages loads the module's catalogs.
func messages() (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	for _, l := range web.Languages() {
		b, err := i18nFS.ReadFile("i18n/" + l + ".json")
		if err != nil {
			return nil, fmt.Errorf("deskui: catalog %s: %w", l, err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("deskui: catalog %s: %w", l, err)
		}
		out[l] = m
	}
	return out, nil
}

// jsPrefix marks the catalog keys the scripts need; pages hand them over
// in a data attribute, so the scripts carry no texts of their own.
const jsPrefix = "desk.js."

// scriptTexts are the texts the scripts use, in the request's language, as
// a JSON object keyed without the prefix.
func (h *handlers) scriptTexts(r *http.Request) string {
	m := map[string]string{}
	for k, v := range h.msgs[web.Lang(r)] {
		if name, ok := strings.CutPrefix(k, jsPrefix); ok {
			m[name] = v
		}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// static serves the module's stylesheet and scripts.
func (h *handlers) static() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	files := http.StripPrefix(Base+"/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}
