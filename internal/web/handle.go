package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/auth"
	"github.com/hotline-cc/hotline/internal/org"
)

// Handler serves a page for a logged-in actor. A returned error becomes an
// error page with the status of its kind (403, 404, ...; 500 for internal
// errors, which are logged and not shown).
type Handler func(w http.ResponseWriter, r *http.Request, a *org.Actor) error

// Protect wraps h: an anonymous visitor is sent to the login page (told when
// the session expired, and brought back afterwards), and an actor whose role
// lacks perm gets a 403 page. A zero perm lets every logged-in user in.
func (u *UI) Protect(perm org.Permission, h Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := Actor(r)
		if a == nil {
			u.toLogin(w, r)
			return
		}
		if perm != (org.Permission{}) && !a.Can(perm) {
			u.Forbidden(w, r, perm)
			return
		}
		if err := h(w, r, a); err != nil {
			u.Error(w, r, err)
		}
	})
}

// toLogin redirects to the login page with next= (for GETs) and, when the
// presented session had expired, the notice saying so.
func (u *UI) toLogin(w http.ResponseWriter, r *http.Request) {
	q := url.Values{}
	if r.Method == http.MethodGet && r.URL.Path != "/" {
		q.Set("next", r.URL.RequestURI())
	}
	if err := auth.AuthError(r.Context()); err != nil {
		if errors.Is(err, auth.ErrSessionExpired) {
			q.Set("expired", "1")
		}
		auth.ClearCookie(w, u.SecureCookies)
	}
	to := "/login"
	if len(q) > 0 {
		to += "?" + q.Encode()
	}
	Redirect(w, r, to)
}

// errorView is the data of the error page.
type errorView struct {
	Title   string // catalog key
	Message string // already translated
}

// Forbidden renders the 403 page naming the permission the role lacks.
func (u *UI) Forbidden(w http.ResponseWriter, r *http.Request, perm org.Permission) {
	lang := Lang(r)
	msg := u.cat.T(lang, "err.forbidden_perm", u.permLabel(lang, perm))
	u.RenderStatus(w, r, http.StatusForbidden, "error", errorView{Title: "err.forbidden_title", Message: msg})
}

func (u *UI) permLabel(lang string, p org.Permission) string {
	return u.cat.Or(lang, "act."+p.Action, p.Action) + " · " + u.cat.Or(lang, "res."+p.Resource, p.Resource)
}

// Error renders err as an error page with the status its kind maps to.
func (u *UI) Error(w http.ResponseWriter, r *http.Request, err error) {
	lang := Lang(r)
	status, title := http.StatusInternalServerError, "err.internal_title"
	switch apperr.KindOf(err) {
	case apperr.KindForbidden:
		status, title = http.StatusForbidden, "err.forbidden_title"
	case apperr.KindNotFound:
		status, title = http.StatusNotFound, "err.not_found_title"
	case apperr.KindInvalid:
		status, title = http.StatusBadRequest, "err.invalid_title"
	case apperr.KindConflict:
		status, title = http.StatusConflict, "err.conflict_title"
	case apperr.KindUnauthorized:
		u.toLogin(w, r)
		return
	case apperr.KindInternal:
		u.Log.Error("web: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	u.RenderStatus(w, r, status, "error", errorView{Title: title, Message: u.cat.errText(lang, err)})
}

// PathID reads a positive integer path value ({id}); a bad one is a 404,
// since no such page exists.
func PathID(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, apperr.NotFound("page")
	}
	return n, nil
}
