package satisfactionui

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/satisfaction"
	"github.com/hotline-cc/hotline/internal/web"
)

const perPage = 25

// queueFilter is the review queue's filters as given in the query.
type queueFilter struct {
	Status   string
	Agent    int64
	Queue    string
	From, To string // dates, inclusive
	Overdue  bool
	Mine     bool // assigned to my (after-sales) team
}

type queueView struct {
	Rows     []caseRow
	Pager    web.Pager
	F        queueFilter
	Statuses []strOpt
	Agents   []web.Option
	Queues   []string
	HasTeam  bool
	CSAT     csatLinks
}

type caseRow struct {
	satisfaction.Case
	Agent, Team, Reason, CallbackTeam string
}

// csatLinks point at the report module's CSAT (its report page at
// /reports, grouped by agent and by queue, per day) for the same dates.
type csatLinks struct {
	Show                    bool
	ByAgent, ByQueue, ByDay string
}

func newCSAT(a *org.Actor, from, to string) csatLinks {
	if !a.Can(org.P("reports", "view")) {
		return csatLinks{}
	}
	q := url.Values{}
	if from != "" {
		q.Set("from", from)
	}
	if to != "" {
		q.Set("to", to)
	}
	if from == "" && to == "" {
		q.Set("period", "this_month") // the report page's own preset; it shows today otherwise
	}
	link := func(k, v string) string {
		c := url.Values{}
		for key, vs := range q {
			c[key] = vs
		}
		c.Set(k, v)
		return "/reports?" + c.Encode()
	}
	return csatLinks{Show: true, ByAgent: link("group_by", "agent"), ByQueue: link("group_by", "queue"), ByDay: link("interval", "day")}
}

func readQueueFilter(r *http.Request) (queueFilter, satisfaction.Filter) {
	q := r.URL.Query()
	f := queueFilter{Status: q.Get("status"), Agent: queryID(r, "agent_id"), Queue: strings.TrimSpace(q.Get("queue")),
		From: q.Get("from"), To: q.Get("to"), Overdue: q.Get("overdue") == "1", Mine: q.Get("mine") == "1"}
	sf := satisfaction.Filter{AgentID: f.Agent, Queue: f.Queue, Overdue: f.Overdue}
	if isStatus(f.Status) {
		sf.Status = f.Status
	} else {
		f.Status = ""
	}
	if t, err := time.ParseInLocation(time.DateOnly, f.From, time.Local); err == nil {
		sf.Since = t
	} else {
		f.From = ""
	}
	if t, err := time.ParseInLocation(time.DateOnly, f.To, time.Local); err == nil {
		sf.Until = t.AddDate(0, 0, 1)
	} else {
		f.To = ""
	}
	return f, sf
}

func isStatus(s string) bool {
	for _, st := range satisfaction.Statuses {
		if st == s {
			return true
		}
	}
	return false
}

func (u *UI) queue(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
	f, sf := readQueueFilter(r)
	if f.Mine && a.Scope.TeamID != 0 {
		sf.CallbackTeamID = a.Scope.TeamID
	}
	sf.Limit, sf.Offset = perPage, web.PageOffset(r, perPage)
	cases, total, err := u.Svc.Cases(r.Context(), a, sf)
	if err != nil {
		return err
	}
	ids := []int64{}
	for _, c := range cases {
		ids = append(ids, c.AgentID)
	}
	n, err := u.lookup(r.Context(), ids...)
	if err != nil {
		return err
	}
	reasons, _, err := u.reasonNames(r.Context(), web.Lang(r))
	if err != nil {
		return err
	}
	v := &queueView{Pager: web.NewPager(r, total, perPage), F: f, HasTeam: a.Scope.TeamID != 0, CSAT: newCSAT(a, f.From, f.To)}
	for _, c := range cases {
		v.Rows = append(v.Rows, caseRow{Case: c, Agent: n.User(c.AgentID), Team: n.Team(c.TeamID), Reason: reasons[c.ReasonID],
			CallbackTeam: n.Team(c.CallbackTeamID)})
	}
	for _, st := range satisfaction.Statuses {
		v.Statuses = append(v.Statuses, strOpt{Value: st, Label: u.UI.T(r, "satisfaction.status."+st)})
	}
	if v.Agents, err = u.agents(r, a); err != nil {
		return err
	}
	if v.Queues, err = u.queues(r); err != nil {
		return err
	}
	u.UI.Render(w, r, "satisfaction_queue", v)
	return nil
}

// agents are the users in a's scope, for the agent filter.
func (u *UI) agents(r *http.Request, a *org.Actor) ([]web.Option, error) {
	active := true
	us, _, err := u.Org.Users(r.Context(), a, org.UserQuery{Active: &active, Sort: "display_name", Limit: 1000})
	if err != nil {
		return nil, err
	}
	out := make([]web.Option, 0, len(us))
	for _, x := range us {
		out = append(out, web.Option{Value: x.ID, Label: x.DisplayName})
	}
	return out, nil
}

// queues are the queue names that cases have, for the queue filter.
func (u *UI) queues(r *http.Request) ([]string, error) {
	rows, err := u.Svc.DB.QueryContext(r.Context(), `SELECT DISTINCT queue FROM sat_cases WHERE queue <> '' ORDER BY queue`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var q string
		if err := rows.Scan(&q); err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, rows.Err()
}
