package report

import (
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/calllog"
)

func TestClassifyBoundaries(t *testing.T) {
	lim := limits{slMS: 20000, shortMS: 10000}
	q := func(outcome calllog.Outcome, wait int64) calllog.CDR {
		return calllog.CDR{Direction: "inbound", Queue: "q", Outcome: outcome, WaitMS: wait}
	}
	cases := []struct {
		name string
		c    calllog.CDR
		want CallSums
	}{
		{"answered at exactly T is within", q(calllog.OutcomeAnswered, 20000),
			CallSums{Calls: 1, Inbound: 1, Queued: 1, AnsweredQ: 1, InSL: 1, Answered: 1, WaitAnsMS: 20000, WaitQMS: 20000,
				MaxWaitMS: 20000, FCRBase: 1}},
		{"answered 1 ms after T is not", q(calllog.OutcomeAnswered, 20001),
			CallSums{Calls: 1, Inbound: 1, Queued: 1, AnsweredQ: 1, Answered: 1, WaitAnsMS: 20001, WaitQMS: 20001,
				MaxWaitMS: 20001, FCRBase: 1}},
		{"abandoned 1 ms before S is short", q(calllog.OutcomeAbandoned, 9999),
			CallSums{Calls: 1, Inbound: 1, Queued: 1, Abandoned: 1, ShortAband: 1, WaitAbMS: 9999, WaitQMS: 9999, MaxWaitMS: 9999}},
		{"abandoned at exactly S is long, within T", q(calllog.OutcomeAbandoned, 10000),
			CallSums{Calls: 1, Inbound: 1, Queued: 1, Abandoned: 1, AbandInSL: 1, WaitAbMS: 10000, WaitQMS: 10000, MaxWaitMS: 10000}},
		{"abandoned after T", q(calllog.OutcomeAbandoned, 30000),
			CallSums{Calls: 1, Inbound: 1, Queued: 1, Abandoned: 1, WaitAbMS: 30000, WaitQMS: 30000, MaxWaitMS: 30000}},
		{"callback request", q(calllog.OutcomeCallback, 40000),
			CallSums{Calls: 1, Inbound: 1, Queued: 1, Callbacks: 1, WaitQMS: 40000, MaxWaitMS: 40000}},
		{"an outbound call queued for an agent is no inbound queue call",
			calllog.CDR{Direction: "outbound", Queue: "q", Outcome: calllog.OutcomeAnswered, WaitMS: 500, TalkMS: 9000},
			CallSums{Calls: 1, Answered: 1, TalkMS: 9000}},
		{"blocked", calllog.CDR{Direction: "inbound", Outcome: calllog.OutcomeBlocked}, CallSums{Calls: 1, Inbound: 1, Blocked: 1}},
		{"unresolved", calllog.CDR{Direction: "inbound", Outcome: calllog.OutcomeAnswered, Unresolved: true, Holds: 2, HoldMS: 7},
			CallSums{Calls: 1, Inbound: 1, Answered: 1, FCRBase: 1, FCRFailed: 1, Held: 1, Holds: 2, HoldMS: 7}},
	}
	for _, c := range cases {
		if got := classifyCall(c.c, false, 0, lim); got != c.want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, got, c.want)
		}
	}
	if got := classifyCall(q(calllog.OutcomeAnswered, 1), true, 0, lim); got.FCRFailed != 1 {
		t.Error("a repeated call is not resolved")
	}
}

func TestRatings(t *testing.T) {
	for _, c := range []struct {
		score, scale         int
		satisfied, veryUnsat int64
		pts                  int64
	}{
		{5, 5, 1, 0, 1000}, {4, 5, 1, 0, 750}, {3, 5, 0, 0, 500}, {1, 5, 0, 1, 0},
		{3, 3, 1, 0, 1000}, {2, 3, 0, 0, 500}, {9, 10, 1, 0, 888}, {8, 10, 0, 0, 777},
		{4, 0, 1, 0, 750}, // unknown scale: five points
	} {
		var s CallSums
		rated(&s, c.score, c.scale)
		if s.Rated != 1 || s.Satisfied != c.satisfied || s.VeryUnsat != c.veryUnsat || s.RatingPts != c.pts {
			t.Errorf("%d/%d: %+v", c.score, c.scale, s)
		}
	}
}

func TestServiceLevelVariants(t *testing.T) {
	// 8 answered (6 within T), 3 abandoned (1 short, 1 long within T), 1 overflowed.
	c := CallSums{AnsweredQ: 8, InSL: 6, Abandoned: 3, ShortAband: 1, AbandInSL: 1, Overflowed: 1}
	for mode, want := range map[string]float64{AbandonIgnored: 600.0 / 9, AbandonAgainst: 600.0 / 11, AbandonForWithin: 700.0 / 11} {
		if v := serviceLevel(c, mode); !v.OK || v.V != want {
			t.Errorf("%s: %v, want %v", mode, v, want)
		}
	}
	if v := serviceLevel(CallSums{}, AbandonAgainst); v.OK || v.Note != NoteNoData {
		t.Errorf("no calls: %+v", v)
	}
}

func TestBreach(t *testing.T) {
	s := DefaultSettings()
	for _, c := range []struct {
		key  string
		v    float64
		want string
	}{
		{"service_level", 79.99, "low"}, {"service_level", 80, ""}, {"asa", 20, ""}, {"asa", 20.01, "high"},
		{"acw", 10, ""}, {"acw", 61, "high"}, {"talk_time", 200, "low"}, {"talk_time", 400, "high"}, {"talk_time", 300, ""},
		{"total_calls", 1e9, ""}, {"abandon_rate", 5, ""}, {"abandon_rate", 5.5, "high"},
	} {
		m, _ := MetricByKey(c.key)
		if got := m.breach(c.v, m.Target(s)); got != c.want {
			t.Errorf("%s = %v: breach %q, want %q", c.key, c.v, got, c.want)
		}
	}
	lo := 95.0
	s.Targets = map[string]Band{"answer_rate": {Lo: &lo}}
	m, _ := MetricByKey("answer_rate")
	if m.breach(96, m.Target(s)) != "" || m.breach(94, m.Target(s)) != "low" {
		t.Error("a target set in the settings is not used")
	}
	if len(Metrics) != 23+9 {
		t.Errorf("%d metrics", len(Metrics))
	}
	for i := 1; i <= 23; i++ {
		if Metrics[i-1].N != i {
			t.Errorf("metric %d is %+v", i, Metrics[i-1])
		}
	}
}

func TestSettingsValidate(t *testing.T) {
	hi, lo := 10.0, 20.0
	for _, c := range []struct {
		edit  func(*Settings)
		field string
	}{
		{func(s *Settings) { s.SLThresholdSec = 0 }, "sl_threshold_sec"},
		{func(s *Settings) { s.SLTargetPct = 101 }, "sl_target_pct"},
		{func(s *Settings) { s.AbandonMode = "x" }, "abandon_mode"},
		{func(s *Settings) { s.FCRWindowHours = 0 }, "fcr_window_hours"},
		{func(s *Settings) { s.RingCycleSec = 0 }, "ring_cycle_sec"},
		{func(s *Settings) { s.TimeZone = "Mars/Olympus" }, "time_zone"},
		{func(s *Settings) { s.Targets = map[string]Band{"nope": {}} }, "targets"},
		{func(s *Settings) { s.Targets = map[string]Band{"total_calls": {}} }, "targets"},
		{func(s *Settings) { s.Targets = map[string]Band{"asa": {Lo: &lo, Hi: &hi}} }, "targets"},
	} {
		s := DefaultSettings()
		c.edit(&s)
		err := s.Validate()
		if err == nil || !containsStr(err.Error(), c.field) {
			t.Errorf("want an error on %s, got %v", c.field, err)
		}
	}
	if err := DefaultSettings().Validate(); err != nil {
		t.Errorf("defaults: %v", err)
	}
}

func containsStr(s, sub string) bool {
	return len(sub) == 0 || len(s) >= len(sub) && (s[:len(sub)] == sub || containsStr(s[1:], sub))
}

func TestIntervals(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	ber, _ := time.LoadLocation("Europe/Berlin")
	at := func(loc *time.Location, s string) int64 {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UnixMilli()
	}
	for _, c := range []struct {
		iv         Interval
		loc        *time.Location
		t          string
		start, end string
	}{
		{Int30m, sh, "2026-03-04 09:45", "2026-03-04 09:30", "2026-03-04 10:00"},
		{Int60m, sh, "2026-03-04 09:45", "2026-03-04 09:00", "2026-03-04 10:00"},
		{IntDay, sh, "2026-03-04 00:00", "2026-03-04 00:00", "2026-03-05 00:00"},
		{IntWeek, sh, "2026-03-08 23:45", "2026-03-02 00:00", "2026-03-09 00:00"}, // Sunday belongs to the week from Monday
		{IntWeek, sh, "2026-03-02 00:00", "2026-03-02 00:00", "2026-03-09 00:00"},
		{IntMonth, sh, "2026-02-28 23:45", "2026-02-01 00:00", "2026-03-01 00:00"},
		{IntDay, ber, "2026-03-29 12:00", "2026-03-29 00:00", "2026-03-30 00:00"}, // a 23-hour day
		{Int60m, ber, "2026-03-29 03:15", "2026-03-29 03:00", "2026-03-29 04:00"}, // after the jump
	} {
		q := Query{Interval: c.iv}
		s, e := q.intervalOf(at(c.loc, c.t), c.loc)
		if s != at(c.loc, c.start) || e != at(c.loc, c.end) {
			t.Errorf("%s of %s: %v–%v", c.iv, c.t, time.UnixMilli(s).In(c.loc), time.UnixMilli(e).In(c.loc))
		}
	}
	if d := nextDay(at(ber, "2026-03-29 00:00"), ber) - at(ber, "2026-03-29 00:00"); d != 23*3600*1000 {
		t.Errorf("the day of the spring change lasts %v", time.Duration(d)*time.Millisecond)
	}
	q := Query{Interval: IntHourOfDay}
	if h, _ := q.intervalOf(at(sh, "2026-03-04 21:30"), sh); h != 21 {
		t.Errorf("hour of day %d", h)
	}
}

func TestAgentTimeSplitsAtBuckets(t *testing.T) {
	b := Bucket.Milliseconds()
	base := int64(1_000_000) * b
	rows := map[agentKey]*agentRow{}
	get := func(bk, agent int64) *agentRow {
		k := agentKey{bk, agent}
		if rows[k] == nil {
			rows[k] = &agentRow{}
		}
		return rows[k]
	}
	// Ready from 10 min into the first bucket to 5 min into the third;
	// phone time from 12 min into the first to 2 min into the second.
	phone := []span{{base + 12*60000, base + b + 2*60000}}
	addSegment(get, 7, segment{span: span{base + 10*60000, base + 2*b + 5*60000}, state: stReady}, phone)
	addSegment(get, 7, segment{span: span{base + 2*b + 5*60000, base + 2*b + 6*60000}, state: stNotReady, reason: "break"}, phone)
	want := []struct{ ready, adhered, notReady int64 }{{5 * 60000, 3 * 60000, 0}, {b, 2 * 60000, 0}, {5 * 60000, 0, 60000}}
	for i, w := range want {
		r := rows[agentKey{base + int64(i)*b, 7}]
		if r == nil || r.sums.ReadyMS != w.ready || r.sums.AdheredMS != w.adhered || r.sums.NotReadyMS != w.notReady ||
			r.sums.LoggedInMS != w.ready+w.notReady {
			t.Errorf("bucket %d: %+v", i, r)
		}
	}
	if r := rows[agentKey{base + 2*b, 7}]; r.reasons["break"] != 60000 {
		t.Errorf("reasons %v", r.reasons)
	}
	if got := sortedSpans([]span{{5, 9}, {1, 3}, {2, 6}, {10, 11}}); len(got) != 2 || got[0] != (span{1, 9}) || got[1] != (span{10, 11}) {
		t.Errorf("merged %v", got)
	}
}

func TestRuns(t *testing.T) {
	b := Bucket.Milliseconds()
	gs := []gen{{5 * b, 0}, {4 * b, 1}, {3 * b, 0}, {1 * b, 0}} // newest first, as read
	rs := runs(gs, 2)
	if len(rs) != 3 || rs[0][0].bucket != b || len(rs[1]) != 2 || rs[1][0].bucket != 3*b || rs[2][0].bucket != 5*b {
		t.Errorf("runs %v", rs)
	}
}
