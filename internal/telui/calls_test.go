package telui_test

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/recording"
)

// calls writes three calls through the call log: one answered by
// agent1001, one by agent1002, one abandoned in the queue. It returns
// their IDs in that order.
func calls(t testing.TB, e *env, base time.Time) [3]string {
	t.Helper()
	ctx := context.Background()
	lg := e.app.CallLog // the application's own log: events go through its writer and bus
	u1, u2 := e.app.Org, e.userID("agent1002")
	a1 := e.userID("agent1001")
	user1, err := u1.User(ctx, orgSystem(), a1)
	if err != nil {
		t.Fatal(err)
	}
	ids := [3]string{"call-a-" + base.Format("150405"), "call-b-" + base.Format("150405"), "call-c-" + base.Format("150405")}
	answered := func(id string, agent int64, queue, caller string, at time.Time) {
		ms := func(n int) time.Time { return at.Add(time.Duration(n) * time.Millisecond) }
		for _, ev := range []calllog.Event{
			{CallID: id, At: ms(0), Type: calllog.CallOffered, Leg: "caller",
				Data: calllog.Data{Direction: "inbound", From: caller, To: "8001", Number: "8001", Trunk: "local"}},
			{CallID: id, At: ms(40), Type: calllog.CallAnswered, Leg: "caller"},
			{CallID: id, At: ms(1250), Type: calllog.QueueEntered, Queue: queue, Data: calllog.Data{Priority: 0, DeptID: user1.DepartmentID}},
			{CallID: id, At: ms(3500), Type: calllog.QueueOffer, Queue: queue, AgentID: agent, Leg: "agent",
				Data: calllog.Data{Extension: "1001", TeamID: user1.TeamID, DeptID: user1.DepartmentID}},
			{CallID: id, At: ms(6789), Type: calllog.AgentAnswered, Queue: queue, AgentID: agent, Leg: "agent",
				Data: calllog.Data{TeamID: user1.TeamID, DeptID: user1.DepartmentID}},
			{CallID: id, At: ms(66789), Type: calllog.LegEnded, AgentID: agent, Leg: "agent", Data: calllog.Data{By: "caller"}},
			{CallID: id, At: ms(70001), Type: calllog.CallRated, Data: calllog.Data{Score: 5, Scale: 5}},
			{CallID: id, At: ms(71000), Type: calllog.CallEnded, Data: calllog.Data{By: "caller", Cause: "normal"}},
		} {
			lg.Append(ctx, ev)
		}
	}
	answered(ids[0], a1, "sales", "13800138000", base)
	answered(ids[1], u2, "support", "13900139000", base.Add(time.Minute))
	at := base.Add(2 * time.Minute)
	for _, ev := range []calllog.Event{
		{CallID: ids[2], At: at, Type: calllog.CallOffered, Leg: "caller", Data: calllog.Data{Direction: "inbound", From: "13700137000", To: "8001", Number: "8001"}},
		{CallID: ids[2], At: at.Add(time.Second), Type: calllog.QueueEntered, Queue: "sales", Data: calllog.Data{DeptID: user1.DepartmentID}},
		{CallID: ids[2], At: at.Add(9 * time.Second), Type: calllog.QueueAbandoned, Queue: "sales", Data: calllog.Data{WaitMS: 8000}},
		{CallID: ids[2], At: at.Add(9 * time.Second), Type: calllog.CallEnded, Data: calllog.Data{By: "caller"}},
	} {
		lg.Append(ctx, ev)
	}
	if err := lg.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	return ids
}

// The call history lists CDRs in the actor's data scope, filters them,
// and shows one call with its legs and every event to the millisecond.
func TestCallHistory(t *testing.T) {
	t.Parallel()
	e := start(t)
	base := time.Date(2026, 3, 2, 10, 0, 0, 0, time.Local)
	ids := calls(t, e, base)
	admin := e.login("admin", adminPW)

	list := admin.get("/telephony/calls")
	mustStatus(t, "list", list, http.StatusOK)
	mustContain(t, "admin sees all", list, ids[0], ids[1], ids[2], "13800138000", "13900139000", "13700137000",
		"坐席 1001 (1001)", "坐席 1002 (1002)", ">Abandoned<", ">Answered<", "1:00")
	mustContain(t, "filter outcome", admin.get("/telephony/calls?outcome=abandoned"), ids[2])
	mustNotContain(t, "filter outcome", admin.get("/telephony/calls?outcome=abandoned"), ids[0])
	mustNotContain(t, "filter queue", admin.get("/telephony/calls?queue=support"), ids[0], ids[2])
	mustContain(t, "filter number", admin.get("/telephony/calls?number=139001"), ids[1])
	mustNotContain(t, "filter number", admin.get("/telephony/calls?number=139001"), ids[0])
	mustNotContain(t, "filter date", admin.get("/telephony/calls?from=2026-03-03"), ids[0], ids[1], ids[2])
	mustContain(t, "filter date", admin.get("/telephony/calls?from=2026-03-02&to=2026-03-02"), ids[0], ids[2])
	mustContain(t, "filter agent", admin.get("/telephony/calls?agent_id="+itoa(e.userID("agent1002"))), ids[1])
	mustNotContain(t, "filter agent", admin.get("/telephony/calls?agent_id="+itoa(e.userID("agent1002"))), ids[0])

	detail := admin.get("/telephony/calls/" + ids[0])
	mustStatus(t, "detail", detail, http.StatusOK)
	mustContain(t, "detail", detail, "13800138000", "Agent answered", "10:00:06.789", "&#43;6.789 s", "&#43;71.000 s",
		`id="legs-table"`, "Call arrived", "from=13800138000", "score=5/5", "This call was not recorded.")
	admin.lang = "zh-CN"
	mustContain(t, "detail zh", admin.get("/telephony/calls/"+ids[0]), "坐席接听", "事件时间线", "满意度评价")

	// An agent sees their own calls only, and not another agent's call by URL.
	agent := e.login("agent1001", demoPW)
	mine := agent.get("/telephony/calls")
	mustContain(t, "agent list", mine, ids[0])
	mustNotContain(t, "agent list", mine, ids[1], ids[2], "13900139000")
	mustStatus(t, "agent detail own", agent.get("/telephony/calls/"+ids[0]), http.StatusOK)
	mustStatus(t, "agent detail other", agent.get("/telephony/calls/"+ids[1]), http.StatusNotFound)
	if strings.Contains(agent.get("/telephony/calls?agent_id="+itoa(e.userID("agent1002"))).body, ids[1]) {
		t.Fatal("an agent filter let an agent see another agent's call")
	}
}

// Recordings list in scope with their parties, play through the API's
// audio endpoint with the session cookie, and can be deleted with the
// permission.
func TestRecordings(t *testing.T) {
	t.Parallel()
	e := start(t)
	base := time.Date(2026, 3, 2, 10, 0, 0, 0, time.Local)
	ids := calls(t, e, base)
	ctx := context.Background()
	rec := func(call string, agent int64) int64 {
		abs, rel, err := e.app.Recs.NewPath(call, base)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(abs, wav(8000, 2, 8000), 0o600); err != nil {
			t.Fatal(err)
		}
		id, err := e.app.Recs.Start(ctx, recording.Recording{CallID: call, Path: rel, StartedAt: base, AgentID: agent})
		if err != nil {
			t.Fatal(err)
		}
		err = e.app.Recs.Finish(ctx, id, recording.Recording{EndedAt: base.Add(time.Minute), DurationMS: 60000, SizeBytes: 32044,
			Queue: "sales", AgentID: agent, Parties: []recording.Party{
				{Channel: "left", Who: "caller 13800138000", From: base},
				{Channel: "right", Who: "agent 1001", AgentID: agent, From: base.Add(6789 * time.Millisecond)}}})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	r1 := rec(ids[0], e.userID("agent1001"))
	r2 := rec(ids[1], e.userID("agent1002"))

	agent := e.login("agent1001", demoPW)
	list := agent.get("/telephony/recordings")
	mustContain(t, "agent recordings", list, ids[0], "caller 13800138000", "agent 1001", "1:00",
		`src="/api/v1/recordings/`+itoa(r1)+`/audio"`)
	mustNotContain(t, "agent recordings", list, ids[1], "Delete")
	audio := agent.get("/api/v1/recordings/" + itoa(r1) + "/audio")
	mustStatus(t, "player source", audio, http.StatusOK)
	if !strings.HasPrefix(audio.body, "RIFF") {
		t.Fatal("the player's source is not the WAV")
	}
	mustStatus(t, "other's audio", agent.get("/api/v1/recordings/"+itoa(r2)+"/audio"), http.StatusNotFound)
	mustContain(t, "call detail player", agent.get("/telephony/calls/"+ids[0]), `<audio controls preload="none" src="/api/v1/recordings/`+itoa(r1)+`/audio"`)
	mustStatus(t, "agent delete", agent.post("/telephony/recordings/"+itoa(r1)+"/delete", nil), http.StatusForbidden)

	admin := e.login("admin", adminPW)
	all := admin.get("/telephony/recordings?queue=sales")
	mustContain(t, "admin", all, ids[0], ids[1], "Delete")
	mustNotContain(t, "call filter", admin.get("/telephony/recordings?call_id="+ids[1]), ids[0])
	p := admin.post("/telephony/recordings/"+itoa(r2)+"/delete", nil)
	mustStatus(t, "delete", p, http.StatusSeeOther)
	mustContain(t, "deleted", admin.follow(p), "Recording of call "+ids[1]+" deleted.")
	if _, err := e.app.Recs.Get(ctx, orgSystem().Scope, r2); err == nil {
		t.Fatal("recording still there")
	}
}
