// Package web is Hotline's browser UI: server-rendered html/template pages
// with embedded static files, in zh-CN and English.
package web

import (
	"log/slog"
	"net/http"

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
type UI struct{ Deps }

// New builds the UI.
func New(d Deps) (*UI, error) { return &UI{Deps: d}, nil }

// Register adds the UI's routes.
func (u *UI) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<!doctype html><title>Hotline</title><p>Hotline</p>"))
	})
}
