// Package api is Hotline's JSON API under /api/v1. Every endpoint is one
// Route in a table: method, path, the permission it needs, its request and
// response types. Registration wraps each handler with authentication and
// the permission check, so no endpoint can forget them, and the OpenAPI
// document is generated from the same table.
package api

import (
	"net/http"
	"strings"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/auth"
	"github.com/hotline-cc/hotline/internal/httpx"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// Prefix is where the API lives.
const Prefix = "/api/v1"

// Handler serves one route for an actor (nil only on public routes).
type Handler func(w http.ResponseWriter, r *http.Request, a *org.Actor) error

// Param documents a query parameter.
type Param struct {
	Name string
	Type string // string, integer, boolean
	Desc string
}

// Route is one endpoint.
type Route struct {
	Method  string
	Path    string // below Prefix, with {name} wildcards
	Summary string
	Tag     string
	Perm    org.Permission // zero: any logged-in user
	Public  bool           // no login needed
	Query   []Param
	Body    any // request type, for the document
	Resp    any // response type, for the document
	Status  int // success status; 200 when zero
	Handle  Handler
}

// Deps are the services the API calls.
type Deps struct {
	DB            *store.DB
	Org           *org.Service
	Auth          *auth.Service
	SecureCookies bool
	Version       string
	Modules       []Module // later modules (telephony, CRM, ...) add their routes here
}

// Module contributes routes to the API.
type Module interface {
	Routes() []Route
}

// API is the route table and its dependencies.
type API struct {
	Deps
	routes []Route
}

// New builds the API's route table.
func New(d Deps) *API {
	a := &API{Deps: d}
	a.routes = append(a.routes, a.authRoutes()...)
	a.routes = append(a.routes, a.orgRoutes()...)
	a.routes = append(a.routes, a.auditRoutes()...)
	for _, m := range d.Modules {
		a.routes = append(a.routes, m.Routes()...)
	}
	a.routes = append(a.routes, Route{Method: "GET", Path: "/openapi.json", Summary: "This OpenAPI document", Tag: "meta", Public: true,
		Handle: func(w http.ResponseWriter, r *http.Request, _ *org.Actor) error {
			httpx.WriteJSON(w, http.StatusOK, a.OpenAPI())
			return nil
		}})
	return a
}

// Add appends a module's routes; call it before Register.
func (a *API) Add(m Module) { a.routes = append(a.routes, m.Routes()...) }

// Routes returns the route table.
func (a *API) Routes() []Route { return a.routes }

// Register adds every route to mux, wrapped with its checks, plus a JSON 404
// for unknown API paths.
func (a *API) Register(mux *http.ServeMux) {
	for _, rt := range a.routes {
		mux.Handle(rt.Method+" "+Prefix+rt.Path, a.wrap(rt))
	}
	mux.HandleFunc(Prefix+"/", func(w http.ResponseWriter, r *http.Request) {
		httpx.WriteJSON(w, http.StatusNotFound, httpx.ErrorBody{Error: httpx.ErrorDetail{Code: "no_route",
			Message: "no API endpoint " + r.Method + " " + r.URL.Path}})
	})
}

func (a *API) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor := auth.ActorFrom(r.Context())
		if !rt.Public {
			if actor == nil {
				err := auth.AuthError(r.Context())
				if err == nil || apperr.KindOf(err) != apperr.KindUnauthorized {
					err = apperr.Unauthorized("login_required", "log in or send an API token (Authorization: Bearer …)")
				}
				httpx.WriteError(w, r, err)
				return
			}
			if rt.Perm != (org.Permission{}) {
				if err := actor.Require(rt.Perm); err != nil {
					httpx.WriteError(w, r, err)
					return
				}
			}
		}
		if err := rt.Handle(w, r, actor); err != nil {
			httpx.WriteError(w, r, err)
		}
	})
}

// reply writes v with the route's success status.
func reply(w http.ResponseWriter, status int, v any) error {
	httpx.WriteJSON(w, status, v)
	return nil
}

func ok(w http.ResponseWriter, v any) error      { return reply(w, http.StatusOK, v) }
func created(w http.ResponseWriter, v any) error { return reply(w, http.StatusCreated, v) }
func noContent(w http.ResponseWriter) error {
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// pathPattern converts "/users/{id}" to OpenAPI's identical syntax while
// dropping Go's "{name...}" suffix form.
func pathPattern(p string) string { return strings.ReplaceAll(p, "...}", "}") }
