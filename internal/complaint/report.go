package complaint

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// ReportFilter selects the tickets a report counts: registered in
// [Since, Until).
type ReportFilter struct {
	Since, Until time.Time
	DepartmentID int64
	AgentID      int64
}

// Count is a number of tickets (and their penalties) under a key.
type Count struct {
	Key        string `json:"key"`
	N          int    `json:"n"`
	PenaltyFen int64  `json:"penalty_fen"`
}

// AgentRow is the tickets about one agent.
type AgentRow struct {
	AgentID    int64 `json:"agent_id"` // 0: no agent
	Total      int   `json:"total"`
	Liable     int   `json:"liable"`
	PenaltyFen int64 `json:"penalty_fen"`
}

// MonthRow is one month's tickets, or one agent's in a month.
type MonthRow struct {
	Month      time.Time `json:"month"`
	AgentID    int64     `json:"agent_id,omitempty"`
	Total      int       `json:"total"`
	Liable     int       `json:"liable"` // the agent's (or in total: anyone's) liability
	PenaltyFen int64     `json:"penalty_fen"`
}

// Durations is the time from registering to closing of closed tickets.
type Durations struct {
	Closed   int   `json:"closed"`
	MeanMS   int64 `json:"mean_ms"`
	MedianMS int64 `json:"median_ms"`
}

// Report is complaint handling in figures over the tickets registered in
// the range. ByDepartment is by the ticket's (its agent's) department,
// ByResponsible by the department it was last forwarded to ("" never).
// Liability keys are pending, agent, department and none. OverdueTickets
// lists every overdue forward now in scope, whenever it was registered.
type Report struct {
	Since          time.Time   `json:"since"`
	Until          time.Time   `json:"until"`
	Total          int         `json:"total"`
	Open           int         `json:"open"`
	Overdue        int         `json:"overdue"`
	PenaltyFen     int64       `json:"penalty_fen"`
	BySeverity     []Count     `json:"by_severity"`
	ByStatus       []Count     `json:"by_status"`
	ByLiability    []Count     `json:"by_liability"`
	ByDepartment   []Count     `json:"by_department"`
	ByResponsible  []Count     `json:"by_responsible"`
	ByAgent        []AgentRow  `json:"by_agent"`
	Months         []MonthRow  `json:"months"`
	AgentMonths    []MonthRow  `json:"agent_months"` // penalties per agent and month (the agent's liability)
	ToClose        Durations   `json:"to_close"`
	OverdueTickets []Complaint `json:"overdue_tickets"`
}

type row struct {
	createdAt, closedAt, deadline time.Time
	status, severity, liability   string
	penalty                       int64
	agent, dept, resp             int64
}

// Report builds the report over the tickets a may read.
func (s *Service) Report(ctx context.Context, a *org.Actor, f ReportFilter) (*Report, error) {
	now := s.now()
	if f.Until.IsZero() {
		y, m, d := now.In(time.Local).Date()
		f.Until = time.Date(y, m, d+1, 0, 0, 0, 0, time.Local)
	}
	if f.Since.IsZero() {
		f.Since = f.Until.AddDate(0, -3, 0)
	}
	if !f.Since.Before(f.Until) {
		return nil, apperr.Invalid("since", "must be before the end of the range")
	}
	rows, err := s.reportRows(ctx, a, f)
	if err != nil {
		return nil, err
	}
	rep := aggregate(rows, f, now, time.Local)
	if rep.OverdueTickets, _, err = s.List(ctx, a, Filter{Overdue: true, DepartmentID: f.DepartmentID, AgentID: f.AgentID, Limit: 50}); err != nil {
		return nil, err
	}
	return rep, nil
}

func (s *Service) reportRows(ctx context.Context, a *org.Actor, f ReportFilter) ([]row, error) {
	var args store.Args
	cond, err := Filter{Since: f.Since, Until: f.Until, DepartmentID: f.DepartmentID, AgentID: f.AgentID}.where(&args, s.now())
	if err != nil {
		return nil, err
	}
	rs, err := s.DB.QueryContext(ctx, `SELECT c.created_at, c.closed_at, c.deadline_at, c.status, c.severity, c.liability, c.penalty_fen,
		COALESCE(c.agent_id, 0), COALESCE(c.department_id, 0), COALESCE(c.responsible_department_id, 0)
		FROM complaints c WHERE `+visible(a, &args)+cond, args.Values()...)
	if err != nil {
		return nil, fmt.Errorf("complaint: report: %w", err)
	}
	defer rs.Close()
	var out []row
	for rs.Next() {
		var r row
		var created, closed, deadline int64
		if err := rs.Scan(&created, &closed, &deadline, &r.status, &r.severity, &r.liability, &r.penalty, &r.agent, &r.dept, &r.resp); err != nil {
			return nil, err
		}
		r.createdAt, r.closedAt, r.deadline = store.Time(created), store.Time(closed), store.Time(deadline)
		out = append(out, r)
	}
	return out, rs.Err()
}

// tally counts tickets under keys, listing the keys in the order they
// first appear (the given ones first).
type tally struct {
	order []string
	m     map[string]*Count
}

func newTally(keys ...string) *tally {
	t := &tally{m: map[string]*Count{}}
	for _, k := range keys {
		t.get(k)
	}
	return t
}

func (t *tally) get(k string) *Count {
	c := t.m[k]
	if c == nil {
		c = &Count{Key: k}
		t.m[k] = c
		t.order = append(t.order, k)
	}
	return c
}

func (t *tally) add(k string, penalty int64) {
	c := t.get(k)
	c.N++
	c.PenaltyFen += penalty
}

func (t *tally) list(byCount bool) []Count {
	out := make([]Count, 0, len(t.order))
	for _, k := range t.order {
		out = append(out, *t.m[k])
	}
	if byCount {
		sort.SliceStable(out, func(i, j int) bool { return out[i].N > out[j].N })
	}
	return out
}

func idKey(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// aggregate computes the report's figures from the tickets' rows (a pure
// function: the tests feed it hand-made rows). Months start in loc.
func aggregate(rows []row, f ReportFilter, now time.Time, loc *time.Location) *Report {
	rep := &Report{Since: f.Since, Until: f.Until, ByAgent: []AgentRow{}, Months: []MonthRow{}, AgentMonths: []MonthRow{},
		OverdueTickets: []Complaint{}}
	sev, st := newTally(Severities...), newTally(Statuses...)
	liab := newTally("pending", LiabilityAgent, LiabilityDepartment, LiabilityNone)
	dept, resp := newTally(), newTally()
	agents := map[int64]*AgentRow{}
	months := map[int64]*MonthRow{}
	agentMonths := map[[2]int64]*MonthRow{}
	var toClose []time.Duration
	for _, r := range rows {
		rep.Total++
		rep.PenaltyFen += r.penalty
		if r.status != StatusClosed {
			rep.Open++
		} else if !r.closedAt.IsZero() {
			toClose = append(toClose, r.closedAt.Sub(r.createdAt))
		}
		if r.status == StatusForwarded && !r.deadline.IsZero() && r.deadline.Before(now) {
			rep.Overdue++
		}
		sev.add(r.severity, r.penalty)
		st.add(r.status, r.penalty)
		l := r.liability
		if l == LiabilityPending {
			l = "pending"
		}
		liab.add(l, r.penalty)
		dept.add(idKey(r.dept), r.penalty)
		resp.add(idKey(r.resp), r.penalty)
		agentLiable := r.liability == LiabilityAgent
		ag := agents[r.agent]
		if ag == nil {
			ag = &AgentRow{AgentID: r.agent}
			agents[r.agent] = ag
		}
		ag.Total++
		y, m, _ := r.createdAt.In(loc).Date()
		month := time.Date(y, m, 1, 0, 0, 0, 0, loc)
		mr := months[month.UnixMilli()]
		if mr == nil {
			mr = &MonthRow{Month: month}
			months[month.UnixMilli()] = mr
		}
		mr.Total++
		if r.liability == LiabilityAgent || r.liability == LiabilityDepartment {
			mr.Liable++
			mr.PenaltyFen += r.penalty
		}
		if agentLiable {
			ag.Liable++
			ag.PenaltyFen += r.penalty
			key := [2]int64{month.UnixMilli(), r.agent}
			am := agentMonths[key]
			if am == nil {
				am = &MonthRow{Month: month, AgentID: r.agent}
				agentMonths[key] = am
			}
			am.Total++
			am.Liable++
			am.PenaltyFen += r.penalty
		}
	}
	rep.BySeverity, rep.ByStatus, rep.ByLiability = sev.list(false), st.list(false), liab.list(false)
	rep.ByDepartment, rep.ByResponsible = dept.list(true), resp.list(true)
	for _, a := range agents {
		rep.ByAgent = append(rep.ByAgent, *a)
	}
	sort.Slice(rep.ByAgent, func(i, j int) bool {
		a, b := rep.ByAgent[i], rep.ByAgent[j]
		return a.PenaltyFen > b.PenaltyFen || a.PenaltyFen == b.PenaltyFen && (a.Total > b.Total || a.Total == b.Total && a.AgentID < b.AgentID)
	})
	for _, m := range months {
		rep.Months = append(rep.Months, *m)
	}
	sort.Slice(rep.Months, func(i, j int) bool { return rep.Months[i].Month.Before(rep.Months[j].Month) })
	for _, m := range agentMonths {
		rep.AgentMonths = append(rep.AgentMonths, *m)
	}
	sort.Slice(rep.AgentMonths, func(i, j int) bool {
		a, b := rep.AgentMonths[i], rep.AgentMonths[j]
		return a.Month.Before(b.Month) || a.Month.Equal(b.Month) && (a.PenaltyFen > b.PenaltyFen || a.PenaltyFen == b.PenaltyFen && a.AgentID < b.AgentID)
	})
	rep.ToClose = durations(toClose)
	return rep
}

func durations(ds []time.Duration) Durations {
	if len(ds) == 0 {
		return Durations{}
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	var sum time.Duration
	for _, d := range s {
		sum += d
	}
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return Durations{Closed: len(s), MeanMS: (sum / time.Duration(len(s))).Milliseconds(), MedianMS: med.Milliseconds()}
}

// AgentFigures is one agent's complaints in a month, for appraisal.
type AgentFigures struct {
	Complaints int   `json:"complaints"` // tickets about the agent registered in the month
	Liable     int   `json:"liable"`     // of which the agent was held liable
	Minor      int   `json:"minor"`      // liable ones by severity
	General    int   `json:"general"`
	Serious    int   `json:"serious"`
	PenaltyFen int64 `json:"penalty_fen"` // the penalties of the liable ones
}

// AgentMonth returns, per agent, the complaints registered in the month
// holding month (in month's location) and the penalties of those the agent
// was held liable for. It applies no data scope: the caller (appraisal)
// does. Agents without complaints are absent.
func AgentMonth(ctx context.Context, q store.Querier, month time.Time) (map[int64]AgentFigures, error) {
	y, m, _ := month.Date()
	from := time.Date(y, m, 1, 0, 0, 0, 0, month.Location())
	rows, err := q.QueryContext(ctx, `SELECT agent_id, severity, liability, penalty_fen FROM complaints
		WHERE agent_id IS NOT NULL AND created_at >= $1 AND created_at < $2`, from.UnixMilli(), from.AddDate(0, 1, 0).UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("complaint: agent month: %w", err)
	}
	defer rows.Close()
	out := map[int64]AgentFigures{}
	for rows.Next() {
		var agent, penalty int64
		var severity, liability string
		if err := rows.Scan(&agent, &severity, &liability, &penalty); err != nil {
			return nil, err
		}
		f := out[agent]
		f.Complaints++
		if liability == LiabilityAgent {
			f.Liable++
			f.PenaltyFen += penalty
			switch severity {
			case SeverityMinor:
				f.Minor++
			case SeverityGeneral:
				f.General++
			case SeveritySerious:
				f.Serious++
			}
		}
		out[agent] = f
	}
	return out, rows.Err()
}
