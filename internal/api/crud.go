package api

import (
	"context"
	"net/http"

	"github.com/hotline-cc/hotline/internal/httpx"
	"github.com/hotline-cc/hotline/internal/org"
)

// CRUD describes a plain collection: list, get, create, update (PUT),
// delete, each optional. View and Manage are the permissions for reading and
// writing. It saves every module the same five handlers.
type CRUD[T, In any] struct {
	Path, Tag, Noun string // "/telephony/trunks", "telephony", "trunk"
	View, Manage    org.Permission
	List            func(ctx context.Context, a *org.Actor) ([]T, error)
	Get             func(ctx context.Context, a *org.Actor, id int64) (*T, error)
	Create          func(ctx context.Context, a *org.Actor, in In) (*T, error)
	Update          func(ctx context.Context, a *org.Actor, id int64, in In) (*T, error)
	Delete          func(ctx context.Context, a *org.Actor, id int64) error
}

// Routes returns the collection's routes.
func (c CRUD[T, In]) Routes() []Route {
	var zero T
	var zeroIn In
	var rs []Route
	if c.List != nil {
		rs = append(rs, Route{Method: "GET", Path: c.Path, Summary: "List " + c.Noun + "s", Tag: c.Tag, Perm: c.View, Resp: []T{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				items, err := c.List(r.Context(), a)
				if err != nil {
					return err
				}
				if items == nil {
					items = []T{}
				}
				return ok(w, items)
			}})
	}
	if c.Create != nil {
		rs = append(rs, Route{Method: "POST", Path: c.Path, Summary: "Create a " + c.Noun, Tag: c.Tag, Perm: c.Manage,
			Body: zeroIn, Resp: zero, Status: 201,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				var in In
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				v, err := c.Create(r.Context(), a, in)
				if err != nil {
					return err
				}
				return created(w, v)
			}})
	}
	if c.Get != nil {
		rs = append(rs, Route{Method: "GET", Path: c.Path + "/{id}", Summary: "Get a " + c.Noun, Tag: c.Tag, Perm: c.View, Resp: zero,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				v, err := c.Get(r.Context(), a, id)
				if err != nil {
					return err
				}
				return ok(w, v)
			}})
	}
	if c.Update != nil {
		rs = append(rs, Route{Method: "PUT", Path: c.Path + "/{id}", Summary: "Change a " + c.Noun, Tag: c.Tag, Perm: c.Manage,
			Body: zeroIn, Resp: zero,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				var in In
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				v, err := c.Update(r.Context(), a, id, in)
				if err != nil {
					return err
				}
				return ok(w, v)
			}})
	}
	if c.Delete != nil {
		rs = append(rs, Route{Method: "DELETE", Path: c.Path + "/{id}", Summary: "Delete a " + c.Noun, Tag: c.Tag, Perm: c.Manage, Status: 204,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				if err := c.Delete(r.Context(), a, id); err != nil {
					return err
				}
				return noContent(w)
			}})
	}
	return rs
}
