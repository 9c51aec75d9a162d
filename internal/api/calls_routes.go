package api

import (
	"database/sql"
	"errors"
	"net/http"
	"os"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/httpx"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/recording"
	"github.com/hotline-cc/hotline/internal/store"
)

// CallRoutes are the call history endpoints (CDRs, events, legs) and the
// recordings, all through the caller's data scope.
type CallRoutes struct {
	DB         *store.DB
	Recordings *recording.Service
}

// CallDetail is one call with its events and agent legs.
type CallDetail struct {
	CDR    calllog.CDR     `json:"cdr"`
	Legs   []calllog.Leg   `json:"legs"`
	Events []calllog.Event `json:"events"`
}

func timeParam(r *http.Request, name string) (time.Time, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return t, apperr.Invalid(name, "must be an RFC 3339 time like 2026-01-02T15:04:05+08:00")
	}
	return t, nil
}

// Routes implements Module.
func (m CallRoutes) Routes() []Route {
	return []Route{
		{Method: "GET", Path: "/calls", Summary: "Call records (CDRs) in your data scope, newest first", Tag: "calls",
			Perm: org.P("calls", "view"), Resp: httpx.List[calllog.CDR]{},
			Query: []Param{{"since", "string", "RFC 3339"}, {"until", "string", "RFC 3339"}, {"queue", "string", ""},
				{"agent_id", "integer", ""}, {"outcome", "string", "answered, abandoned, blocked, overflow, ivr, failed"},
				{"number", "string", "caller or callee contains"}, {"limit", "integer", ""}, {"offset", "integer", ""}},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				pg, err := httpx.ParsePage(r, nil)
				if err != nil {
					return err
				}
				f := calllog.CDRFilter{Queue: r.URL.Query().Get("queue"), Outcome: calllog.Outcome(r.URL.Query().Get("outcome")),
					Number: r.URL.Query().Get("number"), Limit: pg.Limit, Offset: pg.Offset, Desc: true}
				if f.Since, err = timeParam(r, "since"); err != nil {
					return err
				}
				if f.Until, err = timeParam(r, "until"); err != nil {
					return err
				}
				if f.AgentID, err = httpx.QueryInt64(r, "agent_id"); err != nil {
					return err
				}
				cs, total, err := calllog.CDRs(r.Context(), m.DB, a.Scope, f)
				if err != nil {
					return err
				}
				return ok(w, httpx.List[calllog.CDR]{Items: cs, Total: total, Limit: pg.Limit, Offset: pg.Offset})
			}},
		{Method: "GET", Path: "/calls/{call_id}", Summary: "One call: CDR, agent legs and every event", Tag: "calls",
			Perm: org.P("calls", "view"), Resp: CallDetail{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id := r.PathValue("call_id")
				c, err := calllog.GetCDR(r.Context(), m.DB, a.Scope, id)
				if errors.Is(err, sql.ErrNoRows) {
					return apperr.NotFound("call")
				}
				if err != nil {
					return err
				}
				legs, err := calllog.Legs(r.Context(), m.DB, id)
				if err != nil {
					return err
				}
				evs, err := calllog.Events(r.Context(), m.DB, id)
				if err != nil {
					return err
				}
				return ok(w, CallDetail{CDR: *c, Legs: legs, Events: evs})
			}},
		{Method: "GET", Path: "/recordings", Summary: "Recordings in your data scope", Tag: "recordings",
			Perm: org.P("recordings", "view"), Resp: httpx.List[recording.Recording]{},
			Query: []Param{{"call_id", "string", ""}, {"agent_id", "integer", ""}, {"queue", "string", ""},
				{"since", "string", "RFC 3339"}, {"until", "string", "RFC 3339"}, {"limit", "integer", ""}, {"offset", "integer", ""}},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				pg, err := httpx.ParsePage(r, nil)
				if err != nil {
					return err
				}
				f := recording.Filter{CallID: r.URL.Query().Get("call_id"), Queue: r.URL.Query().Get("queue"), Limit: pg.Limit, Offset: pg.Offset}
				if f.AgentID, err = httpx.QueryInt64(r, "agent_id"); err != nil {
					return err
				}
				if f.Since, err = timeParam(r, "since"); err != nil {
					return err
				}
				if f.Until, err = timeParam(r, "until"); err != nil {
					return err
				}
				rs, total, err := m.Recordings.List(r.Context(), a.Scope, f)
				if err != nil {
					return err
				}
				return ok(w, httpx.List[recording.Recording]{Items: rs, Total: total, Limit: pg.Limit, Offset: pg.Offset})
			}},
		{Method: "GET", Path: "/recordings/{id}", Summary: "A recording's metadata", Tag: "recordings",
			Perm: org.P("recordings", "view"), Resp: recording.Recording{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				rec, err := m.Recordings.Get(r.Context(), a.Scope, id)
				if err != nil {
					return err
				}
				return ok(w, rec)
			}},
		{Method: "GET", Path: "/recordings/{id}/audio", Summary: "The recording as a stereo WAV file (caller left, agent right); supports Range",
			Tag: "recordings", Perm: org.P("recordings", "view"),
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				rec, err := m.Recordings.Get(r.Context(), a.Scope, id)
				if err != nil {
					return err
				}
				f, err := os.Open(m.Recordings.Abs(rec))
				if err != nil {
					return apperr.NotFound("recording file")
				}
				defer f.Close()
				w.Header().Set("Content-Type", "audio/wav")
				http.ServeContent(w, r, rec.CallID+".wav", rec.StartedAt, f)
				return nil
			}},
		{Method: "DELETE", Path: "/recordings/{id}", Summary: "Delete a recording", Tag: "recordings",
			Perm: org.P("recordings", "delete"), Status: 204,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				if err := m.Recordings.Delete(r.Context(), a, id); err != nil {
					return err
				}
				return noContent(w)
			}},
	}
}
