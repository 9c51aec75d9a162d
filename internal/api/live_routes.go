package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/call"
	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/httpx"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// LiveRoutes are the real-time endpoints behind the agent desktop and the
// wallboard: agent state, live calls and call control, queue figures,
// supervisor monitoring, click-to-call and satisfaction ratings.
type LiveRoutes struct {
	DB    *store.DB
	Org   *org.Service
	ACD   *acd.Engine
	Calls *call.Manager
}

// StateChange sets an agent's state.
type StateChange struct {
	State  string `json:"state"`            // ready, not_ready, logged_out
	Reason string `json:"reason,omitempty"` // not_ready: break, lunch, training, meeting, after_call_work, or your own
}

// AgentLive is an agent's live state with their current call.
type AgentLive struct {
	acd.AgentStatus
	Extension string     `json:"extension,omitempty"`
	Call      *call.Info `json:"call,omitempty"`
}

// TransferRequest moves a call: blind (at once) or consult (attended:
// talk to the target first, then complete, conference or cancel).
type TransferRequest struct {
	Mode   string      `json:"mode"` // blind or consult
	Target call.Target `json:"target"`
}

// MonitorRequest joins a supervisor to a live call.
type MonitorRequest struct {
	Mode call.MonitorMode `json:"mode"` // listen, whisper, barge
}

// DialRequest is a click-to-call.
type DialRequest struct {
	Number string `json:"number"`
}

// ResolutionRequest marks whether a caller's issue was resolved.
type ResolutionRequest struct {
	Result string `json:"result"` // resolved or unresolved
}

// ReviewRequest records the review of a rating.
type ReviewRequest struct {
	Note string `json:"note"`
}

// Routes implements Module.
func (m LiveRoutes) Routes() []Route {
	return []Route{
		{Method: "GET", Path: "/me/agent", Summary: "Your agent state and current call", Tag: "desktop", Resp: AgentLive{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				al, err := m.agentLive(r.Context(), a.UserID)
				if err != nil {
					return err
				}
				return ok(w, al)
			}},
		{Method: "POST", Path: "/me/agent/state", Summary: "Log in, become ready or not ready (with a reason), log out", Tag: "desktop",
			Body: StateChange{}, Resp: AgentLive{}, Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				var in StateChange
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				if err := m.setState(a.UserID, in); err != nil {
					return err
				}
				al, err := m.agentLive(r.Context(), a.UserID)
				if err != nil {
					return err
				}
				return ok(w, al)
			}},
		{Method: "POST", Path: "/me/agent/wrapup/end", Summary: "End your after-call work now", Tag: "desktop", Status: 204,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				if err := m.ACD.EndWrapUp(a.UserID); err != nil {
					return apperr.Conflict("not_in_wrapup", "you are not in after-call work")
				}
				m.Calls.Kick()
				return noContent(w)
			}},
		{Method: "POST", Path: "/me/call/{action}", Summary: "Control your current call: hold, unhold, hangup, survey, complete, conference, cancel_consult, leave",
			Tag: "desktop", Perm: org.P("calls", "control"), Status: 204, Handle: m.control},
		{Method: "POST", Path: "/me/calls/{call_id}/resolution", Summary: "Mark whether the caller's issue was resolved (first-call resolution), during the call or after it",
			Tag: "desktop", Perm: org.P("calls", "control"), Body: ResolutionRequest{}, Status: 204, Handle: m.resolution},
		{Method: "POST", Path: "/me/call/transfer", Summary: "Transfer your current call (blind or consult)", Tag: "desktop",
			Perm: org.P("calls", "control"), Body: TransferRequest{}, Status: 204,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				var in TransferRequest
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				c := m.Calls.CallOf(a.UserID)
				if c == nil {
					return apperr.Conflict("no_call", "you are not on a call")
				}
				var err error
				switch in.Mode {
				case "blind", "":
					err = c.BlindTransfer(a.UserID, in.Target)
				case "consult":
					err = c.Consult(a.UserID, in.Target)
				default:
					return apperr.Invalid("mode", "must be blind or consult")
				}
				if err != nil {
					return err
				}
				return noContent(w)
			}},
		{Method: "POST", Path: "/me/dial", Summary: "Click-to-call: ring your phone, then the number", Tag: "desktop",
			Perm: org.P("calls", "control"), Body: DialRequest{}, Resp: call.Info{}, Status: 201,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				var in DialRequest
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				c, err := m.Calls.ClickToCall(context.WithoutCancel(r.Context()), a.UserID, strings.TrimSpace(in.Number))
				if err != nil {
					return err
				}
				return created(w, c.Info())
			}},
		{Method: "GET", Path: "/live/calls", Summary: "Live calls in your data scope", Tag: "live", Perm: org.P("calls", "view"),
			Resp: []call.Info{}, Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				return ok(w, m.Calls.Live(r.Context(), a.Scope))
			}},
		{Method: "GET", Path: "/live/queues", Summary: "Live queue figures: waiting, longest wait, agents, service level today", Tag: "live",
			Perm: org.P("queues", "view"), Resp: []acd.QueueStatus{},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				return ok(w, m.ACD.Snapshot().Queues)
			}},
		{Method: "GET", Path: "/live/agents", Summary: "Live agent states in your data scope", Tag: "live", Perm: org.P("agents", "view"),
			Resp: []AgentLive{}, Handle: m.liveAgents},
		{Method: "POST", Path: "/live/agents/{id}/state", Summary: "Change an agent's state (supervisor)", Tag: "live",
			Perm: org.P("agents", "control"), Body: StateChange{}, Status: 204,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				id, err := idOf(r)
				if err != nil {
					return err
				}
				if _, err := m.Org.User(r.Context(), a, id); err != nil {
					return err
				}
				var in StateChange
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				if err := m.setState(id, in); err != nil {
					return err
				}
				return noContent(w)
			}},
		{Method: "POST", Path: "/live/calls/{call_id}/monitor", Summary: "Listen, whisper or barge into a live call (your phone rings)", Tag: "live",
			Perm: org.P("calls", "monitor"), Body: MonitorRequest{}, Status: 202,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				var in MonitorRequest
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				c, err := m.Calls.Find(r.Context(), a.Scope, r.PathValue("call_id"))
				if err != nil {
					return err
				}
				sup, err := m.Org.Agent(r.Context(), a.UserID)
				if err != nil {
					return err
				}
				if err := c.Monitor(*sup, in.Mode); err != nil {
					return err
				}
				w.WriteHeader(http.StatusAccepted)
				return nil
			}},
		{Method: "DELETE", Path: "/live/calls/{call_id}/monitor", Summary: "Stop monitoring a call", Tag: "live",
			Perm: org.P("calls", "monitor"), Status: 204,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				c, err := m.Calls.Find(r.Context(), a.Scope, r.PathValue("call_id"))
				if err != nil {
					return err
				}
				if err := c.StopMonitor(a.UserID); err != nil {
					return err
				}
				return noContent(w)
			}},
		{Method: "GET", Path: "/ratings", Summary: "Satisfaction ratings in your scope; flagged=true lists very unsatisfied ones to review",
			Tag: "calls", Perm: org.P("calls", "view"), Resp: httpx.List[calllog.Rating]{},
			Query: []Param{{"flagged", "boolean", ""}, {"unreviewed", "boolean", ""}, {"agent_id", "integer", ""}, {"limit", "integer", ""}, {"offset", "integer", ""}},
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				pg, err := httpx.ParsePage(r, nil)
				if err != nil {
					return err
				}
				f := calllog.RatingFilter{Limit: pg.Limit, Offset: pg.Offset}
				if b, err := httpx.QueryBool(r, "flagged"); err != nil {
					return err
				} else if b != nil {
					f.FlaggedOnly = *b
				}
				if b, err := httpx.QueryBool(r, "unreviewed"); err != nil {
					return err
				} else if b != nil {
					f.Unreviewed = *b
				}
				if f.AgentID, err = httpx.QueryInt64(r, "agent_id"); err != nil {
					return err
				}
				rs, total, err := calllog.Ratings(r.Context(), m.DB, a.Scope, f)
				if err != nil {
					return err
				}
				return ok(w, httpx.List[calllog.Rating]{Items: rs, Total: total, Limit: pg.Limit, Offset: pg.Offset})
			}},
		{Method: "POST", Path: "/ratings/{call_id}/review", Summary: "Record the review of a rating (what was found, the call-back made)", Tag: "calls",
			Perm: org.P("calls", "monitor"), Body: ReviewRequest{}, Status: 204,
			Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				var in ReviewRequest
				if err := httpx.Decode(w, r, &in); err != nil {
					return err
				}
				if err := calllog.ReviewRating(r.Context(), m.DB, a, r.PathValue("call_id"), strings.TrimSpace(in.Note)); err != nil {
					return err
				}
				return noContent(w)
			}},
	}
}

// resolution records the agent's mark on a call they answered: a
// call.resolution event, which the CDR and first-call resolution follow.
func (m LiveRoutes) resolution(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	var in ResolutionRequest
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	if in.Result != calllog.ResultResolved && in.Result != calllog.ResultUnresolved {
		return apperr.Invalid("result", "must be resolved or unresolved")
	}
	id := r.PathValue("call_id")
	answered := false
	for _, e := range m.Calls.Log.Live(id) {
		answered = answered || (e.Type == calllog.AgentAnswered && e.AgentID == a.UserID)
	}
	if !answered {
		// A call that just ended may still be on its way to the database.
		if err := m.Calls.Log.Flush(r.Context()); err != nil {
			return err
		}
		var n int
		if err := m.DB.QueryRowContext(r.Context(), `SELECT count(*) FROM cdr_legs WHERE call_id = $1 AND agent_id = $2 AND answered_at > 0`,
			id, a.UserID).Scan(&n); err != nil {
			return err
		}
		answered = n > 0
	}
	if !answered {
		return apperr.NotFound("call you answered")
	}
	m.Calls.Log.Append(r.Context(), calllog.Event{CallID: id, Type: calllog.CallResolution, AgentID: a.UserID,
		Data: calllog.Data{Result: in.Result}})
	return noContent(w)
}

func (m LiveRoutes) control(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	c := m.Calls.CallOf(a.UserID)
	if c == nil {
		return apperr.Conflict("no_call", "you are not on a call")
	}
	var err error
	switch r.PathValue("action") {
	case "hold":
		err = c.Hold(a.UserID)
	case "unhold":
		err = c.Unhold(a.UserID)
	case "hangup":
		err = c.Hangup(a.UserID)
	case "survey":
		err = c.SendToSurvey(a.UserID)
	case "complete":
		err = c.CompleteTransfer(a.UserID)
	case "conference":
		err = c.Conference(a.UserID)
	case "cancel_consult":
		err = c.CancelConsult(a.UserID)
	case "leave":
		err = c.LeaveConference(a.UserID)
	default:
		return apperr.Invalid("action", "must be hold, unhold, hangup, survey, complete, conference, cancel_consult or leave")
	}
	if err != nil {
		return err
	}
	return noContent(w)
}

func (m LiveRoutes) setState(agentID int64, in StateChange) error {
	e := m.ACD
	st, err := e.AgentStatus(agentID)
	if err != nil {
		if err := m.loadAgent(agentID); err != nil {
			return err
		}
		st, _ = e.AgentStatus(agentID)
	}
	switch in.State {
	case "ready":
		if st.State == acd.LoggedOut {
			if err := e.Login(agentID); err != nil {
				return err
			}
		}
		err = e.SetReady(agentID)
	case "not_ready":
		if st.State == acd.LoggedOut {
			if err := e.Login(agentID); err != nil {
				return err
			}
		}
		reason := acd.Reason(strings.TrimSpace(in.Reason))
		if reason == "" {
			reason = acd.ReasonBreak
		}
		err = e.SetNotReady(agentID, reason)
	case "logged_out":
		err = e.Logout(agentID)
	default:
		return apperr.Invalid("state", "must be ready, not_ready or logged_out")
	}
	if err != nil {
		return err
	}
	m.Calls.Kick()
	return nil
}

// loadAgent adds a user to the ACD (agents are loaded at start; a user
// given an extension later joins here).
func (m LiveRoutes) loadAgent(id int64) error {
	ag, err := m.Org.Agent(context.Background(), id)
	if err != nil {
		return err
	}
	return m.ACD.UpsertAgent(acd.Agent{ID: id, Name: ag.Name})
}

func (m LiveRoutes) agentLive(ctx context.Context, id int64) (AgentLive, error) {
	st, err := m.ACD.AgentStatus(id)
	if err != nil {
		st = acd.AgentStatus{ID: id, State: acd.LoggedOut}
	}
	al := AgentLive{AgentStatus: st}
	if ag, err := m.Org.Agent(ctx, id); err == nil {
		al.Extension = ag.Extension
		if al.Name == "" {
			al.Name = ag.Name
		}
	}
	if c := m.Calls.CallOf(id); c != nil {
		in := c.Info()
		al.Call = &in
	}
	return al, nil
}

func (m LiveRoutes) liveAgents(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	users, _, err := m.Org.Users(r.Context(), a, org.UserQuery{Limit: 1000})
	if err != nil {
		return err
	}
	inScope := map[int64]bool{}
	for _, u := range users {
		inScope[u.ID] = true
	}
	out := []AgentLive{}
	for _, st := range m.ACD.Snapshot().Agents {
		if !inScope[st.ID] {
			continue
		}
		al, err := m.agentLive(r.Context(), st.ID)
		if err != nil {
			return err
		}
		out = append(out, al)
	}
	return ok(w, out)
}
