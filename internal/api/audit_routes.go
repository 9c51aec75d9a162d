package api

import (
	"net/http"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/httpx"
	"github.com/hotline-cc/hotline/internal/org"
)

func (api *API) auditRoutes() []Route {
	return []Route{{
		Method: "GET", Path: "/audit", Summary: "The audit log of administrative changes, newest first", Tag: "audit",
		Perm: org.P("audit", "view"), Resp: httpx.List[audit.Entry]{},
		Query: []Param{{"actor_id", "integer", ""}, {"resource", "string", "e.g. users"}, {"action", "string", "e.g. update"},
			{"since", "string", "RFC 3339 time"}, {"until", "string", "RFC 3339 time"}, {"limit", "integer", ""}, {"offset", "integer", ""}},
		Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
			f, err := auditFilter(r)
			if err != nil {
				return err
			}
			es, total, err := audit.List(r.Context(), api.DB, f)
			if err != nil {
				return err
			}
			if es == nil {
				es = []audit.Entry{}
			}
			return ok(w, httpx.List[audit.Entry]{Items: es, Total: total, Limit: f.Limit, Offset: f.Offset})
		},
	}}
}

func auditFilter(r *http.Request) (audit.Filter, error) {
	pg, err := httpx.ParsePage(r, nil)
	if err != nil {
		return audit.Filter{}, err
	}
	f := audit.Filter{Resource: r.URL.Query().Get("resource"), Action: r.URL.Query().Get("action"), Limit: pg.Limit, Offset: pg.Offset}
	if f.ActorID, err = httpx.QueryInt64(r, "actor_id"); err != nil {
		return f, err
	}
	for name, dst := range map[string]*time.Time{"since": &f.Since, "until": &f.Until} {
		if v := r.URL.Query().Get(name); v != "" {
			if *dst, err = time.Parse(time.RFC3339, v); err != nil {
				return f, apperr.Invalid(name, "must be an RFC 3339 time like 2026-01-02T15:04:05+08:00")
			}
		}
	}
	return f, nil
}
