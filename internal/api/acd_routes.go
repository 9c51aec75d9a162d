package api

import (
	"context"
	"net/http"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/httpx"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/pbx"
	"github.com/hotline-cc/hotline/internal/queues"
)

// QueueRoutes are the ACD configuration endpoints: queues and agents'
// skills and memberships.
type QueueRoutes struct {
	Svc *queues.Service
	// Routed counts the inbound numbers routing to a queue or flow
	// (pbx.Service.Routes); a queue they use cannot be deleted or renamed.
	Routed func(ctx context.Context, kind pbx.RouteKind, target string) (int, error)
}

// inUse refuses to strand the numbers routing to name.
func inUse(ctx context.Context, routed func(context.Context, pbx.RouteKind, string) (int, error), kind pbx.RouteKind, name string) error {
	if routed == nil {
		return nil
	}
	n, err := routed(ctx, kind, name)
	if err != nil {
		return err
	}
	if n > 0 {
		return apperr.Conflict("in_use", "%d inbound numbers route to %s %q; change them first", n, kind, name)
	}
	return nil
}

// Routes implements Module.
func (m QueueRoutes) Routes() []Route {
	s := m.Svc
	view, manage := org.P("queues", "view"), org.P("queues", "manage")
	rs := CRUD[queues.Queue, queues.Queue]{
		Path: "/queues", Tag: "acd", Noun: "queue", View: view, Manage: manage,
		List: func(ctx context.Context, _ *org.Actor) ([]queues.Queue, error) { return s.List(ctx) },
		Get:  func(ctx context.Context, _ *org.Actor, id int64) (*queues.Queue, error) { return s.Queue(ctx, id) },
		Create: func(ctx context.Context, a *org.Actor, in queues.Queue) (*queues.Queue, error) {
			in.ID = 0
			return s.Save(ctx, a, in)
		},
		Update: func(ctx context.Context, a *org.Actor, id int64, in queues.Queue) (*queues.Queue, error) {
			cur, err := s.Queue(ctx, id)
			if err != nil {
				return nil, err
			}
			if cur.Name != in.Name {
				if err := inUse(ctx, m.Routed, pbx.RouteQueue, cur.Name); err != nil {
					return nil, err
				}
			}
			in.ID = id
			return s.Save(ctx, a, in)
		},
		Delete: func(ctx context.Context, a *org.Actor, id int64) error {
			cur, err := s.Queue(ctx, id)
			if err != nil {
				return err
			}
			if err := inUse(ctx, m.Routed, pbx.RouteQueue, cur.Name); err != nil {
				return err
			}
			return s.Delete(ctx, a, id)
		},
	}.Routes()
	rs = append(rs,
		Route{Method: "GET", Path: "/agents/{id}/routing", Summary: "An agent's skills and queue memberships", Tag: "acd",
			Perm: view, Resp: queues.Agent{}, Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				ag, err := s.Agent(r.Context(), id)
				if err != nil {
					return err
				}
				return ok(w, ag)
			}},
		Route{Method: "PUT", Path: "/agents/{id}/routing", Summary: "Set an agent's skills (level 1–10) and queue memberships", Tag: "acd",
			Perm: manage, Body: queues.Agent{}, Resp: queues.Agent{}, Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				var in queues.Agent
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				in.UserID = id
				ag, err := s.SetAgent(r.Context(), a, in)
				if err != nil {
					return err
				}
				return ok(w, ag)
			}},
	)
	return rs
}
