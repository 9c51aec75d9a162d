package report

import (
	"fmt"
	"math"
	"strconv"
	"testing"

	cl "github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/shift"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

// goldenDay builds one day (Monday 2026-03-02, Asia/Shanghai) of ten
// calls and four agents whose every metric is worked out by hand in
// TestGoldenDay. Settings: SL 20 s, short abandon 10 s, FCR 72 h, ring
// cycle 6 s; the center cost of March is ¥31,000.
//
// Calls (all to 8000 and queue support unless said):
//
//	c1  09:09:50 13800000001 queued 09:10:00.250, A rings, answers 09:10:06.375 (wait = ring = 6.125 s),
//	    hold 09:12:00–09:12:30, A hangs up 09:15:06 (talk 299.625 − 30 = 269.625 s), rated 5/5, wrap-up to 09:15:36 (30 s)
//	c2  09:20:00 13800000002 queued 09:20:05; B rings 10 s, no answer; A rings 09:20:40, answers 09:20:52 (wait 47 s,
//	    ring 12 s), talks 300 s, blind-transfers to B 09:25:52 (wrap-up 20 s); B rings 6 s, answers 09:25:58, marks the
//	    issue unresolved, hangs up 09:27:58 (talk 120 s, wrap-up 20 s); rated 1/5 (very unsatisfied)
//	c3  10:00:00 queued 10:00:05, abandons 10:00:10 (5 s: a short abandon)
//	c4  10:05:00 queued, abandons after 15 s (long, within the SL threshold)
//	c5  10:10:00 queued, abandons after 60 s
//	c6  10:20:00 to 9999: blocked (unknown number)
//	c7  10:30:00 self-service in the IVR until 10:31
//	c10 10:40:00 queued, overflows to voicemail at 10:42:00 (120 s)
//	c8  11:00:00 13800000001 again (so c1 was not resolved): queued, A rings 11:00:24, answers 11:00:30 (wait 30 s,
//	    ring 6 s), talks 60 s, wrap-up 30 s, marks it resolved after the call
//	c9  12:30:00 outbound to 13900000009, nobody answers
//
// Agents: A logs in 08:55 (shift 09:00–17:00, lunch 12:00–13:00), break
// 10:00–10:15, lunch 12:00–13:00, logs out 16:30. B logs in 09:05 (shift
// 09:00–13:00), out 13:00. D has a shift 13:00–17:00 and never logs in. C
// left on 2026-03-02.
func goldenDay(t *testing.T, db *store.DB) *scene {
	s := newScene(t, db)
	set := DefaultSettings()
	set.ShortAbandonSec, set.TimeZone = 10, "Asia/Shanghai"
	if err := SaveSettings(s.ctx, db, s.sysUser, set); err != nil {
		t.Fatal(err)
	}
	if _, err := SetCost(s.ctx, db, s.sysUser, Cost{Month: "2026-03", Amount: 31000}); err != nil {
		t.Fatal(err)
	}
	in := func(from string) cl.Data {
		return cl.Data{Direction: "inbound", From: from, To: "8000", Number: "8000"}
	}
	sys := cl.Data{By: "system"}
	c := s.call
	c("c1", ev{"09:09:50", cl.CallOffered, "", in("13800000001")}, ev{"09:09:50", cl.CallAnswered, "", sys},
		ev{"09:09:50", cl.IVREntered, "", cl.Data{Flow: "main"}},
		ev{"09:10:00.250", cl.IVRLeft, "", cl.Data{Flow: "main", Result: "transfer_queue", Target: "support"}},
		ev{"09:10:00.250", cl.QueueEntered, "", cl.Data{}}, ev{"09:10:00.250", cl.QueueOffer, "A", cl.Data{}},
		ev{"09:10:06.375", cl.AgentAnswered, "A", cl.Data{}}, ev{"09:12:00", cl.CallHold, "A", cl.Data{By: "agent"}},
		ev{"09:12:30", cl.CallUnhold, "A", cl.Data{By: "agent"}}, ev{"09:15:06", cl.LegEnded, "A", cl.Data{By: "agent"}},
		ev{"09:15:10", cl.CallRated, "A", cl.Data{Score: 5, Scale: 5}}, ev{"09:15:20", cl.CallEnded, "", cl.Data{By: "system"}},
		ev{"09:15:36", cl.AgentWrapUpEnd, "A", cl.Data{}})
	c("c2", ev{"09:20:00", cl.CallOffered, "", in("13800000002")}, ev{"09:20:00", cl.CallAnswered, "", sys},
		ev{"09:20:05", cl.QueueEntered, "", cl.Data{}}, ev{"09:20:30", cl.QueueOffer, "B", cl.Data{}},
		ev{"09:20:40", cl.QueueOfferFailed, "B", cl.Data{Reason: "no_answer"}}, ev{"09:20:40", cl.QueueOffer, "A", cl.Data{}},
		ev{"09:20:52", cl.AgentAnswered, "A", cl.Data{}},
		ev{"09:25:52", cl.CallTransfer, "A", cl.Data{Kind: "blind", Target: "agent:B"}},
		ev{"09:25:52", cl.LegEnded, "A", cl.Data{By: "transfer"}}, ev{"09:25:52", cl.QueueOffer, "B", cl.Data{}},
		ev{"09:25:58", cl.AgentAnswered, "B", cl.Data{}}, ev{"09:26:12", cl.AgentWrapUpEnd, "A", cl.Data{}},
		ev{"09:27:30", cl.CallResolution, "B", cl.Data{Result: cl.ResultUnresolved}},
		ev{"09:27:58", cl.LegEnded, "B", cl.Data{By: "agent"}}, ev{"09:28:05", cl.CallRated, "B", cl.Data{Score: 1, Scale: 5}},
		ev{"09:28:10", cl.CallEnded, "", cl.Data{By: "system"}}, ev{"09:28:18", cl.AgentWrapUpEnd, "B", cl.Data{}})
	abandon := func(id, from, start, queued, left string, waitMS int64) {
		c(id, ev{start, cl.CallOffered, "", in(from)}, ev{start, cl.CallAnswered, "", sys}, ev{queued, cl.QueueEntered, "", cl.Data{}},
			ev{left, cl.QueueAbandoned, "", cl.Data{WaitMS: waitMS}}, ev{left, cl.CallEnded, "", cl.Data{By: "caller"}})
	}
	abandon("c3", "13800000003", "10:00:00", "10:00:05", "10:00:10", 5000)
	abandon("c4", "13800000004", "10:05:00", "10:05:00", "10:05:15", 15000)
	abandon("c5", "13800000005", "10:10:00", "10:10:00", "10:11:00", 60000)
	c("c6", ev{"10:20:00", cl.CallOffered, "", cl.Data{Direction: "inbound", From: "13800000006", To: "9999", Number: "9999"}},
		ev{"10:20:00", cl.CallBlocked, "", cl.Data{Reason: "unknown_number", Code: 404}},
		ev{"10:20:00", cl.CallEnded, "", cl.Data{By: "system"}})
	c("c7", ev{"10:30:00", cl.CallOffered, "", in("13800000007")}, ev{"10:30:00", cl.CallAnswered, "", sys},
		ev{"10:30:00", cl.IVREntered, "", cl.Data{Flow: "main"}}, ev{"10:31:00", cl.IVRLeft, "", cl.Data{Result: "hangup"}},
		ev{"10:31:00", cl.CallEnded, "", cl.Data{By: "system"}})
	c("c10", ev{"10:40:00", cl.CallOffered, "", in("13800000010")}, ev{"10:40:00", cl.CallAnswered, "", sys},
		ev{"10:40:00", cl.QueueEntered, "", cl.Data{}}, ev{"10:42:00", cl.QueueOverflow, "", cl.Data{Kind: "voicemail"}},
		ev{"10:43:00", cl.CallEnded, "", cl.Data{By: "caller"}})
	c("c8", ev{"11:00:00", cl.CallOffered, "", in("13800000001")}, ev{"11:00:00", cl.CallAnswered, "", sys},
		ev{"11:00:00", cl.QueueEntered, "", cl.Data{}}, ev{"11:00:24", cl.QueueOffer, "A", cl.Data{}},
		ev{"11:00:30", cl.AgentAnswered, "A", cl.Data{}}, ev{"11:01:30", cl.LegEnded, "A", cl.Data{By: "agent"}},
		ev{"11:01:31", cl.CallEnded, "", cl.Data{By: "agent"}},
		ev{"11:01:45", cl.CallResolution, "A", cl.Data{Result: cl.ResultResolved}}, ev{"11:02:00", cl.AgentWrapUpEnd, "A", cl.Data{}})
	c("c9", ev{"12:30:00", cl.CallOffered, "", cl.Data{Direction: "outbound", From: "8000", To: "13900000009"}},
		ev{"12:30:30", cl.CallEnded, "", cl.Data{By: "system", Cause: "no_answer"}})

	s.states("A", "08:55:00", "ready", "09:10:00.250", "ringing", "09:10:06.375", "on_call", "09:12:00", "on_hold",
		"09:12:30", "on_call", "09:15:06", "wrap_up", "09:15:36", "ready", "09:20:40", "ringing", "09:20:52", "on_call",
		"09:25:52", "wrap_up", "09:26:12", "ready", "10:00:00", "not_ready/break", "10:15:00", "ready", "11:00:24", "ringing",
		"11:00:30", "on_call", "11:01:30", "wrap_up", "11:02:00", "ready", "12:00:00", "not_ready/lunch", "13:00:00", "ready",
		"16:30:00", "logged_out")
	s.states("B", "09:05:00", "ready", "09:20:30", "ringing", "09:20:40", "ready", "09:25:52", "ringing", "09:25:58", "on_call",
		"09:27:58", "wrap_up", "09:28:18", "ready", "13:00:00", "logged_out")
	s.shift("A", "09:00:00", "17:00:00", shift.Activity{Kind: shift.Lunch, Start: s.at("12:00:00"), End: s.at("13:00:00")})
	s.shift("B", "09:00:00", "13:00:00")
	s.shift("D", "13:00:00", "17:00:00")
	s.done()
	return s
}

// want is a metric's expected value; NaN expects "no figure" with note.
type want struct {
	v    float64
	note string
}

func check(t *testing.T, what string, got map[string]Value, wants map[string]want) {
	t.Helper()
	for k, w := range wants {
		g, ok := got[k]
		switch {
		case !ok:
			t.Errorf("%s: no %s", what, k)
		case w.note != "":
			if g.OK || g.Note != w.note {
				t.Errorf("%s: %s = %v (%s), want no figure (%s)", what, k, g.V, g.Note, w.note)
			}
		case !g.OK:
			t.Errorf("%s: %s has no figure (%s), want %v", what, k, g.Note, w.v)
		case math.Abs(g.V-w.v) > 1e-6*math.Max(1, math.Abs(w.v)):
			t.Errorf("%s: %s = %.8f, want %.8f", what, k, g.V, w.v)
		}
	}
}

// dayWants are the day's figures for everything (scope all), by hand:
func dayWants() map[string]want {
	return map[string]want{
		// 10 calls: c1–c10.
		"total_calls": {v: 10},
		// 9 inbound calls received, c6 blocked: 1/9.
		"blocked_rate": {v: 100.0 / 9},
		// queued c1 c2 c3 c4 c5 c8 c10 = 7 of 9 inbound.
		"queue_placement": {v: 700.0 / 9},
		// answered c1 c2 c8 of 7 queued.
		"answer_rate": {v: 300.0 / 7},
		// abandoned c3 c4 c5, c3 short: 2 ÷ (7 − 1).
		"abandon_rate": {v: 200.0 / 6},
		// wait of answered: 6.125 + 47 + 30 = 83.125 s over 3.
		"asa": {v: 83.125 / 3},
		// wait of every queued call: 83.125 + (5 + 15 + 60) + 120 = 283.125 s over 7.
		"queue_time": {v: 283.125 / 7},
		// abandoned waits 5 + 15 + 60 over 3.
		"ata": {v: 80.0 / 3},
		// legs answered: A c1, A c2, B c2, A c8. Wrap-up 30 + 20 + 20 + 30 = 100 s.
		"acw": {v: 25},
		// talk 269.625 + 300 + 120 + 60 = 749.625, hold 30, wrap-up 100: 879.625 over 4.
		"aht":       {v: 879.625 / 4},
		"talk_time": {v: 749.625 / 4},
		// c1 held 30 s: 30 over 1 held call.
		"hold_time": {v: 30},
		// ringing of answered legs 6.125 + 12 + 6 + 6 = 30.125 s ÷ 6 s ÷ 4.
		"rings": {v: 30.125 / 6 / 4},
		// A transferred c2: 1 of 4 legs handled.
		"transfer_rate": {v: 25},
		// c1 repeated by c8 within 72 h, c2 marked unresolved, c8 resolved: 1 of 3.
		"fcr": {v: 100.0 / 3},
		// ratings 5 and 1 on a 5-point scale: 1 satisfied of 2; index (100 + 0) ÷ 2.
		"csat": {v: 50}, "rating_index": {v: 50}, "very_unsatisfied": {v: 1},
		// ¥31,000 ÷ 31 days = ¥1,000 for the day, over 3 answered + 1 IVR call.
		"cost_per_call": {v: 250},
		// agents A B C D at the start, A B D at the end (C left that day): 1 ÷ 3.5.
		"turnover": {v: 100 / 3.5},
		// logged in: A 08:55–16:30 = 27,300 s, B 09:05–13:00 = 14,100 s; 4 calls ÷ 11.5 h.
		"calls_per_hour": {v: 4 / 11.5},
		// talk A 629.625 + B 120, hold 30 = 779.625 s; ready A 22,036.25 + B 13,944; ringing A 24.125 + B 16.
		"occupancy": {v: 779.625 * 100 / (779.625 + 22036.25 + 13944 + 40.125)},
		// phone time A 7 h, B 4 h, D 4 h = 54,000 s; in service A 22,500 (3 h − break + 3.5 h), B 14,100.
		"adherence": {v: 36600.0 * 100 / 54000},
		// agent-days scheduled A B D, logged in A B.
		"attendance":       {v: 200.0 / 3},
		"monitoring_score": {note: NoteNoQA},
		"longest_wait":     {v: 120}, "offered": {v: 7}, "answered": {v: 4}, "abandoned": {v: 3}, "blocked": {v: 1},
	}
}

func TestGoldenDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := goldenDay(t, db)
		q := Query{From: s.day, To: s.day.AddDate(0, 0, 1), Interval: IntDay}
		admin := s.actors["admin2"]
		for _, stage := range []string{"from the records", "from the rollups"} {
			if stage == "from the rollups" {
				if err := s.eng.Sync(s.ctx); err != nil {
					t.Fatal(err)
				}
			}
			res, err := s.eng.Report(s.ctx, admin, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Rows) != 1 || !res.Rows[0].Start.Equal(s.day) {
				t.Fatalf("%s: rows %+v", stage, res.Rows)
			}
			check(t, stage, res.Rows[0].Values, dayWants())
			check(t, stage+" (total)", res.Total.Values, dayWants())
			// The three service-level variants (threshold 20 s, abandons under 10 s left out):
			// answered within 20 s: c1; long abandons c4 (15 s, within) and c5; c10 overflowed.
			for mode, v := range map[string]float64{
				AbandonIgnored:   100.0 / 4, // 1 ÷ (3 answered + 1 overflowed)
				AbandonAgainst:   100.0 / 6, // 1 ÷ (3 + 2 long abandons + 1)
				AbandonForWithin: 200.0 / 6, // (1 + c4) ÷ 6
			} {
				if got := serviceLevel(res.Total.Calls, mode); !got.OK || math.Abs(got.V-v) > 1e-9 {
					t.Errorf("%s: SL %s = %v, want %v", stage, mode, got.V, v)
				}
			}
		}
		p, err := makePlan(s.ctx, db, Query{From: q.From, To: q.To, Interval: IntDay}, s.loc, s.eng.now())
		if err != nil || len(p.callDays) != 1 || len(p.agentDays) != 1 || len(p.callRaw)+len(p.agentRaw) != 0 || p.stale {
			t.Fatalf("after Sync the day is not read from the day rollups: %+v %v", p, err)
		}
		goldenGroups(t, s)
		goldenScope(t, s)
		goldenHours(t, s)
	})
}

// goldenGroups checks the day per agent and per customer source.
func goldenGroups(t *testing.T, s *scene) {
	res, err := s.eng.Report(s.ctx, s.actors["admin2"], Query{From: s.day, To: s.day.AddDate(0, 0, 1), Interval: IntTotal, GroupBy: GroupAgent})
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]Row{}
	for _, r := range res.Groups {
		by[r.Label] = r
	}
	id := func(n string) string { return strconv.FormatInt(s.users[n].ID, 10) }
	if by["坐席A"].Group != id("A") {
		t.Fatalf("groups %+v", res.Groups)
	}
	check(t, "agent A", by["坐席A"].Values, map[string]want{
		// A answered c1, c2 (first), c8: the calls are A's.
		"total_calls": {v: 3}, "asa": {v: 83.125 / 3}, "service_level": {v: 100.0 / 3}, "fcr": {v: 100.0 / 3}, "csat": {v: 50},
		// A's legs: talk 269.625 + 300 + 60, hold 30, wrap-up 30 + 20 + 30.
		"aht": {v: (629.625 + 30 + 80) / 3}, "acw": {v: 80.0 / 3}, "transfer_rate": {v: 100.0 / 3},
		"rings": {v: 24.125 / 6 / 3},
		// 3 calls in 27,300 s logged in; talk + hold 659.625 ÷ (659.625 + ready 22,036.25 + ringing 24.125).
		"calls_per_hour": {v: 3 / (27300.0 / 3600)}, "occupancy": {v: 659.625 * 100 / 22720},
		// in service 22,500 of 25,200 s scheduled.
		"adherence": {v: 22500.0 * 100 / 25200}, "attendance": {v: 100},
		"cost_per_call": {note: NoteNotApplicable}, "turnover": {note: NoteNotApplicable},
	})
	check(t, "agent B", by["坐席B"].Values, map[string]want{
		// B owns no call (A answered c2 first); B's leg: talk 120, wrap-up 20; 1 of 2 offers missed.
		"total_calls": {v: 0}, "service_level": {note: NoteNoData}, "aht": {v: 140}, "transfer_rate": {v: 0},
		"calls_per_hour": {v: 1 / (14100.0 / 3600)}, "occupancy": {v: 120 * 100 / 14080.0},
		// B came 5 minutes late: 14,100 of 14,400 s.
		"adherence": {v: 14100.0 * 100 / 14400},
	})
	if b := by["坐席B"].Calls; b.LegsOffered != 2 || b.LegsMissed != 1 {
		t.Errorf("B's offers %+v", b)
	}
	check(t, "agent D", by["坐席D"].Values, map[string]want{
		"adherence": {v: 0}, "attendance": {v: 0}, "calls_per_hour": {note: NoteNoData},
	})
	agents := by["坐席A"].Agents
	agents.Add(by["坐席B"].Agents)
	agents.Add(by["坐席D"].Agents)
	if agents.ReadyMS != 22036250+13944000 || agents.NotReadyMS != 4500000 || by["坐席A"].Reasons["break"] != 900000 ||
		by["坐席A"].Reasons["lunch"] != 3600000 {
		t.Errorf("state time %+v, reasons %v", agents, by["坐席A"].Reasons)
	}
}

// goldenScope checks what a supervisor and an agent see.
func goldenScope(t *testing.T, s *scene) {
	day := Query{From: s.day, To: s.day.AddDate(0, 0, 1), Interval: IntDay}
	res, err := s.eng.Report(s.ctx, s.actors["sup"], day)
	if err != nil {
		t.Fatal(err)
	}
	// The supervisor's department owns the queued calls (answered or not);
	// the blocked, self-service and outbound calls reached no queue.
	check(t, "supervisor", res.Total.Values, map[string]want{"total_calls": {v: 7}, "answer_rate": {v: 300.0 / 7},
		"adherence": {v: 36600.0 * 100 / 54000}})
	res, err = s.eng.Report(s.ctx, s.actors["A"], day)
	if err != nil {
		t.Fatal(err)
	}
	// An agent sees their own calls and time only.
	check(t, "agent A's own", res.Total.Values, map[string]want{"total_calls": {v: 3}, "answered": {v: 3},
		"abandon_rate": {v: 0}, "adherence": {v: 22500.0 * 100 / 25200}, "cost_per_call": {note: NoteNoCost},
		"turnover": {note: NoteNotApplicable}})
}

// goldenHours checks an hourly report: 09:00–10:00 holds c1 and c2.
func goldenHours(t *testing.T, s *scene) {
	res, err := s.eng.Report(s.ctx, s.actors["admin2"], Query{From: s.day, To: s.day.AddDate(0, 0, 1), Interval: Int60m})
	if err != nil {
		t.Fatal(err)
	}
	var nine *Row
	for i, r := range res.Rows {
		if r.Start.Equal(s.at("09:00:00")) {
			nine = &res.Rows[i]
		}
	}
	if nine == nil {
		t.Fatalf("no 09:00 row in %d rows", len(res.Rows))
	}
	check(t, "09:00", nine.Values, map[string]want{"total_calls": {v: 2}, "service_level": {v: 50}, "asa": {v: 53.125 / 2},
		"turnover": {note: NoteNotApplicable}})
	if fmt.Sprint(len(res.Rows)) == "" {
		t.Fatal()
	}
}
