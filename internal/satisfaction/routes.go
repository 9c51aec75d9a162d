package satisfaction

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/api"
	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/httpx"
	"github.com/hotline-cc/hotline/internal/org"
)

// Permissions of the module.
var (
	PermView   = org.P("satisfaction", "view")
	PermReview = org.P("satisfaction", "review")
)

// Routes is the module's JSON API (api.Module).
type Routes struct{ Svc *Service }

var _ api.Module = Routes{}

// Routes implements api.Module.
func (m Routes) Routes() []api.Route {
	const tag = "satisfaction"
	step := func(path, summary string, body any, fn func(ctx context.Context, a *org.Actor, id int64, r *http.Request, w http.ResponseWriter) (*Case, error)) api.Route {
		return api.Route{Method: "POST", Path: "/satisfaction/cases/{id}/" + path, Summary: summary, Tag: tag, Perm: PermReview,
			Body: body, Resp: Case{}, Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := httpx.PathID(r, "id")
				if err != nil {
					return err
				}
				c, err := fn(r.Context(), a, id, r, w)
				if err != nil {
					return err
				}
				httpx.WriteJSON(w, http.StatusOK, c)
				return nil
			}}
	}
	reasons := api.CRUD[Reason, ReasonInput]{Path: "/satisfaction/reasons", Tag: tag, Noun: "reason category",
		View: PermView, Manage: PermReview,
		List: func(ctx context.Context, _ *org.Actor) ([]Reason, error) { return m.Svc.Reasons(ctx) },
		Get: func(ctx context.Context, _ *org.Actor, id int64) (*Reason, error) {
			return getReason(ctx, m.Svc.DB, id)
		},
		Create: m.Svc.CreateReason, Update: m.Svc.UpdateReason, Delete: m.Svc.DeleteReason}
	return append(reasons.Routes(), []api.Route{
		{Method: "GET", Path: "/satisfaction/cases", Tag: tag, Perm: PermView, Resp: httpx.List[Case]{},
			Summary: "Review cases of very unsatisfied ratings in your scope, and those whose call-back is assigned to your team",
			Query: []api.Param{param("status", "string", "new, reviewed, assigned, called_back, closed"), param("agent_id", "integer", ""),
				param("team_id", "integer", "the rated agent's team"), param("callback_team_id", "integer", "the after-sales team"),
				param("queue", "string", ""), param("call_id", "string", ""), param("since", "string", "rated at or after (RFC 3339 or YYYY-MM-DD)"),
				param("until", "string", "rated before"), param("overdue", "boolean", "assigned call-backs past their due time"),
				param("limit", "integer", ""), param("offset", "integer", "")},
			Handle: m.list},
		{Method: "GET", Path: "/satisfaction/cases/{id}", Summary: "A review case with its timeline", Tag: tag, Perm: PermView,
			Resp: Detail{}, Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := httpx.PathID(r, "id")
				if err != nil {
					return err
				}
				d, err := m.Svc.Detail(r.Context(), a, id)
				if err != nil {
					return err
				}
				httpx.WriteJSON(w, http.StatusOK, d)
				return nil
			}},
		step("review", "Record the review (new → reviewed): the reason category and what the recording showed", ReviewInput{},
			func(ctx context.Context, a *org.Actor, id int64, r *http.Request, w http.ResponseWriter) (*Case, error) {
				var in ReviewInput
				if err := httpx.Decode(w, r, &in); err != nil {
					return nil, err
				}
				return m.Svc.Review(ctx, a, id, in)
			}),
		step("assign", "Assign the call-back to an after-sales team (reviewed → assigned; again to retry an unreachable customer)", AssignInput{},
			func(ctx context.Context, a *org.Actor, id int64, r *http.Request, w http.ResponseWriter) (*Case, error) {
				var in AssignInput
				if err := httpx.Decode(w, r, &in); err != nil {
					return nil, err
				}
				return m.Svc.Assign(ctx, a, id, in)
			}),
		step("callback", "Record the call-back's result (assigned → called_back); the assigned team may record it", CallbackInput{},
			func(ctx context.Context, a *org.Actor, id int64, r *http.Request, w http.ResponseWriter) (*Case, error) {
				var in CallbackInput
				if err := httpx.Decode(w, r, &in); err != nil {
					return nil, err
				}
				return m.Svc.CallBack(ctx, a, id, in)
			}),
		step("close", "Close the case with the final reason and the outcome fed back (called_back → closed)", CloseInput{},
			func(ctx context.Context, a *org.Actor, id int64, r *http.Request, w http.ResponseWriter) (*Case, error) {
				var in CloseInput
				if err := httpx.Decode(w, r, &in); err != nil {
					return nil, err
				}
				return m.Svc.Close(ctx, a, id, in)
			}),
		{Method: "GET", Path: "/satisfaction/report", Tag: tag, Perm: PermView, Resp: Report{},
			Summary: "The review process in figures: by status, reason, agent, team, overdue call-backs, time to close per period",
			Query: []api.Param{param("since", "string", "RFC 3339 or YYYY-MM-DD (default 30 days before until)"),
				param("until", "string", "exclusive (default the end of today)"), param("period", "string", "day, week or month"),
				param("agent_id", "integer", ""), param("team_id", "integer", ""), param("queue", "string", "")},
			Handle: m.report},
	}...)
}

func (m Routes) list(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	pg, err := httpx.ParsePage(r, nil)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := Filter{Status: q.Get("status"), Queue: strings.TrimSpace(q.Get("queue")), CallID: strings.TrimSpace(q.Get("call_id")),
		Limit: pg.Limit, Offset: pg.Offset}
	for name, dst := range map[string]*int64{"agent_id": &f.AgentID, "team_id": &f.TeamID, "callback_team_id": &f.CallbackTeamID} {
		if *dst, err = httpx.QueryInt64(r, name); err != nil {
			return err
		}
	}
	if f.Since, err = QueryTime(r, "since"); err != nil {
		return err
	}
	if f.Until, err = QueryTime(r, "until"); err != nil {
		return err
	}
	if b, err := httpx.QueryBool(r, "overdue"); err != nil {
		return err
	} else if b != nil {
		f.Overdue = *b
	}
	cs, total, err := m.Svc.Cases(r.Context(), a, f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, httpx.List[Case]{Items: cs, Total: total, Limit: pg.Limit, Offset: pg.Offset})
	return nil
}

func (m Routes) report(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f := ReportFilter{Period: r.URL.Query().Get("period"), Queue: strings.TrimSpace(r.URL.Query().Get("queue"))}
	var err error
	if f.Since, err = QueryTime(r, "since"); err != nil {
		return err
	}
	if f.Until, err = QueryTime(r, "until"); err != nil {
		return err
	}
	if f.AgentID, err = httpx.QueryInt64(r, "agent_id"); err != nil {
		return err
	}
	if f.TeamID, err = httpx.QueryInt64(r, "team_id"); err != nil {
		return err
	}
	rep, err := m.Svc.Report(r.Context(), a, f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, rep)
	return nil
}

// QueryTime reads an optional time query parameter: RFC 3339, or a date
// YYYY-MM-DD meaning the start of that day in the server's time zone.
func QueryTime(r *http.Request, name string) (time.Time, error) {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, v, time.Local); err == nil {
		return t, nil
	}
	return time.Time{}, apperr.Invalid(name, "must be a time (RFC 3339) or a date (YYYY-MM-DD)")
}

func param(name, typ, desc string) api.Param { return api.Param{Name: name, Type: typ, Desc: desc} }
