package report

import (
	"testing"
	"time"

	cl "github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/shift"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

// The rollups follow the records: after they are complete, a late call, a
// late mark, a repeat call deciding an earlier call's resolution, a shift
// change and a change of definitions all show in the next report.
func TestRollupsFollowTheRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := goldenDay(t, db)
		if err := s.eng.Sync(s.ctx); err != nil {
			t.Fatal(err)
		}
		admin := s.actors["admin2"]
		day := Query{From: s.day, To: s.day.AddDate(0, 0, 1), Interval: IntDay}
		report := func() map[string]Value {
			t.Helper()
			res, err := s.eng.Report(s.ctx, admin, day)
			if err != nil {
				t.Fatal(err)
			}
			return res.Total.Values
		}

		// A late mark on c8 (after its CDR, through the log's amendment).
		s.log.Append(s.ctx, cl.Event{CallID: "c8", At: s.at("11:05:00"), Type: cl.CallResolution, AgentID: s.users["A"].ID,
			Data: cl.Data{Result: cl.ResultUnresolved}})
		flush(t, s)
		check(t, "c8 marked unresolved", report(), map[string]want{"fcr": {v: 0}})

		// c2's caller calls again the next morning: no change to c2 (already
		// unresolved); c8's caller calls again 2 days later, so c8 stays
		// as it was — and a call 4 days after c1 is beyond the window.
		next := s.day.AddDate(0, 0, 4).Add(9 * time.Hour)
		s.log.Append(s.ctx, cl.Event{CallID: "late", At: next, Type: cl.CallOffered,
			Data: cl.Data{Direction: "inbound", From: "13800000001", To: "8000"}})
		s.log.Append(s.ctx, cl.Event{CallID: "late", At: next.Add(time.Second), Type: cl.CallEnded, Data: cl.Data{By: "caller"}})
		flush(t, s)
		check(t, "a repeat after the window", report(), map[string]want{"fcr": {v: 0}, "total_calls": {v: 10}})

		// A late call in the day: c11, answered by B, within T.
		s.call("c11", ev{"15:00:00", cl.CallOffered, "", cl.Data{Direction: "inbound", From: "13800000011", To: "8000"}},
			ev{"15:00:00", cl.QueueEntered, "", cl.Data{}}, ev{"15:00:00", cl.QueueOffer, "B", cl.Data{}},
			ev{"15:00:05", cl.AgentAnswered, "B", cl.Data{}}, ev{"15:01:05", cl.LegEnded, "B", cl.Data{By: "agent"}},
			ev{"15:01:05", cl.CallEnded, "", cl.Data{By: "agent"}})
		flush(t, s)
		check(t, "a late call", report(), map[string]want{"total_calls": {v: 11}, "answer_rate": {v: 400.0 / 8},
			"asa": {v: 88.125 / 4}, "fcr": {v: 100.0 / 4}})
		// ...and a repeat of it within the window makes it unresolved.
		s.call("c12", ev{"16:00:00", cl.CallOffered, "", cl.Data{Direction: "inbound", From: "13800000011", To: "8000"}},
			ev{"16:00:01", cl.CallEnded, "", cl.Data{By: "caller"}})
		flush(t, s)
		check(t, "a repeat call", report(), map[string]want{"total_calls": {v: 12}, "fcr": {v: 0}})

		// D's shift moves to the morning, when nobody logs in either; B's
		// shift is removed: only A is scheduled, with B's 4 h gone.
		var shifts []shift.Shift
		shifts, err := shift.Overlapping(s.ctx, db, s.day, s.day.AddDate(0, 0, 1), s.users["B"].ID)
		if err != nil || len(shifts) != 1 {
			t.Fatal(shifts, err)
		}
		if _, err := db.ExecContext(s.ctx, `DELETE FROM shifts WHERE id = $1`, shifts[0].ID); err != nil {
			t.Fatal(err)
		}
		s.eng.ShiftChanged(s.users["B"].ID, shifts[0].Start, shifts[0].End)
		if err := s.eng.Sync(s.ctx); err != nil {
			t.Fatal(err)
		}
		check(t, "B's shift removed", report(), map[string]want{"adherence": {v: 22500.0 * 100 / (25200 + 14400)},
			"attendance": {v: 50}})

		// The threshold becomes 60 s: c2 (47 s) and c8 (30 s) are now within.
		set, _ := s.eng.Settings(s.ctx)
		set.SLThresholdSec = 60
		if err := s.eng.SaveSettings(s.ctx, s.sysUser, set); err != nil {
			t.Fatal(err)
		}
		vals := report()
		if err := s.eng.Sync(s.ctx); err != nil {
			t.Fatal(err)
		}
		// answered c1 c2 c8 c11 within 60 s; long abandons c4 (15 s) c5 (60 s, within); c10 overflowed.
		for _, v := range []map[string]Value{vals, report()} {
			check(t, "threshold 60 s", v, map[string]want{"service_level": {v: 400.0 / 7}})
		}
	})
}

func flush(t *testing.T, s *scene) {
	t.Helper()
	if err := s.log.Flush(s.ctx); err != nil {
		t.Fatal(err)
	}
}

// A repeat call from another phone of the same customer makes the first
// call unresolved; a call-back to the customer does too.
func TestFCRByCustomer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newScene(t, db)
		now := time.Now().UnixMilli()
		var cust int64
		if err := db.QueryRowContext(s.ctx, `INSERT INTO customers (name, level, source, created_at, updated_at)
			VALUES ('王芳', 'A', 'web', $1, $1) RETURNING id`, now).Scan(&cust); err != nil {
			t.Fatal(err)
		}
		for _, p := range [][2]string{{"+8613900000001", "13900000001"}, {"+8613900000002", "13900000002"}} {
			if _, err := db.ExecContext(s.ctx, `INSERT INTO customer_phones (e164, customer_id, national) VALUES ($1, $2, $3)`,
				p[0], cust, p[1]); err != nil {
				t.Fatal(err)
			}
		}
		answered := func(id, from, at string) {
			s.call(id, ev{at, cl.CallOffered, "", cl.Data{Direction: "inbound", From: from, To: "8000"}},
				ev{at, cl.QueueEntered, "", cl.Data{}}, ev{at, cl.QueueOffer, "A", cl.Data{}}, ev{at, cl.AgentAnswered, "A", cl.Data{}},
				ev{at, cl.LegEnded, "A", cl.Data{By: "agent"}}, ev{at, cl.CallEnded, "", cl.Data{By: "agent"}})
		}
		answered("x1", "13900000001", "09:00:00")    // repeated by x2 from the customer's other phone
		answered("x2", "+8613900000002", "10:00:00") // followed by a call-back to 13900000002
		answered("x3", "13900000003", "11:00:00")    // nobody calls again
		s.call("cb", ev{"12:00:00", cl.CallOffered, "", cl.Data{Direction: "callback", From: "8000", To: "13900000002"}},
			ev{"12:00:30", cl.CallEnded, "", cl.Data{By: "system"}})
		s.done()
		res, err := s.eng.Report(s.ctx, s.actors["admin2"], Query{From: s.day, To: s.day.AddDate(0, 0, 1), Interval: IntTotal,
			GroupBy: GroupSource})
		if err != nil {
			t.Fatal(err)
		}
		check(t, "all", res.Total.Values, map[string]want{"fcr": {v: 100.0 / 3}, "total_calls": {v: 4}})
		var web *Row
		for i := range res.Groups {
			if res.Groups[i].Group == "web" {
				web = &res.Groups[i]
			}
		}
		if web == nil || web.Label != "Website 网站" {
			t.Fatalf("groups %+v", res.Groups)
		}
		// x1, x2 and the call-back are the customer's (source web).
		check(t, "source web", web.Values, map[string]want{"total_calls": {v: 3}, "fcr": {v: 0}})
		// Filtered by level A (from the records): the same three calls.
		res, err = s.eng.Report(s.ctx, s.actors["admin2"], Query{From: s.day, To: s.day.AddDate(0, 0, 1), Interval: IntTotal,
			Levels: []string{"A"}})
		if err != nil || !res.FromRecords {
			t.Fatal(res, err)
		}
		check(t, "level A", res.Total.Values, map[string]want{"total_calls": {v: 3}, "fcr": {v: 0},
			"adherence": {note: NoteNotApplicable}})
	})
}
