package report

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/hotline-cc/hotline/internal/api"
	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/httpx"
	"github.com/hotline-cc/hotline/internal/org"
)

// MetricInfo is a metric with its target under the settings in force.
type MetricInfo struct {
	Metric
	Target Band `json:"target"`
}

// Status says how far the rollups are behind the records.
type Status struct {
	DirtyCallBuckets  int       `json:"dirty_call_buckets"`
	DirtyAgentBuckets int       `json:"dirty_agent_buckets"`
	AgentsUntil       time.Time `json:"agents_until"`
}

// Routes are the report endpoints.
func (e *Engine) Routes() []api.Route {
	view, manage := org.P("reports", "view"), org.P("reports", "manage")
	return []api.Route{
		{Method: "GET", Path: "/reports", Summary: "An operating report (the 23 metrics) in your data scope", Tag: "reports", Perm: view,
			Resp: Result{}, Query: []api.Param{param("from", "string", "date (inclusive) or RFC 3339"), param("to", "string", "date (inclusive) or RFC 3339"),
				param("interval", "string", "15m, 30m, 60m, day, week, month, total, hour_of_day"),
				param("group_by", "string", "queue, agent, team, department, direction, number, campaign, source, level"),
				param("queue", "string", "repeatable"), param("agent_id", "integer", "repeatable"), param("team_id", "integer", "repeatable"),
				param("department_id", "integer", "repeatable"), param("direction", "string", ""), param("source", "string", "customer source"),
				param("level", "string", "customer level"), param("custom.KEY", "string", "customer custom field")},
			Handle: e.handleReport},
		{Method: "GET", Path: "/reports/metrics", Summary: "The metrics: definitions, units and targets", Tag: "reports", Perm: view,
			Resp: []MetricInfo{}, Handle: e.handleMetrics},
		{Method: "GET", Path: "/reports/settings", Summary: "How the metrics are defined here (service-level variant, windows)",
			Tag: "reports", Perm: view, Resp: Settings{}, Handle: e.handleSettings},
		{Method: "PUT", Path: "/reports/settings", Summary: "Change the metric definitions and targets (recomputes the rollups)",
			Tag: "reports", Perm: manage, Body: Settings{}, Resp: Settings{}, Handle: e.handleSaveSettings},
		{Method: "GET", Path: "/reports/status", Summary: "How far the rollups are behind", Tag: "reports", Perm: view,
			Resp: Status{}, Handle: e.handleStatus},
		{Method: "POST", Path: "/reports/rebuild", Summary: "Recompute every rollup from the records", Tag: "reports", Perm: manage,
			Status: 202, Handle: func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
				if err := e.Rebuild(r.Context()); err != nil {
					return err
				}
				w.WriteHeader(http.StatusAccepted)
				return nil
			}},
		{Method: "GET", Path: "/reports/costs", Summary: "Center cost per month (for cost per call)", Tag: "reports", Perm: view,
			Resp: []Cost{}, Query: []api.Param{param("from", "string", "YYYY-MM"), param("to", "string", "YYYY-MM")}, Handle: e.handleCosts},
		{Method: "PUT", Path: "/reports/costs/{month}", Summary: "Enter a month's cost (department_id 0: the whole center)",
			Tag: "reports", Perm: manage, Body: Cost{}, Resp: Cost{}, Handle: e.handleSetCost},
		{Method: "DELETE", Path: "/reports/costs/{month}", Summary: "Remove a month's cost entry", Tag: "reports", Perm: manage,
			Status: 204, Query: []api.Param{param("department_id", "integer", "0: the whole center")}, Handle: e.handleDeleteCost},
	}
}

func (e *Engine) handleReport(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	s, err := e.Settings(r.Context())
	if err != nil {
		return err
	}
	q, err := ParseQuery(r, s.Location())
	if err != nil {
		return err
	}
	res, err := e.Report(r.Context(), a, q)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, res)
	return nil
}

func (e *Engine) handleMetrics(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	s, err := e.Settings(r.Context())
	if err != nil {
		return err
	}
	out := make([]MetricInfo, len(Metrics))
	for i, m := range Metrics {
		out[i] = MetricInfo{Metric: m, Target: m.Target(s)}
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (e *Engine) handleSettings(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	s, err := e.Settings(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, s)
	return nil
}

func (e *Engine) handleSaveSettings(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	var s Settings
	if err := httpx.Decode(w, r, &s); err != nil {
		return err
	}
	if err := e.SaveSettings(r.Context(), a, s); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, s)
	return nil
}

// SaveSettings stores new settings and recomputes the rollups they change.
func (e *Engine) SaveSettings(ctx context.Context, a *org.Actor, s Settings) error {
	if err := SaveSettings(ctx, e.DB, a, s); err != nil {
		return err
	}
	if err := e.checkKey(ctx); err != nil {
		return err
	}
	e.wake()
	return nil
}

func (e *Engine) handleStatus(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	var st Status
	ctx := r.Context()
	if err := e.DB.QueryRowContext(ctx, `SELECT count(*) FROM rep_dirty WHERE kind = $1`, DirtyCalls).Scan(&st.DirtyCallBuckets); err != nil {
		return err
	}
	if err := e.DB.QueryRowContext(ctx, `SELECT count(*) FROM rep_dirty WHERE kind = $1`, DirtyAgents).Scan(&st.DirtyAgentBuckets); err != nil {
		return err
	}
	until, _, err := stateInt(ctx, e.DB, stateAgentsUntil)
	if err != nil {
		return err
	}
	st.AgentsUntil = time.UnixMilli(until).UTC()
	httpx.WriteJSON(w, http.StatusOK, st)
	return nil
}

func (e *Engine) handleCosts(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	from, to := r.URL.Query().Get("from"), r.URL.Query().Get("to")
	if from == "" {
		from = "0000-01"
	}
	if to == "" {
		to = "9999-12"
	}
	cs, err := Costs(r.Context(), e.DB, a, from, to)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, cs)
	return nil
}

func (e *Engine) handleSetCost(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	var c Cost
	if err := httpx.Decode(w, r, &c); err != nil {
		return err
	}
	c.Month = r.PathValue("month")
	out, err := SetCost(r.Context(), e.DB, a, c)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (e *Engine) handleDeleteCost(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	var dept int64
	if v := r.URL.Query().Get("department_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return apperr.Invalid("department_id", "must be a department's number, or 0 for the center")
		}
		dept = n
	}
	if err := DeleteCost(r.Context(), e.DB, a, r.PathValue("month"), dept); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func param(name, typ, desc string) api.Param { return api.Param{Name: name, Type: typ, Desc: desc} }
