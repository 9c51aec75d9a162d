package auth

import (
	"context"
	"crypto/subtle"
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
			httpx.WriteError(w, r, apperr.Forbidden("missing or wrong CSRF token: reload the page and try again"))
			return
		}
		ctx = context.WithValue(WithActor(ctx, a), sessionKey, sess)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
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
