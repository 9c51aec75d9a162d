package web

import (
	"net/http"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/auth"
	"github.com/hotline-cc/hotline/internal/org"
)

type accountView struct {
	User       *org.User
	Department string
	Team       string
	PwForm     *Form
	LangForm   *Form
	TokenForm  *Form
	Tokens     []tokenRow
	NewSecret  string // a token just created: shown this once
	NewName    string
}

type tokenRow struct {
	auth.Token
	Active bool
}

func (u *UI) registerAccount(mux *http.ServeMux) {
	anyone := org.Permission{}
	mux.Handle("GET /account", u.Protect(anyone, func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
		return u.account(w, r, a, &accountView{}, http.StatusOK)
	}))
	mux.Handle("POST /account/password", u.Protect(anyone, u.accountPassword))
	mux.Handle("POST /account/language", u.Protect(anyone, u.accountLanguage))
	mux.Handle("POST /account/tokens", u.Protect(anyone, u.tokenCreate))
	mux.Handle("POST /account/tokens/{id}/revoke", u.Protect(anyone, u.tokenRevoke))
}

// account renders the account page; v carries the forms that were posted.
func (u *UI) account(w http.ResponseWriter, r *http.Request, a *org.Actor, v *accountView, status int) error {
	usr, err := u.Org.User(r.Context(), a, a.UserID)
	if err != nil {
		return err
	}
	v.User = usr
	v.Department, v.Team = u.orgNames(r, usr.DepartmentID, usr.TeamID)
	if v.PwForm == nil {
		v.PwForm = u.NewForm(r, "old_password", "new_password", "new_password_confirm")
	}
	if v.LangForm == nil {
		v.LangForm = u.NewForm(r, "locale")
		v.LangForm.Set("locale", usr.Locale)
	}
	if v.TokenForm == nil {
		v.TokenForm = u.NewForm(r, "name", "expires")
	}
	ts, err := u.Auth.Tokens(r.Context(), a.UserID)
	if err != nil {
		return err
	}
	now := time.Now()
	for _, t := range ts {
		active := t.RevokedAt.IsZero() && (t.ExpiresAt.IsZero() || t.ExpiresAt.After(now))
		v.Tokens = append(v.Tokens, tokenRow{Token: t, Active: active})
	}
	u.RenderStatus(w, r, status, "account", v)
	return nil
}

func (u *UI) accountPassword(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f := u.ParseForm(r, "old_password", "new_password", "new_password_confirm")
	if f.Values.Get("new_password") != f.Values.Get("new_password_confirm") {
		f.Invalid("new_password_confirm", "err.password_mismatch")
	}
	status, err := f.Save(func() error {
		return u.Org.ChangeOwnPassword(r.Context(), a, f.Values.Get("old_password"), f.Values.Get("new_password"))
	})
	if err != nil {
		return err
	}
	if status != 0 {
		f.Values = nil // passwords are never sent back
		return u.account(w, r, a, &accountView{PwForm: f}, status)
	}
	u.Flash(w, FlashOK, "flash.password_changed")
	Redirect(w, r, "/account")
	return nil
}

func (u *UI) accountLanguage(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f := u.ParseForm(r, "locale")
	l := f.Get("locale")
	status, err := f.Save(func() error {
		_, err := u.Org.UpdateUser(r.Context(), a, a.UserID, org.UserPatch{Locale: &l})
		return err
	})
	if err != nil {
		return err
	}
	if status != 0 {
		return u.account(w, r, a, &accountView{LangForm: f}, status)
	}
	if ValidLang(l) {
		setLangCookie(w, l, u.SecureCookies)
	} else {
		http.SetCookie(w, &http.Cookie{Name: LangCookie, Value: "", Path: "/", MaxAge: -1})
	}
	u.Flash(w, FlashOK, "flash.language_saved")
	Redirect(w, r, "/account")
	return nil
}

func (u *UI) tokenCreate(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f := u.ParseForm(r, "name", "expires")
	var expires time.Time
	if v := f.Get("expires"); v != "" {
		d, err := time.ParseInLocation(time.DateOnly, v, time.Local)
		if err != nil {
			f.Invalid("expires", "err.date")
		} else {
			expires = d.AddDate(0, 0, 1) // valid through the chosen day
		}
	}
	var secret string
	status, err := f.Save(func() (err error) {
		secret, _, err = u.Auth.CreateToken(r.Context(), a, f.Get("name"), expires)
		return renameField(err, "expires_at", "expires")
	})
	if err != nil {
		return err
	}
	if status != 0 {
		return u.account(w, r, a, &accountView{TokenForm: f}, status)
	}
	// The secret exists only in this response: no redirect, no cookie.
	return u.account(w, r, a, &accountView{NewSecret: secret, NewName: f.Get("name")}, http.StatusOK)
}

func (u *UI) tokenRevoke(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := PathID(r, "id")
	if err != nil {
		return err
	}
	ts, err := u.Auth.Tokens(r.Context(), a.UserID)
	if err != nil {
		return err
	}
	for _, t := range ts {
		if t.ID == id {
			// Only one's own tokens here, whatever RevokeToken would allow an admin.
			if err := u.Auth.RevokeToken(r.Context(), a, id); err != nil {
				return err
			}
			u.Flash(w, FlashOK, "flash.token_revoked", t.Name)
			Redirect(w, r, "/account")
			return nil
		}
	}
	return apperr.NotFound("token")
}
