package api

import (
	"context"
	"net/http"
	"net/url"

	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/dialer"
	"github.com/hotline-cc/hotline/internal/httpx"
	"github.com/hotline-cc/hotline/internal/org"
)

// DialerRoutes are the outbound campaign endpoints.
type DialerRoutes struct{ Svc *dialer.Service }

// StatusChange starts, pauses or finishes a campaign.
type StatusChange struct {
	Status string `json:"status"` // running, paused, done
}

// DNCInput adds a number to the do-not-call list.
type DNCInput struct {
	Phone  string `json:"phone"`
	Reason string `json:"reason,omitempty"`
}

// Routes implements Module.
func (m DialerRoutes) Routes() []Route {
	s := m.Svc
	view, manage, dial := org.P("campaigns", "view"), org.P("campaigns", "manage"), org.P("campaigns", "dial")
	rs := CRUD[dialer.Campaign, dialer.CampaignInput]{
		Path: "/campaigns", Tag: "campaigns", Noun: "campaign", View: view, Manage: manage,
		List: func(ctx context.Context, _ *org.Actor) ([]dialer.Campaign, error) { return s.Campaigns(ctx) },
		Get: func(ctx context.Context, _ *org.Actor, id int64) (*dialer.Campaign, error) {
			return s.Campaign(ctx, id)
		},
		Create: func(ctx context.Context, a *org.Actor, in dialer.CampaignInput) (*dialer.Campaign, error) {
			return s.Save(ctx, a, 0, in)
		},
		Update: s.Save, Delete: s.Delete,
	}.Routes()
	return append(rs,
		Route{Method: "POST", Path: "/campaigns/{id}/status", Summary: "Start, pause or finish a campaign", Tag: "campaigns",
			Perm: manage, Body: StatusChange{}, Resp: dialer.Campaign{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				var in StatusChange
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				c, err := s.SetStatus(r.Context(), a, id, in.Status)
				if err != nil {
					return err
				}
				return ok(w, c)
			}},
		Route{Method: "POST", Path: "/campaigns/{id}/contacts", Summary: "Add the customers matching a filter (in your scope) to the call list",
			Tag: "campaigns", Perm: manage, Body: crm.Filter{}, Resp: dialer.AddResult{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				var f crm.Filter
				if err := httpx.Decode(w, r, &f); err != nil {
					return err
				}
				res, err := s.AddCustomers(r.Context(), a, id, f)
				if err != nil {
					return err
				}
				return ok(w, res)
			}},
		Route{Method: "GET", Path: "/campaigns/{id}/contacts", Summary: "The call list, in your data scope", Tag: "campaigns",
			Perm: view, Resp: httpx.List[dialer.Contact]{},
			Query: []Param{{"status", "string", "pending, dialing, previewing, connected, done, failed"}, {"limit", "integer", ""}, {"offset", "integer", ""}},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				pg, err := httpx.ParsePage(r, nil)
				if err != nil {
					return err
				}
				cs, total, err := s.Contacts(r.Context(), a, id, dialer.ContactFilter{Status: r.URL.Query().Get("status"), Limit: pg.Limit, Offset: pg.Offset})
				if err != nil {
					return err
				}
				return ok(w, httpx.List[dialer.Contact]{Items: cs, Total: total, Limit: pg.Limit, Offset: pg.Offset})
			}},
		Route{Method: "GET", Path: "/campaigns/{id}/stats", Summary: "Dials, answers, abandon rate, conversions per 100 calls", Tag: "campaigns",
			Perm: view, Resp: dialer.Stats{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				st, err := s.Stats(r.Context(), id)
				if err != nil {
					return err
				}
				return ok(w, st)
			}},
		Route{Method: "POST", Path: "/campaigns/{id}/next", Summary: "Preview dialling: take the next contact to look at", Tag: "campaigns",
			Perm: dial, Resp: dialer.Contact{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				ct, err := s.NextPreview(r.Context(), a, id)
				if err != nil {
					return err
				}
				return ok(w, ct)
			}},
		Route{Method: "POST", Path: "/campaign-contacts/{id}/dial", Summary: "Preview dialling: ring your phone, then the contact", Tag: "campaigns",
			Perm: dial, Resp: dialer.Contact{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				ct, err := s.DialPreview(context.WithoutCancel(r.Context()), a, id)
				if err != nil {
					return err
				}
				return ok(w, ct)
			}},
		Route{Method: "POST", Path: "/campaign-contacts/{id}/disposition", Summary: "Record the call's result (sale, call back A/B, not interested, …)",
			Tag: "campaigns", Perm: dial, Body: dialer.DispositionInput{}, Resp: dialer.Contact{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				var in dialer.DispositionInput
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				ct, err := s.Dispose(r.Context(), a, id, in)
				if err != nil {
					return err
				}
				return ok(w, ct)
			}},
		Route{Method: "GET", Path: "/dnc", Summary: "The do-not-call list", Tag: "campaigns", Perm: view, Resp: []dialer.DNCEntry{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				l, err := s.DNC(r.Context())
				if err != nil {
					return err
				}
				return ok(w, l)
			}},
		Route{Method: "POST", Path: "/dnc", Summary: "Add a number to the do-not-call list", Tag: "campaigns", Perm: manage,
			Body: DNCInput{}, Resp: dialer.DNCEntry{}, Status: 201,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				var in DNCInput
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				e, err := s.AddDNC(r.Context(), a, in.Phone, in.Reason)
				if err != nil {
					return err
				}
				return created(w, e)
			}},
		Route{Method: "DELETE", Path: "/dnc/{phone}", Summary: "Take a number off the do-not-call list", Tag: "campaigns", Perm: manage, Status: 204,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				phone, _ := url.PathUnescape(r.PathValue("phone"))
				if err := s.RemoveDNC(r.Context(), a, phone); err != nil {
					return err
				}
				return noContent(w)
			}},
	)
}
