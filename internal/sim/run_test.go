package sim_test

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/examples"
	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/password"
	"github.com/hotline-cc/hotline/internal/pbx"
	"github.com/hotline-cc/hotline/internal/provision"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/shift"
	"github.com/hotline-cc/hotline/internal/sim"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

var cst = time.FixedZone("CST", 8*3600)

// demoDB provisions the demo call center (examples/demo.yaml).
func demoDB(t *testing.T, db *store.DB) *org.Service {
	t.Helper()
	ctx := context.Background()
	o := org.NewService(db)
	o.Hasher = password.Fast
	if err := o.SyncBuiltinRoles(ctx); err != nil {
		t.Fatal(err)
	}
	doc, err := provision.Parse("demo.yaml", examples.Demo, func(string) string { return "demo-password-1" })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := provision.Apply(ctx, provision.Deps{DB: db, Org: o, PBX: pbx.NewService(db), Queues: queues.New(db),
		DataDir: t.TempDir()}, doc, org.System()); err != nil {
		t.Fatal(err)
	}
	return o
}

func options(seed uint64) sim.Options {
	from := time.Date(2025, 3, 7, 12, 0, 0, 0, cst) // Friday noon to Saturday noon: two days, one leaver
	return sim.Options{Config: sim.Config{From: from, To: from.AddDate(0, 0, 1), Location: cst, CallsPerDay: 200, Seed: seed},
		Agents: 6, Events: true, Now: func() time.Time { return from.AddDate(0, 1, 0) }}
}

func TestRunWritesRefusesAndReplaces(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := demoDB(t, db)
		opt := options(1)
		var out bytes.Buffer
		opt.Out = &out
		res, err := sim.Run(ctx, db, o, opt)
		if err != nil {
			t.Fatal(err)
		}
		if res.Written.Calls < 120 || res.Written.Events < 10*res.Written.Calls || res.Agents != 6 || res.Created != 6 || res.Leavers != 1 {
			t.Fatalf("result %+v", res)
		}
		if !strings.Contains(out.String(), "simulate: done: ") {
			t.Fatalf("output: %s", out.String())
		}
		first := snapshot(t, db, opt)
		if int64(len(first.cdrs)) != res.Written.Calls {
			t.Fatalf("%d CDRs stored, %d written", len(first.cdrs), res.Written.Calls)
		}
		checkAgents(t, o, opt)
		checkShifts(t, db, opt, res.Shifts)
		var dirty int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM rep_dirty`).Scan(&dirty); err != nil || dirty < 2*96 {
			t.Fatalf("report buckets marked dirty: %d %v", dirty, err)
		}

		// A second run over the period is refused, naming -replace.
		_, err = sim.Run(ctx, db, o, opt)
		if !errors.Is(err, sim.ErrSimulated) || !strings.Contains(err.Error(), "-replace") {
			t.Fatalf("second run: %v", err)
		}
		// With Replace the earlier run goes and the same seed writes the
		// same rows again.
		opt.Replace = true
		res2, err := sim.Run(ctx, db, o, opt)
		if err != nil {
			t.Fatal(err)
		}
		if res2.Created != 0 || len(res2.Replaced) == 0 {
			t.Fatalf("replace run %+v", res2)
		}
		again := snapshot(t, db, opt) // also: nothing of the first run is left over
		if !reflect.DeepEqual(first, again) || res2.Written != res.Written {
			t.Fatalf("the same seed gave other rows: %d and %d CDRs", len(first.cdrs), len(again.cdrs))
		}
		checkAgents(t, o, opt) // the leave date given again, not a second one
	})
}

type rows struct {
	cdrs   []calllog.CDR
	legs   []calllog.Leg
	events []calllog.Event
	agents []calllog.AgentEvent
}

// snapshot reads back what the period holds: every CDR, and the legs and
// events of every tenth call, and the agents' state changes.
func snapshot(t *testing.T, db *store.DB, opt sim.Options) rows {
	t.Helper()
	ctx := context.Background()
	var r rows
	cdrs, _, err := calllog.CDRs(ctx, db, org.Scope{Kind: org.ScopeAll}, calllog.CDRFilter{Since: opt.From, Until: opt.To, Limit: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	r.cdrs = cdrs
	for i := 0; i < len(cdrs); i += 10 {
		legs, err := calllog.Legs(ctx, db, cdrs[i].CallID)
		if err != nil {
			t.Fatal(err)
		}
		r.legs = append(r.legs, legs...)
		evs, err := calllog.Events(ctx, db, cdrs[i].CallID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			e.ID = 0
			r.events = append(r.events, e)
		}
	}
	agents := map[int64]bool{}
	for _, c := range cdrs {
		if c.AgentID != 0 && !agents[c.AgentID] {
			agents[c.AgentID] = true
			evs, err := calllog.AgentEvents(ctx, db, c.AgentID, opt.From, opt.To)
			if err != nil {
				t.Fatal(err)
			}
			checkChain(t, c.AgentID, evs)
			for _, e := range evs {
				e.ID = 0
				r.agents = append(r.agents, e)
			}
		}
	}
	return r
}

func checkChain(t *testing.T, agent int64, evs []calllog.AgentEvent) {
	t.Helper()
	prev := "logged_out"
	for _, e := range evs {
		if e.From != prev || !sim.CanMove(e.From, e.To) {
			t.Fatalf("agent %d: %s → %s after %s", agent, e.From, e.To, prev)
		}
		prev = e.To
	}
	if prev != "logged_out" {
		t.Fatalf("agent %d ends %s", agent, prev)
	}
}

func checkAgents(t *testing.T, o *org.Service, opt sim.Options) {
	t.Helper()
	us, _, err := o.Users(context.Background(), org.System(), org.UserQuery{Search: sim.UsernamePrefix, Limit: 100})
	if err != nil || len(us) != 6 {
		t.Fatalf("simulated users: %d %v", len(us), err)
	}
	teams, err := o.Teams(context.Background(), us[0].DepartmentID)
	if err != nil {
		t.Fatal(err)
	}
	names := map[int64]string{}
	for _, tm := range teams {
		names[tm.ID] = tm.Name
	}
	leavers := 0
	for _, u := range us {
		if u.RoleName == "" || u.Extension == "" || u.HireDate == "" || u.HireDate >= "2025-03-07" || names[u.TeamID] != "模拟一组" {
			t.Fatalf("agent %+v (team %q)", u, names[u.TeamID])
		}
		if u.LeaveDate != "" {
			leavers++
			if u.LeaveDate != "2025-03-08" || u.Active {
				t.Fatalf("leaver %+v", u)
			}
		}
	}
	if leavers != 1 {
		t.Fatalf("%d leavers", leavers)
	}
}

func checkShifts(t *testing.T, db *store.DB, opt sim.Options, n int) {
	t.Helper()
	shs, err := shift.Overlapping(context.Background(), db, opt.From, opt.To)
	if err != nil || len(shs) != n || n == 0 {
		t.Fatalf("shifts: %d stored, %d made, %v", len(shs), n, err)
	}
	acts := 0
	for _, sh := range shs {
		if sh.Source != "simulate" || sh.TeamID == 0 {
			t.Fatalf("shift %+v", sh)
		}
		acts += len(sh.Activities)
	}
	if acts < n {
		t.Fatalf("%d activities in %d shifts", acts, n)
	}
}

func TestRunWithoutQueues(t *testing.T) {
	db := storetest.SQLite(t)
	o := org.NewService(db)
	if err := o.SyncBuiltinRoles(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := sim.Run(context.Background(), db, o, options(1)); !errors.Is(err, sim.ErrNoQueues) {
		t.Fatalf("got %v", err)
	}
}

func TestRunWithoutEvents(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	o := demoDB(t, db)
	opt := options(1)
	opt.Events = false
	res, err := sim.Run(ctx, db, o, opt)
	if err != nil {
		t.Fatal(err)
	}
	var events, cdrs int
	db.QueryRowContext(ctx, `SELECT count(*) FROM call_events`).Scan(&events)
	db.QueryRowContext(ctx, `SELECT count(*) FROM cdrs`).Scan(&cdrs)
	if events != 0 || int64(cdrs) != res.Written.Calls || res.Written.AgentEvents == 0 {
		t.Fatalf("%d events, %d CDRs, result %+v", events, cdrs, res.Written)
	}
}
