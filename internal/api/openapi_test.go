package api_test

import (
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/hotline-cc/hotline/internal/api"
)

// TestOpenAPIMatchesRoutes checks the served document against what the
// server really routes: every registered route is documented, and every
// documented operation reaches a handler (not the "no_route" fallback or a
// 405 from the mux).
func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := start(t, "sqlite://"+t.TempDir()+"/t.db")
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
		Comps   struct {
			Schemas map[string]map[string]any `json:"schemas"`
		} `json:"components"`
	}
	r := e.anon().do("GET", "/openapi.json", nil)
	r.json(t, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
			if op["summary"] == "" || op["responses"] == nil {
				t.Errorf("%s %s lacks a summary or responses", method, path)
			}
		}
	}
	registered := map[string]bool{}
	for _, rt := range e.app.API.Routes() {
		key := rt.Method + " " + api.Prefix + rt.Path
		registered[key] = true
		if !documented[key] {
			t.Errorf("route %s is not in the OpenAPI document", key)
		}
	}
	var keys []string
	for k := range documented {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	admin := e.admin()
	for _, k := range keys {
		method, path, _ := strings.Cut(k, " ")
		if !registered[k] {
			t.Errorf("documented %s is not a registered route", k)
		}
		if path == "/api/v1/auth/logout" || path == "/api/v1/auth/login" {
			continue
		}
		path = wildcard.ReplaceAllString(strings.TrimPrefix(path, api.Prefix), "987654")
		var body any
		if method != "GET" && method != "DELETE" {
			body = "{}"
		}
		res := admin.do(method, path, body)
		if res.Status == http.StatusMethodNotAllowed {
			t.Errorf("%s: the mux answers 405", k)
		}
		if res.Status == 404 {
			if code, _ := res.err(t); code == "no_route" {
				t.Errorf("%s: no handler behind the documented operation", k)
			}
		}
	}
	// Request schemas reject unknown fields, as the decoder does.
	for name, s := range doc.Comps.Schemas {
		if s["type"] == "object" && s["additionalProperties"] != false {
			t.Errorf("schema %s allows additional properties", name)
		}
	}
}
