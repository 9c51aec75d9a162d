package report_test

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/examples"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/password"
	"github.com/hotline-cc/hotline/internal/pbx"
	"github.com/hotline-cc/hotline/internal/provision"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/report"
	"github.com/hotline-cc/hotline/internal/shift"
	"github.com/hotline-cc/hotline/internal/sim"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

// simulated is two days of the demo call center, simulated, with CRM
// customers among the callers and a center cost for the month.
type simulated struct {
	db     *store.DB
	eng    *report.Engine
	loc    *time.Location
	from   time.Time
	to     time.Time
	users  map[int64][2]int64 // user → team, department
	agents []slowAgent
}

func simulate(t *testing.T, db *store.DB) *simulated {
	ctx := context.Background()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	o := org.NewService(db)
	o.Hasher = password.Fast
	if err := o.SyncBuiltinRoles(ctx); err != nil {
		t.Fatal(err)
	}
	doc, err := provision.Parse("demo.yaml", examples.Demo, func(string) string { return "demo-password-1" })
	if err != nil {
		t.Fatal(err)
	}
	qs := queues.New(db)
	if _, err := provision.Apply(ctx, provision.Deps{DB: db, Org: o, PBX: pbx.NewService(db), Queues: qs, DataDir: t.TempDir()},
		doc, org.System()); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UnixMilli()
	for i := range 40 {
		var id int64
		src, lvl := []string{"web", "referral", "exhibition", ""}[i%4], []string{"A", "B", "C"}[i%3]
		if err := db.QueryRowContext(ctx, `INSERT INTO customers (name, level, source, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $4) RETURNING id`, fmt.Sprintf("客户%d", i), lvl, src, now).Scan(&id); err != nil {
			t.Fatal(err)
		}
		n := fmt.Sprintf("1391000%04d", i)
		if _, err := db.ExecContext(ctx, `INSERT INTO customer_phones (e164, customer_id, national) VALUES ($1, $2, $3)`,
			"+86"+n, id, n); err != nil {
			t.Fatal(err)
		}
	}
	set := report.DefaultSettings()
	set.TimeZone = "Asia/Shanghai"
	if err := report.SaveSettings(ctx, db, org.System(), set); err != nil {
		t.Fatal(err)
	}
	from := time.Date(2025, 3, 3, 0, 0, 0, 0, loc) // a Monday and a Tuesday
	to := from.AddDate(0, 0, 2)
	if _, err := report.SetCost(ctx, db, org.System(), report.Cost{Month: "2025-03", Amount: 155000}); err != nil {
		t.Fatal(err)
	}
	if _, err := sim.Run(ctx, db, o, sim.Options{Config: sim.Config{From: from, To: to, Location: loc, CallsPerDay: 500, Seed: 7},
		Agents: 12, Events: true, Now: func() time.Time { return to.AddDate(0, 1, 0) }}); err != nil {
		t.Fatal(err)
	}
	s := &simulated{db: db, eng: report.New(db, o, qs, nil), loc: loc, from: from, to: to}
	s.users, s.agents = slowPeople(t, ctx, db, loc)
	return s
}

// TestReportsEqualSlowRecount: for simulated traffic, every figure of
// every report below equals the figure the slow implementation recounts
// from the raw events — before the rollups exist (read from the records)
// and after (read from the rollups).
func TestReportsEqualSlowRecount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := simulate(t, db)
		ctx := context.Background()
		calls := slowCalls(t, ctx, db)
		segs := slowSegments(t, ctx, db, s.to)
		shifts, err := shift.Overlapping(ctx, db, s.from, s.to)
		if err != nil {
			t.Fatal(err)
		}
		set, err := s.eng.Settings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		lim := slowQueueLimits(t, ctx, db, set)
		if len(calls) < 800 || len(segs) < 1000 || len(shifts) < 14 {
			t.Fatalf("too little traffic: %d calls, %d agent segments, %d shifts", len(calls), len(segs), len(shifts))
		}
		queries := []report.Query{
			{Interval: report.IntDay},
			{Interval: report.Int60m},
			{Interval: report.IntTotal, GroupBy: report.GroupAgent},
			{Interval: report.IntDay, GroupBy: report.GroupTeam},
			{Interval: report.IntTotal, GroupBy: report.GroupDepartment},
			{Interval: report.IntTotal, GroupBy: report.GroupQueue},
			{Interval: report.IntTotal, GroupBy: report.GroupDirection},
			{Interval: report.IntTotal, GroupBy: report.GroupSource},
			{Interval: report.IntTotal, GroupBy: report.GroupLevel},
			{Interval: report.IntTotal, Levels: []string{"A"}},
		}
		for _, stage := range []string{"records", "rollups"} {
			if stage == "rollups" {
				if err := s.eng.Sync(ctx); err != nil {
					t.Fatal(err)
				}
			}
			compared := 0
			for _, q := range queries {
				q.From, q.To = s.from, s.to
				res, err := s.eng.Report(ctx, org.System(), q)
				if err != nil {
					t.Fatal(err)
				}
				if len(res.Rows) == 0 {
					t.Fatalf("%s %s/%s: no rows", stage, q.Interval, q.GroupBy)
				}
				for _, r := range append(res.Rows, res.Groups...) {
					if r.Hour != nil {
						continue
					}
					sr := s.slowRow(q, r)
					want := sr.figures(calls, segs, shifts, set, lim)
					s.slowCenter(q, r, calls, want)
					if sr.inAgent != nil {
						if v, ok := slowAttendance(sr, segs, shifts, s.loc, daily(q.Interval)); ok {
							want["attendance"] = v
						}
					}
					what := fmt.Sprintf("%s: %s by %s, %s %s", stage, q.Interval, q.GroupBy, r.Start.In(s.loc).Format("01-02 15:04"), r.Label)
					compared += compare(t, what, r.Values, want)
					// The not-ready time per reason adds up to the not-ready
					// time, which the figures above check.
					var reasons int64
					for _, ms := range r.Reasons {
						reasons += ms
					}
					if reasons != r.Agents.NotReadyMS {
						t.Errorf("%s: not-ready time by reason adds up to %d ms, not-ready %d ms", what, reasons, r.Agents.NotReadyMS)
					}
				}
			}
			if compared < 500 {
				t.Errorf("%s: only %d figures compared", stage, compared)
			}
		}
	})
}

// compare checks every figure the slow count has, and that the report has
// none where the slow count has nothing to divide by.
func compare(t *testing.T, what string, got map[string]report.Value, want map[string]float64) int {
	t.Helper()
	n := 0
	for _, k := range []string{"total_calls", "blocked_rate", "queue_placement", "answer_rate", "abandon_rate", "asa", "queue_time",
		"ata", "acw", "aht", "talk_time", "hold_time", "rings", "transfer_rate", "fcr", "csat", "service_level",
		"calls_per_hour", "occupancy", "adherence", "attendance", "cost_per_call", "turnover"} {
		w, has := want[k]
		g := got[k]
		switch {
		case !has && g.OK && g.Note == "":
			t.Errorf("%s: %s = %v, the slow count has no figure", what, k, g.V)
		case has && !g.OK:
			t.Errorf("%s: %s has no figure (%s), the slow count says %v", what, k, g.Note, w)
		case has && math.Abs(g.V-w) > 1e-9*math.Max(1, math.Abs(w)):
			t.Errorf("%s: %s = %.10f, the slow count says %.10f", what, k, g.V, w)
		case has:
			n++
		}
	}
	return n
}

// slowRow is what belongs to a report row, by its grouping.
func (s *simulated) slowRow(q report.Query, r report.Row) slowRow {
	sr := slowRow{from: r.Start, to: r.End}
	id := idOf(r.Group)
	all := func(*slowCall) bool { return true }
	sr.inCall, sr.inLeg = all, func(*slowCall, *slowLeg) bool { return true }
	agentsToo := (q.GroupBy == report.GroupNone || q.GroupBy == report.GroupAgent || q.GroupBy == report.GroupTeam ||
		q.GroupBy == report.GroupDepartment) && len(q.Levels) == 0
	switch q.GroupBy {
	case report.GroupAgent:
		sr.inCall = func(c *slowCall) bool { return c.agent == id }
		sr.inLeg = func(_ *slowCall, l *slowLeg) bool { return l.agent == id }
		sr.inAgent = func(a int64) bool { return a == id }
	case report.GroupTeam:
		sr.inCall = func(c *slowCall) bool { return c.team == id }
		sr.inLeg = func(_ *slowCall, l *slowLeg) bool { return l.team == id }
		sr.inAgent = func(a int64) bool { return s.users[a][0] == id }
	case report.GroupDepartment:
		sr.inCall = func(c *slowCall) bool { return c.dept == id }
		sr.inLeg = func(_ *slowCall, l *slowLeg) bool { return l.dept == id }
		sr.inAgent = func(a int64) bool { return s.users[a][1] == id }
	case report.GroupQueue:
		sr.inCall = func(c *slowCall) bool { return c.queue == r.Group }
		sr.inLeg = func(_ *slowCall, l *slowLeg) bool { return l.queue == r.Group }
	case report.GroupDirection:
		sr.inCall = func(c *slowCall) bool { return c.direction == r.Group }
		sr.inLeg = func(c *slowCall, _ *slowLeg) bool { return c.direction == r.Group }
	case report.GroupSource:
		sr.inCall = func(c *slowCall) bool { return c.source == r.Group }
		sr.inLeg = func(c *slowCall, _ *slowLeg) bool { return c.source == r.Group }
	case report.GroupLevel:
		sr.inCall = func(c *slowCall) bool { return c.level == r.Group }
		sr.inLeg = func(c *slowCall, _ *slowLeg) bool { return c.level == r.Group }
	default:
		sr.inAgent = func(int64) bool { return true }
	}
	if len(q.Levels) > 0 {
		sr.inCall = func(c *slowCall) bool { return has(q.Levels, c.level) }
		sr.inLeg = func(c *slowCall, _ *slowLeg) bool { return has(q.Levels, c.level) }
	}
	if !agentsToo {
		sr.inAgent = nil
	}
	return sr
}

// slowCenter adds the row's cost per call and turnover, recounted.
func (s *simulated) slowCenter(q report.Query, r report.Row, calls []*slowCall, want map[string]float64) {
	g := q.GroupBy
	if len(q.Levels) > 0 || (g != report.GroupNone && g != report.GroupTeam && g != report.GroupDepartment) {
		return
	}
	handled := 0.0
	for _, c := range calls {
		if !c.start.Before(r.Start) && c.start.Before(r.End) && (c.outcome == "answered" || c.outcome == "ivr") {
			handled++
		}
	}
	month := time.Date(2025, 3, 1, 0, 0, 0, 0, s.loc)
	share := float64(r.End.Sub(r.Start)) / float64(month.AddDate(0, 1, 0).Sub(month))
	if handled > 0 && g == report.GroupNone { // only the center's cost is entered
		want["cost_per_call"] = 155000 * share / handled
	}
	if !daily(q.Interval) {
		return
	}
	id := idOf(r.Group)
	d0, d1 := r.Start.In(s.loc).Format(time.DateOnly), r.End.Add(-time.Millisecond).In(s.loc).Format(time.DateOnly)
	var from, to, left float64
	for _, a := range s.agents {
		if (g == report.GroupTeam && s.users[a.id][0] != id) || (g == report.GroupDepartment && s.users[a.id][1] != id) {
			continue
		}
		if a.hired <= d0 && (a.left == "" || a.left >= d0) {
			from++
		}
		if a.hired <= d1 && (a.left == "" || a.left > d1) {
			to++
		}
		if a.left != "" && a.left >= d0 && a.left <= d1 {
			left++
		}
	}
	if from+to > 0 {
		want["turnover"] = left * 100 / ((from + to) / 2)
	}
}

// slowAttendance counts the row's scheduled units — agent-days for rows
// of a day or longer, agent-quarter-hours below — and those with a login
// during their phone time.
func slowAttendance(sr slowRow, segs []slowSegment, shifts []shift.Shift, loc *time.Location, days bool) (float64, bool) {
	type unit struct {
		agent int64
		start time.Time
	}
	sched, attended := map[unit]bool{}, map[unit]bool{}
	unitOf := func(t time.Time) (time.Time, time.Time) {
		if days {
			l := t.In(loc)
			d := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
			return d, d.AddDate(0, 0, 1)
		}
		b := t.Truncate(15 * time.Minute)
		return b, b.Add(15 * time.Minute)
	}
	for _, sh := range shifts {
		if !sr.inAgent(sh.AgentID) {
			continue
		}
		for _, p := range sh.PhoneTime() {
			for at := p.Start; at.Before(p.End); {
				u0, u1 := unitOf(at)
				a0, a1 := maxT(maxT(at, u0), sr.from), minT(minT(p.End, u1), sr.to)
				if a1.After(a0) {
					k := unit{sh.AgentID, u0}
					sched[k] = true
					for _, s := range segs {
						if s.agent == sh.AgentID && s.state != "logged_out" && overlapMS(s.from, s.to, a0, a1) > 0 {
							attended[k] = true
						}
					}
				}
				at = u1
			}
		}
	}
	if len(sched) == 0 {
		return 0, false
	}
	return float64(len(attended)) * 100 / float64(len(sched)), true
}

func maxT(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minT(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func daily(i report.Interval) bool {
	return i == report.IntDay || i == report.IntWeek || i == report.IntMonth || i == report.IntTotal
}

func has(all []string, v string) bool {
	for _, x := range all {
		if x == v {
			return true
		}
	}
	return false
}

// slowAgent is a front-line user's employment (role scope own).
type slowAgent struct {
	id          int64
	hired, left string
}

// slowPeople reads every user's team and department, and the front line's
// employment dates.
func slowPeople(t *testing.T, ctx context.Context, db *store.DB, loc *time.Location) (map[int64][2]int64, []slowAgent) {
	rows, err := db.QueryContext(ctx, `SELECT u.id, COALESCE(u.team_id, 0), COALESCE(u.department_id, 0), COALESCE(u.hire_date, ''),
		COALESCE(u.leave_date, ''), u.created_at, r.data_scope FROM users u JOIN roles r ON r.id = u.role_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	users := map[int64][2]int64{}
	var agents []slowAgent
	for rows.Next() {
		var id, team, dept, created int64
		var hired, left, scope string
		if err := rows.Scan(&id, &team, &dept, &hired, &left, &created, &scope); err != nil {
			t.Fatal(err)
		}
		users[id] = [2]int64{team, dept}
		if scope == "own" {
			if hired == "" {
				hired = time.UnixMilli(created).In(loc).Format(time.DateOnly)
			}
			agents = append(agents, slowAgent{id, hired, left})
		}
	}
	return users, agents
}

// slowQueueLimits reads the queues' own thresholds.
func slowQueueLimits(t *testing.T, ctx context.Context, db *store.DB, set report.Settings) func(string) slowLimits {
	qs, err := queues.New(db).List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	def := slowLimits{int64(set.SLThresholdSec) * 1000, int64(set.ShortAbandonSec) * 1000}
	per := map[string]slowLimits{}
	for _, q := range qs {
		l := def
		if q.ServiceLevelSec > 0 && set.QueueThresholds {
			l.sl = int64(q.ServiceLevelSec) * 1000
		}
		if q.ShortAbandonSec > 0 && set.QueueThresholds {
			l.short = int64(q.ShortAbandonSec) * 1000
		}
		per[q.Name] = l
	}
	return func(q string) slowLimits {
		if l, ok := per[q]; ok {
			return l
		}
		return def
	}
}
