package shift

import (
	"net/http"
	"time"

	"github.com/hotline-cc/hotline/internal/api"
	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/httpx"
	"github.com/hotline-cc/hotline/internal/org"
)

// Routes are the shift endpoints: reading needs wfm:view (an agent sees
// their own shifts), changing needs wfm:manage.
func (s *Service) Routes() []api.Route {
	view, manage := org.P("wfm", "view"), org.P("wfm", "manage")
	return []api.Route{
		{Method: "GET", Path: "/shifts", Summary: "Shifts overlapping a period, in your data scope", Tag: "wfm", Perm: view,
			Resp: []Shift{}, Query: []api.Param{param("from", "string", "RFC 3339"), param("to", "string", "RFC 3339"),
				param("agent_id", "integer", ""), param("team_id", "integer", ""), param("department_id", "integer", "")},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				var f Filter
				var err error
				if f.From, err = when(r, "from"); err != nil {
					return err
				}
				if f.To, err = when(r, "to"); err != nil {
					return err
				}
				for _, p := range []struct {
					name string
					dst  *int64
				}{{"agent_id", &f.AgentID}, {"team_id", &f.TeamID}, {"department_id", &f.DepartmentID}} {
					if *p.dst, err = httpx.QueryInt64(r, p.name); err != nil {
						return err
					}
				}
				shs, err := s.List(r.Context(), a, f)
				if err != nil {
					return err
				}
				httpx.WriteJSON(w, http.StatusOK, shs)
				return nil
			}},
		{Method: "POST", Path: "/shifts", Summary: "Schedule a shift", Tag: "wfm", Perm: manage, Body: Input{}, Resp: Shift{}, Status: 201,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				var in Input
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				sh, err := s.Create(r.Context(), a, in)
				if err != nil {
					return err
				}
				httpx.WriteJSON(w, http.StatusCreated, sh)
				return nil
			}},
		{Method: "GET", Path: "/shifts/{id}", Summary: "One shift", Tag: "wfm", Perm: view, Resp: Shift{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := httpx.PathID(r, "id")
				if err != nil {
					return err
				}
				sh, err := s.Get(r.Context(), a, id)
				if err != nil {
					return err
				}
				httpx.WriteJSON(w, http.StatusOK, sh)
				return nil
			}},
		{Method: "PUT", Path: "/shifts/{id}", Summary: "Change a shift", Tag: "wfm", Perm: manage, Body: Input{}, Resp: Shift{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := httpx.PathID(r, "id")
				if err != nil {
					return err
				}
				var in Input
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				sh, err := s.Update(r.Context(), a, id, in)
				if err != nil {
					return err
				}
				httpx.WriteJSON(w, http.StatusOK, sh)
				return nil
			}},
		{Method: "DELETE", Path: "/shifts/{id}", Summary: "Remove a shift", Tag: "wfm", Perm: manage, Status: 204,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := httpx.PathID(r, "id")
				if err != nil {
					return err
				}
				if err := s.Delete(r.Context(), a, id); err != nil {
					return err
				}
				w.WriteHeader(http.StatusNoContent)
				return nil
			}},
	}
}

func when(r *http.Request, name string) (time.Time, error) {
	v := r.URL.Query().Get(name)
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return t, apperr.Invalid(name, "must be an RFC 3339 time like 2026-03-02T09:00:00+08:00")
	}
	return t, nil
}

func param(name, typ, desc string) api.Param { return api.Param{Name: name, Type: typ, Desc: desc} }
