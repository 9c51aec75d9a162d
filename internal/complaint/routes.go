package complaint

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

// Permissions of the module. The penalty amounts are a center-wide
// setting, changed with settings:update.
var (
	PermView     = org.P("complaints", "view")
	PermCreate   = org.P("complaints", "create")
	PermSettings = org.P("settings", "update")
)

// Routes is the module's JSON API (api.Module).
type Routes struct{ Svc *Service }

var _ api.Module = Routes{}

func param(name, typ, desc string) api.Param { return api.Param{Name: name, Type: typ, Desc: desc} }

// ticketRoute is a POST (or PUT) on one ticket decoding an In.
func ticketRoute[In any](method, path, summary string, perm org.Permission, do func(context.Context, *org.Actor, int64, In) (*Complaint, error)) api.Route {
	var zero In
	return api.Route{Method: method, Path: "/complaints/{id}" + path, Summary: summary, Tag: "complaints", Perm: perm, Body: zero,
		Resp: Complaint{}, Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
			id, err := httpx.PathID(r, "id")
			if err != nil {
				return err
			}
			var in In
			if err := httpx.Decode(w, r, &in); err != nil {
				return err
			}
			c, err := do(r.Context(), a, id, in)
			if err != nil {
				return err
			}
			httpx.WriteJSON(w, http.StatusOK, c)
			return nil
		}}
}

// Routes implements api.Module.
func (m Routes) Routes() []api.Route {
	const tag = "complaints"
	s := m.Svc
	return []api.Route{
		{Method: "GET", Path: "/complaints", Tag: tag, Perm: PermView, Resp: httpx.List[Complaint]{},
			Summary: "Complaint tickets in your scope, registered by you, or forwarded to your department",
			Query: []api.Param{param("status", "string", "open, forwarded, replied, called_back, closed"),
				param("severity", "string", "minor, general, serious"), param("liability", "string", "pending, agent, department, none"),
				param("department_id", "integer", "the ticket's"), param("responsible_department_id", "integer", "the last forward's"),
				param("agent_id", "integer", ""), param("call_id", "string", ""), param("q", "string", "in the content and contact"),
				param("overdue", "boolean", "forwarded and past the deadline"), param("since", "string", "registered at or after (RFC 3339 or YYYY-MM-DD)"),
				param("until", "string", "registered before"), param("limit", "integer", ""), param("offset", "integer", "")},
			Handle: m.list},
		{Method: "POST", Path: "/complaints", Tag: tag, Perm: PermCreate, Body: Input{}, Resp: Complaint{}, Status: http.StatusCreated,
			Summary: "Register a complaint, by hand or from a call (call_id fills the caller, customer, agent and recording)",
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				var in Input
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				c, err := s.Create(r.Context(), a, in)
				if err != nil {
					return err
				}
				httpx.WriteJSON(w, http.StatusCreated, c)
				return nil
			}},
		{Method: "GET", Path: "/complaints/draft", Tag: tag, Perm: PermCreate, Resp: Draft{},
			Summary: "A new complaint prefilled from a call", Query: []api.Param{param("call_id", "string", "required")},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				d, err := s.Draft(r.Context(), a, r.URL.Query().Get("call_id"))
				if err != nil {
					return err
				}
				httpx.WriteJSON(w, http.StatusOK, d)
				return nil
			}},
		{Method: "GET", Path: "/complaints/report", Tag: tag, Perm: PermView, Resp: Report{},
			Summary: "Complaints by severity, status, department, agent and liability; penalties per agent and month; overdue; time to close",
			Query: []api.Param{param("since", "string", "RFC 3339 or YYYY-MM-DD (default three months before until)"),
				param("until", "string", "exclusive (default the end of today)"), param("department_id", "integer", ""), param("agent_id", "integer", "")},
			Handle: m.report},
		{Method: "GET", Path: "/complaints/penalties", Tag: tag, Perm: PermView, Resp: Penalties{},
			Summary: "The penalty per severity, in fen", Handle: func(w http.ResponseWriter, r *http.Request, _ *org.Actor) error {
				p, err := s.Penalties(r.Context())
				if err != nil {
					return err
				}
				httpx.WriteJSON(w, http.StatusOK, p)
				return nil
			}},
		{Method: "PUT", Path: "/complaints/penalties", Tag: tag, Perm: PermSettings, Body: PenaltiesInput{}, Resp: Penalties{},
			Summary: "Change the penalty per severity (a center-wide setting; judged tickets keep theirs)",
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				var in PenaltiesInput
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				p, err := s.SetPenalties(r.Context(), a, in)
				if err != nil {
					return err
				}
				httpx.WriteJSON(w, http.StatusOK, p)
				return nil
			}},
		{Method: "GET", Path: "/complaints/{id}", Tag: tag, Perm: PermView, Resp: Ticket{},
			Summary: "A complaint with its checklist, forwards and timeline",
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := httpx.PathID(r, "id")
				if err != nil {
					return err
				}
				t, err := s.Ticket(r.Context(), a, id)
				if err != nil {
					return err
				}
				httpx.WriteJSON(w, http.StatusOK, t)
				return nil
			}},
		ticketRoute("PUT", "", "Judge a complaint: severity, liability (and so the penalty), its agent", PermManage, s.Assess),
		ticketRoute("POST", "/checklist", "Tick or untick one of the five handling steps", PermCreate, s.Check),
		ticketRoute("POST", "/forward", "Forward to the responsible department with a deadline", PermManage, s.Forward),
		ticketRoute("POST", "/reply", "The responsible department's reply (its users, or a manager)", PermCreate, s.Reply),
		ticketRoute("POST", "/callback", "Record the result call-back to the customer", PermManage, s.CallBack),
		ticketRoute("POST", "/close", "Close a complaint", PermManage, s.Close),
		ticketRoute("POST", "/reopen", "Reopen a closed complaint", PermManage, s.Reopen),
	}
}

func (m Routes) list(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	pg, err := httpx.ParsePage(r, nil)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := Filter{Status: q.Get("status"), Severity: q.Get("severity"), Liability: q.Get("liability"),
		CallID: strings.TrimSpace(q.Get("call_id")), Search: q.Get("q"), Limit: pg.Limit, Offset: pg.Offset}
	for name, dst := range map[string]*int64{"department_id": &f.DepartmentID, "responsible_department_id": &f.ResponsibleDepartmentID,
		"agent_id": &f.AgentID} {
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
	cs, total, err := m.Svc.List(r.Context(), a, f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, httpx.List[Complaint]{Items: cs, Total: total, Limit: pg.Limit, Offset: pg.Offset})
	return nil
}

func (m Routes) report(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	var f ReportFilter
	var err error
	if f.Since, err = QueryTime(r, "since"); err != nil {
		return err
	}
	if f.Until, err = QueryTime(r, "until"); err != nil {
		return err
	}
	if f.DepartmentID, err = httpx.QueryInt64(r, "department_id"); err != nil {
		return err
	}
	if f.AgentID, err = httpx.QueryInt64(r, "agent_id"); err != nil {
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
