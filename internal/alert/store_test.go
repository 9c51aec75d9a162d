package alert_test

import (
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/alert"
	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

// The migration ships the defaults the wallboard used to hard-code.
func TestDefaultsShipped(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		rs, err := alert.LoadRules(w.ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		got := rs.Defaults()
		want := alert.Defaults()
		if len(got) != len(want) {
			t.Fatalf("defaults %+v", got)
		}
		for i := range want {
			g := got[i]
			g.ID, g.UpdatedAt = 0, time.Time{}
			if g != want[i] {
				t.Errorf("default %s: %+v, want %+v", want[i].Metric, g, want[i])
			}
			if err := want[i].Validate(); err != nil {
				t.Errorf("default %s does not validate: %v", want[i].Metric, err)
			}
		}
		// A queue without rules of its own inherits every default.
		qr, err := w.svc.QueueRules(w.ctx, w.actors["admin-1"], w.sales.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range qr.Rules {
			if !e.Inherited || e.QueueID != w.sales.ID {
				t.Errorf("sales rule %+v", e)
			}
		}
	})
}

// A queue's own rule overrides the default for that metric only; removing
// it inherits again; every change is audited; bad input names the field.
func TestQueueRules(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		admin := w.actors["admin-1"]
		qr, err := w.svc.SetQueue(w.ctx, admin, w.sales.ID, alert.RulesInput{Rules: []alert.RuleInput{waitingRule(2, 4)}})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range qr.Rules {
			own := e.Metric == alert.MetricWaiting
			if e.Inherited == own {
				t.Errorf("after setting waiting: %+v", e)
			}
			if own && (e.Warning != 2 || e.Critical != 4 || !e.Enabled) {
				t.Errorf("waiting rule %+v", e)
			}
		}
		// Changing it again updates the same row.
		if _, err := w.svc.SetQueue(w.ctx, admin, w.sales.ID, alert.RulesInput{Rules: []alert.RuleInput{waitingRule(3, 6)}}); err != nil {
			t.Fatal(err)
		}
		other, _ := w.svc.QueueRules(w.ctx, admin, w.support.ID)
		if !other.Rules[0].Inherited || other.Rules[0].Warning != 5 {
			t.Errorf("support changed with sales: %+v", other.Rules[0])
		}
		if err := w.svc.Inherit(w.ctx, admin, w.sales.ID, alert.MetricWaiting); err != nil {
			t.Fatal(err)
		}
		qr, _ = w.svc.QueueRules(w.ctx, admin, w.sales.ID)
		if !qr.Rules[0].Inherited || qr.Rules[0].Warning != 5 {
			t.Errorf("after inherit: %+v", qr.Rules[0])
		}
		var n int
		db.QueryRowContext(w.ctx, `SELECT count(*) FROM audit_log WHERE resource = 'alerts'`).Scan(&n)
		if n != 3 { // create, update, delete
			t.Errorf("%d audit rows, want 3", n)
		}
		// Defaults: changed by an actor who sees every department.
		if _, err := w.svc.SetDefaults(w.ctx, admin, alert.RulesInput{Rules: []alert.RuleInput{{Metric: alert.MetricServiceLevel,
			Enabled: true, Warning: 90, Critical: 75, WindowMin: 15, Hysteresis: 2, HoldSec: 5}}}); err != nil {
			t.Fatal(err)
		}
		qr, _ = w.svc.QueueRules(w.ctx, admin, w.sales.ID)
		if sl := qr.Rules[2]; sl.Metric != alert.MetricServiceLevel || sl.Warning != 90 || sl.WindowMin != 15 || !sl.Inherited {
			t.Errorf("sales service level after changing the default: %+v", sl)
		}
		bad := []struct {
			in    alert.RuleInput
			field string
		}{
			{alert.RuleInput{Metric: alert.MetricWaiting, Warning: 5, Critical: 3}, "waiting.critical"},
			{alert.RuleInput{Metric: alert.MetricServiceLevel, Warning: 70, Critical: 80, WindowMin: 30}, "service_level.critical"},
			{alert.RuleInput{Metric: alert.MetricServiceLevel, Warning: 80, Critical: 70}, "service_level.window_min"},
			{alert.RuleInput{Metric: alert.MetricAbandonRate, Warning: 120, Critical: 130, WindowMin: 30}, "abandon_rate.warning"},
			{alert.RuleInput{Metric: alert.MetricWaiting, Warning: 1, Critical: 3, Hysteresis: 2}, "waiting.hysteresis"},
			{alert.RuleInput{Metric: alert.MetricServiceLevel, Warning: 99, Critical: 70, WindowMin: 30, Hysteresis: 2}, "service_level.hysteresis"},
			{alert.RuleInput{Metric: alert.MetricLongestWait, Warning: 60, Critical: 120, WindowMin: 5}, "longest_wait.window_min"},
			{alert.RuleInput{Metric: alert.MetricLongestWait, Warning: 60, Critical: 120, HoldSec: -1}, "longest_wait.hold_sec"},
			{alert.RuleInput{Metric: "queue_length", Warning: 1, Critical: 2}, "metric"},
		}
		for _, b := range bad {
			_, err := w.svc.SetQueue(w.ctx, admin, w.sales.ID, alert.RulesInput{Rules: []alert.RuleInput{b.in}})
			if e := apperr.As(err); e == nil || e.Kind != apperr.KindInvalid || e.Field != b.field {
				t.Errorf("%+v: %v, want invalid %s", b.in, err, b.field)
			}
		}
		if _, err := w.svc.SetQueue(w.ctx, admin, w.sales.ID, alert.RulesInput{}); apperr.KindOf(err) != apperr.KindInvalid {
			t.Errorf("empty input: %v", err)
		}
	})
}

// Supervisors see and edit the rules of their department's queues only;
// the defaults, which every department shares, need the all scope.
func TestRuleScope(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		names := func(who string) []string {
			rs, err := w.svc.RuleSet(w.ctx, w.actors[who])
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, q := range rs.Queues {
				out = append(out, q.Queue)
			}
			if len(rs.Defaults) != 4 {
				t.Errorf("%s sees %d defaults", who, len(rs.Defaults))
			}
			return out
		}
		for who, want := range map[string]string{"admin-1": "sales support", "sup-a": "sales", "sup-b": "support", "lead-a": "sales", "agent-a": ""} {
			if got := join(names(who)); got != want {
				t.Errorf("%s sees queues %q, want %q", who, got, want)
			}
		}
		supB := w.actors["sup-b"]
		if _, err := w.svc.QueueRules(w.ctx, supB, w.sales.ID); apperr.KindOf(err) != apperr.KindNotFound {
			t.Errorf("supervisor B reads sales' rules: %v", err)
		}
		if _, err := w.svc.SetQueue(w.ctx, supB, w.sales.ID, alert.RulesInput{Rules: []alert.RuleInput{waitingRule(1, 2)}}); apperr.KindOf(err) != apperr.KindNotFound {
			t.Errorf("supervisor B changes sales' rules: %v", err)
		}
		if err := w.svc.Inherit(w.ctx, supB, w.sales.ID, alert.MetricWaiting); apperr.KindOf(err) != apperr.KindNotFound {
			t.Errorf("supervisor B resets sales' rule: %v", err)
		}
		if _, err := w.svc.SetQueue(w.ctx, supB, w.support.ID, alert.RulesInput{Rules: []alert.RuleInput{waitingRule(1, 2)}}); err != nil {
			t.Errorf("supervisor B changes support's rules: %v", err)
		}
		if _, err := w.svc.SetDefaults(w.ctx, supB, alert.RulesInput{Rules: []alert.RuleInput{waitingRule(1, 2)}}); apperr.KindOf(err) != apperr.KindForbidden {
			t.Errorf("supervisor B changes the defaults: %v", err)
		}
	})
}

func join(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += " "
		}
		out += s
	}
	return out
}

// The windowed figures count the inbound calls queued in the window, with
// the queue's thresholds (docs/metrics.md): short abandons out, answered
// within T in, overflows and callback requests against the service level.
func TestWindowCounts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		now := w.clock.Now()
		for _, c := range []struct {
			outcome string
			ago     time.Duration
			wait    time.Duration
		}{
			{"answered", time.Minute, 5 * time.Second},
			{"answered", 2 * time.Minute, 20 * time.Second}, // within 20 s, inclusive
			{"answered", 3 * time.Minute, 45 * time.Second},
			{"abandoned", 4 * time.Minute, 30 * time.Second},
			{"abandoned", 5 * time.Minute, 20 * time.Second}, // at the short-abandon threshold: long
			{"abandoned", 6 * time.Minute, 5 * time.Second},  // short: left out
			{"overflow", 7 * time.Minute, 60 * time.Second},
			{"callback", 8 * time.Minute, 40 * time.Second},
			{"callback", 9 * time.Minute, 10 * time.Second},
			{"answered", 40 * time.Minute, time.Second}, // before the window
		} {
			w.insertCDR("sales", c.outcome, now.Add(-c.ago), c.wait)
		}
		w.insertCDR("support", "abandoned", now.Add(-time.Minute), time.Minute)
		if _, err := db.ExecContext(w.ctx, `INSERT INTO cdrs (call_id, direction, started_at, outcome, queue, wait_ms)
			VALUES ('outbound-1', 'outbound', $1, 'abandoned', 'sales', 60000)`, now.Add(-time.Minute).UnixMilli()); err != nil {
			t.Fatal(err)
		}
		th := alert.QueueThresholds(w.sales.Queue)
		c, err := alert.WindowCounts(w.ctx, db, "sales", now.Add(-30*time.Minute), now, th)
		if err != nil {
			t.Fatal(err)
		}
		if c != (alert.Counts{Queued: 9, Answered: 3, AnsweredInSL: 2, Abandoned: 2, ShortAbandoned: 1, Overflowed: 3}) {
			t.Fatalf("counts %+v", c)
		}
		// 2 ÷ (3 + 2 + 3) and 2 ÷ (9 − 1).
		if sl, ok := alert.ServiceLevel(c); !ok || sl != 25 {
			t.Errorf("service level %v %v, want 25%%", sl, ok)
		}
		if ar, ok := alert.AbandonRate(c); !ok || ar != 25 {
			t.Errorf("abandon rate %v %v, want 25%%", ar, ok)
		}
		// The queue's own thresholds replace the defaults.
		q := w.sales.Queue
		q.ServiceLevelSec, q.ShortAbandonSec = 60, 31
		c, _ = alert.WindowCounts(w.ctx, db, "sales", now.Add(-30*time.Minute), now, alert.QueueThresholds(q))
		if c.AnsweredInSL != 3 || c.Abandoned != 0 || c.ShortAbandoned != 3 {
			t.Errorf("counts with the queue's thresholds %+v", c)
		}
		c, _ = alert.WindowCounts(w.ctx, db, "nobody", now.Add(-30*time.Minute), now, th)
		if _, ok := alert.ServiceLevel(c); ok {
			t.Error("a window without calls has a service level")
		}
		if _, ok := alert.AbandonRate(c); ok {
			t.Error("a window without calls has an abandon rate")
		}
		// Only short abandons: no abandonment rate (nothing to divide by).
		if _, ok := alert.AbandonRate(alert.Counts{Queued: 2, ShortAbandoned: 2}); ok {
			t.Error("an abandon rate of short abandons only")
		}
	})
}
