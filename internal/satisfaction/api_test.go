package satisfaction_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/crm/crmtest"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/satisfaction"
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
		routes := satisfaction.Routes{}.Routes()
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

// afterSales creates the after-sales team in department B and a member
// with a custom role that may review (own scope).
func afterSales(t *testing.T, e *crmtest.Env, o *crmtest.Org) (int64, *crmtest.User) {
	t.Helper()
	ctx, sys := context.Background(), org.System()
	team, err := e.App.Org.CreateTeam(ctx, sys, org.TeamInput{Name: "售后组", DepartmentID: o.DeptB})
	if err != nil {
		t.Fatal(err)
	}
	role, err := e.App.Org.CreateRole(ctx, sys, org.RoleInput{Name: "售后专员", DataScope: org.ScopeOwn,
		Permissions: []string{"satisfaction:view", "satisfaction:review"}})
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.App.Org.CreateUser(ctx, sys, org.UserInput{Username: "as-1", DisplayName: "售后一号", Password: crmtest.Password("as-1"),
		RoleID: role.ID, TeamID: team.ID})
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.App.Org.LoadActor(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := e.App.Auth.CreateToken(ctx, a, "test", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return team.ID, &crmtest.User{User: *u, Actor: a, Token: tok}
}

// rate stores a very-unsatisfied rating of a call by user u, as the survey does.
func rate(t *testing.T, e *crmtest.Env, callID string, u *crmtest.User, score int) {
	t.Helper()
	_, err := calllog.SaveRating(context.Background(), e.App.DB, calllog.Rating{CallID: callID, At: time.Now().Add(-time.Hour),
		Score: score, Scale: 5, Queue: "support", AgentID: u.ID, TeamID: u.TeamID, DepartmentID: u.DepartmentID})
	if err != nil {
		t.Fatal(err)
	}
}

type caseList struct {
	Items []satisfaction.Case
	Total int
}

// TestScopeAndFlow walks a rating of an A1 agent through the API with
// every role that has a say, checking at each endpoint who sees the case
// (404 otherwise) and who may act on it; the older /ratings endpoints keep
// working beside it.
func TestScopeAndFlow(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, e *crmtest.Env) {
		o := e.MakeOrg()
		u := o.Users
		asTeam, as1 := afterSales(t, e, o)
		rate(t, e, "call-a", u["agent-a1"], 1)
		rate(t, e, "call-ok", u["agent-a1"], 5)
		rate(t, e, "call-legacy", u["agent-a1"], 1)

		count := func(who *crmtest.User, query string) int {
			t.Helper()
			var l caseList
			r := e.Do(who, "GET", "/satisfaction/cases"+query, nil)
			if r.Status != 200 {
				t.Fatalf("list as %s: %d %s", who.Username, r.Status, r.Body)
			}
			r.JSON(t, &l)
			if len(l.Items) != l.Total {
				t.Fatalf("list as %s: %d items, total %d", who.Username, len(l.Items), l.Total)
			}
			return l.Total
		}
		for who, want := range map[string]int{"sup-a": 2, "lead-a1": 2, "qa1": 2, "admin1": 2, "sup-b": 0} {
			if n := count(u[who], ""); n != want {
				t.Errorf("%s lists %d cases, want %d", who, n, want)
			}
		}
		if n := count(as1, ""); n != 0 {
			t.Errorf("after-sales lists %d cases before any assignment", n)
		}
		var l caseList
		e.Do(u["sup-a"], "GET", "/satisfaction/cases?call_id=call-a", nil).JSON(t, &l)
		id := fmt.Sprint(l.Items[0].ID)
		path := "/satisfaction/cases/" + id
		reason := reasonID(t, e, u["sup-a"], "attitude")
		due := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
		steps := []struct {
			who    *crmtest.User
			method string
			path   string
			body   any
			want   int
		}{
			{u["sup-b"], "GET", path, nil, 404},
			{as1, "GET", path, nil, 404},
			{u["agent-a1"], "GET", path, nil, 403},
			{u["sup-a"], "GET", path, nil, 200},
			{u["qa1"], "POST", path + "/review", map[string]any{"reason_id": reason, "finding": "x"}, 403},
			{u["sup-b"], "POST", path + "/review", map[string]any{"reason_id": reason, "finding": "x"}, 404},
			{u["sup-a"], "POST", path + "/assign", map[string]any{"team_id": asTeam, "due_at": due}, 409},
			{u["sup-a"], "POST", path + "/review", map[string]any{"reason_id": reason, "finding": "语气生硬", "extra": 1}, 400},
			{u["sup-a"], "POST", path + "/review", map[string]any{"reason_id": reason, "finding": "语气生硬"}, 200},
			{u["lead-a1"], "POST", path + "/assign", map[string]any{"team_id": asTeam, "user_id": as1.ID, "due_at": due}, 200},
			{as1, "GET", path, nil, 200},
			{u["sup-b"], "GET", path, nil, 404},
			{as1, "POST", path + "/close", map[string]any{"outcome": "x"}, 403},
			{as1, "POST", path + "/callback", map[string]any{"result": "resolved", "note": "已致歉"}, 200},
			{u["sup-b"], "POST", path + "/close", map[string]any{"outcome": "x"}, 404},
			{u["sup-a"], "POST", path + "/close", map[string]any{"outcome": "已反馈坐席"}, 200},
			{u["sup-a"], "POST", path + "/close", map[string]any{"outcome": "again"}, 409},
		}
		for i, s := range steps {
			if r := e.Do(s.who, s.method, s.path, s.body); r.Status != s.want {
				t.Errorf("step %d: %s %s %s: got %d %s, want %d", i, s.who.Username, s.method, s.path, r.Status, r.Body, s.want)
			}
		}
		if n := count(as1, ""); n != 1 {
			t.Errorf("after-sales lists %d cases once assigned", n)
		}
		if n := count(u["sup-a"], "?status=closed"); n != 1 {
			t.Errorf("sup-a lists %d closed cases", n)
		}
		if r := e.Do(u["sup-a"], "GET", "/satisfaction/cases?status=nope", nil); r.Status != 400 || r.Code() != "invalid" {
			t.Errorf("a bad status filter: %d %s", r.Status, r.Body)
		}
		var d satisfaction.Detail
		e.Do(u["sup-a"], "GET", path, nil).JSON(t, &d)
		if d.Status != satisfaction.StatusClosed || len(d.Steps) != 4 || d.Steps[2].ActorName != "售后一号" {
			t.Errorf("detail %+v", d)
		}

		// The older rating endpoints: the review made here shows there,
		// and a note written there shows on the case.
		var ratings struct {
			Items []calllog.Rating
			Total int
		}
		e.Do(u["sup-a"], "GET", "/ratings?flagged=true&unreviewed=true", nil).JSON(t, &ratings)
		if ratings.Total != 1 || ratings.Items[0].CallID != "call-legacy" {
			t.Errorf("unreviewed ratings %+v", ratings)
		}
		if r := e.Do(u["sup-a"], "POST", "/ratings/call-legacy/review", map[string]any{"note": "已电话回访"}); r.Status != 204 {
			t.Fatalf("legacy review: %d %s", r.Status, r.Body)
		}
		e.Do(u["sup-a"], "GET", "/satisfaction/cases?call_id=call-legacy", nil).JSON(t, &l)
		e.Do(u["sup-a"], "GET", fmt.Sprintf("/satisfaction/cases/%d", l.Items[0].ID), nil).JSON(t, &d)
		if d.EarlierReview == nil || d.EarlierReview.Note != "已电话回访" || d.Status != satisfaction.StatusNew {
			t.Errorf("legacy review on the case: %+v", d)
		}

		var rep satisfaction.Report
		e.Do(u["sup-a"], "GET", "/satisfaction/report?period=week", nil).JSON(t, &rep)
		if rep.Total != 2 || rep.ToClose.Closed != 1 || rep.Period != "week" {
			t.Errorf("sup-a's report %+v", rep)
		}
		e.Do(u["sup-b"], "GET", "/satisfaction/report", nil).JSON(t, &rep)
		if rep.Total != 0 {
			t.Errorf("sup-b's report counts %d cases", rep.Total)
		}
		if r := e.Do(u["sup-a"], "GET", "/satisfaction/report?since=yesterday", nil); r.Status != 400 || r.Code() != "invalid" {
			t.Errorf("bad since: %d %s", r.Status, r.Body)
		}

		// Reason categories: read with view, edited with review.
		if r := e.Do(u["qa1"], "POST", "/satisfaction/reasons", map[string]any{"name": "价格"}); r.Status != 403 {
			t.Errorf("qa creates a reason: %d", r.Status)
		}
		if r := e.Do(u["sup-a"], "POST", "/satisfaction/reasons", map[string]any{"name": "价格", "name_en": "Price"}); r.Status != 201 {
			t.Errorf("supervisor creates a reason: %d %s", r.Status, r.Body)
		}
		if r := e.Do(u["sup-a"], "DELETE", fmt.Sprintf("/satisfaction/reasons/%d", reason), nil); r.Status != 409 {
			t.Errorf("delete a used reason: %d %s", r.Status, r.Body)
		}
	})
}

func reasonID(t *testing.T, e *crmtest.Env, u *crmtest.User, code string) int64 {
	t.Helper()
	var rs []satisfaction.Reason
	e.Do(u, "GET", "/satisfaction/reasons", nil).JSON(t, &rs)
	for _, r := range rs {
		if r.Code == code {
			return r.ID
		}
	}
	t.Fatalf("no reason %s in %+v", code, rs)
	return 0
}
