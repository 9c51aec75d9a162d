package satisfaction

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
)

// Report periods.
const (
	PeriodDay   = "day"
	PeriodWeek  = "week" // from Monday
	PeriodMonth = "month"
)

// ReportFilter selects the cases a report counts: rated in [Since, Until).
type ReportFilter struct {
	Since, Until time.Time
	Period       string // day (default), week, month
	AgentID      int64
	TeamID       int64
	Queue        string
}

// Count is a number of cases under a key (a status, a reason ID).
type Count struct {
	Key string `json:"key"`
	N   int    `json:"n"`
}

// GroupRow is the cases of one agent or team.
type GroupRow struct {
	ID      int64 `json:"id"` // 0: none (a rating without an agent)
	Total   int   `json:"total"`
	Open    int   `json:"open"`
	Closed  int   `json:"closed"`
	Overdue int   `json:"overdue"`
}

// Durations is the time from the rating to the closing of closed cases.
type Durations struct {
	Closed   int   `json:"closed"`
	MeanMS   int64 `json:"mean_ms"`
	MedianMS int64 `json:"median_ms"`
}

// PeriodRow is the cases rated in one period.
type PeriodRow struct {
	Start  time.Time `json:"start"`
	Opened int       `json:"opened"`
	Durations
}

// Report is the review process in figures: over the cases rated in the
// range, by status, reason (the final one of closed cases, the review's
// of open ones; "" not reviewed yet), agent and team, how many call-backs
// are overdue, and how long cases take from the rating to closing, in
// total and per period. OverdueCases lists every overdue call-back now in
// scope, whenever it was rated.
type Report struct {
	Since        time.Time   `json:"since"`
	Until        time.Time   `json:"until"`
	Period       string      `json:"period"`
	Total        int         `json:"total"`
	Open         int         `json:"open"`
	Overdue      int         `json:"overdue"`
	ByStatus     []Count     `json:"by_status"`
	ByReason     []Count     `json:"by_reason"`
	ByAgent      []GroupRow  `json:"by_agent"`
	ByTeam       []GroupRow  `json:"by_team"`
	ToClose      Durations   `json:"to_close"`
	Periods      []PeriodRow `json:"periods"`
	OverdueCases []Case      `json:"overdue_cases"`
}

// row is what the report needs of one case.
type row struct {
	ratedAt, dueAt, closedAt time.Time
	status                   string
	reasonID, agentID        int64
	teamID                   int64
}

// Report builds the report over the cases a may read.
func (s *Service) Report(ctx context.Context, a *org.Actor, f ReportFilter) (*Report, error) {
	if err := f.normalize(s.now()); err != nil {
		return nil, err
	}
	if _, err := s.PickUp(ctx); err != nil {
		return nil, err
	}
	rows, err := s.reportRows(ctx, a, f)
	if err != nil {
		return nil, err
	}
	rep := aggregate(rows, f, s.now(), time.Local)
	over, _, err := s.Cases(ctx, a, Filter{Overdue: true, AgentID: f.AgentID, TeamID: f.TeamID, Queue: f.Queue, Limit: 50})
	if err != nil {
		return nil, err
	}
	rep.OverdueCases = over
	return rep, nil
}

func (f *ReportFilter) normalize(now time.Time) error {
	if f.Period == "" {
		f.Period = PeriodDay
	}
	if !oneOf(f.Period, []string{PeriodDay, PeriodWeek, PeriodMonth}) {
		return apperr.Invalid("period", "must be day, week or month")
	}
	if f.Until.IsZero() {
		y, m, d := now.In(time.Local).Date()
		f.Until = time.Date(y, m, d+1, 0, 0, 0, 0, time.Local)
	}
	if f.Since.IsZero() {
		f.Since = f.Until.AddDate(0, 0, -30)
	}
	if !f.Since.Before(f.Until) {
		return apperr.Invalid("from", "must be before the end of the range")
	}
	if f.Until.Sub(f.Since) > 3*366*24*time.Hour {
		return apperr.Invalid("from", "the range may span at most three years")
	}
	return nil
}

func (s *Service) reportRows(ctx context.Context, a *org.Actor, f ReportFilter) ([]row, error) {
	var args store.Args
	cond, err := Filter{AgentID: f.AgentID, TeamID: f.TeamID, Queue: f.Queue, Since: f.Since, Until: f.Until}.where(&args, s.now())
	if err != nil {
		return nil, err
	}
	q := `SELECT c.rated_at, c.callback_due_at, c.closed_at, c.status, COALESCE(c.reason_id, 0), COALESCE(c.agent_id, 0),
		COALESCE(c.team_id, 0) FROM sat_cases c WHERE ` + visible(a, &args) + cond
	rs, err := s.DB.QueryContext(ctx, q, args.Values()...)
	if err != nil {
		return nil, fmt.Errorf("satisfaction: report: %w", err)
	}
	defer rs.Close()
	var out []row
	for rs.Next() {
		var r row
		var rated, due, closed int64
		if err := rs.Scan(&rated, &due, &closed, &r.status, &r.reasonID, &r.agentID, &r.teamID); err != nil {
			return nil, err
		}
		r.ratedAt, r.dueAt, r.closedAt = store.Time(rated), store.Time(due), store.Time(closed)
		out = append(out, r)
	}
	return out, rs.Err()
}

// aggregate computes the report's figures from the cases' rows (a pure
// function: the tests feed it hand-made rows). Periods start in loc.
func aggregate(rows []row, f ReportFilter, now time.Time, loc *time.Location) *Report {
	rep := &Report{Since: f.Since, Until: f.Until, Period: f.Period, ByStatus: []Count{}, ByReason: []Count{},
		ByAgent: []GroupRow{}, ByTeam: []GroupRow{}, Periods: []PeriodRow{}, OverdueCases: []Case{}}
	status := map[string]int{}
	reason := map[int64]int{}
	agents, teams := map[int64]*GroupRow{}, map[int64]*GroupRow{}
	var all []time.Duration
	periods := map[int64][]time.Duration{} // by the period's start, in ms
	opened := map[int64]int{}
	for _, r := range rows {
		rep.Total++
		status[r.status]++
		reason[r.reasonID]++
		overdue := r.status == StatusAssigned && !r.dueAt.IsZero() && r.dueAt.Before(now)
		if r.status != StatusClosed {
			rep.Open++
		}
		if overdue {
			rep.Overdue++
		}
		group(agents, r.agentID, r.status, overdue)
		group(teams, r.teamID, r.status, overdue)
		p := periodStart(r.ratedAt, f.Period, loc).UnixMilli()
		opened[p]++
		if r.status == StatusClosed && !r.closedAt.IsZero() {
			d := r.closedAt.Sub(r.ratedAt)
			all = append(all, d)
			periods[p] = append(periods[p], d)
		}
	}
	for _, st := range Statuses {
		rep.ByStatus = append(rep.ByStatus, Count{Key: st, N: status[st]})
	}
	for id, n := range reason {
		key := ""
		if id != 0 {
			key = fmt.Sprint(id)
		}
		rep.ByReason = append(rep.ByReason, Count{Key: key, N: n})
	}
	sort.Slice(rep.ByReason, func(i, j int) bool {
		a, b := rep.ByReason[i], rep.ByReason[j]
		return a.N > b.N || a.N == b.N && a.Key < b.Key
	})
	rep.ByAgent, rep.ByTeam = sortedGroups(agents), sortedGroups(teams)
	rep.ToClose = durations(all)
	for p := periodStart(f.Since, f.Period, loc); p.Before(f.Until); p = nextPeriod(p, f.Period) {
		ms := p.UnixMilli()
		rep.Periods = append(rep.Periods, PeriodRow{Start: p, Opened: opened[ms], Durations: durations(periods[ms])})
	}
	return rep
}

func group(m map[int64]*GroupRow, id int64, status string, overdue bool) {
	g := m[id]
	if g == nil {
		g = &GroupRow{ID: id}
		m[id] = g
	}
	g.Total++
	if status == StatusClosed {
		g.Closed++
	} else {
		g.Open++
	}
	if overdue {
		g.Overdue++
	}
}

func sortedGroups(m map[int64]*GroupRow) []GroupRow {
	out := make([]GroupRow, 0, len(m))
	for _, g := range m {
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Total > out[j].Total || out[i].Total == out[j].Total && out[i].ID < out[j].ID
	})
	return out
}

// durations gives the count, mean and median (the mean of the two middle
// values for an even count) of ds.
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

func periodStart(t time.Time, period string, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	switch period {
	case PeriodMonth:
		return time.Date(y, m, 1, 0, 0, 0, 0, loc)
	case PeriodWeek:
		day := time.Date(y, m, d, 0, 0, 0, 0, loc)
		return day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
	}
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

func nextPeriod(p time.Time, period string) time.Time {
	switch period {
	case PeriodMonth:
		return p.AddDate(0, 1, 0)
	case PeriodWeek:
		return p.AddDate(0, 0, 7)
	}
	return p.AddDate(0, 0, 1)
}
