package alert_test

import (
	"context"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/alert"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

// episodesOf returns a queue's episodes of one metric, newest first.
func (w *world) episodesOf(queueID int64, m alert.Metric) []alert.Episode {
	w.t.Helper()
	eps, _ := w.history("admin-1", alert.Filter{QueueID: queueID, Metric: m})
	return eps
}

// Calls pile up past the levels and drain: one episode that opens at
// warning, escalates to critical, keeps its peak and closes once.
func TestEvaluatorEpisode(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		w.setRule(w.sales, waitingRule(1, 3))
		w.evaluate(0)
		if eps := w.active("admin-1"); len(eps) != 0 {
			t.Fatalf("alerts before any call: %+v", eps)
		}
		first := w.enqueue(w.sales, 2)
		w.evaluate(2 * time.Second)
		act := w.active("admin-1")
		if len(act) != 1 || act[0].Metric != alert.MetricWaiting || act[0].Current != alert.LevelWarning || act[0].Queue != "sales" ||
			act[0].DepartmentID != w.deptA || act[0].Last != 2 || !act[0].Open() {
			t.Fatalf("after 2 callers: %+v", act)
		}
		opened := act[0]
		more := w.enqueue(w.sales, 3)
		w.evaluate(2 * time.Second)
		w.evaluate(2 * time.Second) // nothing changes: no second episode
		act = w.active("admin-1")
		if len(act) != 1 || act[0].ID != opened.ID || act[0].Current != alert.LevelCritical || act[0].Peak != 5 {
			t.Fatalf("after 5 callers: %+v", act)
		}
		w.hangUp(more...)
		w.evaluate(2 * time.Second)
		act = w.active("admin-1")
		if len(act) != 1 || act[0].Current != alert.LevelWarning || act[0].Level != alert.LevelCritical || act[0].Peak != 5 || act[0].Last != 2 {
			t.Fatalf("back to 2 callers: %+v", act)
		}
		w.hangUp(first...)
		w.evaluate(2 * time.Second)
		w.evaluate(2 * time.Second)
		if act := w.active("admin-1"); len(act) != 0 {
			t.Fatalf("open after the callers left: %+v", act)
		}
		eps := w.episodesOf(w.sales.ID, alert.MetricWaiting)
		if len(eps) != 1 {
			t.Fatalf("%d episodes, want 1: %+v", len(eps), eps)
		}
		e := eps[0]
		if e.ID != opened.ID || e.Level != alert.LevelCritical || e.Peak != 5 || e.EndedAt == nil || !e.EndedAt.After(e.StartedAt) ||
			e.Warning != 1 || e.Critical != 3 {
			t.Errorf("episode %+v", e)
		}
		want := []string{"alert.opened", "alert.escalated", "alert.deescalated", "alert.closed"}
		if got := w.noticeTypes(); join(got) != join(want) {
			t.Errorf("published %v, want %v", got, want)
		}
		w.mu.Lock()
		n := w.notices[0]
		w.mu.Unlock()
		if n.subject != "hotline.alert."+itoa(int(w.sales.ID)) || n.payload.Event != alert.EventOpened || n.payload.ID != opened.ID {
			t.Errorf("first notice %+v", n)
		}
	})
}

// The default hold time and hysteresis keep a queue that hovers at its
// level to one episode.
func TestEvaluatorNoFlapping(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		w.setRule(w.sales, alert.RuleInput{Metric: alert.MetricWaiting, Enabled: true, Warning: 2, Critical: 10, Hysteresis: 1, HoldSec: 6})
		base := w.enqueue(w.sales, 3) // past 2
		for i := 0; i < 4; i++ {
			w.evaluate(2 * time.Second)
		}
		if len(w.active("admin-1")) != 1 {
			t.Fatal("no alert after 8 s past the level")
		}
		// Callers come and go around the level: 2, 3, 2, 3...
		for i := 0; i < 10; i++ {
			w.hangUp(base[0])
			base = base[1:]
			w.evaluate(2 * time.Second)
			base = append(base, w.enqueue(w.sales, 1)...)
			w.evaluate(2 * time.Second)
		}
		w.hangUp(base...)
		for i := 0; i < 5; i++ {
			w.evaluate(2 * time.Second)
		}
		if eps := w.episodesOf(w.sales.ID, alert.MetricWaiting); len(eps) != 1 || eps[0].Open() {
			t.Fatalf("episodes %+v, want one, closed", eps)
		}
	})
}

// The windowed metrics open from the CDRs of the window and close when the
// calls leave it.
func TestEvaluatorWindowed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		now := w.clock.Now()
		for i := 0; i < 3; i++ {
			w.insertCDR("support", "answered", now.Add(-time.Duration(i+1)*time.Minute), 50*time.Second) // outside 20 s
		}
		w.insertCDR("support", "answered", now.Add(-4*time.Minute), 3*time.Second)
		w.insertCDR("support", "abandoned", now.Add(-5*time.Minute), 40*time.Second)
		// SL 1/5 = 20% (critical under 70); abandonment 1/5 = 20% (critical over 10).
		for i := 0; i < 6; i++ {
			w.evaluate(2 * time.Second) // the defaults hold 10 s
		}
		got := map[alert.Metric]alert.Episode{}
		for _, e := range w.active("sup-b") {
			got[e.Metric] = e
		}
		if sl := got[alert.MetricServiceLevel]; sl.Current != alert.LevelCritical || sl.Last != 20 {
			t.Errorf("service level alert %+v", sl)
		}
		if ar := got[alert.MetricAbandonRate]; ar.Current != alert.LevelCritical || ar.Last != 20 {
			t.Errorf("abandonment alert %+v", ar)
		}
		st, err := w.svc.Status(w.ctx, w.actors["sup-b"])
		if err != nil || len(st) != 1 || st[0].Queue != "support" || st[0].Level != alert.LevelCritical {
			t.Fatalf("status %+v %v", st, err)
		}
		for _, m := range st[0].Metrics {
			if m.Metric == alert.MetricServiceLevel && (m.Value == nil || *m.Value != 20 || m.Level != alert.LevelCritical || m.WindowMin != 30) {
				t.Errorf("service level status %+v", m)
			}
		}
		// Half an hour later the calls are out of the window: no figure, the alerts close.
		for i := 0; i < 8; i++ {
			w.evaluate(5 * time.Minute)
		}
		if act := w.active("admin-1"); len(act) != 0 {
			t.Errorf("open with an empty window: %+v", act)
		}
		st, _ = w.svc.Status(w.ctx, w.actors["sup-b"])
		for _, m := range st[0].Metrics {
			if m.Metric.Windowed() && m.Value != nil {
				t.Errorf("%s has a value with an empty window: %v", m.Metric, *m.Value)
			}
		}
	})
}

// Turning a rule off closes its open alert.
func TestEvaluatorRuleDisabled(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		w.setRule(w.sales, waitingRule(0, 5))
		w.enqueue(w.sales, 1)
		w.evaluate(time.Second)
		if len(w.active("admin-1")) != 1 {
			t.Fatal("no alert")
		}
		off := waitingRule(0, 5)
		off.Enabled = false
		w.setRule(w.sales, off)
		w.evaluate(time.Second)
		if act := w.active("admin-1"); len(act) != 0 {
			t.Fatalf("still open after the rule was turned off: %+v", act)
		}
	})
}

// A restarted evaluator carries on a recent open episode (the same row,
// closed once the figure is back) and closes a stale one at its last update.
func TestEvaluatorRestart(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		w.setRule(w.sales, waitingRule(0, 5))
		w.setRule(w.support, waitingRule(0, 5))
		callers := w.enqueue(w.sales, 2)
		w.enqueue(w.support, 1)
		w.evaluate(time.Second)
		before := w.active("admin-1")
		if len(before) != 2 {
			t.Fatalf("alerts %+v", before)
		}
		// The node restarts 30 s later: a new service on the same data.
		// The sales callers are still waiting (a shared ACD state).
		restart := func() *alert.Service {
			s := alert.New(alert.Deps{DB: db, Org: w.org, Queues: w.queues, ACD: w.acd, Log: w.svc.Log})
			s.Eval.Now = w.clock.Now
			return s
		}
		w.svc = restart()
		w.hangUp(w.acd.Snapshot().Queues[1].Calls[0].ID) // support's caller left meanwhile
		w.evaluate(30 * time.Second)
		after := w.active("admin-1")
		if len(after) != 1 || after[0].ID != before[0].ID && after[0].ID != before[1].ID || after[0].Queue != "sales" {
			t.Fatalf("after the restart: %+v (before %+v)", after, before)
		}
		if eps := w.episodesOf(w.sales.ID, alert.MetricWaiting); len(eps) != 1 {
			t.Errorf("sales has %d episodes after the restart, want the same one", len(eps))
		}
		// Down for ten minutes: the episode is closed where it was last seen.
		last := after[0].UpdatedAt
		w.svc = restart()
		w.hangUp(callers...)
		w.evaluate(10 * time.Minute)
		eps := w.episodesOf(w.sales.ID, alert.MetricWaiting)
		if len(eps) != 1 || eps[0].EndedAt == nil || !eps[0].EndedAt.Equal(last) {
			t.Fatalf("after ten minutes down: %+v (last seen %v)", eps, last)
		}
	})
}

// Two evaluators on one database (two nodes) keep one open episode per
// queue and metric.
func TestEvaluatorTwoNodes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		w.setRule(w.sales, waitingRule(0, 5))
		other := alert.New(alert.Deps{DB: db, Org: w.org, Queues: w.queues, ACD: w.acd, Log: w.svc.Log})
		other.Eval.Now = w.clock.Now
		w.enqueue(w.sales, 1)
		w.evaluate(time.Second)
		if err := other.Eval.Evaluate(w.ctx); err != nil {
			t.Fatal(err)
		}
		if eps := w.episodesOf(w.sales.ID, alert.MetricWaiting); len(eps) != 1 {
			t.Fatalf("%d episodes from two nodes, want 1", len(eps))
		}
	})
}

// Alerts belong to the queue's department: a supervisor sees their
// department's, a team leader those of their own department, an agent
// none, the administrator all — in the open alerts, the history and the
// status alike.
func TestAlertScope(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		w.setRule(w.sales, waitingRule(0, 5))
		w.setRule(w.support, waitingRule(0, 5))
		w.enqueue(w.sales, 1)
		w.enqueue(w.support, 1)
		w.evaluate(time.Second)
		for who, want := range map[string]string{"admin-1": "sales support", "sup-a": "sales", "sup-b": "support", "lead-a": "sales", "agent-a": ""} {
			var act, hist, stat []string
			for _, e := range w.active(who) {
				act = append(act, e.Queue)
			}
			eps, n := w.history(who, alert.Filter{})
			for _, e := range eps {
				hist = append(hist, e.Queue)
			}
			st, err := w.svc.Status(w.ctx, w.actors[who])
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range st {
				stat = append(stat, q.Queue)
			}
			if join(sorted(act)) != want || join(sorted(hist)) != want || n != len(hist) || join(stat) != want {
				t.Errorf("%s sees active %v, history %v (total %d), status %v; want %q", who, act, hist, n, stat, want)
			}
		}
		// Filters: by queue, level, metric and period.
		if eps, _ := w.history("admin-1", alert.Filter{QueueID: w.support.ID}); len(eps) != 1 || eps[0].Queue != "support" {
			t.Errorf("queue filter: %+v", eps)
		}
		if eps, _ := w.history("admin-1", alert.Filter{Level: alert.LevelCritical}); len(eps) != 0 {
			t.Errorf("critical filter: %+v", eps)
		}
		if eps, _ := w.history("admin-1", alert.Filter{To: w.clock.Now().Add(-time.Hour)}); len(eps) != 0 {
			t.Errorf("period before the alerts: %+v", eps)
		}
		if eps, n := w.history("admin-1", alert.Filter{From: w.clock.Now().Add(-time.Minute), Limit: 1}); len(eps) != 1 || n != 2 {
			t.Errorf("paged: %d of %d", len(eps), n)
		}
		if _, _, err := w.svc.History(w.ctx, w.actors["admin-1"], alert.Filter{Level: "high"}); err == nil {
			t.Error("unknown level accepted")
		}
	})
}

func sorted(ss []string) []string {
	out := append([]string(nil), ss...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// Run evaluates on its own until its context ends.
func TestEvaluatorRun(t *testing.T) {
	t.Parallel()
	w := newWorld(t, storetest.SQLite(t))
	w.setRule(w.sales, waitingRule(0, 5))
	ctx, cancel := context.WithCancel(w.ctx)
	done := make(chan struct{})
	go func() { w.svc.Eval.Run(ctx); close(done) }()
	w.svc.Eval.SetInterval(10 * time.Millisecond)
	w.enqueue(w.sales, 1)
	deadline := time.Now().Add(10 * time.Second)
	for len(w.active("admin-1")) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the running evaluator did not open the alert")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop with its context")
	}
}
