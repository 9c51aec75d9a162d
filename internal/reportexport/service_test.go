package reportexport

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/report"
)

// svcEnv is a Service on a fixture, with a clock the test moves. Its
// workers do not run: the test runs the queue with runNext.
type svcEnv struct {
	*fixture
	svc *Service
	now time.Time
}

func newSvcEnv(t testing.TB, f *fixture) *svcEnv {
	e := &svcEnv{fixture: f, now: time.Now()}
	e.svc = New(Deps{DB: f.db, Org: f.org, Reports: f.eng, Dir: filepath.Join(t.TempDir(), "exports"), Node: "node-a"})
	e.svc.SetClock(func() time.Time { return e.now })
	if err := e.svc.Start(e.ctx); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *svcEnv) create(who string, q report.Query, format, lang string) *Job {
	e.t.Helper()
	j, err := e.svc.Create(e.ctx, e.actors[who], q, "from=2026-03-01&to=2026-03-31", format, lang)
	if err != nil {
		e.t.Fatal(err)
	}
	return j
}

// drain runs queued jobs until none is left.
func (e *svcEnv) drain() {
	for e.svc.runNext(e.ctx) {
	}
}

func (e *svcEnv) get(who string, id int64) *Job {
	e.t.Helper()
	j, err := e.svc.Get(e.ctx, e.actors[who], id)
	if err != nil {
		e.t.Fatal(err)
	}
	return j
}

// servicePhases runs the service on the fixture's database — a Service of
// its own, node-a, whose jobs the app's workers leave alone; its queue
// runs when a phase drains it — in phases that build on each other (the
// last one moves the clock).
func servicePhases(t *testing.T, f *fixture) {
	e := newSvcEnv(t, f)
	for _, p := range []struct {
		name string
		fn   func(*testing.T, *svcEnv)
	}{{"round trip", func(t *testing.T, e *svcEnv) { roundTrip(t, e.fixture) }}, {"job as its user", jobAsItsUser},
		{"failures", jobFailures}, {"queue rules", queueRules}, {"retention", retention}} {
		if !t.Run(p.name, func(t *testing.T) { e.t = t; p.fn(t, e) }) {
			return
		}
	}
}

// jobAsItsUser exports a month as the team leader: the job goes
// from queued to done, the file holds the leader's report (their scope),
// the audit says who exported what, and nobody else sees the job.
func jobAsItsUser(t *testing.T, e *svcEnv) {
	db := e.db
	j := e.create("lead-a", e.month(report.GroupAgent), "xlsx", LangZH)
	if j.Status != StatusQueued || j.Progress != 0 || j.FileName != "话务报表_2026-03-01_2026-03-31.xlsx" || j.FinishedAt != nil {
		t.Fatalf("new job %+v", j)
	}
	e.drain()
	j = e.get("lead-a", j.ID)
	if j.Status != StatusDone || j.Progress != 100 || j.Size == 0 || j.Error != "" || j.DownloadURL != "/api/v1/reports/exports/"+strconv.FormatInt(j.ID, 10)+"/file" ||
		j.ExpiresAt == nil || !j.ExpiresAt.Equal(j.FinishedAt.Add(DefaultRetention)) {
		t.Fatalf("finished job %+v", j)
	}
	data, err := os.ReadFile(filepath.Join(e.svc.Dir, j.path))
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.eng.Report(e.ctx, e.actors["lead-a"], e.month(report.GroupAgent))
	if err != nil {
		t.Fatal(err)
	}
	checkXLSX(t, data, res, LangZH)
	if res.Total.Values["total_calls"].V != 4 {
		t.Errorf("the leader's report has %v calls", res.Total.Values["total_calls"].V)
	}
	defs := joined(sheetRows(t, openXLSX(t, data), SheetDefinitions, false))
	if !strings.Contains(defs, "导出人|组长甲 (lead-a)") || !strings.Contains(defs, "数据范围|本班组") {
		t.Errorf("definitions do not name the exporter and scope:\n%s", defs)
	}
	for _, other := range []string{"admin2", "sup"} {
		if _, err := e.svc.Get(e.ctx, e.actors[other], j.ID); apperr.KindOf(err) != apperr.KindNotFound {
			t.Errorf("%s reads the leader's job: %v", other, err)
		}
		js, err := e.svc.List(e.ctx, e.actors[other])
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range js {
			if o.ID == j.ID {
				t.Errorf("%s lists the leader's job", other)
			}
		}
	}
	es, _, err := audit.List(e.ctx, db, audit.Filter{Resource: "report_exports", Action: "export"})
	if err != nil {
		t.Fatal(err)
	}
	var entry *audit.Entry
	for i := range es {
		if es[i].ResourceID == strconv.FormatInt(j.ID, 10) {
			entry = &es[i]
		}
	}
	if entry == nil || entry.ActorID != e.users["lead-a"].ID || !strings.Contains(string(entry.After), j.FileName) {
		t.Fatalf("audit of job %d: %+v", j.ID, entry)
	}
}

// retention: a finished export is kept for the retention, then its file
// and job go; so do stray files nobody names.
func retention(t *testing.T, e *svcEnv) {
	j := e.create("lead-a", e.month(report.GroupNone), "csv", LangEN)
	e.drain()
	j = e.get("lead-a", j.ID)
	file := filepath.Join(e.svc.Dir, j.path)
	stray := filepath.Join(e.svc.Dir, "export-999.xlsx.tmp")
	if err := os.WriteFile(stray, []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	e.now = e.now.Add(time.Hour)
	if n, err := e.svc.Clean(e.ctx); err != nil || n != 0 {
		t.Fatalf("clean within the retention: %d %v", n, err)
	}
	for _, p := range []string{file, stray} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s went within the retention: %v", p, err)
		}
	}
	var finished int
	if err := e.db.QueryRowContext(e.ctx, `SELECT count(*) FROM report_exports WHERE node = 'node-a' AND status IN ('done', 'failed')`).Scan(&finished); err != nil {
		t.Fatal(err)
	}
	e.now = e.now.Add(DefaultRetention)
	if n, err := e.svc.Clean(e.ctx); err != nil || n != finished {
		t.Fatalf("clean after the retention: %d of %d, %v", n, finished, err)
	}
	for _, p := range []string{file, stray} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s is still there: %v", p, err)
		}
	}
	if _, err := e.svc.Get(e.ctx, e.actors["lead-a"], j.ID); apperr.KindOf(err) != apperr.KindNotFound {
		t.Errorf("the expired job: %v", err)
	}
	if entries, _ := os.ReadDir(e.svc.Dir); len(entries) != 0 {
		t.Errorf("left in the export dir: %v", entries)
	}
}

// jobFailures: a query the engine refuses, and a user whose role lost the
// export permission after they asked, both leave a failed job that says
// why (and no file); bad requests are refused at once.
func jobFailures(t *testing.T, e *svcEnv) {
	long := report.Query{From: e.day(1), To: e.day(1).AddDate(0, 0, 40), Interval: report.Int15m}
	bad := e.create("admin2", long, "csv", LangEN)
	lost := e.create("sup", e.month(report.GroupNone), "xlsx", LangEN)
	agent, err := e.org.RoleByKey(e.ctx, org.RoleAgent)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.org.UpdateUser(e.ctx, org.System(), e.users["sup"].ID, org.UserPatch{RoleID: &agent.ID}); err != nil {
		t.Fatal(err)
	}
	e.drain()
	j := e.get("admin2", bad.ID)
	if j.Status != StatusFailed || !strings.Contains(j.Error, "31 days") || j.FinishedAt == nil || j.Size != 0 {
		t.Errorf("the too-long query's job: %+v", j)
	}
	j, err = userJob(e.ctx, e.db, e.users["sup"].ID, lost.ID) // the former supervisor may no longer call Get
	if err != nil || j.Status != StatusFailed || !strings.Contains(j.Error, "reports:export") {
		t.Errorf("the job of a user who lost the permission: %+v %v", j, err)
	}
	for _, id := range []int64{bad.ID, lost.ID} {
		if left, _ := filepath.Glob(filepath.Join(e.svc.Dir, "export-"+strconv.FormatInt(id, 10)+".*")); len(left) != 0 {
			t.Errorf("failed job %d left %v", id, left)
		}
	}
	if _, err := e.svc.Create(e.ctx, e.actor("sup"), e.month(report.GroupNone), "", "xlsx", LangEN); apperr.KindOf(err) != apperr.KindForbidden {
		t.Errorf("an agent starts an export: %v", err)
	}
	for _, c := range []struct {
		q      report.Query
		format string
	}{{e.month(report.GroupNone), "pdf"}, {report.Query{}, "csv"}} {
		if _, err := e.svc.Create(e.ctx, e.actors["admin2"], c.q, "", c.format, LangEN); apperr.KindOf(err) != apperr.KindInvalid {
			t.Errorf("format %q, query %v: %v", c.format, c.q.From, err)
		}
	}
}

// queueRules: one running job per user (others' jobs go first), a bound
// on a user's waiting jobs, and a restart queues again the jobs that were
// running.
func queueRules(t *testing.T, e *svcEnv) {
	e.svc.MaxPending = 2
	defer func() { e.svc.MaxPending = DefaultMaxPending }()
	m := e.month(report.GroupNone)
	a1 := e.create("admin2", m, "csv", LangEN)
	e.create("admin2", m, "csv", LangEN)
	if _, err := e.svc.Create(e.ctx, e.actors["admin2"], m, "", "csv", LangEN); apperr.KindOf(err) != apperr.KindConflict {
		t.Errorf("a third waiting export: %v", err)
	}
	b1 := e.create("admin3", m, "csv", LangEN)
	first, err := claimJob(e.ctx, e.db, "node-a", e.now)
	if err != nil || first == nil || first.ID != a1.ID {
		t.Fatalf("first claim %+v %v", first, err)
	}
	next, err := claimJob(e.ctx, e.db, "node-a", e.now)
	if err != nil || next == nil || next.ID != b1.ID {
		t.Fatalf("while admin2's export runs the next is admin3's, got %+v %v", next, err)
	}
	if none, err := claimJob(e.ctx, e.db, "node-a", e.now); none != nil || err != nil {
		t.Fatalf("admin2's second export ran beside their first: %+v %v", none, err)
	}
	if other, err := claimJob(e.ctx, e.db, "node-b", e.now); other != nil || err != nil {
		t.Fatalf("another node took this node's job: %+v %v", other, err)
	}
	// The node stops with two jobs running; on its next start they are
	// queued again, and run.
	if err := e.svc.Start(e.ctx); err != nil {
		t.Fatal(err)
	}
	if j := e.get("admin2", a1.ID); j.Status != StatusQueued || j.Progress != 0 || j.StartedAt != nil {
		t.Fatalf("after a restart %+v", j)
	}
	e.drain()
	js, err := e.svc.List(e.ctx, e.actors["admin2"])
	if err != nil || len(js) < 2 || js[0].Status != StatusDone || js[1].Status != StatusDone || js[1].ID != a1.ID {
		t.Fatalf("admin2's jobs %+v %v", js, err)
	}
}
