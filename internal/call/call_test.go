package call

import (
	"errors"
	"testing"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/sip"
)

// The whole call path is tested end to end with sipp and baresip in
// internal/app; these are its pure pieces.

func TestSkillsOf(t *testing.T) {
	got := skillsOf(" english:5, billing ,vip:12,:3")
	want := []acd.SkillReq{{Skill: "english", MinLevel: 5}, {Skill: "billing", MinLevel: 1}, {Skill: "vip", MinLevel: 1}}
	if len(got) != len(want) {
		t.Fatalf("skillsOf = %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("skill %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if skillsOf("  ") != nil {
		t.Error("empty skill variable gave skills")
	}
}

func TestPriorityOf(t *testing.T) {
	for v, want := range map[string]int{"3": 3, "9": 9, "10": 7, "-1": 7, "vip": 7, "": 7} {
		if got := priorityOf(v, 7); got != want {
			t.Errorf("priorityOf(%q) = %d, want %d", v, got, want)
		}
	}
}

func TestFailReason(t *testing.T) {
	cases := map[error]acd.FailReason{
		&sip.DialError{Code: 486}: acd.FailBusy,
		&sip.DialError{Code: 600}: acd.FailBusy,
		&sip.DialError{Code: 480}: acd.FailNoAnswer,
		&sip.DialError{Code: 603}: acd.FailRejected,
		&sip.DialError{Code: 503}: acd.FailUnreachable,
		errors.New("timeout"):     acd.FailNoAnswer,
	}
	for err, want := range cases {
		if got := failReason(err); got != want {
			t.Errorf("failReason(%v) = %s, want %s", err, got, want)
		}
	}
}

func TestLiveCallVisibility(t *testing.T) {
	in := Info{Agents: []PartyInfo{{UserID: 7}}, PrimaryID: 7, DeptID: 3}
	teams, depts := map[int64]int64{7: 2}, map[int64]int64{7: 3}
	cases := []struct {
		name string
		sc   org.Scope
		want bool
	}{
		{"the agent on it", org.Scope{Kind: org.ScopeOwn, UserID: 7}, true},
		{"another agent", org.Scope{Kind: org.ScopeOwn, UserID: 8}, false},
		{"the agent's team leader", org.Scope{Kind: org.ScopeTeam, UserID: 9, TeamID: 2}, true},
		{"another team", org.Scope{Kind: org.ScopeTeam, UserID: 9, TeamID: 5}, false},
		{"the department", org.Scope{Kind: org.ScopeDepartment, UserID: 9, DeptIDs: []int64{3}}, true},
		{"all", org.Scope{Kind: org.ScopeAll}, true},
	}
	for _, c := range cases {
		if got := in.visible(c.sc, teams, depts); got != c.want {
			t.Errorf("%s: visible %v, want %v", c.name, got, c.want)
		}
	}
	// A call nobody answered yet belongs to its queue's department.
	queued := Info{DeptID: 3}
	if !queued.visible(org.Scope{Kind: org.ScopeDepartment, UserID: 9, DeptIDs: []int64{3}}, nil, nil) {
		t.Error("the department does not see its queue's waiting call")
	}
	if queued.visible(org.Scope{Kind: org.ScopeOwn, UserID: 9}, nil, nil) {
		t.Error("an agent sees a waiting call of the queue")
	}
}

func TestNewIDIsASubjectToken(t *testing.T) {
	a, b := newID(), newID()
	if a == b {
		t.Fatal("two IDs are equal")
	}
	for _, r := range a {
		if r == '.' || r == '*' || r == '>' || r == ' ' {
			t.Fatalf("ID %q cannot be a bus subject token", a)
		}
	}
}
