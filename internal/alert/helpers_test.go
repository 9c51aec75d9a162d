package alert_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/alert"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/password"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/store"
)

// clock is a settable time shared by the ACD engine and the evaluator.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// notice is an event the service published.
type notice struct {
	subject, typ string
	payload      alert.Notice
}

// world is a call center on one database: departments A and B with a
// queue each (sales in A, support in B), a real ACD engine kept in step by
// the queue store, the alert service, and users of every kind of scope.
type world struct {
	t       *testing.T
	ctx     context.Context
	db      *store.DB
	org     *org.Service
	queues  *queues.Service
	acd     *acd.Engine
	svc     *alert.Service
	clock   *clock
	mu      sync.Mutex
	notices []notice
	deptA   int64
	deptB   int64
	sales   *queues.Queue
	support *queues.Queue
	actors  map[string]*org.Actor
	calls   int
}

func newWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{t: t, ctx: ctx, db: db, clock: &clock{t: time.Now().Truncate(time.Second)}, actors: map[string]*org.Actor{}}
	w.org = org.NewService(db)
	w.org.Hasher = password.Fast
	if err := w.org.SyncBuiltinRoles(ctx); err != nil {
		t.Fatal(err)
	}
	sys := org.System()
	a, err := w.org.CreateDepartment(ctx, sys, org.DepartmentInput{Name: "A"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := w.org.CreateDepartment(ctx, sys, org.DepartmentInput{Name: "B"})
	if err != nil {
		t.Fatal(err)
	}
	w.deptA, w.deptB = a.ID, b.ID
	teamA, err := w.org.CreateTeam(ctx, sys, org.TeamInput{Name: "TA", DepartmentID: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	w.acd = acd.New(w.clock, nil, acd.Options{Logger: quiet})
	w.queues = queues.New(db)
	w.queues.Engine = w.acd
	w.sales = w.queue("sales", a.ID)
	w.support = w.queue("support", b.ID)
	w.svc = alert.New(alert.Deps{DB: db, Org: w.org, Queues: w.queues, ACD: w.acd, Log: quiet,
		Notify: func(_ context.Context, subject, typ string, payload any) {
			w.mu.Lock()
			w.notices = append(w.notices, notice{subject, typ, payload.(alert.Notice)})
			w.mu.Unlock()
		}})
	w.svc.Eval.Now = w.clock.Now
	w.user("admin-1", org.RoleAdmin, 0, 0)
	w.user("sup-a", org.RoleSupervisor, a.ID, 0)
	w.user("sup-b", org.RoleSupervisor, b.ID, 0)
	w.user("lead-a", org.RoleTeamLeader, a.ID, teamA.ID)
	w.user("agent-a", org.RoleAgent, a.ID, teamA.ID)
	return w
}

func (w *world) queue(name string, dept int64) *queues.Queue {
	w.t.Helper()
	q, err := w.queues.Save(w.ctx, org.System(), queues.Queue{Queue: acd.Queue{Name: name}, DepartmentID: dept})
	if err != nil {
		w.t.Fatal(err)
	}
	return q
}

func (w *world) user(name, role string, dept, team int64) {
	w.t.Helper()
	r, err := w.org.RoleByKey(w.ctx, role)
	if err != nil {
		w.t.Fatal(err)
	}
	u, err := w.org.CreateUser(w.ctx, org.System(), org.UserInput{Username: name, DisplayName: name, Password: "password-123456",
		RoleID: r.ID, DepartmentID: dept, TeamID: team})
	if err != nil {
		w.t.Fatalf("user %s: %v", name, err)
	}
	a, err := w.org.LoadActor(w.ctx, u.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	w.actors[name] = a
}

// enqueue puts n callers into a queue of the ACD.
func (w *world) enqueue(q *queues.Queue, n int) []string {
	w.t.Helper()
	var ids []string
	for i := 0; i < n; i++ {
		w.calls++
		id := "call-" + q.Name + "-" + itoa(w.calls)
		if _, err := w.acd.Enqueue(acd.WaitingCall{ID: id, QueueID: q.ID, Caller: "13800138000"}); err != nil {
			w.t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func (w *world) hangUp(ids ...string) {
	w.t.Helper()
	for _, id := range ids {
		if _, err := w.acd.Abandon(id); err != nil {
			w.t.Fatal(err)
		}
	}
}

// evaluate advances the clock by d and runs one evaluation.
func (w *world) evaluate(d time.Duration) {
	w.t.Helper()
	w.clock.add(d)
	if err := w.svc.Eval.Evaluate(w.ctx); err != nil {
		w.t.Fatal(err)
	}
}

// setRule gives a queue its own rule for a metric, as the administrator.
func (w *world) setRule(q *queues.Queue, r alert.RuleInput) {
	w.t.Helper()
	if _, err := w.svc.SetQueue(w.ctx, w.actors["admin-1"], q.ID, alert.RulesInput{Rules: []alert.RuleInput{r}}); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) active(who string) []alert.Episode {
	w.t.Helper()
	eps, err := w.svc.Active(w.ctx, w.actors[who])
	if err != nil {
		w.t.Fatal(err)
	}
	return eps
}

func (w *world) history(who string, f alert.Filter) ([]alert.Episode, int) {
	w.t.Helper()
	eps, n, err := w.svc.History(w.ctx, w.actors[who], f)
	if err != nil {
		w.t.Fatal(err)
	}
	return eps, n
}

func (w *world) noticeTypes() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for _, n := range w.notices {
		out = append(out, n.typ)
	}
	return out
}

// insertCDR stores a finished call of a queue that started at.
func (w *world) insertCDR(queue, outcome string, at time.Time, wait time.Duration) {
	w.t.Helper()
	w.calls++
	if _, err := w.db.ExecContext(w.ctx, `INSERT INTO cdrs (call_id, direction, started_at, outcome, queue, wait_ms)
		VALUES ($1, 'inbound', $2, $3, $4, $5)`, "cdr-"+itoa(w.calls), at.UnixMilli(), outcome, queue, wait.Milliseconds()); err != nil {
		w.t.Fatal(err)
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

// waitingRule alerts above warn callers waiting, at once.
func waitingRule(warn, crit float64) alert.RuleInput {
	return alert.RuleInput{Metric: alert.MetricWaiting, Enabled: true, Warning: warn, Critical: crit}
}
