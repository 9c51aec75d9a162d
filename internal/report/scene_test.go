package report

import (
	"context"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/password"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/shift"
	"github.com/hotline-cc/hotline/internal/store"
)

// scene is a small call center on a real database for the golden tests:
// department 客服部 with team 一组 (agents A, B, C, D), a supervisor, an
// administrator, and queue support.
type scene struct {
	t       *testing.T
	ctx     context.Context
	db      *store.DB
	org     *org.Service
	log     *calllog.Log
	eng     *Engine
	loc     *time.Location
	day     time.Time // 2026-03-02 00:00 in Asia/Shanghai
	dept    int64
	team    int64
	users   map[string]*org.User
	actors  map[string]*org.Actor
	sysUser *org.Actor
}

func newScene(t *testing.T, db *store.DB) *scene {
	t.Helper()
	ctx := context.Background()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	o := org.NewService(db)
	o.Hasher = password.Fast
	if err := o.SyncBuiltinRoles(ctx); err != nil {
		t.Fatal(err)
	}
	s := &scene{t: t, ctx: ctx, db: db, org: o, loc: loc, day: time.Date(2026, 3, 2, 0, 0, 0, 0, loc),
		users: map[string]*org.User{}, actors: map[string]*org.Actor{}, sysUser: org.System()}
	d, err := o.CreateDepartment(ctx, s.sysUser, org.DepartmentInput{Name: "客服部"})
	if err != nil {
		t.Fatal(err)
	}
	tm, err := o.CreateTeam(ctx, s.sysUser, org.TeamInput{Name: "一组", DepartmentID: d.ID})
	if err != nil {
		t.Fatal(err)
	}
	s.dept, s.team = d.ID, tm.ID
	for _, u := range []struct{ name, role, hired, left string }{
		{"A", org.RoleAgent, "2025-01-01", ""}, {"B", org.RoleAgent, "2025-06-01", ""},
		{"C", org.RoleAgent, "2024-01-01", "2026-03-02"}, {"D", org.RoleAgent, "2025-01-01", ""},
		{"sup", org.RoleSupervisor, "", ""}, {"admin2", org.RoleAdmin, "", ""},
	} {
		r, err := o.RoleByKey(ctx, u.role)
		if err != nil {
			t.Fatal(err)
		}
		in := org.UserInput{Username: "u-" + u.name, DisplayName: "坐席" + u.name, Password: "password-" + u.name, RoleID: r.ID,
			DepartmentID: d.ID, HireDate: u.hired, LeaveDate: u.left}
		if u.role == org.RoleAgent {
			in.TeamID, in.DepartmentID = tm.ID, 0
		}
		usr, err := o.CreateUser(ctx, s.sysUser, in)
		if err != nil {
			t.Fatal(err)
		}
		a, err := o.LoadActor(ctx, usr.ID)
		if err != nil {
			t.Fatal(err)
		}
		s.users[u.name], s.actors[u.name] = usr, a
	}
	qs := queues.New(db)
	if _, err := qs.Save(ctx, s.sysUser, queues.Queue{Queue: acd.Queue{Name: "support", Strategy: acd.LongestIdle},
		DepartmentID: d.ID}); err != nil {
		t.Fatal(err)
	}
	s.eng = New(db, o, qs, nil)
	s.log = calllog.New(db, nil, nil)
	// As the app wires them, before anything is written.
	s.log.OnCDR, s.log.OnAmend = s.eng.ObserveCDR, s.eng.ObserveAmend
	t.Cleanup(func() { s.log.Close() })
	return s
}

// at is a local time of the scene's day, "15:04:05.000".
func (s *scene) at(hms string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05.000", s.day.Format("2006-01-02")+" "+hms, s.loc)
	if err != nil {
		t, err = time.ParseInLocation("2006-01-02 15:04:05", s.day.Format("2006-01-02")+" "+hms, s.loc)
	}
	if err != nil {
		s.t.Fatal(err)
	}
	return t
}

// ev is one event of a call: at (local time), type, agent name, data.
type ev struct {
	at    string
	typ   calllog.Type
	agent string
	data  calllog.Data
}

// call appends a call's events in order; queue support is set on the
// events after queue.entered.
func (s *scene) call(id string, evs ...ev) {
	queued := false
	for _, e := range evs {
		out := calllog.Event{CallID: id, At: s.at(e.at), Type: e.typ, Data: e.data, Leg: "caller"}
		if e.typ == calllog.QueueEntered {
			queued = true
			out.Data.DeptID = s.dept
		}
		if queued {
			out.Queue = "support"
		}
		if e.agent != "" {
			u := s.users[e.agent]
			out.AgentID, out.Leg = u.ID, "agent:"+e.agent
			if e.typ == calllog.QueueOffer || e.typ == calllog.AgentAnswered {
				out.Data.TeamID, out.Data.DeptID = u.TeamID, s.dept
			}
		}
		if e.typ == calllog.CallRated {
			if _, err := calllog.SaveRating(s.ctx, s.db, calllog.Rating{CallID: id, At: out.At, Score: e.data.Score,
				Scale: e.data.Scale, Queue: "support", AgentID: out.AgentID}); err != nil {
				s.t.Fatal(err)
			}
		}
		s.log.Append(s.ctx, out)
	}
}

// states appends an agent's state changes: pairs of (local time, "to" or
// "to/reason").
func (s *scene) states(agent string, steps ...string) {
	from := "logged_out"
	for i := 0; i < len(steps); i += 2 {
		to, reason, _ := cut(steps[i+1])
		s.log.AppendAgent(s.ctx, calllog.AgentEvent{AgentID: s.users[agent].ID, At: s.at(steps[i]), From: from, To: to, Reason: reason})
		from = to
	}
}

func cut(s string) (string, string, bool) {
	for i := range s {
		if s[i] == '/' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func (s *scene) shift(agent, from, to string, acts ...shift.Activity) {
	u := s.users[agent]
	if err := shift.InsertMany(s.ctx, s.db, []shift.Shift{{AgentID: u.ID, TeamID: u.TeamID, DepartmentID: s.dept,
		Start: s.at(from), End: s.at(to), Activities: acts, Source: "manual"}}); err != nil {
		s.t.Fatal(err)
	}
}

// done flushes the log and marks the day for the rollups, as a bulk
// writer must.
func (s *scene) done() {
	if err := s.log.Flush(s.ctx); err != nil {
		s.t.Fatal(err)
	}
	if err := Invalidate(s.ctx, s.db, s.day, s.day.AddDate(0, 0, 1)); err != nil {
		s.t.Fatal(err)
	}
}
