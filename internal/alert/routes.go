package alert

import (
	"net/http"
	"time"

	"github.com/hotline-cc/hotline/internal/api"
	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/httpx"
	"github.com/hotline-cc/hotline/internal/org"
)

// Permissions of the early-warning endpoints and pages.
var (
	PermView   = org.P("alerts", "view")
	PermManage = org.P("alerts", "manage")
)

// Routes are the early-warning endpoints (an api.Module).
type Routes struct{ Svc *Service }

// Routes implements api.Module.
func (m Routes) Routes() []api.Route {
	return []api.Route{
		{Method: "GET", Path: "/alerts/rules", Summary: "Early-warning rules: the defaults and each queue's effective rules (queues in your scope)",
			Tag: "alerts", Perm: PermView, Resp: RuleSet{}, Handle: m.ruleSet},
		{Method: "PUT", Path: "/alerts/rules/default", Summary: "Change default rules (the metrics given); needs the all-departments scope",
			Tag: "alerts", Perm: PermManage, Body: RulesInput{}, Resp: []Rule{}, Handle: m.setDefaults},
		{Method: "GET", Path: "/alerts/rules/queues/{id}", Summary: "A queue's effective rules, own or inherited from the defaults",
			Tag: "alerts", Perm: PermView, Resp: QueueRules{}, Handle: m.queueRules},
		{Method: "PUT", Path: "/alerts/rules/queues/{id}", Summary: "Give a queue its own rules for the metrics given",
			Tag: "alerts", Perm: PermManage, Body: RulesInput{}, Resp: QueueRules{}, Handle: m.setQueue},
		{Method: "DELETE", Path: "/alerts/rules/queues/{id}/{metric}", Summary: "Remove a queue's own rule for a metric: the default applies again",
			Tag: "alerts", Perm: PermManage, Status: http.StatusNoContent, Handle: m.inherit},
		{Method: "GET", Path: "/alerts/active", Summary: "Open alerts of the queues in your scope, critical first",
			Tag: "alerts", Perm: PermView, Resp: []Episode{}, Handle: m.active},
		{Method: "GET", Path: "/alerts/history", Summary: "Alert history (episodes overlapping from–to), newest first", Tag: "alerts",
			Perm: PermView, Resp: httpx.List[Episode]{}, Handle: m.history,
			Query: []api.Param{{Name: "queue_id", Type: "integer"}, {Name: "metric", Type: "string", Desc: "waiting, longest_wait, service_level, abandon_rate"},
				{Name: "level", Type: "string", Desc: "worst level reached: warning or critical"}, {Name: "from", Type: "string", Desc: "RFC 3339"},
				{Name: "to", Type: "string", Desc: "RFC 3339"}, {Name: "limit", Type: "integer"}, {Name: "offset", Type: "integer"}}},
		{Method: "GET", Path: "/alerts/status", Summary: "Each queue's evaluated figures and alert levels (the wallboard's source)",
			Tag: "alerts", Perm: PermView, Resp: []QueueStatus{}, Handle: m.status},
	}
}

func reply(w http.ResponseWriter, v any) error {
	httpx.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (m Routes) ruleSet(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	rs, err := m.Svc.RuleSet(r.Context(), a)
	if err != nil {
		return err
	}
	return reply(w, rs)
}

func (m Routes) setDefaults(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	var in RulesInput
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	rs, err := m.Svc.SetDefaults(r.Context(), a, in)
	if err != nil {
		return err
	}
	return reply(w, rs)
}

func (m Routes) queueRules(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	qr, err := m.Svc.QueueRules(r.Context(), a, id)
	if err != nil {
		return err
	}
	return reply(w, qr)
}

func (m Routes) setQueue(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in RulesInput
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	qr, err := m.Svc.SetQueue(r.Context(), a, id, in)
	if err != nil {
		return err
	}
	return reply(w, qr)
}

func (m Routes) inherit(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := m.Svc.Inherit(r.Context(), a, id, Metric(r.PathValue("metric"))); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (m Routes) active(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	eps, err := m.Svc.Active(r.Context(), a)
	if err != nil {
		return err
	}
	return reply(w, eps)
}

func (m Routes) status(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	st, err := m.Svc.Status(r.Context(), a)
	if err != nil {
		return err
	}
	return reply(w, st)
}

func (m Routes) history(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	pg, err := httpx.ParsePage(r, nil)
	if err != nil {
		return err
	}
	f := Filter{Metric: Metric(r.URL.Query().Get("metric")), Level: Level(r.URL.Query().Get("level")), Limit: pg.Limit, Offset: pg.Offset}
	if f.QueueID, err = httpx.QueryInt64(r, "queue_id"); err != nil {
		return err
	}
	if f.From, err = queryTime(r, "from"); err != nil {
		return err
	}
	if f.To, err = queryTime(r, "to"); err != nil {
		return err
	}
	eps, total, err := m.Svc.History(r.Context(), a, f)
	if err != nil {
		return err
	}
	return reply(w, httpx.List[Episode]{Items: eps, Total: total, Limit: f.Limit, Offset: f.Offset})
}

func queryTime(r *http.Request, name string) (time.Time, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, apperr.Invalid(name, "must be a time like 2026-12-01T09:00:00+08:00")
	}
	return t, nil
}
