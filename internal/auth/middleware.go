package auth

import (
	"context"
	"crypto/subtle"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/httpx"
	"github.com/hotline-cc/hotline/internal/org"
)

// CookieName is the session cookie.
const CookieName = "hotline_session"

type ctxKey int

const (
	actorKey ctxKey = iota
	sessionKey
	authErrKey
)

// ActorFrom returns the actor of the request, or nil when nobody is logged in.
func ActorFrom(ctx context.Context) *org.Actor {
	a, _ := ctx.Value(actorKey).(*org.Actor)
	return a
}

// SessionFrom returns the browser session of the request, or nil (API tokens
// have none).
func SessionFrom(ctx context.Context) *Session {
	s, _ := ctx.Value(sessionKey).(*Session)
	return s
}

// AuthError returns why a presented credential was refused (an expired
// session, a revoked token), so handlers can say so instead of "log in".
func AuthError(ctx context.Context) error {
	e, _ := ctx.Value(authErrKey).(error)
	return e
}

// WithActor returns ctx acting as a (used by tests and internal jobs).
func WithActor(ctx context.Context, a *org.Actor) context.Context {
	return context.WithValue(ctx, actorKey, a)
}

// Middleware resolves who the request acts as — a bearer API token or the
// session cookie — and enforces CSRF on state-changing cookie requests. It
// never rejects anonymous requests itself: routes decide what they need.
func (s *Service) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		ip := httpx.ClientIP(r)
		if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			a, err := s.TokenActor(ctx, strings.TrimSpace(bearer))
			if err != nil {
				httpx.WriteError(w, r, err)
				return
			}
			a.IP = ip
			next.ServeHTTP(w, r.WithContext(WithActor(ctx, a)))
			return
		}
		c, err := r.Cookie(CookieName)
		if err != nil || c.Value == "" {
			next.ServeHTTP(w, r)
			return
		}
		a, sess, err := s.SessionActor(ctx, c.Value)
		if err != nil {
			ctx = context.WithValue(ctx, authErrKey, err)
			next.ServeHTTP(w, r.WithContext(ctx))
			return
		}
		a.IP = ip
		if unsafe(r.Method) && !csrfOK(r, sess) {
			csrfRefused(w, r)
			return
		}
		ctx = context.WithValue(WithActor(ctx, a), sessionKey, sess)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// csrfRefused answers a request whose CSRF token is missing or stale: API
// clients and scripts get the JSON error; a plain HTML form posted from one
// of our pages (usually one left open across a new login) gets a page
// saying what to do.
func csrfRefused(w http.ResponseWriter, r *http.Request) {
	const msg = "missing or wrong CSRF token: reload the page and try again"
	ct := r.Header.Get("Content-Type")
	form := strings.HasPrefix(ct, "application/x-www-form-urlencoded") || strings.HasPrefix(ct, "multipart/form-data")
	if !form || strings.HasPrefix(r.URL.Path, "/api/") || r.Header.Get("HX-Request") != "" {
		httpx.WriteError(w, r, apperr.Forbidden(msg))
		return
	}
	back := "/"
	if ref, err := url.Parse(r.Header.Get("Referer")); err == nil && SameOrigin(r) && ref.Path != "" {
		back = ref.RequestURI()
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusForbidden)
	fmt.Fprintf(w, `<!doctype html><html><head><meta charset="utf-8"><title>403</title></head><body>
<p>页面已过期：请返回、刷新页面后重试。</p>
<p>This page has expired: go back, reload it and try again.</p>
<p><a href="%s">返回 / Back</a></p></body></html>`, html.EscapeString(back))
}

func unsafe(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// csrfOK accepts the token from the X-CSRF-Token header (fetch/htmx) or the
// csrf_token form field (plain HTML forms), compared in constant time.
func csrfOK(r *http.Request, sess *Session) bool {
	got := r.Header.Get("X-CSRF-Token")
	ct := r.Header.Get("Content-Type")
	if got == "" && (strings.HasPrefix(ct, "application/x-www-form-urlencoded") || strings.HasPrefix(ct, "multipart/form-data")) {
		got = r.FormValue("csrf_token")
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRF)) == 1
}

// SameOrigin reports whether a browser request comes from our own pages: the
// Origin (or Referer) header, when present, must name the request's host. It
// guards the login form, which has no session (and so no CSRF token) yet.
func SameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		o = r.Header.Get("Referer")
	}
	if o == "" || o == "null" {
		return o == ""
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

// SetCookie writes the session cookie.
func SetCookie(w http.ResponseWriter, sess *Session, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: sess.Token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: secure, Expires: sess.ExpiresAt})
}

// ClearCookie removes the session cookie.
func ClearCookie(w http.ResponseWriter, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: secure, MaxAge: -1})
}
