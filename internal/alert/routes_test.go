package alert_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/alert"
	"github.com/hotline-cc/hotline/internal/app"
	"github.com/hotline-cc/hotline/internal/config"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/password"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

// node is a whole Hotline (HTTP, no SIP) with departments A and B, a queue
// in each, and a user of every built-in role with an API token.
type node struct {
	t       *testing.T
	app     *app.App
	srv     *httptest.Server
	tokens  map[string]string
	sales   *queues.Queue
	support *queues.Queue
}

func startNode(t *testing.T, dbURL string) *node {
	t.Helper()
	cfg := config.ForTest(t.TempDir())
	cfg.DatabaseURL = dbURL
	cfg.AdminPassword = "admin-password-1"
	if err := cfg.Finish(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	a.Org.Hasher = password.Fast
	n := &node{t: t, app: a, srv: httptest.NewServer(a.Handler()), tokens: map[string]string{}}
	t.Cleanup(func() { n.srv.Close(); a.Close() })
	sys := org.System()
	da, _ := a.Org.CreateDepartment(ctx, sys, org.DepartmentInput{Name: "A"})
	db, _ := a.Org.CreateDepartment(ctx, sys, org.DepartmentInput{Name: "B"})
	ta, _ := a.Org.CreateTeam(ctx, sys, org.TeamInput{Name: "TA", DepartmentID: da.ID})
	n.sales, err = a.Queues.Save(ctx, sys, queues.Queue{Queue: acd.Queue{Name: "sales"}, DepartmentID: da.ID})
	if err != nil {
		t.Fatal(err)
	}
	n.support, _ = a.Queues.Save(ctx, sys, queues.Queue{Queue: acd.Queue{Name: "support"}, DepartmentID: db.ID})
	for _, u := range []struct {
		name, role string
		dept, team int64
	}{{"admin-1", org.RoleAdmin, 0, 0}, {"sup-a", org.RoleSupervisor, da.ID, 0}, {"sup-b", org.RoleSupervisor, db.ID, 0},
		{"lead-a", org.RoleTeamLeader, da.ID, ta.ID}, {"qa-1", org.RoleQA, da.ID, 0}, {"agent-a", org.RoleAgent, da.ID, ta.ID}} {
		r, _ := a.Org.RoleByKey(ctx, u.role)
		usr, err := a.Org.CreateUser(ctx, sys, org.UserInput{Username: u.name, DisplayName: u.name, Password: "password-123456",
			RoleID: r.ID, DepartmentID: u.dept, TeamID: u.team})
		if err != nil {
			t.Fatal(err)
		}
		actor, _ := a.Org.LoadActor(ctx, usr.ID)
		secret, _, err := a.Auth.CreateToken(ctx, actor, "test", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		n.tokens[u.name] = secret
	}
	return n
}

// do calls the API as a user ("" for nobody) and decodes a success into out.
func (n *node) do(who, method, path string, body any, out any) int {
	n.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, n.srv.URL+"/api/v1"+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if who != "" {
		req.Header.Set("Authorization", "Bearer "+n.tokens[who])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		n.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if out != nil && res.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			n.t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
	return res.StatusCode
}

// alertOnSales opens a waiting alert on sales (department A).
func (n *node) alertOnSales() {
	n.t.Helper()
	ctx := context.Background()
	if c := n.do("admin-1", "PUT", "/alerts/rules/queues/"+itoa(int(n.sales.ID)), alert.RulesInput{Rules: []alert.RuleInput{waitingRule(0, 3)}}, nil); c != 200 {
		n.t.Fatalf("set rule: %d", c)
	}
	if _, err := n.app.ACD.Enqueue(acd.WaitingCall{ID: "waiting-1", QueueID: n.sales.ID}); err != nil {
		n.t.Fatal(err)
	}
	if err := n.app.Mgmt.Alerts.Eval.Evaluate(ctx); err != nil {
		n.t.Fatal(err)
	}
}

func (n *node) routes() []string {
	var out []string
	for _, rt := range (alert.Routes{Svc: n.app.Mgmt.Alerts}).Routes() {
		out = append(out, rt.Method+" "+rt.Path)
	}
	return out
}

// Every endpoint answers 401 without a login and 403 to a role without
// its permission; a role with it gets through.
func TestRoutePermissions(t *testing.T) {
	t.Parallel()
	n := startNode(t, storetest.URLs(t)["sqlite"](t))
	n.alertOnSales()
	sid := itoa(int(n.sales.ID))
	body := alert.RulesInput{Rules: []alert.RuleInput{waitingRule(2, 4)}}
	cases := []struct {
		method, path string
		body         any
		manage       bool
		allScope     bool // needs the all-departments scope besides the permission
	}{
		{"GET", "/alerts/rules", nil, false, false},
		{"PUT", "/alerts/rules/default", body, true, true},
		{"GET", "/alerts/rules/queues/" + sid, nil, false, false},
		{"PUT", "/alerts/rules/queues/" + sid, body, true, false},
		{"DELETE", "/alerts/rules/queues/" + sid + "/waiting", nil, true, false},
		{"GET", "/alerts/active", nil, false, false},
		{"GET", "/alerts/history", nil, false, false},
		{"GET", "/alerts/status", nil, false, false},
	}
	if len(cases) != len(n.routes()) {
		t.Fatalf("the test covers %d endpoints of %d: %v", len(cases), len(n.routes()), n.routes())
	}
	// Who holds what: the agent and QA nothing, the team leader view, the
	// supervisor and admin both.
	for _, c := range cases {
		for who, can := range map[string]bool{"agent-a": false, "qa-1": false, "lead-a": !c.manage, "sup-a": !c.allScope, "admin-1": true} {
			got := n.do(who, c.method, c.path, c.body, nil)
			if !can && got != http.StatusForbidden {
				t.Errorf("%s %s %s: %d, want 403", who, c.method, c.path, got)
			}
			if can && (got == http.StatusForbidden || got == http.StatusUnauthorized || got >= 500) {
				t.Errorf("%s %s %s: %d, want allowed", who, c.method, c.path, got)
			}
		}
		if got := n.do("", c.method, c.path, c.body, nil); got != http.StatusUnauthorized {
			t.Errorf("anonymous %s %s: %d, want 401", c.method, c.path, got)
		}
	}
}

// A supervisor of another department sees nothing of department A's alert
// and cannot touch its queue's rules, through every endpoint; the team
// leader of A sees it.
func TestRouteScope(t *testing.T) {
	t.Parallel()
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			n := startNode(t, storetest.URLs(t)[dialect](t))
			n.alertOnSales()
			sid := itoa(int(n.sales.ID))
			seesSales := func(who string) map[string]bool {
				var active []alert.Episode
				var hist struct {
					Items []alert.Episode
					Total int
				}
				var status []alert.QueueStatus
				var rules alert.RuleSet
				out := map[string]bool{}
				if n.do(who, "GET", "/alerts/active", nil, &active) == 200 {
					out["active"] = len(active) == 1 && active[0].Queue == "sales"
				}
				if n.do(who, "GET", "/alerts/history?queue_id="+sid, nil, &hist) == 200 {
					out["history"] = hist.Total == 1 && len(hist.Items) == 1 && hist.Items[0].Queue == "sales"
				}
				if n.do(who, "GET", "/alerts/status", nil, &status) == 200 {
					for _, q := range status {
						out["status"] = out["status"] || (q.Queue == "sales" && q.Level == alert.LevelWarning)
					}
				}
				if n.do(who, "GET", "/alerts/rules", nil, &rules) == 200 {
					for _, q := range rules.Queues {
						out["rules"] = out["rules"] || q.Queue == "sales"
					}
				}
				out["queue rules"] = n.do(who, "GET", "/alerts/rules/queues/"+sid, nil, nil) == 200
				return out
			}
			for who, want := range map[string]bool{"admin-1": true, "sup-a": true, "lead-a": true, "sup-b": false} {
				for what, got := range seesSales(who) {
					if got != want {
						t.Errorf("%s: sees sales' alert in %s: %v, want %v", who, what, got, want)
					}
				}
			}
			rule := alert.RulesInput{Rules: []alert.RuleInput{waitingRule(7, 9)}}
			if c := n.do("sup-b", "PUT", "/alerts/rules/queues/"+sid, rule, nil); c != http.StatusNotFound {
				t.Errorf("supervisor B sets sales' rule: %d, want 404", c)
			}
			if c := n.do("sup-b", "DELETE", "/alerts/rules/queues/"+sid+"/waiting", nil, nil); c != http.StatusNotFound {
				t.Errorf("supervisor B resets sales' rule: %d, want 404", c)
			}
			if c := n.do("sup-b", "PUT", "/alerts/rules/default", rule, nil); c != http.StatusForbidden {
				t.Errorf("supervisor B sets the defaults: %d, want 403", c)
			}
			var qr alert.QueueRules
			n.do("admin-1", "GET", "/alerts/rules/queues/"+sid, nil, &qr)
			if qr.Rules[0].Warning != 0 || qr.Rules[0].Inherited {
				t.Errorf("sales' waiting rule changed by another department: %+v", qr.Rules[0])
			}
			// Supervisor A may.
			if c := n.do("sup-a", "PUT", "/alerts/rules/queues/"+sid, rule, &qr); c != 200 || qr.Rules[0].Warning != 7 {
				t.Errorf("supervisor A sets sales' rule: %d %+v", c, qr.Rules[0])
			}
			if c := n.do("sup-a", "DELETE", "/alerts/rules/queues/"+sid+"/waiting", nil, nil); c != http.StatusNoContent {
				t.Errorf("supervisor A resets sales' rule: %d", c)
			}
		})
	}
}

// Bad input is a 400 naming the field.
func TestRouteBadInput(t *testing.T) {
	t.Parallel()
	n := startNode(t, storetest.URLs(t)["sqlite"](t))
	sid := itoa(int(n.sales.ID))
	for _, c := range []struct{ method, path, body, field string }{
		{"PUT", "/alerts/rules/queues/" + sid, `{"rules":[{"metric":"waiting","warning":5,"critical":2}]}`, "waiting.critical"},
		{"PUT", "/alerts/rules/queues/" + sid, `{"rules":[{"metric":"waiting","warning":"x"}]}`, "rules.warning"},
		{"PUT", "/alerts/rules/queues/" + sid, `{"rules":[],"extra":1}`, "extra"},
		{"PUT", "/alerts/rules/default", `{"rules":[],"inherit":["waiting"]}`, "inherit"},
		{"GET", "/alerts/history?from=yesterday", "", "from"},
		{"GET", "/alerts/history?level=high", "", "level"},
		{"DELETE", "/alerts/rules/queues/" + sid + "/queue_length", "", "metric"},
	} {
		req, _ := http.NewRequest(c.method, n.srv.URL+"/api/v1"+c.path, strings.NewReader(c.body))
		req.Header.Set("Authorization", "Bearer "+n.tokens["admin-1"])
		if c.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var e struct{ Error struct{ Field string } }
		json.NewDecoder(res.Body).Decode(&e)
		res.Body.Close()
		if res.StatusCode != 400 || e.Error.Field != c.field {
			t.Errorf("%s %s %s: %d field %q, want 400 %q", c.method, c.path, c.body, res.StatusCode, e.Error.Field, c.field)
		}
	}
	if c := n.do("admin-1", "GET", "/alerts/rules/queues/"+strconv.Itoa(999999), nil, nil); c != 404 {
		t.Errorf("missing queue: %d", c)
	}
}
