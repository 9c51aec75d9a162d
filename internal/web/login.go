package web

import (
	"errors"
	"net/http"
	"regexp"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/auth"
	"github.com/hotline-cc/hotline/internal/httpx"
)

// loginView is the data of the login page.
type loginView struct {
	Form    *Form
	Next    string
	Expired bool
}

func (u *UI) loginPage(w http.ResponseWriter, r *http.Request) {
	next := LocalPath(r.URL.Query().Get("next"))
	if Actor(r) != nil {
		Redirect(w, r, next)
		return
	}
	f := u.NewForm(r, "username", "password")
	expired := r.URL.Query().Get("expired") == "1"
	if err := auth.AuthError(r.Context()); errors.Is(err, auth.ErrSessionExpired) {
		expired = true
		auth.ClearCookie(w, u.SecureCookies)
	}
	u.Render(w, r, "login", loginView{Form: f, Next: next, Expired: expired})
}

func (u *UI) loginSubmit(w http.ResponseWriter, r *http.Request) {
	f := u.ParseForm(r, "username", "password")
	next := LocalPath(f.Get("next"))
	v := loginView{Form: f, Next: next}
	if !auth.SameOrigin(r) {
		f.Invalid("", "login.err.cross_site")
		u.RenderStatus(w, r, http.StatusForbidden, "login", v)
		return
	}
	name := f.Get("username")
	if name == "" {
		f.Invalid("username", "err.required")
		u.RenderStatus(w, r, http.StatusUnprocessableEntity, "login", v)
		return
	}
	sess, err := u.Auth.Login(r.Context(), name, f.Values.Get("password"), httpx.ClientIP(r), r.UserAgent())
	if err != nil {
		status := u.loginError(r, f, name, err)
		if status == 0 {
			u.Error(w, r, err)
			return
		}
		u.RenderStatus(w, r, status, "login", v)
		return
	}
	auth.SetCookie(w, sess, u.SecureCookies)
	if a, err := u.Org.LoadActor(r.Context(), sess.UserID); err == nil && ValidLang(a.Locale) {
		setLangCookie(w, a.Locale, u.SecureCookies) // the saved preference wins
	}
	Redirect(w, r, next)
}

var attemptsLeftRE = regexp.MustCompile(`\((\d+) attempts? left`)

// loginError puts the reason a login failed on the form and returns the
// status, or 0 for an internal error.
func (u *UI) loginError(r *http.Request, f *Form, name string, err error) int {
	e := apperr.As(err)
	if e == nil {
		return 0
	}
	switch {
	case e.Kind == apperr.KindLocked:
		until := u.lockedUntil(r, name)
		if until.IsZero() {
			f.Invalid("", "login.err.locked_generic")
		} else {
			f.Invalid("", "login.err.locked", until.Local().Format("2006-01-02 15:04"))
		}
		return http.StatusLocked
	case e.Code == "inactive":
		f.Invalid("", "login.err.inactive")
		return http.StatusForbidden
	case e.Code == "bad_credentials":
		if m := attemptsLeftRE.FindStringSubmatch(e.Message); m != nil {
			f.Invalid("", "login.err.attempts_left", m[1])
		} else {
			f.Invalid("", "login.err.bad_credentials")
		}
		return http.StatusUnauthorized
	}
	return f.Fail(err)
}

func (u *UI) lockedUntil(r *http.Request, name string) time.Time {
	c, err := u.Org.CredentialFor(r.Context(), name)
	if err != nil {
		return time.Time{}
	}
	return c.LockedUntil
}

func (u *UI) logout(w http.ResponseWriter, r *http.Request) {
	if s := auth.SessionFrom(r.Context()); s != nil {
		if err := u.Auth.Logout(r.Context(), s.Token); err != nil {
			u.Error(w, r, err)
			return
		}
	}
	auth.ClearCookie(w, u.SecureCookies)
	u.Flash(w, FlashInfo, "login.logged_out")
	Redirect(w, r, "/login")
}
