package api

import (
	"net/http"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/auth"
	"github.com/hotline-cc/hotline/internal/httpx"
	"github.com/hotline-cc/hotline/internal/org"
)

// LoginRequest logs in with a password.
type LoginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// LoginResponse describes the new session; the session itself is the
// HttpOnly cookie. CSRFToken must be sent as X-CSRF-Token on state-changing
// requests made with the cookie.
type LoginResponse struct {
	User      Me        `json:"user"`
	CSRFToken string    `json:"csrf_token"`
	ExpiresAt time.Time `json:"expires_at"`
}

// Me is the logged-in user with their permissions.
type Me struct {
	ID          int64    `json:"id"`
	Username    string   `json:"username"`
	DisplayName string   `json:"display_name"`
	RoleID      int64    `json:"role_id"`
	RoleName    string   `json:"role_name"`
	DataScope   string   `json:"data_scope"`
	Permissions []string `json:"permissions"`
	Locale      string   `json:"locale,omitempty"`
}

// PasswordChange changes one's own password.
type PasswordChange struct {
	OldPassword string `json:"old_password"`
	NewPassword string `json:"new_password"`
}

// TokenRequest creates an API token.
type TokenRequest struct {
	Name      string    `json:"name"`
	ExpiresAt time.Time `json:"expires_at,omitempty"`
}

// TokenCreated carries the token secret, shown this once.
type TokenCreated struct {
	Token  string     `json:"token"`
	Detail auth.Token `json:"detail"`
}

func me(a *org.Actor) Me {
	m := Me{ID: a.UserID, Username: a.Username, DisplayName: a.DisplayName, RoleID: a.RoleID, RoleName: a.RoleName,
		DataScope: string(a.Scope.Kind), Locale: a.Locale, Permissions: []string{}}
	for _, p := range a.Perms.List() {
		m.Permissions = append(m.Permissions, p.String())
	}
	return m
}

func (api *API) authRoutes() []Route {
	return []Route{
		{Method: "POST", Path: "/auth/login", Summary: "Log in; sets the session cookie", Tag: "auth", Public: true,
			Body: LoginRequest{}, Resp: LoginResponse{}, Handle: api.login},
		{Method: "POST", Path: "/auth/logout", Summary: "End the current session", Tag: "auth", Status: 204,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				if s := auth.SessionFrom(r.Context()); s != nil {
					if err := api.Auth.Logout(r.Context(), s.Token); err != nil {
						return err
					}
				}
				auth.ClearCookie(w, api.SecureCookies)
				return noContent(w)
			}},
		{Method: "GET", Path: "/auth/me", Summary: "The logged-in user and permissions", Tag: "auth", Resp: Me{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error { return ok(w, me(a)) }},
		{Method: "POST", Path: "/auth/password", Summary: "Change your own password", Tag: "auth", Body: PasswordChange{}, Status: 204,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				var in PasswordChange
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				if err := api.Org.ChangeOwnPassword(r.Context(), a, in.OldPassword, in.NewPassword); err != nil {
					return err
				}
				return noContent(w)
			}},
		{Method: "GET", Path: "/auth/tokens", Summary: "Your API tokens", Tag: "auth", Resp: []auth.Token{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				ts, err := api.Auth.Tokens(r.Context(), a.UserID)
				if err != nil {
					return err
				}
				return ok(w, ts)
			}},
		{Method: "POST", Path: "/auth/tokens", Summary: "Create an API token (the secret is shown once)", Tag: "auth",
			Body: TokenRequest{}, Resp: TokenCreated{}, Status: 201,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				var in TokenRequest
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				secret, t, err := api.Auth.CreateToken(r.Context(), a, in.Name, in.ExpiresAt)
				if err != nil {
					return err
				}
				return created(w, TokenCreated{Token: secret, Detail: *t})
			}},
		{Method: "DELETE", Path: "/auth/tokens/{id}", Summary: "Revoke an API token", Tag: "auth", Status: 204,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := httpx.PathID(r, "id")
				if err != nil {
					return err
				}
				if err := api.Auth.RevokeToken(r.Context(), a, id); err != nil {
					return err
				}
				return noContent(w)
			}},
	}
}

func (api *API) login(w http.ResponseWriter, r *http.Request, _ *org.Actor) error {
	if !auth.SameOrigin(r) {
		return apperr.Forbidden("login from another site's page is refused")
	}
	var in LoginRequest
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	if in.Username == "" {
		return apperr.Invalid("username", "is required")
	}
	sess, err := api.Auth.Login(r.Context(), in.Username, in.Password, httpx.ClientIP(r), r.UserAgent())
	if err != nil {
		return err
	}
	a, err := api.Org.LoadActor(r.Context(), sess.UserID)
	if err != nil {
		return err
	}
	auth.SetCookie(w, sess, api.SecureCookies)
	return ok(w, LoginResponse{User: me(a), CSRFToken: sess.CSRF, ExpiresAt: sess.ExpiresAt})
}
