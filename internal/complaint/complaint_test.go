package complaint

import (
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

// A complaint registered from a real call is prefilled with the caller's
// number, the customer matched by it, the agent and the recording.
func TestCreateFromCall(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		agent := f.actor("agent-a1")
		cust, err := f.crm.Create(f.ctx, agent, crm.CustomerInput{Name: "曹操", Phones: []string{"138 0013 8000"}})
		must(t, err)
		id := f.call("call-1", "13800138000", 41)
		d, err := f.svc.Draft(f.ctx, agent, id)
		must(t, err)
		if d.ContactPhone != "13800138000" || d.CustomerID != cust.ID || d.CustomerName != "曹操" || d.ContactName != "曹操" ||
			d.AgentID != f.ids["agent-a1"] || d.RecordingID != 41 || d.Channel != "phone" {
			t.Fatalf("draft %+v", d)
		}
		c, err := f.svc.Create(f.ctx, agent, Input{CallID: id, Content: "说要去消协投诉", Severity: SeverityGeneral,
			Steps: []string{"calm", "listen"}})
		must(t, err)
		if c.CallID != id || c.RecordingID != 41 || c.CustomerID != cust.ID || c.ContactPhone != "13800138000" || c.ContactName != "曹操" ||
			c.AgentID != f.ids["agent-a1"] || c.TeamID != f.teamA1 || c.DepartmentID != f.deptA || c.Status != StatusOpen ||
			c.Liability != LiabilityPending || c.PenaltyFen != 0 || c.StepsDone != 2 || c.CreatedBy != f.ids["agent-a1"] {
			t.Fatalf("created %+v", c)
		}
		// Someone who cannot read the call cannot file against it.
		if _, err := f.svc.Create(f.ctx, f.actor("agent-b"), Input{CallID: id, Content: "x", Severity: SeverityMinor}); apperr.As(err) == nil ||
			apperr.As(err).Field != "call_id" {
			t.Errorf("agent-b from A's call: %v", err)
		}
		// A caller not in the CRM: the number, no customer.
		other, err := f.svc.Draft(f.ctx, f.actor("sup-a"), f.call("call-2", "13700000000", 0))
		must(t, err)
		if other.CustomerID != 0 || other.ContactPhone != "13700000000" || other.RecordingID != 0 {
			t.Errorf("draft of an unknown caller %+v", other)
		}
	})
}

// A ticket through its life: steps ticked, judged (the penalty follows),
// forwarded, replied to by the responsible department, called back,
// closed, reopened and forwarded again; every change on the timeline and
// in the audit log.
func TestWorkflow(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		sup, fin := f.actor("sup-a"), f.actor("fin-1")
		c := f.ticket(SeverityMinor)
		id := c.ID
		for _, st := range Steps {
			_, err := f.svc.Check(f.ctx, f.actor("agent-a1"), id, CheckInput{Step: st, Done: true})
			must(t, err)
		}
		_, err := f.svc.Check(f.ctx, sup, id, CheckInput{Step: "thank", Done: false})
		must(t, err)
		c, err = f.svc.Assess(f.ctx, sup, id, AssessInput{Severity: SeverityGeneral, Liability: LiabilityAgent, Note: "录音核实"})
		must(t, err)
		if c.PenaltyFen != 500000 || c.Liability != LiabilityAgent || c.StepsDone != 4 {
			t.Fatalf("assessed %+v", c)
		}
		deadline := f.now.Add(48 * time.Hour)
		c, err = f.svc.Forward(f.ctx, sup, id, ForwardInput{DepartmentID: f.deptF, DeadlineAt: deadline, Note: "核实退款"})
		must(t, err)
		if c.Status != StatusForwarded || c.ResponsibleDepartmentID != f.deptF || !c.DeadlineAt.Equal(deadline) || c.Overdue {
			t.Fatalf("forwarded %+v", c)
		}
		f.now = f.now.Add(72 * time.Hour)
		if c, _ = f.svc.Get(f.ctx, sup, id); !c.Overdue {
			t.Error("a forward past its deadline is not overdue")
		}
		c, err = f.svc.Reply(f.ctx, fin, id, ReplyInput{Reply: "已退款 ¥200"})
		must(t, err)
		if c.Status != StatusReplied || c.Overdue {
			t.Fatalf("replied %+v", c)
		}
		c, err = f.svc.CallBack(f.ctx, sup, id, CallbackInput{Result: "resolved", Satisfaction: "satisfied", Note: "客户认可"})
		must(t, err)
		if c.Status != StatusCalledBack || c.CallbackSatisfaction != "satisfied" || c.CalledBackBy != f.ids["sup-a"] {
			t.Fatalf("called back %+v", c)
		}
		c, err = f.svc.Close(f.ctx, sup, id, CloseInput{Note: "处理完毕"})
		must(t, err)
		if c.Status != StatusClosed || c.ClosedAt.IsZero() {
			t.Fatalf("closed %+v", c)
		}
		c, err = f.svc.Reopen(f.ctx, sup, id, ReopenInput{Reason: "客户再次来电"})
		must(t, err)
		if c.Status != StatusOpen || c.Reopened != 1 || !c.ClosedAt.IsZero() {
			t.Fatalf("reopened %+v", c)
		}
		_, err = f.svc.Forward(f.ctx, sup, id, ForwardInput{DepartmentID: f.deptB, DeadlineAt: f.now.Add(time.Hour)})
		must(t, err)

		tk, err := f.svc.Ticket(f.ctx, sup, id)
		must(t, err)
		if len(tk.Forwards) != 2 || tk.Forwards[0].Reply != "已退款 ¥200" || tk.Forwards[0].RepliedBy != f.ids["fin-1"] ||
			!tk.Forwards[0].Late || tk.Forwards[1].DepartmentID != f.deptB || tk.Forwards[1].Reply != "" {
			t.Errorf("forwards %+v", tk.Forwards)
		}
		done := map[string]bool{}
		for _, ch := range tk.Checklist {
			done[ch.Step] = ch.Done
			if ch.Done && (ch.ByName != "User agent-a1" || ch.At.IsZero()) {
				t.Errorf("check %+v", ch)
			}
		}
		if len(tk.Checklist) != 5 || !done["calm"] || done["thank"] {
			t.Errorf("checklist %+v", tk.Checklist)
		}
		var kinds []string
		for _, e := range tk.Events {
			kinds = append(kinds, e.Kind)
		}
		want := []string{"created", "checked", "checked", "checked", "checked", "checked", "unchecked", "assessed", "forwarded",
			"replied", "called_back", "closed", "reopened", "forwarded"}
		if len(kinds) != len(want) {
			t.Fatalf("timeline %v", kinds)
		}
		for i := range want {
			if kinds[i] != want[i] {
				t.Fatalf("timeline %v, want %v", kinds, want)
			}
		}
		if e := tk.Events[7]; e.Detail.PenaltyFen != 500000 || e.Detail.Note != "录音核实" || e.ActorName != "User sup-a" {
			t.Errorf("assessed event %+v", e)
		}
		_, total, err := audit.List(f.ctx, db, audit.Filter{Resource: "complaints"})
		must(t, err)
		if total != len(want) {
			t.Errorf("%d audit entries, want %d", total, len(want))
		}
	})
}

// Changes that do not fit the ticket's state, or bad input, are refused
// with errors that say why.
func TestRefusals(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		sup := f.actor("sup-a")
		id := f.ticket(SeverityMinor).ID
		later := f.now.Add(time.Hour)
		cases := []struct {
			name  string
			do    func() error
			kind  apperr.Kind
			field string // the field, or the code of a conflict
		}{
			{"reply before forwarding", func() error { _, err := f.svc.Reply(f.ctx, sup, id, ReplyInput{Reply: "x"}); return err }, apperr.KindConflict, "wrong_status"},
			{"reopen an open ticket", func() error { _, err := f.svc.Reopen(f.ctx, sup, id, ReopenInput{Reason: "x"}); return err }, apperr.KindConflict, "wrong_status"},
			{"untick a step not ticked", func() error { _, err := f.svc.Check(f.ctx, sup, id, CheckInput{Step: "calm"}); return err }, apperr.KindConflict, "unchanged"},
			{"tick an unknown step", func() error { _, err := f.svc.Check(f.ctx, sup, id, CheckInput{Step: "smile", Done: true}); return err }, apperr.KindInvalid, "step"},
			{"bad severity", func() error { _, err := f.svc.Assess(f.ctx, sup, id, AssessInput{Severity: "huge"}); return err }, apperr.KindInvalid, "severity"},
			{"department liability without department", func() error {
				_, err := f.svc.Assess(f.ctx, sup, id, AssessInput{Severity: SeverityMinor, Liability: LiabilityDepartment})
				return err
			}, apperr.KindInvalid, "liable_department_id"},
			{"forward without deadline", func() error {
				_, err := f.svc.Forward(f.ctx, sup, id, ForwardInput{DepartmentID: f.deptF})
				return err
			}, apperr.KindInvalid, "deadline_at"},
			{"forward with a past deadline", func() error {
				_, err := f.svc.Forward(f.ctx, sup, id, ForwardInput{DepartmentID: f.deptF, DeadlineAt: f.now.Add(-time.Minute)})
				return err
			}, apperr.KindInvalid, "deadline_at"},
			{"forward to a missing department", func() error {
				_, err := f.svc.Forward(f.ctx, sup, id, ForwardInput{DepartmentID: 987654, DeadlineAt: later})
				return err
			}, apperr.KindInvalid, "department_id"},
			{"forward", func() error {
				_, err := f.svc.Forward(f.ctx, sup, id, ForwardInput{DepartmentID: f.deptF, DeadlineAt: later})
				return err
			}, 0, ""},
			{"close while waiting for the reply", func() error { _, err := f.svc.Close(f.ctx, sup, id, CloseInput{Note: "x"}); return err }, apperr.KindConflict, "wrong_status"},
			{"call back while waiting for the reply", func() error {
				_, err := f.svc.CallBack(f.ctx, sup, id, CallbackInput{Result: "resolved", Satisfaction: "satisfied"})
				return err
			}, apperr.KindConflict, "wrong_status"},
			{"reply from another department", func() error {
				_, err := f.svc.Reply(f.ctx, f.actor("agent-a1"), id, ReplyInput{Reply: "x"})
				return err
			}, apperr.KindForbidden, ""},
			{"empty reply", func() error { _, err := f.svc.Reply(f.ctx, f.actor("fin-1"), id, ReplyInput{Reply: " "}); return err }, apperr.KindInvalid, "reply"},
			{"reply", func() error {
				_, err := f.svc.Reply(f.ctx, f.actor("fin-1"), id, ReplyInput{Reply: "已核实"})
				return err
			}, 0, ""},
			{"call back without satisfaction", func() error {
				_, err := f.svc.CallBack(f.ctx, sup, id, CallbackInput{Result: "resolved"})
				return err
			}, apperr.KindInvalid, "satisfaction"},
			{"unreachable with satisfaction", func() error {
				_, err := f.svc.CallBack(f.ctx, sup, id, CallbackInput{Result: "unreachable", Satisfaction: "satisfied"})
				return err
			}, apperr.KindInvalid, "satisfaction"},
			{"unreachable", func() error {
				_, err := f.svc.CallBack(f.ctx, sup, id, CallbackInput{Result: "unreachable"})
				return err
			}, 0, ""},
			{"close without a note", func() error { _, err := f.svc.Close(f.ctx, sup, id, CloseInput{}); return err }, apperr.KindInvalid, "note"},
			{"close", func() error {
				_, err := f.svc.Close(f.ctx, sup, id, CloseInput{Note: "无法联系，结案"})
				return err
			}, 0, ""},
			{"tick a closed ticket", func() error { _, err := f.svc.Check(f.ctx, sup, id, CheckInput{Step: "calm", Done: true}); return err }, apperr.KindConflict, "closed"},
			{"judge a closed ticket", func() error { _, err := f.svc.Assess(f.ctx, sup, id, AssessInput{Severity: SeverityMinor}); return err }, apperr.KindConflict, "closed"},
			{"close twice", func() error { _, err := f.svc.Close(f.ctx, sup, id, CloseInput{Note: "x"}); return err }, apperr.KindConflict, "wrong_status"},
		}
		for _, c := range cases {
			err := c.do()
			if c.kind == 0 {
				if err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
				continue
			}
			e := apperr.As(err)
			if e == nil || e.Kind != c.kind || (c.field != "" && e.Field != c.field && e.Code != c.field) || e.Message == "" {
				t.Errorf("%s: got %v, want kind %d %s", c.name, err, c.kind, c.field)
			}
		}
		// Registering: what, who and the liability need their checks too.
		agent := f.actor("agent-a2")
		for name, in := range map[string]Input{
			"no content":            {ContactPhone: "1", Severity: SeverityMinor},
			"no contact":            {Content: "x", Severity: SeverityMinor},
			"bad channel":           {Content: "x", ContactPhone: "1", Channel: "fax", Severity: SeverityMinor},
			"no severity":           {Content: "x", ContactPhone: "1"},
			"agent outside scope":   {Content: "x", ContactPhone: "1", Severity: SeverityMinor, AgentID: f.ids["agent-a1"]},
			"liability by an agent": {Content: "x", ContactPhone: "1", Severity: SeverityMinor, Liability: LiabilityNone},
		} {
			if _, err := f.svc.Create(f.ctx, agent, in); err == nil {
				t.Errorf("%s: accepted", name)
			}
		}
		if _, err := f.svc.Create(f.ctx, agent, Input{Content: "x", ContactPhone: "1", Severity: SeverityMinor, Liability: LiabilityNone}); apperr.KindOf(err) != apperr.KindForbidden {
			t.Errorf("an agent judges the liability: %v", err)
		}
	})
}

// Who sees and who may change a ticket.
func TestScope(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		id := f.ticket(SeverityMinor).ID
		sees := func(who string, want bool) {
			t.Helper()
			_, err := f.svc.Get(f.ctx, f.actor(who), id)
			list, total, lerr := f.svc.List(f.ctx, f.actor(who), Filter{})
			must(t, lerr)
			if got := err == nil; got != want || (total == 1) != want || len(list) != total {
				t.Errorf("%s sees the ticket: %v (%v, list %d), want %v", who, got, err, total, want)
			}
			if !want && apperr.KindOf(err) != apperr.KindNotFound {
				t.Errorf("%s: %v, want not found", who, err)
			}
		}
		sees("sup-a", true)
		sees("lead-a1", true)
		sees("agent-a1", true)
		sees("agent-a2", false)
		sees("sup-b", false)
		sees("fin-1", false)
		sees("sup-f", false)
		_, err := f.svc.Forward(f.ctx, f.actor("sup-a"), id, ForwardInput{DepartmentID: f.deptF, DeadlineAt: f.now.Add(time.Hour)})
		must(t, err)
		sees("fin-1", true)
		sees("sup-f", true)
		sees("sup-b", false)
		if _, err := f.svc.Close(f.ctx, f.actor("sup-f"), id, CloseInput{Note: "x"}); apperr.KindOf(err) != apperr.KindForbidden {
			t.Errorf("the responsible department's supervisor closes: %v", err)
		}
		if _, err := f.svc.Check(f.ctx, f.actor("fin-1"), id, CheckInput{Step: "calm", Done: true}); apperr.KindOf(err) != apperr.KindForbidden {
			t.Errorf("the responsible department ticks a step: %v", err)
		}
		if _, err := f.svc.Reply(f.ctx, f.actor("sup-f"), id, ReplyInput{Reply: "财务已处理"}); err != nil {
			t.Fatalf("the responsible department's supervisor replies: %v", err)
		}
		// Forwarded elsewhere later, finance still sees what it answered.
		_, err = f.svc.Forward(f.ctx, f.actor("sup-a"), id, ForwardInput{DepartmentID: f.deptB, DeadlineAt: f.now.Add(time.Hour)})
		must(t, err)
		sees("fin-1", true)
		sees("agent-b", true)
		if _, err := f.svc.Reply(f.ctx, f.actor("fin-1"), id, ReplyInput{Reply: "x"}); apperr.KindOf(err) != apperr.KindForbidden {
			t.Errorf("an earlier department replies to the new forward: %v", err)
		}
		// Who registered a ticket about someone else keeps seeing it.
		mine, err := f.svc.Create(f.ctx, f.actor("lead-a1"), Input{Content: "投诉", ContactPhone: "139", Severity: SeverityMinor,
			AgentID: f.ids["agent-a2"]})
		must(t, err)
		if _, err := f.svc.Get(f.ctx, f.actor("lead-a1"), mine.ID); err != nil {
			t.Errorf("the registrar reads the ticket: %v", err)
		}
	})
}

// Penalties are configured per severity; a judged ticket keeps the amount
// of its time.
func TestPenalties(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		p, err := f.svc.Penalties(f.ctx)
		must(t, err)
		if p != (Penalties{MinorFen: 100000, GeneralFen: 500000, SeriousFen: 1000000}) {
			t.Fatalf("defaults %+v", p)
		}
		sup := f.actor("sup-a")
		old := f.ticket(SeveritySerious)
		_, err = f.svc.Assess(f.ctx, sup, old.ID, AssessInput{Severity: SeveritySerious, Liability: LiabilityAgent})
		must(t, err)
		twenty := int64(2000000)
		p, err = f.svc.SetPenalties(f.ctx, sup, PenaltiesInput{SeriousFen: &twenty})
		must(t, err)
		if p.SeriousFen != twenty || p.MinorFen != 100000 {
			t.Fatalf("set %+v", p)
		}
		if c, _ := f.svc.Get(f.ctx, sup, old.ID); c.PenaltyFen != 1000000 {
			t.Errorf("a judged ticket's penalty changed to %d", c.PenaltyFen)
		}
		fresh, err := f.svc.Create(f.ctx, sup, Input{Content: "已向媒体投诉", ContactPhone: "1", Severity: SeveritySerious,
			AgentID: f.ids["agent-a1"], Liability: LiabilityDepartment, LiableDepartmentID: f.deptF})
		must(t, err)
		if fresh.PenaltyFen != twenty {
			t.Errorf("new ticket's penalty %d", fresh.PenaltyFen)
		}
		none, err := f.svc.Assess(f.ctx, sup, fresh.ID, AssessInput{Severity: SeveritySerious, Liability: LiabilityNone})
		must(t, err)
		if none.PenaltyFen != 0 {
			t.Errorf("no liability, penalty %d", none.PenaltyFen)
		}
		neg := int64(-1)
		if _, err := f.svc.SetPenalties(f.ctx, sup, PenaltiesInput{MinorFen: &neg}); apperr.As(err) == nil || apperr.As(err).Field != "minor_fen" {
			t.Errorf("negative penalty: %v", err)
		}
		_, total, err := audit.List(f.ctx, db, audit.Filter{Resource: "complaint_penalties"})
		must(t, err)
		if total != 1 {
			t.Errorf("%d audit entries for penalties", total)
		}
	})
}
