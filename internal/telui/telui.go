package telui

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"reflect"
	"strings"

	"github.com/hotline-cc/hotline/internal/ivr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/pbx"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/recording"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/web"
)

// Speech renders a TTS prompt to an 8 kHz WAV file and returns its path
// (*tts.Engine does); the prompt pages use it to let operators hear text
// prompts. If it also has Available(ctx) error, the pages ask it whether
// the speech tools are installed before offering a player.
type Speech interface {
	Render(ctx context.Context, lang, text string) (string, error)
}

// Deps are the services the pages call. TTS is optional: without it text
// prompts cannot be played in the browser.
type Deps struct {
	UI         *web.UI
	DB         *store.DB
	Org        *org.Service
	PBX        *pbx.Service
	Queues     *queues.Service
	Flows      *ivr.FlowStore
	Prompts    *ivr.PromptStore
	Recordings *recording.Service
	DataDir    string // uploaded prompts live in DataDir/prompts
	TTS        Speech
	Log        *slog.Logger
}

// Base is the path every page of the module lives under.
const Base = "/telephony"

var (
	//go:embed templates/*.html
	templateFS embed.FS
	//go:embed i18n/*.json
	i18nFS embed.FS
	//go:embed static
	staticFS embed.FS
)

// handlers serve the pages.
type handlers struct {
	Deps
	ui *web.UI
}

// New builds the module. The embedded templates and catalogs are part of
// the program, so a broken one is a programming error and panics here (the
// package tests load them).
func New(d Deps) web.Module {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if v := reflect.ValueOf(d.TTS); d.TTS != nil && v.Kind() == reflect.Pointer && v.IsNil() {
		d.TTS = nil // a nil *tts.Engine in the interface: no speech, not a panic
	}
	h := &handlers{Deps: d, ui: d.UI}
	pages, err := pageFS()
	if err != nil {
		panic(err)
	}
	msgs, err := messages()
	if err != nil {
		panic(err)
	}
	return web.Module{Name: "telephony", Nav: nav(), Pages: pages, Messages: msgs, Routes: h.routes}
}

func perm(resource, action string) org.Permission { return org.P(resource, action) }

var (
	telView     = perm("telephony", "view")
	telManage   = perm("telephony", "manage")
	queueView   = perm("queues", "view")
	queueManage = perm("queues", "manage")
	callsView   = perm("calls", "view")
	recView     = perm("recordings", "view")
	recDelete   = perm("recordings", "delete")
)

// nav is the "Telephony 话务" section; each entry shows only to roles with
// its permission.
func nav() []web.NavItem {
	item := func(label, p string, pm org.Permission, order int) web.NavItem {
		return web.NavItem{Section: "tel.nav.section", Label: "tel.nav." + label, Desc: "tel.desc." + label,
			Path: Base + "/" + p, Perm: pm, Order: order}
	}
	return []web.NavItem{
		item("extensions", "extensions", telView, 210),
		item("trunks", "trunks", telView, 220),
		item("numbers", "numbers", telView, 230),
		item("queues", "queues", queueView, 240),
		item("agents", "agents", queueView, 250),
		item("flows", "flows", telView, 260),
		item("prompts", "prompts", telView, 270),
		item("calls", "calls", callsView, 280),
		item("recordings", "recordings", recView, 290),
	}
}

func (h *handlers) routes(mux *http.ServeMux) {
	mux.Handle("GET "+Base+"/static/", h.static())
	h.extensionRoutes(mux)
	h.trunkRoutes(mux)
	h.numberRoutes(mux)
	h.queueRoutes(mux)
	h.agentRoutes(mux)
	h.flowRoutes(mux)
	h.promptRoutes(mux)
	h.callRoutes(mux)
	h.recordingRoutes(mux)
}

// handle registers a protected page.
func (h *handlers) handle(mux *http.ServeMux, pattern string, p org.Permission, fn web.Handler) {
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
			return nil, fmt.Errorf("telui: catalog %s: %w", l, err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("telui: catalog %s: %w", l, err)
		}
		out[l] = m
	}
	return out, nil
}

// static serves the module's stylesheet and script.
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
