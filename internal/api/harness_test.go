package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/hotline-cc/hotline/internal/app"
	"github.com/hotline-cc/hotline/internal/config"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/password"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

// env is a running Hotline (HTTP only) on one database.
type env struct {
	t   *testing.T
	app *app.App
	srv *httptest.Server
}

const adminPassword = "admin-password-1"

// eachDialect runs fn against a fresh server on SQLite and on PostgreSQL.
func eachDialect(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			url := storetest.URLs(t)[name](t)
			fn(t, start(t, url))
		})
	}
}

func start(t *testing.T, dbURL string) *env {
	t.Helper()
	cfg := config.ForTest(t.TempDir())
	cfg.DatabaseURL = dbURL
	cfg.AdminPassword = adminPassword
	cfg.Demo = false
	if err := cfg.Finish(); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.Open(context.Background(), cfg, log, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	a.Org.Hasher = password.Fast
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() { srv.Close(); a.Close() })
	return &env{t: t, app: a, srv: srv}
}

// client is a caller with a bearer token, a cookie session, or nothing.
type client struct {
	e      *env
	token  string
	cookie *http.Cookie
	csrf   string
}

type resp struct {
	Status int
	Body   []byte
}

func (r resp) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("response %d %s: %v", r.Status, r.Body, err)
	}
}

// errField returns the error code and field of an error response.
func (r resp) err(t *testing.T) (string, string) {
	t.Helper()
	var b struct {
		Error struct{ Code, Message, Field string }
	}
	r.json(t, &b)
	if b.Error.Code == "" {
		t.Fatalf("status %d body %s is not an error", r.Status, r.Body)
	}
	return b.Error.Code, b.Error.Field
}

func (c *client) do(method, path string, body any) resp {
	c.e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	default:
		raw, _ := json.Marshal(b)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.e.srv.URL+"/api/v1"+path, rd)
	if err != nil {
		c.e.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.cookie != nil {
		req.AddCookie(c.cookie)
		if c.csrf != "" {
			req.Header.Set("X-CSRF-Token", c.csrf)
		}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return resp{Status: res.StatusCode, Body: raw}
}

func (e *env) anon() *client { return &client{e: e} }

// login logs in through the API and returns a cookie client.
func (e *env) login(user, pw string) (*client, resp) {
	c := e.anon()
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/auth/login",
		bytes.NewBufferString(`{"username":"`+user+`","password":"`+pw+`"}`))
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := resp{Status: res.StatusCode, Body: raw}
	if res.StatusCode == 200 {
		var lr struct {
			CSRFToken string `json:"csrf_token"`
		}
		r.json(e.t, &lr)
		c.csrf = lr.CSRFToken
		for _, ck := range res.Cookies() {
			if ck.Name == "hotline_session" {
				c.cookie = ck
			}
		}
	}
	return c, r
}

func (e *env) admin() *client {
	c, r := e.login("admin", adminPassword)
	if r.Status != 200 {
		e.t.Fatalf("admin login: %d %s", r.Status, r.Body)
	}
	return c
}

// userWithRole creates a user holding a built-in role and returns a token
// client acting as them.
func (e *env) userWithRole(name, roleKey string, deptID, teamID int64) (*client, org.User) {
	e.t.Helper()
	ctx := context.Background()
	r, err := e.app.Org.RoleByKey(ctx, roleKey)
	if err != nil {
		e.t.Fatal(err)
	}
	u, err := e.app.Org.CreateUser(ctx, org.System(), org.UserInput{Username: name, DisplayName: name,
		Password: "password-" + name, RoleID: r.ID, DepartmentID: deptID, TeamID: teamID})
	if err != nil {
		e.t.Fatal(err)
	}
	a, err := e.app.Org.LoadActor(ctx, u.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	secret, _, err := e.app.Auth.CreateToken(ctx, a, "test", zeroTime)
	if err != nil {
		e.t.Fatal(err)
	}
	return &client{e: e, token: secret}, *u
}
