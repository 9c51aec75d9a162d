package report_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/crm/crmtest"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/report"
	"github.com/hotline-cc/hotline/internal/shift"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

// apiEnv is a running Hotline with the shared test organisation and a few
// calls: agent-a1 answered one (department A), agent-b one (department B).
type apiEnv struct {
	*crmtest.Env
	org *crmtest.Org
	day time.Time
}

func startAPI(t *testing.T, dialect string) *apiEnv {
	e := crmtest.Start(t, storetest.URLs(t)[dialect](t))
	o := e.MakeOrg()
	env := &apiEnv{Env: e, org: o, day: time.Now().UTC().Truncate(24 * time.Hour).Add(-48 * time.Hour)}
	env.answered("a-1", "agent-a1", o.DeptA, env.day.Add(9*time.Hour))
	env.answered("b-1", "agent-b", o.DeptB, env.day.Add(10*time.Hour))
	if err := e.App.CallLog.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	return env
}

// answered writes a call an agent answered, through the app's call log.
func (e *apiEnv) answered(id, agent string, dept int64, at time.Time) {
	u := e.org.Users[agent]
	l := e.App.CallLog
	ctx := context.Background()
	for i, ev := range []calllog.Event{
		{Type: calllog.CallOffered, Data: calllog.Data{Direction: "inbound", From: "1380000" + id[:1] + "001", To: "8000"}},
		{Type: calllog.QueueEntered, Queue: "support", Data: calllog.Data{DeptID: dept}},
		{Type: calllog.QueueOffer, Queue: "support", AgentID: u.ID, Data: calllog.Data{TeamID: u.TeamID, DeptID: dept}},
		{Type: calllog.AgentAnswered, Queue: "support", AgentID: u.ID, Data: calllog.Data{TeamID: u.TeamID, DeptID: dept}},
		{Type: calllog.LegEnded, Queue: "support", AgentID: u.ID, Data: calllog.Data{By: "agent"}},
		{Type: calllog.CallEnded, Data: calllog.Data{By: "agent"}},
	} {
		ev.CallID, ev.At = id, at.Add(time.Duration(i)*10*time.Second)
		l.Append(ctx, ev)
	}
}

func (e *apiEnv) user(n string) *crmtest.User { return e.org.Users[n] }

func TestReportAPIPermissionsAndScope(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			e := startAPI(t, dialect)
			q := "/reports?from=" + e.day.Format("2006-01-02") + "&to=" + e.day.Format("2006-01-02") + "&interval=total"
			// Who sees how many of the two calls (each role's data scope).
			for _, c := range []struct {
				user  string
				calls float64
			}{{"admin1", 2}, {"sup-a", 1}, {"sup-b", 1}, {"lead-a1", 1}, {"agent-a1", 1}, {"agent-a2", 0}, {"qa1", 2}} {
				var res report.Result
				r := e.Do(e.user(c.user), "GET", q, nil)
				if r.Status != http.StatusOK {
					t.Fatalf("%s: %d %s", c.user, r.Status, r.Body)
				}
				r.JSON(t, &res)
				if got := res.Total.Values["total_calls"]; got.V != c.calls {
					t.Errorf("%s sees %v calls, want %v", c.user, got.V, c.calls)
				}
				if res.VariantEn == "" || res.VariantZh == "" {
					t.Errorf("%s: no service-level variant in the report", c.user)
				}
			}
			if r := e.Do(nil, "GET", q, nil); r.Status != http.StatusUnauthorized {
				t.Errorf("anonymous: %d", r.Status)
			}
			bad := []struct{ path, field string }{
				{"/reports?from=2026-03-05&to=2026-03-01", "to"},
				{"/reports?from=2026-03-01&to=2026-03-02&interval=hourly", "interval"},
				{"/reports?from=2026-03-01&to=2026-03-02&group_by=color", "group_by"},
				{"/reports?from=yesterday&to=2026-03-02", "from"},
				{"/reports?from=2026-01-01&to=2026-03-02&interval=15m", "interval"},
			}
			for _, b := range bad {
				r := e.Do(e.user("admin1"), "GET", b.path, nil)
				if r.Status != http.StatusBadRequest || !contains(string(r.Body), `"field":"`+b.field+`"`) {
					t.Errorf("%s: %d %s", b.path, r.Status, r.Body)
				}
			}
		})
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestReportSettingsAndCosts(t *testing.T) {
	e := startAPI(t, "sqlite")
	admin, sup, lead := e.user("admin1"), e.user("sup-a"), e.user("lead-a1")
	var s report.Settings
	e.Do(lead, "GET", "/reports/settings", nil).JSON(t, &s)
	if s.SLThresholdSec != 20 || s.AbandonMode != report.AbandonAgainst || s.FCRWindowHours != 72 {
		t.Fatalf("defaults %+v", s)
	}
	s.AbandonMode = report.AbandonForWithin
	if r := e.Do(lead, "PUT", "/reports/settings", s); r.Status != http.StatusForbidden {
		t.Errorf("team leader changed the settings: %d", r.Status)
	}
	bad := s
	bad.AbandonMode = "sometimes"
	if r := e.Do(admin, "PUT", "/reports/settings", bad); r.Status != http.StatusBadRequest || r.Code() != "invalid" {
		t.Errorf("bad mode: %d %s", r.Status, r.Body)
	}
	if r := e.Do(admin, "PUT", "/reports/settings", s); r.Status != http.StatusOK {
		t.Fatalf("save: %d %s", r.Status, r.Body)
	}
	var res report.Result
	e.Do(lead, "GET", "/reports?from=2026-03-01&to=2026-03-01", nil).JSON(t, &res)
	if !contains(res.VariantEn, "within the threshold counted as met") {
		t.Errorf("variant %q", res.VariantEn)
	}
	var n int
	e.App.DB.QueryRow(`SELECT count(*) FROM audit_log WHERE resource = 'report_settings'`).Scan(&n)
	if n != 1 {
		t.Errorf("%d audit rows for the settings", n)
	}

	// Costs: the center's needs scope all; a department's, the department.
	deptA, deptB := strconv.FormatInt(e.org.DeptA, 10), strconv.FormatInt(e.org.DeptB, 10)
	for _, c := range []struct {
		user *crmtest.User
		body string
		want int
	}{
		{admin, `{"amount": 31000}`, http.StatusOK},
		{sup, `{"amount": 12000.5, "department_id": ` + deptA + `}`, http.StatusOK},
		{sup, `{"amount": 9000, "department_id": ` + deptB + `}`, http.StatusBadRequest},
		{sup, `{"amount": 9000}`, http.StatusBadRequest},
		{lead, `{"amount": 1, "department_id": ` + deptA + `}`, http.StatusForbidden},
		{admin, `{"amount": -5}`, http.StatusBadRequest},
		{admin, `{"amount": 5, "department_id": 99999}`, http.StatusBadRequest},
	} {
		if r := e.Do(c.user, "PUT", "/reports/costs/2026-03", c.body); r.Status != c.want {
			t.Errorf("%s %s: %d %s", c.user.Username, c.body, r.Status, r.Body)
		}
	}
	if r := e.Do(admin, "PUT", "/reports/costs/2026-13", `{"amount": 1}`); r.Status != http.StatusBadRequest {
		t.Errorf("month 13: %d", r.Status)
	}
	var cs []report.Cost
	e.Do(sup, "GET", "/reports/costs?from=2026-01&to=2026-12", nil).JSON(t, &cs)
	if len(cs) != 1 || cs[0].Amount != 12000.5 || cs[0].DepartmentID != e.org.DeptA {
		t.Errorf("supervisor's costs %+v", cs)
	}
	e.Do(admin, "GET", "/reports/costs?from=2026-01&to=2026-12", nil).JSON(t, &cs)
	if len(cs) != 2 {
		t.Errorf("admin's costs %+v", cs)
	}
	if r := e.Do(admin, "DELETE", "/reports/costs/2026-03?department_id="+deptA, nil); r.Status != http.StatusNoContent {
		t.Errorf("delete: %d", r.Status)
	}
	if r := e.Do(admin, "DELETE", "/reports/costs/2026-03?department_id="+deptA, nil); r.Status != http.StatusNotFound {
		t.Errorf("delete twice: %d", r.Status)
	}
}

func TestShiftAPI(t *testing.T) {
	e := startAPI(t, "sqlite")
	sup, agent, other := e.user("sup-a"), e.user("agent-a1"), e.user("agent-b")
	day := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	in := shift.Input{AgentID: agent.ID, Start: day, End: day.Add(8 * time.Hour),
		Activities: []shift.Activity{{Kind: shift.Lunch, Start: day.Add(3 * time.Hour), End: day.Add(4 * time.Hour)}}}
	var sh shift.Shift
	r := e.Do(sup, "POST", "/shifts", in)
	if r.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &sh)
	if sh.TeamID != agent.TeamID || sh.DepartmentID != e.org.DeptA || len(sh.Activities) != 1 {
		t.Errorf("shift %+v", sh)
	}
	if r := e.Do(sup, "POST", "/shifts", in); r.Status != http.StatusConflict {
		t.Errorf("overlapping shift: %d %s", r.Status, r.Body)
	}
	if r := e.Do(agent, "POST", "/shifts", shift.Input{AgentID: agent.ID, Start: day.AddDate(0, 0, 1), End: day.AddDate(0, 0, 1).Add(time.Hour)}); r.Status != http.StatusForbidden {
		t.Errorf("an agent scheduled themselves: %d", r.Status)
	}
	if r := e.Do(sup, "POST", "/shifts", shift.Input{AgentID: other.ID, Start: day, End: day.Add(time.Hour)}); r.Status != http.StatusBadRequest {
		t.Errorf("a supervisor scheduled another department's agent: %d %s", r.Status, r.Body)
	}
	badLunch := in
	badLunch.Start = day.AddDate(0, 0, 2)
	badLunch.End = badLunch.Start.Add(2 * time.Hour)
	if r := e.Do(sup, "POST", "/shifts", badLunch); r.Status != http.StatusBadRequest || !contains(string(r.Body), "activities") {
		t.Errorf("lunch outside the shift: %d %s", r.Status, r.Body)
	}
	list := "/shifts?from=2026-03-01T00:00:00Z&to=2026-03-08T00:00:00Z"
	var shs []shift.Shift
	e.Do(agent, "GET", list, nil).JSON(t, &shs)
	if len(shs) != 1 {
		t.Errorf("the agent sees %d shifts", len(shs))
	}
	e.Do(other, "GET", list, nil).JSON(t, &shs)
	if len(shs) != 0 {
		t.Errorf("another agent sees %d shifts", len(shs))
	}
	id := strconv.FormatInt(sh.ID, 10)
	in.End = day.Add(9 * time.Hour)
	if r := e.Do(sup, "PUT", "/shifts/"+id, in); r.Status != http.StatusOK {
		t.Errorf("update: %d %s", r.Status, r.Body)
	}
	if r := e.Do(e.user("sup-b"), "DELETE", "/shifts/"+id, nil); r.Status != http.StatusNotFound {
		t.Errorf("another department's supervisor deleted it: %d", r.Status)
	}
	if r := e.Do(sup, "DELETE", "/shifts/"+id, nil); r.Status != http.StatusNoContent {
		t.Errorf("delete: %d", r.Status)
	}
	var n int
	e.App.DB.QueryRow(`SELECT count(*) FROM audit_log WHERE resource = 'shifts'`).Scan(&n)
	if n != 3 {
		t.Errorf("%d audit rows for shifts, want 3", n)
	}
}

func TestMarkResolution(t *testing.T) {
	e := startAPI(t, "sqlite")
	agent := e.user("agent-a1")
	path := "/me/calls/a-1/resolution"
	if r := e.Do(e.user("agent-b"), "POST", path, `{"result":"unresolved"}`); r.Status != http.StatusNotFound {
		t.Errorf("an agent who did not answer it marked it: %d", r.Status)
	}
	if r := e.Do(agent, "POST", path, `{"result":"maybe"}`); r.Status != http.StatusBadRequest {
		t.Errorf("bad result: %d", r.Status)
	}
	if r := e.Do(agent, "POST", path, `{"result":"unresolved"}`); r.Status != http.StatusNoContent {
		t.Fatalf("mark: %d %s", r.Status, r.Body)
	}
	if err := e.App.CallLog.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	c, err := calllog.GetCDR(context.Background(), e.App.DB, org.Scope{Kind: org.ScopeAll}, "a-1")
	if err != nil || !c.Unresolved {
		t.Fatalf("CDR %+v %v", c, err)
	}
	evs, _ := calllog.Events(context.Background(), e.App.DB, "a-1")
	if last := evs[len(evs)-1]; last.Type != calllog.CallResolution || last.AgentID != agent.ID || last.Seq != len(evs) {
		t.Errorf("last event %+v", last)
	}
}
