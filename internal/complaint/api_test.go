package complaint_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/complaint"
	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/crm/crmtest"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

var wildcard = regexp.MustCompile(`\{[a-z_]+\}`)

func eachDialect(t *testing.T, fn func(t *testing.T, e *crmtest.Env)) {
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) { fn(t, crmtest.Start(t, storetest.URLs(t)[name](t))) })
	}
}

// TestRoleEndpointMatrix calls every endpoint of the module as every
// built-in role: 403 exactly when the role lacks the route's permission
// (IDs point at nothing, bodies are empty, so allowed calls end in 400 or
// 404, never 5xx), 401 without a login.
func TestRoleEndpointMatrix(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *crmtest.Env) {
		routes := complaint.Routes{}.Routes()
		for _, b := range org.BuiltinRoles {
			u := e.User("matrix-"+b.Key, b.Key, 0, 0)
			perms := b.Perms()
			for _, rt := range routes {
				var body any
				if rt.Body != nil {
					body = "{}"
				}
				r := e.Do(u, rt.Method, wildcard.ReplaceAllString(rt.Path, "987654"), body)
				allowed := perms.Has(rt.Perm)
				if allowed && (r.Status == http.StatusForbidden || r.Status == http.StatusUnauthorized || r.Status >= 500) {
					t.Errorf("%s %s %s: got %d %s, want allowed", b.Key, rt.Method, rt.Path, r.Status, r.Body)
				}
				if !allowed && r.Status != http.StatusForbidden {
					t.Errorf("%s %s %s: got %d, want 403 (lacks %s)", b.Key, rt.Method, rt.Path, r.Status, rt.Perm)
				}
			}
		}
		for _, rt := range routes {
			if r := e.Do(nil, rt.Method, wildcard.ReplaceAllString(rt.Path, "1"), nil); r.Status != http.StatusUnauthorized {
				t.Errorf("anonymous %s %s: got %d, want 401", rt.Method, rt.Path, r.Status)
			}
		}
	})
}

// answeredCall writes an inbound call from caller answered by agent u,
// recorded, through the app's own call log; it returns the call ID.
func answeredCall(t *testing.T, e *crmtest.Env, id, caller string, u *crmtest.User, recording int64) string {
	t.Helper()
	ctx, lg := context.Background(), e.App.CallLog
	at := time.Now().Add(-time.Hour)
	ms := func(n int) time.Time { return at.Add(time.Duration(n) * time.Millisecond) }
	leg := "agent:" + u.Username
	for _, ev := range []calllog.Event{
		{CallID: id, At: ms(0), Type: calllog.CallOffered, Leg: "caller", Data: calllog.Data{Direction: "inbound", From: caller, To: "8002", Number: "8002"}},
		{CallID: id, At: ms(10), Type: calllog.CallAnswered, Leg: "caller"},
		{CallID: id, At: ms(20), Type: calllog.QueueEntered, Queue: "support", Data: calllog.Data{DeptID: u.DepartmentID}},
		{CallID: id, At: ms(30), Type: calllog.QueueOffer, Queue: "support", AgentID: u.ID, Leg: leg, Data: calllog.Data{TeamID: u.TeamID, DeptID: u.DepartmentID}},
		{CallID: id, At: ms(800), Type: calllog.AgentAnswered, Queue: "support", AgentID: u.ID, Leg: leg, Data: calllog.Data{TeamID: u.TeamID, DeptID: u.DepartmentID}},
		{CallID: id, At: ms(810), Type: calllog.RecordingStarted, Data: calllog.Data{Recording: recording}},
		{CallID: id, At: ms(50000), Type: calllog.LegEnded, AgentID: u.ID, Leg: leg, Data: calllog.Data{By: "caller"}},
		{CallID: id, At: ms(50001), Type: calllog.CallEnded, Data: calllog.Data{By: "caller", Cause: "bye"}},
	} {
		lg.Append(ctx, ev)
	}
	if err := lg.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestFromCallScopeAndFlow registers a complaint from a real CDR through
// the API (prefilled), then checks every ticket endpoint against who may
// see the ticket (404 otherwise) and act on it — the ticket's scope, the
// department it is forwarded to — through to closing and reopening.
func TestFromCallScopeAndFlow(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *crmtest.Env) {
		o := e.MakeOrg()
		u := o.Users
		cust, err := e.App.CRM.Create(context.Background(), u["agent-a1"].Actor, crm.CustomerInput{Name: "刘备", Phones: []string{"13800138000"}})
		if err != nil {
			t.Fatal(err)
		}
		callID := answeredCall(t, e, "cdr-1", "13800138000", u["agent-a1"], 77)
		var d complaint.Draft
		if r := e.Do(u["agent-a1"], "GET", "/complaints/draft?call_id="+callID, nil); r.Status != 200 {
			t.Fatalf("draft: %d %s", r.Status, r.Body)
		} else {
			r.JSON(t, &d)
		}
		if d.CustomerID != cust.ID || d.ContactPhone != "13800138000" || d.RecordingID != 77 || d.AgentID != u["agent-a1"].ID {
			t.Errorf("draft %+v", d)
		}
		if r := e.Do(u["agent-b"], "GET", "/complaints/draft?call_id="+callID, nil); r.Status != 400 {
			t.Errorf("agent-b drafts from A's call: %d", r.Status)
		}
		var c complaint.Complaint
		r := e.Do(u["agent-a1"], "POST", "/complaints", map[string]any{"call_id": callID, "content": "扬言投诉到12315", "severity": "general",
			"steps": []string{"calm"}})
		if r.Status != 201 {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		r.JSON(t, &c)
		if c.CallID != callID || c.CustomerID != cust.ID || c.ContactName != "刘备" || c.RecordingID != 77 || c.AgentID != u["agent-a1"].ID ||
			c.DepartmentID != o.DeptA || c.StepsDone != 1 {
			t.Errorf("created %+v", c)
		}
		path := fmt.Sprintf("/complaints/%d", c.ID)
		deadline := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
		steps := []struct {
			who    string
			method string
			path   string
			body   any
			want   int
		}{
			{"sup-b", "GET", path, nil, 404},
			{"agent-a1b", "GET", path, nil, 404},
			{"agent-a1", "GET", path, nil, 200},
			{"lead-a1", "GET", path, nil, 200},
			{"qa1", "GET", path, nil, 200},
			{"agent-a1", "PUT", path, map[string]any{"severity": "general", "liability": "agent"}, 403},
			{"sup-b", "PUT", path, map[string]any{"severity": "general", "liability": "agent"}, 404},
			{"sup-a", "PUT", path, map[string]any{"severity": "general", "liability": "agent"}, 200},
			{"agent-a1", "POST", path + "/checklist", map[string]any{"step": "listen", "done": true}, 200},
			{"agent-a1b", "POST", path + "/checklist", map[string]any{"step": "analyse", "done": true}, 404},
			{"sup-a", "POST", path + "/reply", map[string]any{"reply": "x"}, 409},
			{"sup-b", "POST", path + "/forward", map[string]any{"department_id": o.DeptB, "deadline_at": deadline}, 404},
			{"sup-a", "POST", path + "/forward", map[string]any{"department_id": o.DeptB, "deadline_at": deadline, "note": "请核实"}, 200},
			{"agent-b", "GET", path, nil, 200},
			{"sup-b", "GET", path, nil, 200},
			{"agent-b", "POST", path + "/checklist", map[string]any{"step": "analyse", "done": true}, 403},
			{"sup-b", "POST", path + "/close", map[string]any{"note": "x"}, 403},
			{"agent-a1", "POST", path + "/reply", map[string]any{"reply": "x"}, 403},
			{"agent-b", "POST", path + "/reply", map[string]any{"reply": "已核实，属实"}, 200},
			{"lead-a1", "POST", path + "/callback", map[string]any{"result": "resolved", "satisfaction": "satisfied"}, 403},
			{"sup-a", "POST", path + "/callback", map[string]any{"result": "resolved", "satisfaction": "basically_satisfied"}, 200},
			{"sup-a", "POST", path + "/close", map[string]any{"note": "结案"}, 200},
			{"agent-a1", "POST", path + "/checklist", map[string]any{"step": "thank", "done": true}, 409},
			{"sup-b", "POST", path + "/reopen", map[string]any{"reason": "x"}, 403},
			{"sup-a", "POST", path + "/reopen", map[string]any{"reason": "客户不认可"}, 200},
			{"agent-a2", "POST", path + "/reopen", map[string]any{"reason": "x"}, 403},
		}
		for i, s := range steps {
			if r := e.Do(u[s.who], s.method, s.path, s.body); r.Status != s.want {
				t.Errorf("step %d: %s %s %s: got %d %s, want %d", i, s.who, s.method, s.path, r.Status, r.Body, s.want)
			}
		}
		var tk complaint.Ticket
		e.Do(u["sup-a"], "GET", path, nil).JSON(t, &tk)
		if tk.Status != complaint.StatusOpen || tk.PenaltyFen != 500000 || tk.Reopened != 1 || len(tk.Forwards) != 1 ||
			tk.Forwards[0].Reply != "已核实，属实" || len(tk.Events) != 8 || tk.StepsDone != 2 {
			t.Errorf("ticket %+v", tk)
		}

		list := func(who, query string) int {
			t.Helper()
			var l struct {
				Items []complaint.Complaint
				Total int
			}
			r := e.Do(u[who], "GET", "/complaints"+query, nil)
			if r.Status != 200 {
				t.Fatalf("list as %s: %d %s", who, r.Status, r.Body)
			}
			r.JSON(t, &l)
			return l.Total
		}
		for who, want := range map[string]int{"sup-a": 1, "agent-a1": 1, "agent-a1b": 0, "agent-b": 1, "sup-b": 1, "qa1": 1} {
			if n := list(who, ""); n != want {
				t.Errorf("%s lists %d tickets, want %d", who, n, want)
			}
		}
		if n := list("sup-a", "?severity=general&liability=agent&q=12315"); n != 1 {
			t.Errorf("filtered list: %d", n)
		}
		if n := list("sup-a", "?status=closed"); n != 0 {
			t.Errorf("closed list: %d", n)
		}
		var rep complaint.Report
		e.Do(u["sup-a"], "GET", "/complaints/report", nil).JSON(t, &rep)
		if rep.Total != 1 || rep.PenaltyFen != 500000 || len(rep.AgentMonths) != 1 || rep.AgentMonths[0].AgentID != u["agent-a1"].ID {
			t.Errorf("report %+v", rep)
		}
		e.Do(u["agent-a1b"], "GET", "/complaints/report", nil).JSON(t, &rep)
		if rep.Total != 0 {
			t.Errorf("agent-a1b's report counts %d", rep.Total)
		}

		// Penalties: read by all who see complaints, set as a center setting.
		if r := e.Do(u["sup-a"], "PUT", "/complaints/penalties", map[string]any{"minor_fen": 50000}); r.Status != 403 {
			t.Errorf("supervisor sets penalties: %d", r.Status)
		}
		var p complaint.Penalties
		if r := e.Do(u["admin1"], "PUT", "/complaints/penalties", map[string]any{"minor_fen": 50000}); r.Status != 200 {
			t.Errorf("admin sets penalties: %d %s", r.Status, r.Body)
		}
		e.Do(u["agent-a1"], "GET", "/complaints/penalties", nil).JSON(t, &p)
		if p.MinorFen != 50000 || p.GeneralFen != 500000 {
			t.Errorf("penalties %+v", p)
		}
	})
}
